import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { pickLanderOffer } from '../../domain/funnel-evaluation.js';
import { queryValue } from '../channel-params.js';
import { clickIdFromCookie } from '../click-cookie.js';
import { normalizeClickId } from '../../domain/click-id.js';
import { renderClickUrl } from '../click-macro-values.js';
import type { EdgeDeps } from '../edge-plugin.js';
import { offerEligibility } from '../offer-eligibility.js';
import type { Query } from '../query-string.js';
import { visitorFacts } from '../record-visit.js';
import { offerRedirectMode } from '../redirect-response.js';
import { sendAnswer, type VisitorAnswer } from '../visitor-answer.js';
import { notFoundPage } from '../visitor-pages.js';

type LanderClickRequest = FastifyRequest<{ Params: { n?: string }; Querystring: Query }>;

export interface LanderClick {
  query: Query;
  /** The Cookie header, where the visitor's click id is when the URL has none. */
  cookie: string | undefined;
  /** `n` of `/lp/click/{n}`, as written. */
  offerNumber: string | undefined;
}

/**
 * `GET /lp/click` and `/lp/click/{n}`: the lander's call to action. Finds the visitor's click (cookie
 * or `clickid`), picks offer n of the click's path (or a weighted eligible one), records the lander
 * click on the same click, and sends the visitor to the offer. The tracking listener
 * (tracking-listener.ts) serves most of these; these routes serve the rest and the API reference.
 */
export function landerClickRoutes(app: FastifyInstance, deps: EdgeDeps): void {
  const schema = { tags: ['tracking'], summary: "Lander click-through to the offer (offer n of a multi-offer lander); finds the click by cookie or clickid" };
  const handler = async (request: LanderClickRequest, reply: FastifyReply) =>
    sendAnswer(reply, await answerLanderClick(deps, { query: request.query, cookie: request.headers.cookie, offerNumber: request.params.n }));
  app.get('/lp/click', { schema }, handler);
  app.get('/lp/click/:n', { schema }, handler);
}

export async function answerLanderClick(deps: EdgeDeps, request: LanderClick): Promise<VisitorAnswer> {
  const { state } = deps;
  const fromQuery = queryValue(request.query, 'clickid');
  const clickId = (fromQuery && normalizeClickId(fromQuery)) || clickIdFromCookie(request.cookie);
  // One indexed read: a click is committed before its visitor is redirected, so it is always there.
  const click = clickId ? await deps.events.findClick(clickId) : undefined;
  if (!click) {
    deps.metrics.landerClicks.inc({ outcome: 'unknown_click' });
    return notFoundPage();
  }
  const snapshot = state.snapshot();
  const entry = snapshot.campaignById(click.campaignId);
  const path = entry?.funnel.pathAt(click.ruleIndex, click.pathIndex);
  const now = state.now();
  const facts = visitorFacts(click, click, click.referrerDomain);
  const offerId = path
    ? pickLanderOffer(path, offerNumberOf(request.offerNumber), state.random, offerEligibility(snapshot, state.caps, now), facts)
    : null;
  if (!entry || offerId === null) {
    deps.metrics.landerClicks.inc({ outcome: 'fallback' });
    const fallback = entry?.campaign.fallbackUrl;
    return fallback ? deps.redirector.answer('302', fallback) : notFoundPage();
  }
  state.caps.recordClick(offerId, now);
  try {
    await deps.events.recordLanderClick(click.clickId, offerId, now);
  } catch (error) {
    deps.metrics.unrecorded.inc();
    deps.logStoreFailure(error);
  }
  deps.metrics.landerClicks.inc({ outcome: 'routed' });
  const edgeOffer = snapshot.offers.get(offerId)!;
  const target = renderClickUrl(edgeOffer.url, click, entry.campaign, { offerId, landerId: click.landerId ?? undefined });
  return deps.redirector.answer(offerRedirectMode(entry.campaign.redirectMode === 'double_meta' ? 'double_meta' : '302', edgeOffer.offer), target);
}

/** Offer 1..20 of a multi-offer lander; anything else lets the path choose. */
function offerNumberOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  return Number.isInteger(n) && n >= 1 && n <= 20 ? n : undefined;
}
