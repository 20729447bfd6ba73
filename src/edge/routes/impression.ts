import type { FastifyInstance } from 'fastify';
import type { EdgeDeps } from '../edge-plugin.js';
import { offerImpressionUrl } from '../offer-impression.js';
import type { Query } from '../query-string.js';
import { sendAnswer, type VisitorAnswer } from '../visitor-answer.js';
import { pixel } from '../visitor-pages.js';

/**
 * `GET /imp/{campaign}`: counts an impression (CPM campaigns accrue cost here) and returns a 1×1 GIF.
 * With `offer_id` naming an offer that allows impressions, the pixel redirects to that offer's
 * impression URL instead, `{imp_id}` filled, so the network counts the impression too.
 */
export function impressionRoute(app: FastifyInstance, deps: EdgeDeps): void {
  app.get<{ Params: { key: string }; Querystring: Query }>(
    '/imp/:key',
    {
      schema: {
        tags: ['tracking'],
        summary: 'Impression pixel: counts an impression, returns a 1×1 GIF',
        description: "Query: offer_id (optional) sends the pixel on to that offer's impression URL with {imp_id} filled; ref_id and sub1..sub20 fill its macros.",
      },
    },
    async (request, reply) => sendAnswer(reply, await answerImpression(deps, request.params.key, request.query)),
  );
}

export async function answerImpression(deps: EdgeDeps, key: string, query: Query = {}): Promise<VisitorAnswer> {
  const entry = deps.state.snapshot().campaignByKey(key);
  // An unknown or paused campaign still gets its GIF: a pixel must never break the page it sits on.
  if (entry && entry.campaign.status === 'active') {
    const { campaign } = entry;
    const now = deps.state.now();
    const cost = campaign.costModel === 'cpm' ? Math.round(campaign.costValue / 1000) : 0;
    try {
      await deps.state.buffer.addImpression(campaign.id, now, cost);
      deps.metrics.impressions.inc();
    } catch (error) {
      deps.metrics.unrecorded.inc();
      deps.logStoreFailure(error);
    }
    const offerId = query.offer_id;
    if (typeof offerId === 'string' && offerId !== '') {
      const offer = deps.state.snapshot().offers.get(Number(offerId))?.offer;
      const target = offer && offerImpressionUrl(offer, campaign, query, now);
      if (target) return deps.redirector.answer('302', target);
    }
  }
  return pixel();
}
