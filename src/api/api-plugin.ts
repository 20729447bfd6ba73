import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import type { EntityStore } from '../store/entity-store.js';
import { registerAuthHook } from './auth-hook.js';
import { registerApiErrorHandler } from './error-handler.js';
import { registerApiRequestLogHook } from './request-log-hook.js';
import { resources } from './resources/index.js';
import { registerResourceRoutes } from './resource-routes.js';

export interface ApiDeps {
  config: Config;
  store: EntityStore;
}

/** The admin API role: everything under `/api/v1`, behind API keys. */
export async function apiPlugin(app: FastifyInstance, { config, store }: ApiDeps): Promise<void> {
  registerApiErrorHandler(app);
  registerApiRequestLogHook(app);
  registerAuthHook(app, store);
  for (const resource of resources) registerResourceRoutes(app, resource as never, store, config);
}
