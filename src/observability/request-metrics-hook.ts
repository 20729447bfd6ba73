import type { FastifyInstance } from 'fastify';
import type { Metrics } from './metrics.js';

/** Counts and times every response by route pattern (not by URL, so cardinality stays bounded). */
export function registerRequestMetricsHook(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequests.inc({ route, status: `${Math.floor(reply.statusCode / 100)}xx` });
    metrics.httpDuration.observe({ route }, reply.elapsedTime / 1000);
  });
}
