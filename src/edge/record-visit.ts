import type { IncomingHttpHeaders } from 'node:http';
import type { Click } from '../domain/click.js';
import type { RandomSource, VisitorFacts } from '../domain/funnel-evaluation.js';
import type { Micros } from '../domain/money.js';
import { captureChannelParams, referrerDomain, type ChannelParams } from './channel-params.js';
import type { ClickBuffer } from './click-buffer.js';
import { mintClickId } from '../domain/click-id.js';
import type { ConfigurationSnapshot, EdgeCampaign } from './configuration-snapshot.js';
import type { VisitorDetector } from './detection/visitor-detector.js';
import { renderClickUrl } from './click-macro-values.js';
import type { OfferCaps } from './offer-caps.js';
import { offerEligibility, landerEligibility } from './offer-eligibility.js';
import { visitorKey, type UniqueVisitors } from './unique-visitors.js';
import { isPlacementBlocked } from './blocked-placements.js';

const HOUR = 3_600_000;
const SUB_FIELDS = Array.from({ length: 20 }, (_, i) => `sub${i + 1}`);

/** Everything the edge keeps in memory to answer a visit without reading a database. */
export interface EdgeState {
  snapshot(): ConfigurationSnapshot;
  detector: VisitorDetector;
  buffer: ClickBuffer;
  uniques: UniqueVisitors;
  caps: OfferCaps;
  random: RandomSource;
  now(): number;
}

export interface VisitRequest {
  query: Record<string, string | string[] | undefined>;
  remoteAddress: string;
  headers: IncomingHttpHeaders;
  /** The page that sent the visitor: the Referer header for redirects, the page's own referrer for direct tracking. */
  referrer: string;
  direct: boolean;
}

export interface VisitResult {
  click: Click;
  /** Where to send the visitor; undefined when nothing is eligible and the campaign has no fallback URL. */
  target: string | undefined;
  /** Settles when the click is durable (rejects if the store refused it). */
  written: Promise<void>;
}

/**
 * A visit to a campaign: detect the visitor, run the funnel, price the click, mint its id and queue it
 * for the next group commit; `written` settles once the click is durable.
 */
export function recordVisit(state: EdgeState, entry: EdgeCampaign, request: VisitRequest): VisitResult {
  const now = state.now();
  const { campaign } = entry;
  const snapshot = state.snapshot();
  const visitor = state.detector.detect({ remoteAddress: request.remoteAddress, headers: request.headers });
  const channel = captureChannelParams(request.query, entry.customParams);
  const referrer = request.referrer.slice(0, 2000);
  const referrerHost = referrerDomain(referrer);
  const facts = visitorFacts(visitor, channel, referrerHost, entry.factFields);

  const isOfferEligible = offerEligibility(snapshot, state.caps, now);
  const isLanderEligible = landerEligibility(snapshot);
  // A blocked placement is not routed at all: its visitor goes to the fallback URL.
  const blocked = entry.blocked !== null && isPlacementBlocked(entry.blocked, channel);
  const route =
    campaign.status === 'active' && !blocked
      ? entry.funnel.route(facts, now, state.random, isOfferEligible, isLanderEligible)
      : ({ kind: 'none', ruleIndex: -1 } as const);

  const key = visitorKey(visitor.ip, String(request.headers['user-agent'] ?? ''));
  const isUnique = state.uniques.visit(campaign.id, key, now, campaign.uniquenessWindowHours * HOUR);
  const routed = route.kind === 'route';
  const landerId = routed && route.landerId !== undefined ? route.landerId : null;
  // With a lander the offer is chosen at the lander's click-through; without one, now.
  const offerId = routed && landerId === null ? route.offerId : null;

  const click: Click = {
    clickId: mintClickId(now),
    createdAt: now,
    campaignId: campaign.id,
    trafficChannelId: campaign.trafficChannelId,
    ruleIndex: route.ruleIndex,
    pathIndex: routed ? route.pathIndex : -1,
    landerId,
    offerId,
    outcome: routed ? 'routed' : blocked ? 'blocked' : 'fallback',
    refId: channel.refId,
    subs: channel.subs,
    params: channel.params,
    cost: clickCost(entry, channel),
    ip: visitor.ip,
    country: visitor.country,
    region: visitor.region,
    city: visitor.city,
    isp: visitor.isp,
    asn: visitor.asn || null,
    deviceType: visitor.deviceType,
    brand: visitor.brand,
    model: visitor.model,
    os: visitor.os,
    osVersion: visitor.osVersion,
    browser: visitor.browser,
    browserVersion: visitor.browserVersion,
    language: visitor.language,
    connectionType: visitor.connectionType,
    referrer,
    referrerDomain: referrerHost,
    userAgent: String(request.headers['user-agent'] ?? '').slice(0, 1000),
    isBot: visitor.isBot,
    isUnique,
    direct: request.direct,
    visitorKey: key,
    landerClickedAt: null,
    landerClickOfferId: null,
  };

  let target: string | undefined;
  if (landerId !== null) {
    target = renderClickUrl(snapshot.landers.get(landerId)!.url, click, campaign, { landerId });
  } else if (offerId !== null) {
    target = renderClickUrl(snapshot.offers.get(offerId)!.url, click, campaign, { offerId });
    state.caps.recordClick(offerId, now);
  } else {
    target = campaign.fallbackUrl ?? undefined;
  }

  return { click, target, written: state.buffer.addClick(click) };
}

/** CPC campaigns cost their value per click, or the `cost` the channel passed; other models cost nothing at the click. */
function clickCost(entry: EdgeCampaign, channel: ChannelParams): Micros {
  if (entry.campaign.costModel !== 'cpc') return 0;
  return channel.cost ?? entry.campaign.costValue;
}

/** The visitor traits a funnel condition can test; a detected visitor and a recorded click both have them. */
type VisitorTraits = Pick<
  Click,
  'ip' | 'country' | 'region' | 'city' | 'isp' | 'deviceType' | 'brand' | 'os' | 'osVersion' | 'browser' | 'browserVersion' | 'language' | 'connectionType' | 'isBot'
>;
type ChannelTraits = Pick<ChannelParams, 'refId' | 'subs' | 'params'>;
type FactReader = (visitor: VisitorTraits, channel: ChannelTraits, referrerHost: string) => unknown;

/** How each fact a funnel condition tests is read from the visitor and the channel's parameters. */
const FACT_READERS: Record<string, FactReader> = {
  country: (v) => v.country,
  region: (v) => v.region,
  city: (v) => v.city,
  isp: (v) => v.isp,
  device_type: (v) => v.deviceType,
  brand: (v) => v.brand,
  os: (v) => v.os,
  os_version: (v) => v.osVersion,
  browser: (v) => v.browser,
  browser_version: (v) => v.browserVersion,
  language: (v) => v.language,
  connection_type: (v) => v.connectionType,
  referrer_domain: (_v, _c, referrerHost) => referrerHost,
  ref_id: (_v, c) => c.refId,
  bot: (v) => v.isBot,
  ip: (v) => v.ip,
  params: (_v, c) => c.params,
  ...Object.fromEntries(SUB_FIELDS.map((name, i): [string, FactReader] => [name, (_v, c) => c.subs[i]])),
};

export const ALL_FACTS: readonly string[] = Object.keys(FACT_READERS);

/**
 * The facts the funnel and offer targeting read. A campaign names the few it tests (EdgeCampaign
 * `factFields`), so a click builds only those rather than all thirty-seven.
 */
export function visitorFacts(visitor: VisitorTraits, channel: ChannelTraits, referrerHost: string, fields: readonly string[] = ALL_FACTS): VisitorFacts {
  const facts: Record<string, unknown> = {};
  for (const field of fields) facts[field] = FACT_READERS[field]!(visitor, channel, referrerHost);
  return facts as VisitorFacts;
}
