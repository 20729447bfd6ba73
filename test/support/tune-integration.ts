import type { FakeTuneServer } from '../fakes/tune-server.js';
import { createVia } from './fixtures.js';
import type { TestServer } from './test-server.js';

export interface TuneIntegrationOptions {
  /** Names the offer source `TUNE <label>` and the integration `Acme <label>`. */
  label: string | number;
  /** TUNE's Network API (network token and affiliate id) instead of the Affiliate API. */
  network?: boolean;
  /** More integration settings (import, pull, pageSize, messageIdField …). */
  settings?: Record<string, unknown>;
  status?: 'active' | 'disabled';
}

/** An offer source made from the TUNE template and an integration of it, through the admin API, talking to the fake `tune`. */
export async function createTuneIntegration(server: TestServer, tune: FakeTuneServer, options: TuneIntegrationOptions): Promise<{ integrationId: number; offerSourceId: number }> {
  const offerSourceId: number = (await createVia(server, 'offer-sources', { fromTemplate: 'tune', name: `TUNE ${options.label}` })).id;
  const api = options.network
    ? { api: 'network', networkId: 'acme', baseUrl: tune.url, affiliateId: tune.affiliateId }
    : { api: 'affiliate', networkId: 'acme', baseUrl: tune.url };
  const integration = await createVia(server, 'integrations', {
    partner: 'tune',
    name: `Acme ${options.label}`,
    offerSourceId,
    settings: { ...api, ...options.settings },
    credentials: { apiKey: options.network ? tune.networkToken : tune.affiliateKey },
    ...(options.status && { status: options.status }),
  });
  return { integrationId: integration.id, offerSourceId };
}
