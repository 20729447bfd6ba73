import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { pickLanderOffer } from '../../domain/funnel-evaluation.js';
import { queryValue } from '../channel-params.js';
import { clickIdFromCookie } from '../click-cookie.js';
import { normalizeClickId } from '../../domain/click-id.js';
import { renderClickUrl } from '../click-macro-values.js';
import type { EdgeDeps } from '../edge-plugin.js';
import { offerEligibility } from '../offer-eligibility.js';
import { visitorFacts } from '../record-visit.js';
import { sendNotFoundPage } from '../visitor-pages.js';

type LanderClickRequest = FastifyRequest<{ Params: { n?: string }; Querystring: Record<string, string | string[]> }>;

/**
 * `GET /lp/click` and `/lp/click/{n}`: the lander's call to action. Finds the visitor's click (cookie
 * or `clickid`), picks offer n of the click's path (or a weighted eligible one), records the lander
 * click on the same click, and sends the visitor to the offer.
 */
export function landerClickRoutes(app: FastifyInstance, deps: EdgeDeps): void {
  const schema = { tags: ['tracking'], summary: "Lander click-through to the offer (offer n of a multi-offer lander); finds the click by cookie or clickid" };
  app.get('/lp/click', { schema }, (request: LanderClickRequest, reply) => landerClick(request, reply, deps, undefined));
  app.get('/lp/click/:n', { schema }, (request: LanderClickRequest, reply) => {
    const n = Number(request.params.n);
    return landerClick(request, reply, deps, Number.isInteger(n) && n >= 1 && n <= 20 ? n : undefined);
  });
}

async function landerClick(request: LanderClickRequest, reply: FastifyReply, deps: EdgeDeps, offerNumber: number | undefined) {
  const { state } = deps;
  const fromQuery = queryValue(request.query, 'clickid');
  const clickId = (fromQuery && normalizeClickId(fromQuery)) || clickIdFromCookie(request.headers.cookie);
  // One indexed read: a click is committed before its visitor is redirected, so it is always there.
  const click = clickId ? await deps.events.findClick(clickId) : undefined;
  if (!click) {
    deps.metrics.landerClicks.inc({ outcome: 'unknown_click' });
    return sendNotFoundPage(reply);
  }
  const snapshot = state.snapshot();
  const entry = snapshot.campaignById(click.campaignId);
  const path = entry?.funnel.pathAt(click.ruleIndex, click.pathIndex);
  const now = state.now();
  const facts = visitorFacts(click, click, click.referrerDomain);
  const offerId = path
    ? pickLanderOffer(path, offerNumber, state.random, offerEligibility(snapshot, state.caps, now), facts)
    : null;
  if (!entry || offerId === null) {
    deps.metrics.landerClicks.inc({ outcome: 'fallback' });
    const fallback = entry?.campaign.fallbackUrl;
    return fallback ? deps.redirector.send(reply, '302', fallback) : sendNotFoundPage(reply);
  }
  state.caps.recordClick(offerId, now);
  try {
    await deps.events.recordLanderClick(click.clickId, offerId, now);
  } catch (error) {
    deps.metrics.unrecorded.inc();
    deps.logStoreFailure(error);
  }
  deps.metrics.landerClicks.inc({ outcome: 'routed' });
  const target = renderClickUrl(snapshot.offers.get(offerId)!.url, click, entry.campaign, { offerId, landerId: click.landerId ?? undefined });
  return deps.redirector.send(reply, entry.campaign.redirectMode === 'double_meta' ? 'double_meta' : '302', target);
}
