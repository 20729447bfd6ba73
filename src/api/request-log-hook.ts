import type { FastifyInstance } from 'fastify';

/** One line per admin request (the edge logs aggregates instead); the API key's id, never the key. */
export function registerApiRequestLogHook(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      { method: request.method, url: request.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime), apiKeyId: request.apiKey?.id },
      'admin request',
    );
  });
}
