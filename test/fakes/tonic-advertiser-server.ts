import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { TONIC_ADVERTISER_API } from '../../src/integrations/tonic/advertiser-endpoints.js';

/**
 * Tonic's advertiser API (Tonic as a traffic channel) over real HTTP on loopback, from
 * shared/reference/partner-apis.md §4.2: `POST /auth` with `{email, password}` answers
 * `{"token": "…"}` valid 6 hours (403 `{"error":"INVALID_LOGIN","message":"Username or Password not
 * correct!"}` or ACCOUNT_BLOCKED otherwise); every other call needs the token in the `api-key`
 * header (401 TOKEN_EXPIRED once it has expired). Campaigns are Tonic's detailed objects (ids and
 * numbers as strings, `status` active|paused|archived, `whitelisting`, `source_ids`); an edit changes
 * the fields sent; statistics rows carry numbers as strings. Paths are the connector's own
 * (advertiser-endpoints.ts: those marked [U] there are guesses, served the same way here).
 */

/** A campaign exactly as Tonic's detailed campaign object holds it. */
export interface FakeTonicCampaign {
  campaign_id: string;
  campaign_name: string;
  ad_type: 'pop' | 'ppr';
  campaign_type: 'keyword' | 'category' | 'ron';
  status: 'active' | 'paused' | 'archived';
  budget: string;
  cpc: string;
  url: string;
  whitelisting: boolean;
  source_ids: string[];
  [field: string]: unknown;
}

/** A statistics row as Tonic sends it: every number a string. */
export interface FakeTonicStatistic {
  date: string;
  campaign_id: string;
  clicks: string;
  cost: string;
  [field: string]: unknown;
}

export interface TonicRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  apiKey: string | null;
  body: unknown;
  status: number;
}

export interface TonicFailure {
  status: number;
  body?: unknown;
}

export interface FakeTonicAdvertiserServer {
  url: string;
  email: string;
  password: string;
  blocked: boolean;
  campaigns: FakeTonicCampaign[];
  statistics: FakeTonicStatistic[];
  requests: TonicRequest[];
  /** Token lifetime (Tonic: 6 hours). */
  tokenLifetimeMs: number;
  /** The fake's clock; tokens expire on it (tests move it instead of waiting). */
  now: () => number;
  /** Tokens issued so far. */
  logins: number;
  /** Every token issued until now stops working (as a revoked or expired one). */
  expireTokens(): void;
  /** The next `count` calls other than /auth answer with this failure. */
  failNext(count: number, failure?: TonicFailure): void;
  reset(): void;
  close(): Promise<void>;
}

function campaignRoute(template: string): RegExp {
  return new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace('{id}', '([^/]+)')}$`);
}

const GET_CAMPAIGN = campaignRoute(TONIC_ADVERTISER_API.getCampaign.path);
const EDIT_CAMPAIGN = campaignRoute(TONIC_ADVERTISER_API.editCampaign.path);
const EDITABLE = new Set(['status', 'source_ids', 'whitelisting', 'campaign_name', 'budget', 'cpc', 'url', 'conv_value']);

export async function startFakeTonicAdvertiserServer(options: { campaigns?: FakeTonicCampaign[]; statistics?: FakeTonicStatistic[] } = {}): Promise<FakeTonicAdvertiserServer> {
  const tokens = new Map<string, number>();
  let failures: { count: number; failure: TonicFailure } = { count: 0, failure: { status: 500 } };

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const parsed = new URL(request.url ?? '/', 'http://fake');
      const raw = Buffer.concat(chunks).toString('utf8');
      const header = request.headers['api-key'];
      const logged: TonicRequest = {
        method: request.method ?? 'GET',
        path: parsed.pathname,
        query: Object.fromEntries(parsed.searchParams),
        apiKey: typeof header === 'string' ? header : null,
        body: undefined,
        status: 0,
      };
      fake.requests.push(logged);
      const send = (status: number, body: unknown) => {
        logged.status = status;
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      };
      let body: unknown;
      if (raw !== '') {
        try {
          body = JSON.parse(raw);
        } catch {
          return send(400, { error: 'BAD_REQUEST', message: 'Request body is not valid JSON' });
        }
      }
      logged.body = body;
      const route = `${logged.method} ${logged.path}`;

      if (route === `${TONIC_ADVERTISER_API.auth.method} ${TONIC_ADVERTISER_API.auth.path}`) {
        const login = body as { email?: unknown; password?: unknown } | undefined;
        if (login?.email !== fake.email || login?.password !== fake.password) return send(403, { error: 'INVALID_LOGIN', message: 'Username or Password not correct!' });
        if (fake.blocked) return send(403, { error: 'ACCOUNT_BLOCKED', message: 'Your account is blocked. Please contact support.' });
        const token = randomBytes(24).toString('hex');
        tokens.set(token, fake.now() + fake.tokenLifetimeMs);
        fake.logins++;
        return send(200, { token });
      }

      if (!logged.apiKey) return send(401, { error: 'MISSING_TOKEN', message: 'api-key header is missing' });
      const expiresAt = tokens.get(logged.apiKey);
      if (expiresAt === undefined) return send(401, { error: 'INVALID_TOKEN', message: 'Token is not valid' });
      if (fake.now() >= expiresAt) return send(401, { error: 'TOKEN_EXPIRED', message: 'Token expired' });

      if (failures.count > 0) {
        failures.count--;
        return send(failures.failure.status, failures.failure.body ?? { error: 'INTERNAL_ERROR', message: 'Internal server error' });
      }

      if (route === `${TONIC_ADVERTISER_API.listCampaigns.method} ${TONIC_ADVERTISER_API.listCampaigns.path}`) {
        // The compact object.
        return send(200, fake.campaigns.map((campaign) => ({ campaignId: campaign.campaign_id, name: campaign.campaign_name, status: campaign.status })));
      }
      if (route === `${TONIC_ADVERTISER_API.statistics.method} ${TONIC_ADVERTISER_API.statistics.path}`) {
        const { from, to } = logged.query;
        if (!from || !to || !/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to)) return send(400, { error: 'INVALID_PARAMETER', message: 'from and to must be dates YYYY-MM-DD' });
        return send(200, fake.statistics.filter((row) => row.date >= from && row.date <= to));
      }
      const get = logged.method === TONIC_ADVERTISER_API.getCampaign.method ? GET_CAMPAIGN.exec(logged.path) : null;
      if (get) {
        const campaign = fake.campaigns.find((c) => c.campaign_id === decodeURIComponent(get[1]!));
        return campaign ? send(200, campaign) : send(404, { error: 'NOT_FOUND', message: 'Campaign not found' });
      }
      const edit = logged.method === TONIC_ADVERTISER_API.editCampaign.method ? EDIT_CAMPAIGN.exec(logged.path) : null;
      if (edit) {
        const campaign = fake.campaigns.find((c) => c.campaign_id === decodeURIComponent(edit[1]!));
        if (!campaign) return send(404, { error: 'NOT_FOUND', message: 'Campaign not found' });
        if (typeof body !== 'object' || body === null || Array.isArray(body)) return send(400, { error: 'BAD_REQUEST', message: 'Expected a campaign object' });
        const changes = body as Record<string, unknown>;
        const unknown = Object.keys(changes).find((key) => !EDITABLE.has(key));
        if (unknown) return send(400, { error: 'INVALID_PARAMETER', message: `${unknown} cannot be edited` });
        if ('status' in changes && !['active', 'paused', 'archived'].includes(String(changes.status))) return send(400, { error: 'INVALID_PARAMETER', message: 'status must be active, paused or archived' });
        if ('source_ids' in changes && (!Array.isArray(changes.source_ids) || changes.source_ids.some((id) => typeof id !== 'string'))) {
          return send(400, { error: 'INVALID_PARAMETER', message: 'source_ids must be an array of strings' });
        }
        if ('whitelisting' in changes && typeof changes.whitelisting !== 'boolean') return send(400, { error: 'INVALID_PARAMETER', message: 'whitelisting must be a boolean' });
        Object.assign(campaign, changes);
        return send(200, campaign);
      }
      return send(404, { error: 'NOT_FOUND', message: `No route ${route}` });
    });
  });

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('fake Tonic server did not bind');

  const fake: FakeTonicAdvertiserServer = {
    url: `http://127.0.0.1:${address.port}`,
    email: 'buyer@example.com',
    password: 'correct horse battery staple',
    blocked: false,
    campaigns: options.campaigns ?? [],
    statistics: options.statistics ?? [],
    requests: [],
    tokenLifetimeMs: 6 * 3_600_000,
    now: () => Date.now(),
    logins: 0,
    expireTokens() {
      for (const token of tokens.keys()) tokens.set(token, Number.NEGATIVE_INFINITY);
    },
    failNext(count, failure = { status: 500 }) {
      failures = { count, failure };
    },
    reset() {
      failures = { count: 0, failure: { status: 500 } };
      fake.requests.length = 0;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}

/** A campaign as Tonic would hold it, with the fields a test does not care about filled in. */
export function tonicCampaign(id: string, changes: Partial<FakeTonicCampaign> = {}): FakeTonicCampaign {
  return {
    campaign_id: id,
    campaign_name: `Tonic campaign ${id}`,
    ad_type: 'pop',
    campaign_type: 'ron',
    status: 'active',
    budget: '100.00',
    cpc: '0.0300',
    url: 'http://track.test/c/abc?ref_id=[clickid]&sub2=[sourceid]',
    whitelisting: false,
    source_ids: [],
    ...changes,
  };
}
