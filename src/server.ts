import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { apiPlugin } from './api/api-plugin.js';
import { createTrackingListener } from './edge/tracking-listener.js';
import { edgePlugin, type EdgeDeps } from './edge/edge-plugin.js';
import { registerOpenApi } from './api/openapi.js';
import type { Config } from './config.js';
import { healthRoutes } from './observability/health-routes.js';
import type { Metrics } from './observability/metrics.js';
import { registerRequestMetricsHook } from './observability/request-metrics-hook.js';
import type { CredentialCipher } from './security/credential-cipher.js';
import type { EntityStore } from './store/entity-store.js';

export interface ServerDeps {
  store: EntityStore;
  /** Seals and opens partners' credentials with the process's secret key (loaded once at start-up). */
  cipher: CredentialCipher;
  logger: Logger;
  metrics: Metrics;
  /** The edge's in-memory state and stores; required when the configuration gives this process the edge role. */
  edge?: EdgeDeps;
}

/**
 * The one HTTP server of every role: health and metrics always, the admin API and the edge's
 * tracking URLs when the configuration gives this process those roles. Tests build the same server.
 */
export async function buildServer(config: Config, deps: ServerDeps): Promise<FastifyInstance> {
  let edge: EdgeDeps | undefined;
  if (config.roles.includes('edge')) {
    if (!deps.edge) throw new Error('the edge role needs its runtime (startEdgeRuntime)');
    edge = deps.edge;
  }
  // Clicks, impressions and lander clicks are answered before fastify sees the request (see tracking-listener.ts).
  const tracking = edge && createTrackingListener(edge, deps.logger);
  const app: FastifyInstance = Fastify({
    ...(tracking && { serverFactory: tracking.serverFactory }),
    // Fastify bundles its own pino typings; the instance is the same logger.
    loggerInstance: deps.logger as unknown as FastifyBaseLogger,
    // The edge logs aggregates, not a line per click; the admin API logs its own requests.
    logController: new LogController({ disableRequestLogging: true }),
    // A child logger (with its redaction rules) per request costs the hot path a few percent; only
    // admin requests, which log their own lines, get one.
    childLoggerFactory: (logger, bindings, options, rawRequest) =>
      rawRequest.url?.startsWith('/api/') ? logger.child(bindings, options) : logger,
    bodyLimit: 1024 * 1024,
    routerOptions: { maxParamLength: 200 },
    return503OnClosing: true,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  if (config.roles.includes('api')) await registerOpenApi(app, config);
  // Admin and health requests are timed per route; the edge counts its own traffic instead, since a
  // histogram observation per click is a measurable share of the hot path.
  await app.register(async (timed) => {
    registerRequestMetricsHook(timed, deps.metrics);
    await timed.register(healthRoutes, { store: deps.store, events: deps.edge?.events, metrics: deps.metrics });
    if (config.roles.includes('api')) {
      await timed.register(apiPlugin, { prefix: '/api/v1', config, store: deps.store, conversions: deps.edge?.conversions, cipher: deps.cipher });
    }
  });
  if (edge) await app.register(edgePlugin, edge);
  // While closing, fastify answers 503 to whatever still arrives, tracking URLs included.
  if (tracking) app.addHook('preClose', async () => tracking.close());
  return app;
}
