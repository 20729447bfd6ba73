import { timingSafeEqual } from 'node:crypto';
import { clickDimensionsOf, type Conversion, type ConversionOrigin, type NewConversion } from '../domain/conversion.js';
import { CONVERSION_STATUSES, type ConversionStatus } from '../domain/conversion-status.js';
import { effectiveDuplicateMode, planDuplicateHandling, type DuplicatePlan, type RecordOutcome } from '../domain/duplicate-resolution.js';
import { parseMoney } from '../domain/money.js';
import type { Offer } from '../domain/offer.js';
import type { OfferSource } from '../domain/offer-source.js';
import { decideSpillover } from '../domain/spillover.js';
import { contactParamNames, extractPersonalData } from '../domain/personal-data.js';
import { ALL_POSTBACK_NAMES, findUnreplacedMacro, readPostbackValues, type RawParams } from '../domain/postback-params.js';
import { normalizeClickId } from '../domain/click-id.js';
import type { ConfigurationSnapshot } from '../edge/configuration-snapshot.js';
import { createIpList, type IpList } from '../edge/detection/ip-list.js';
import type { OfferCaps } from '../edge/offer-caps.js';
import type { PostbackLogEntry, PostbackOutcome } from '../domain/postback-log.js';
import type { EntityStore, NewOutboxEntry, PostbackSettlement, RecordedConversion } from '../store/entity-store.js';
import type { EventStore } from '../store/event-store.js';
import type { CurrencyConverter } from './currency-rates.js';
import { channelPostbackEntry } from './channel-postback-queue.js';
import { maskedQuery } from './masked-query.js';
import { pulledTwinPlan } from './pulled-twin-plan.js';

export interface ConversionDeps {
  store: EntityStore;
  events: EventStore;
  snapshot(): ConfigurationSnapshot;
  currency: CurrencyConverter;
  caps: OfferCaps;
  /**
   * Called when the admin API edits a conversion: the channel postback. A postback queues its channel
   * postback itself, in the transaction that records the conversion.
   */
  onConversion?(conversion: Conversion, outcome: RecordOutcome): Promise<void>;
  /** Called with the log row of a committed conversion that the event store refused, so it is not lost. */
  onUnloggedPostback(entry: PostbackLogEntry, error: unknown): void;
  now(): number;
}

export interface PostbackInput {
  params: RawParams;
  method: string;
  sourceIp: string;
  origin: ConversionOrigin;
  /** The click id from the visitor's cookie (pixel), used when the parameters carry none. */
  cookieClickId?: string | undefined;
  /**
   * Set only by the admin API, whose API key already vouches for the caller: the offer source's
   * postback token and IP allowlist, which guard the public /postback, are not checked.
   */
  authenticated?: boolean;
}

export interface PostbackResult {
  /** 200 for every well-formed postback; 400 without a click id. */
  httpStatus: 200 | 400;
  outcome: PostbackOutcome;
  reason: string;
  conversion?: Conversion;
  /** What an accepted postback did to the stored conversions. */
  change?: 'created' | 'edited' | 'incremented' | 'status_changed';
}

class Rejection extends Error {}

/** A conversion as the offer caps count it. */
type CapCounted = { status: ConversionStatus; payout: number };

/** A postback ready to commit: the conversion, its duplicate plan, and how to settle what the insert did. */
interface Attributed {
  values: NewConversion;
  plan: DuplicatePlan;
  settle(recorded: RecordedConversion): PostbackSettlement;
  /** Takes back what `settle` counted towards the offer's caps, when the commit did not happen. */
  uncount(): void;
}

/**
 * A postback (or pixel) from arrival to record: read the parameters and their aliases, find the click,
 * check the offer source's token and IP allowlist, resolve type, status, payout and currency, apply
 * the duplicate mode, and log the outcome with a reason a person can act on. The conversion and the
 * traffic channel's postback are one entity commit; the log row, with what that commit settled, is
 * appended to the event store after it (written off this thread). Both are shared with the postbacks
 * that arrive together, and the answer waits for both.
 */
export async function recordPostback(deps: ConversionDeps, input: PostbackInput): Promise<PostbackResult> {
  const receivedAt = deps.now();
  let source: OfferSource | undefined;
  let clickId: string | null = null;
  const logRow = () => ({
    receivedAt,
    method: input.method,
    sourceIp: input.sourceIp,
    query: maskedQuery(input.params, contactParamNames(source)),
    clickId,
    offerSourceId: source?.id ?? null,
  });

  let attributed: Attributed;
  try {
    attributed = await attribute();
  } catch (error) {
    if (!(error instanceof Rejection)) throw error;
    await deps.events.appendPostbackLog([{ ...logRow(), outcome: 'rejected', reason: error.message, conversionId: null }]);
    return { httpStatus: clickId === null && !rawClickId() ? 400 : 200, outcome: 'rejected', reason: error.message };
  }

  const { values, plan, settle } = attributed;
  let committed;
  try {
    committed = await deps.store.commitPostback({ values, plan, settle });
  } catch (error) {
    attributed.uncount();
    throw error;
  }
  const { recorded, settlement } = committed;
  const { outcome, conversion } = recorded;
  // The conversion is committed: a log row that cannot be written must not turn the answer into a
  // failure, or the network's retry would count the conversion again under a mode that keeps every
  // postback. The row goes to the process log instead.
  const entry: PostbackLogEntry = { ...logRow(), outcome: settlement.outcome, reason: settlement.reason, conversionId: conversion.id };
  try {
    await deps.events.appendPostbackLog([entry]);
  } catch (error) {
    deps.onUnloggedPostback(entry, error);
  }
  if (outcome === 'ignored') {
    if (settlement.statusChange) return { httpStatus: 200, outcome: settlement.outcome, reason: settlement.reason, conversion, change: 'status_changed' };
    return { httpStatus: 200, outcome: settlement.outcome, reason: settlement.reason, conversion };
  }
  return { httpStatus: 200, outcome: settlement.outcome, reason: settlement.reason, conversion, change: outcome };

  function rawClickId(): string | undefined {
    return readPostbackValues(input.params).clickid ?? input.cookieClickId;
  }

  async function attribute(): Promise<Attributed> {
    const values = readPostbackValues(input.params);
    const unreplaced = findUnreplacedMacro(input.params, ALL_POSTBACK_NAMES);
    const given = values.clickid ?? input.cookieClickId;
    if (!given) throw new Rejection(input.origin === 'pixel' ? 'no click id: no clickid parameter and no click cookie' : 'missing click id (clickid, cid, subid or click_id)');
    if (unreplaced) throw new Rejection(`unreplaced macro ${unreplaced.value} in ${unreplaced.name}`);
    clickId = normalizeClickId(given);
    if (!clickId) throw new Rejection(`unknown click id "${given.slice(0, 64)}" (not a Waypost click id)`);

    const click = await deps.events.findClickForConversion(clickId);
    if (!click) throw new Rejection(`unknown click id ${clickId}`);

    const snapshot = deps.snapshot();
    const offerId = click.landerClickOfferId ?? click.offerId;
    const offer = offerId === null ? undefined : snapshot.offers.get(offerId)?.offer;
    source = offer ? snapshot.offerSources.get(offer.offerSourceId) : undefined;
    checkSecurity(source, values.token);

    const type = values.type ?? null;
    const conversionType = type === null ? undefined : snapshot.conversionTypes.get(type);
    if (type !== null && !conversionType) throw new Rejection(`unknown conversion type "${type}" (types are case-sensitive)`);

    const status = resolveStatus(values.status, source);
    const currency = (values.currency ?? offer?.currency ?? source?.currency ?? deps.currency.accountCurrency).toUpperCase();
    if (!/^[A-Z]{3}$/.test(currency)) throw new Rejection(`invalid currency "${currency}"`);
    let originalPayout = offer?.payout ?? 0;
    if (values.sum !== undefined) {
      const parsed = parseMoney(values.sum.replace(',', '.'));
      if (parsed === undefined || parsed < 0) throw new Rejection(`invalid sum "${values.sum.slice(0, 40)}"`);
      originalPayout = parsed;
    }
    const payout = await deps.currency.toAccount(originalPayout, currency);
    if (payout === undefined) throw new Rejection(`no exchange rate stored for ${currency}; add it under currency rates`);

    const mode = effectiveDuplicateMode(conversionType?.duplicateMode, source?.duplicateMode, offer?.multipleConversionsPerClick);
    const eventId = values.event_id ?? null;
    // Only an offer source with an integration can have a pulled conversion this postback repeats.
    const pulledTwin = source && snapshot.offerSourcesWithIntegration.has(source.id) ? await pulledTwinPlan(deps.store, clickId, type, source.id) : undefined;
    const plan = pulledTwin ?? planDuplicateHandling(mode, clickId, type, eventId);
    const personalData = extractPersonalData(input.params, source);
    const contact = contactParamNames(source);
    const kept = Object.fromEntries(Object.entries(input.params).filter(([name]) => !contact.has(name) && name !== 'token').slice(0, 50));

    const conversion: NewConversion = {
      clickId,
      convertedAt: receivedAt,
      clickAt: click.createdAt,
      type,
      status,
      payout,
      originalPayout,
      originalCurrency: currency,
      eventId,
      origin: input.origin,
      ...clickDimensionsOf(click),
      offerSourceId: source?.id ?? null,
      offerId,
      params: kept,
      personalData,
    };

    // What settle counted towards the offer's caps: a batch that fails is retried alone, calling
    // settle again, so each call first takes back what the previous one counted.
    const counted: (() => void)[] = [];
    const uncount = () => {
      for (const undo of counted.splice(0)) undo();
    };
    const count = (at: number, before: CapCounted | undefined, after: CapCounted | undefined) => {
      if (offerId === null) return;
      deps.caps.changeConversion(offerId, at, before, after);
      counted.push(() => deps.caps.changeConversion(offerId, at, after, before));
    };

    // Runs inside the store's transaction, once the insert has met (or not) an existing conversion.
    const settle = ({ outcome, conversion: stored, previous }: RecordedConversion): PostbackSettlement => {
      uncount();
      if (outcome === 'ignored') {
        // A later postback may still move the status on (pending → approved), whatever the mode;
        // the channel hears about the new status too.
        if (values.status !== undefined && stored.status !== status) {
          const at = deps.now();
          // Under an approved cap an approval is what counts, so it meets the cap now.
          const spill = status === 'approved' && offer?.caps.type === 'approved' ? spillover(offer, at) : undefined;
          const next = spill?.decline ? 'declined' : status;
          if (next === stored.status) return { outcome: 'duplicate', reason: `duplicate ignored (${spill?.decline ? spill.reason : 'same status'})` };
          count(stored.convertedAt, { status: stored.status, payout: stored.payout }, { status: next, payout: stored.payout });
          const note = spill ? `; ${spill.decline ? spill.reason : spill.note}` : '';
          return {
            outcome: 'accepted',
            reason: `status changed from ${stored.status} to ${next}${note}`,
            statusChange: { status: next, at },
            channelPostback: channelPostbackFor({ ...stored, status: next, updatedAt: at }),
          };
        }
        const why = mode === 'ignore_by_event_id' ? `event id ${eventId} already recorded` : `mode ${mode ?? 'none'}`;
        return { outcome: 'duplicate', reason: `duplicate ignored (${why})` };
      }
      if (outcome === 'created') {
        // Past a cap of the offer (counted before this conversion), spillover decides; the conversion
        // is stored either way, declined at worst, with the reason in the log.
        const spill = offer ? spillover(offer, receivedAt) : undefined;
        const created = stored.duplicateStatus === 'repeated' ? 'conversion created (repeated)' : 'conversion created';
        if (spill?.decline) {
          count(receivedAt, undefined, { status: 'declined', payout: stored.payout });
          const declined = { ...stored, status: 'declined' as const };
          return { outcome: 'accepted', reason: `${created} as ${spill.reason}`, statusChange: { status: 'declined', at: receivedAt }, channelPostback: channelPostbackFor(declined) };
        }
        count(receivedAt, undefined, { status: stored.status, payout: stored.payout });
        return { outcome: 'accepted', reason: spill ? `${created}, ${spill.note}` : created, channelPostback: channelPostbackFor(stored) };
      }
      if (outcome === 'incremented') {
        count(stored.convertedAt, { status: stored.status, payout: stored.payout - payout }, { status: stored.status, payout: stored.payout });
        return { outcome: 'accepted', reason: 'payout added to the original conversion (mode increment_payout)' };
      }
      // The edit replaced status and payout: the caps count the new ones instead of the old.
      if (previous) count(stored.convertedAt, previous, { status: stored.status, payout: stored.payout });
      return { outcome: 'accepted', reason: 'duplicate applied to the original conversion (mode edit)', channelPostback: channelPostbackFor(stored) };
    };
    return { values: conversion, plan, settle, uncount };
  }

  /** Spillover's decision when a cap of the offer is reached at `at`; undefined within the caps. */
  function spillover(offer: Offer, at: number) {
    const cap = deps.caps.reachedCap(offer, at);
    return cap ? decideSpillover(offer, cap) : undefined;
  }

  /** The traffic channel's postback for a conversion, from the configuration the edge serves. */
  function channelPostbackFor(conversion: Conversion): NewOutboxEntry | undefined {
    const snapshot = deps.snapshot();
    const entry = snapshot.campaignById(conversion.campaignId);
    if (!entry) return undefined;
    const conversionType = conversion.type === null ? undefined : snapshot.conversionTypes.get(conversion.type);
    return channelPostbackEntry({ conversion, campaign: entry.campaign, channel: entry.channel, conversionType, accountCurrency: deps.currency.accountCurrency }, Date.now());
  }

  function checkSecurity(offerSource: OfferSource | undefined, token: string | undefined): void {
    if (!offerSource || input.authenticated) return;
    if (offerSource.postbackToken) {
      if (!token) throw new Rejection('token missing');
      const expected = Buffer.from(offerSource.postbackToken);
      const given = Buffer.from(token);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new Rejection('token mismatch');
    }
    if (offerSource.ipAllowlist.length && !allowlist(offerSource).has(input.sourceIp)) {
      throw new Rejection(`source IP ${input.sourceIp} is not in the offer source's allowlist`);
    }
  }
}

const allowlists = new WeakMap<OfferSource, IpList>();
function allowlist(source: OfferSource): IpList {
  let list = allowlists.get(source);
  if (!list) allowlists.set(source, (list = createIpList(source.ipAllowlist, `offer source ${source.id} IP allowlist`)));
  return list;
}

function resolveStatus(given: string | undefined, source: OfferSource | undefined): ConversionStatus {
  if (given === undefined) return source?.defaultStatus ?? 'approved';
  const mapped = source?.statusMapping[given] ?? source?.statusMapping[given.toLowerCase()];
  if (mapped) return mapped;
  const lower = given.toLowerCase();
  if ((CONVERSION_STATUSES as readonly string[]).includes(lower)) return lower as ConversionStatus;
  throw new Rejection(`unknown status "${given.slice(0, 40)}"; use ${CONVERSION_STATUSES.join(', ')} or map it on the offer source`);
}
