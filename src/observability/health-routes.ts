import type { FastifyInstance } from 'fastify';
import type { EntityStore } from '../store/entity-store.js';
import type { EventStore } from '../store/event-store.js';
import type { Metrics } from './metrics.js';

/** Liveness, readiness (storage answers) and Prometheus metrics, for every role. */
export async function healthRoutes(app: FastifyInstance, { store, events, metrics }: { store: EntityStore; events?: EventStore | undefined; metrics: Metrics }): Promise<void> {
  app.get('/healthz', { schema: { tags: ['health'], summary: 'The process is up' } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { tags: ['health'], summary: 'Storage is reachable' } }, async (request, reply) => {
    try {
      await store.ping();
      await events?.ping();
      return { status: 'ready' };
    } catch (error) {
      request.log.warn({ err: error }, 'readiness check failed: storage unreachable');
      return reply.status(503).send({ status: 'unavailable', reason: 'storage unreachable' });
    }
  });

  app.get('/metrics', { schema: { tags: ['health'], summary: 'Prometheus metrics' } }, async (_request, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
