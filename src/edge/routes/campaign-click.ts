import type { FastifyInstance } from 'fastify';
import { clickCookie } from '../click-cookie.js';
import type { EdgeDeps } from '../edge-plugin.js';
import { recordVisit } from '../record-visit.js';
import { sendNotFoundPage } from '../visitor-pages.js';

/** `GET /c/{campaign}`: the click URL pasted into the traffic channel. */
export function campaignClickRoute(app: FastifyInstance, deps: EdgeDeps): void {
  app.get<{ Params: { key: string }; Querystring: Record<string, string | string[]> }>(
    '/c/:key',
    {
      schema: {
        tags: ['tracking'],
        summary: 'Campaign click URL: records the click, runs the funnel and redirects',
        description: 'Query: ref_id (the channel click id), sub1..sub20, cost, and any parameter the traffic channel maps.',
      },
    },
    async (request, reply) => {
      const entry = deps.state.snapshot().campaignByKey(request.params.key);
      if (!entry) {
        deps.metrics.clicks.inc({ outcome: 'unknown_campaign' });
        return sendNotFoundPage(reply);
      }
      const visit = recordVisit(deps.state, entry, {
        query: request.query,
        remoteAddress: request.socket.remoteAddress ?? '',
        headers: request.headers,
        referrer: String(request.headers.referer ?? ''),
        direct: false,
      });
      try {
        await visit.written;
      } catch (error) {
        deps.metrics.unrecorded.inc();
        deps.logStoreFailure(error);
      }
      deps.metrics.clicks.inc({ outcome: visit.click.outcome });
      reply.header('set-cookie', clickCookie(visit.click.clickId, deps.secureCookies));
      if (!visit.target) return sendNotFoundPage(reply);
      return deps.redirector.send(reply, entry.campaign.redirectMode, visit.target);
    },
  );
}
