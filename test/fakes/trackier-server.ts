import { createServer, type Server } from 'node:http';
import { once } from 'node:events';

/**
 * Trackier's publisher API over real HTTP on loopback, speaking the wire format of
 * shared/reference/partner-apis.md §3.1: `X-Api-Key` header auth (the campaign list also takes an
 * `apiKey` query parameter), `GET /v2/publisher/campaigns` answering `{"success": true, "data":
 * {"campaigns", "page", "count"}}` (default limit 1000), `GET /v2/publishers/conversions` with
 * `start`/`end` days and a `limit` of 100 to 1000 answering `{"conversions", "pagination": {perPage,
 * currentPage, total}}`, and errors as HTTP 400 `{"success": false, "error": {"code", "message"}}`
 * (the campaign list's variant adds `codeMsg`). Unverified behaviour is a field a test can change.
 */

/** A campaign exactly as the list sends it. */
export type FakeTrackierCampaign = Record<string, unknown>;
/** A conversion exactly as the report sends it (`created` an ISO instant). */
export type FakeTrackierConversion = Record<string, unknown>;

export interface TrackierRequest {
  path: string;
  query: Record<string, string>;
  /** The X-Api-Key header, else the `apiKey` query parameter. */
  apiKey: string | null;
  status: number;
}

export interface TrackierFailure {
  status: number;
  /** Raw body; Trackier's envelope with an internal error by default. */
  body?: string;
}

export interface FakeTrackierServer {
  /** `http://127.0.0.1:{port}` */
  url: string;
  apiKey: string;
  campaigns: FakeTrackierCampaign[];
  conversions: FakeTrackierConversion[];
  requests: TrackierRequest[];
  /** Sends every number as a string ("1.87"), as some Trackier installations do [U]. */
  numbersAsStrings: boolean;
  /** The zone whose days `start`/`end` name (not documented; the account's zone is likely) [U]. */
  timeZone: string;
  /** Every request for `page` fails that way until reset. */
  failPage(page: number, failure?: TrackierFailure): void;
  /** The next `count` requests answer 429 (over 5 requests a second), with Retry-After when given (seconds). */
  throttleNext(count: number, retryAfterSeconds?: number): void;
  reset(): void;
  close(): Promise<void>;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export async function startFakeTrackierServer(
  options: { apiKey?: string; campaigns?: FakeTrackierCampaign[]; conversions?: FakeTrackierConversion[] } = {},
): Promise<FakeTrackierServer> {
  let pageFailure: { page: number; failure: TrackierFailure } | undefined;
  let throttle = { count: 0, retryAfter: undefined as number | undefined };

  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const parsed = new URL(request.url ?? '/', 'http://fake');
      const query = Object.fromEntries(parsed.searchParams);
      const header = request.headers['x-api-key'];
      const campaignList = parsed.pathname === '/v2/publisher/campaigns';
      const logged: TrackierRequest = {
        path: parsed.pathname,
        query,
        apiKey: typeof header === 'string' ? header : campaignList ? (query.apiKey ?? null) : null,
        status: 0,
      };
      fake.requests.push(logged);
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        logged.status = status;
        response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
        response.end(typeof body === 'string' ? body : JSON.stringify(body, fake.numbersAsStrings ? numbersToStrings : undefined));
      };
      const refuse = (status: number, code: number, message: string) => send(status, { success: false, error: { code, message } });

      if (throttle.count > 0) {
        throttle.count--;
        return send(429, { success: false, error: { code: 429, message: 'Too Many Requests' } }, throttle.retryAfter === undefined ? {} : { 'retry-after': String(throttle.retryAfter) });
      }
      if (logged.apiKey !== fake.apiKey) {
        if (campaignList) {
          return send(400, { success: false, error: { code: 102, codeMsg: 'Invalid API Key', message: 'API Key supplied with the request is invalid. Please check your API Key' } });
        }
        return refuse(400, 13, 'Invalid API Key');
      }

      const page = query.page === undefined ? 1 : Number(query.page);
      if (!Number.isInteger(page) || page < 1) return refuse(400, 1, 'page must be a positive integer');
      if (pageFailure && page === pageFailure.page) {
        return send(pageFailure.failure.status, pageFailure.failure.body ?? JSON.stringify({ success: false, error: { code: 500, message: 'Internal Server Error' } }));
      }

      if (campaignList) {
        const limit = query.limit === undefined ? 1000 : Number(query.limit);
        if (!Number.isInteger(limit) || limit < 1) return refuse(400, 1, 'limit must be a positive integer');
        return send(200, { success: true, data: { campaigns: fake.campaigns.slice((page - 1) * limit, page * limit), page, count: fake.campaigns.length } });
      }
      if (parsed.pathname === '/v2/publishers/conversions') {
        const limit = query.limit === undefined ? 100 : Number(query.limit);
        if (!Number.isInteger(limit) || limit < 100 || limit > 1000) return refuse(400, 1, 'limit must be between 100 and 1000');
        if (!DAY.test(query.start ?? '') || !DAY.test(query.end ?? '')) return refuse(400, 1, 'start and end must be dates (YYYY-MM-DD)');
        const rows = fake.conversions.filter((row) => {
          const at = Date.parse(String(row.created));
          // A row the fake cannot date is sent anyway, so a test can show how the connector skips it.
          if (Number.isNaN(at)) return true;
          const day = new Intl.DateTimeFormat('en-CA', { timeZone: fake.timeZone }).format(at);
          return day >= query.start! && day <= query.end!;
        });
        return send(200, { conversions: rows.slice((page - 1) * limit, page * limit), pagination: { perPage: limit, currentPage: page, total: rows.length } });
      }
      return refuse(404, 404, 'Not Found');
    });
  });

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('fake Trackier server did not bind');

  const fake: FakeTrackierServer = {
    url: `http://127.0.0.1:${address.port}`,
    apiKey: options.apiKey ?? 'trk-publisher-key-0123456789',
    campaigns: options.campaigns ?? [],
    conversions: options.conversions ?? [],
    requests: [],
    numbersAsStrings: false,
    timeZone: 'UTC',
    failPage(page, failure = { status: 500 }) {
      pageFailure = { page, failure };
    },
    throttleNext(count, retryAfterSeconds) {
      throttle = { count, retryAfter: retryAfterSeconds };
    },
    reset() {
      pageFailure = undefined;
      throttle = { count: 0, retryAfter: undefined };
      fake.numbersAsStrings = false;
      fake.timeZone = 'UTC';
      fake.requests.length = 0;
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  return fake;
}

function numbersToStrings(_key: string, value: unknown): unknown {
  return typeof value === 'number' ? String(value) : value;
}
