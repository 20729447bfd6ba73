import type { FastifyInstance } from 'fastify';
import { queryValue } from '../channel-params.js';
import { clickCookie } from '../click-cookie.js';
import { DIRECT_TRACKING_SCRIPT } from '../direct-tracking-script.js';
import type { EdgeDeps } from '../edge-plugin.js';
import { recordVisit } from '../record-visit.js';

/**
 * Direct tracking: `GET /t.js` is the script a lander includes; it calls `GET /v/{campaign}` once per
 * visitor, which records the visit as a click from the page's own parameters and referrer and answers
 * the click id as JSON (CORS, so the lander's page may read it).
 */
export function directTrackingRoutes(app: FastifyInstance, deps: EdgeDeps): void {
  app.get('/t.js', { schema: { tags: ['tracking'], summary: 'Direct-tracking script for landers' } }, async (_request, reply) =>
    reply.header('cache-control', 'public, max-age=300').type('application/javascript; charset=utf-8').send(DIRECT_TRACKING_SCRIPT),
  );

  app.get<{ Params: { key: string }; Querystring: Record<string, string | string[]> }>(
    '/v/:key',
    { schema: { tags: ['tracking'], summary: 'Direct-tracking visit: records a click without a redirect and returns its id' } },
    async (request, reply) => {
      const origin = request.headers.origin;
      // Credentials require the exact origin, not "*"; any lander may embed the script.
      if (origin) reply.header('access-control-allow-origin', origin).header('access-control-allow-credentials', 'true').header('vary', 'origin');
      reply.header('cache-control', 'no-store');
      const entry = deps.state.snapshot().campaignByKey(request.params.key);
      if (!entry) return reply.code(404).send({ error: 'unknown campaign' });
      const visit = recordVisit(deps.state, entry, {
        query: request.query,
        remoteAddress: request.socket.remoteAddress ?? '',
        headers: request.headers,
        referrer: queryValue(request.query, 'wp_referrer'),
        direct: true,
      });
      try {
        await visit.written;
      } catch (error) {
        deps.metrics.unrecorded.inc();
        deps.logStoreFailure(error);
      }
      deps.metrics.clicks.inc({ outcome: 'direct' });
      reply.header('set-cookie', clickCookie(visit.click.clickId, deps.secureCookies));
      return { clickId: visit.click.clickId };
    },
  );
}
