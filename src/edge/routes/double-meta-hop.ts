import type { FastifyInstance } from 'fastify';
import type { EdgeDeps } from '../edge-plugin.js';
import { sendNotFoundPage } from '../visitor-pages.js';

/** `GET /r?t={token}`: the second hop of a double meta refresh, which strips the traffic source as referrer. */
export function doubleMetaHopRoute(app: FastifyInstance, deps: EdgeDeps): void {
  app.get<{ Querystring: { t?: string | string[] } }>(
    '/r',
    { schema: { tags: ['tracking'], summary: 'Second hop of a double meta refresh (signed target)' } },
    async (request, reply) => {
      const token = request.query.t;
      const target = typeof token === 'string' ? deps.redirector.secondHop(token) : undefined;
      if (!target) return sendNotFoundPage(reply);
      return reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').type('text/html; charset=utf-8').send(deps.redirector.secondHopPage(target));
    },
  );
}
