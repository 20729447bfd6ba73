import type { FastifyInstance } from 'fastify';
import type { EdgeDeps } from '../edge-plugin.js';
import { sendAnswer, type VisitorAnswer } from '../visitor-answer.js';
import { pixel } from '../visitor-pages.js';

/** `GET /imp/{campaign}`: counts an impression (CPM campaigns accrue cost here) and returns a 1×1 GIF. */
export function impressionRoute(app: FastifyInstance, deps: EdgeDeps): void {
  app.get<{ Params: { key: string } }>(
    '/imp/:key',
    { schema: { tags: ['tracking'], summary: 'Impression pixel: counts an impression, returns a 1×1 GIF' } },
    async (request, reply) => sendAnswer(reply, await answerImpression(deps, request.params.key)),
  );
}

export async function answerImpression(deps: EdgeDeps, key: string): Promise<VisitorAnswer> {
  const entry = deps.state.snapshot().campaignByKey(key);
  // An unknown or paused campaign still gets its GIF: a pixel must never break the page it sits on.
  if (entry && entry.campaign.status === 'active') {
    const { campaign } = entry;
    const cost = campaign.costModel === 'cpm' ? Math.round(campaign.costValue / 1000) : 0;
    try {
      await deps.state.buffer.addImpression(campaign.id, deps.state.now(), cost);
      deps.metrics.impressions.inc();
    } catch (error) {
      deps.metrics.unrecorded.inc();
      deps.logStoreFailure(error);
    }
  }
  return pixel();
}
