import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hashApiKey, type ApiKey } from '../domain/api-key.js';
import type { EntityStore } from '../store/entity-store.js';
import { ApiError } from './api-error.js';

declare module 'fastify' {
  interface FastifyRequest {
    apiKey?: ApiKey;
  }
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every request in the scope this hook is added to needs `Authorization: Bearer <key>`; without a valid
 * key it is answered 401 before any handler runs. Read-only keys may only read.
 */
export function registerAuthHook(app: FastifyInstance, store: EntityStore): void {
  app.decorateRequest('apiKey', undefined);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new ApiError('unauthorized', 'send an API key as "Authorization: Bearer <key>"');
    const key = await store.apiKeys.findActiveByHash(hashApiKey(match[1]!));
    if (!key) throw new ApiError('unauthorized', 'the API key is unknown or revoked');
    if (key.role === 'read' && !READ_METHODS.has(request.method)) {
      throw new ApiError('forbidden', 'this API key may only read');
    }
    request.apiKey = key;
  });
}
