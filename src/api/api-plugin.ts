import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import type { EntityStore } from '../store/entity-store.js';
import { registerAuthHook } from './auth-hook.js';
import { registerApiErrorHandler } from './error-handler.js';
import { registerApiRequestLogHook } from './request-log-hook.js';
import { registerJsonBodyParser } from './json-body-parser.js';
import { resources } from './resources/index.js';
import { registerResourceRoutes } from './resource-routes.js';
import { registerOutgoingPostbackRoutes } from './outgoing-postbacks-routes.js';
import type { ConversionDeps } from '../conversions/record-postback.js';
import type { CredentialCipher } from '../security/credential-cipher.js';
import { conversionRoutes } from './routes/conversions.js';
import { costRoutes } from './routes/costs.js';
import { currencyRateRoutes } from './routes/currency-rates.js';
import { journeyRoutes } from './routes/journeys.js';
import { clickRoutes } from './routes/clicks.js';
import { conversionLogRoutes } from './routes/conversion-log.js';
import { postbackLogRoutes } from './routes/postback-log.js';
import { reportRoutes } from './routes/reports.js';
import { templateRoutes } from './routes/templates.js';
import { integrationRoutes } from './routes/integrations.js';
import { campaignActionRoutes } from './routes/campaign-actions.js';
import { ruleRoutes } from './routes/rules.js';

export interface ApiDeps {
  config: Config;
  store: EntityStore;
  /** The edge runtime's conversion path (uploads, cost updates, journeys, rate changes); absent without the edge role. */
  conversions?: ConversionDeps | undefined;
  cipher: CredentialCipher;
}

/** The admin API role: everything under `/api/v1`, behind API keys. */
export async function apiPlugin(app: FastifyInstance, { config, store, conversions, cipher }: ApiDeps): Promise<void> {
  registerApiErrorHandler(app);
  registerJsonBodyParser(app);
  registerApiRequestLogHook(app);
  registerAuthHook(app, store);
  for (const resource of resources) registerResourceRoutes(app, resource as never, store, config);
  registerOutgoingPostbackRoutes(app, store, config);
  const routeDeps = { config, store, conversions, cipher };
  currencyRateRoutes(app, routeDeps);
  costRoutes(app, routeDeps);
  conversionRoutes(app, routeDeps);
  journeyRoutes(app, routeDeps);
  clickRoutes(app, routeDeps);
  conversionLogRoutes(app, routeDeps);
  postbackLogRoutes(app, routeDeps);
  reportRoutes(app, routeDeps);
  templateRoutes(app, routeDeps);
  integrationRoutes(app, routeDeps);
  campaignActionRoutes(app, routeDeps);
  ruleRoutes(app, routeDeps);
}
