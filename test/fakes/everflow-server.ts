import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { once } from 'node:events';
import { wallTimeToInstant } from '../../src/domain/local-time.js';

/**
 * Everflow's affiliate API over real HTTP on loopback, speaking the wire format of
 * shared/reference/partner-apis.md §2 and §7: `X-Eflow-API-Key` header auth, `{"error": "…"}` bodies
 * with 4xx/5xx, `page`/`page_size` paging (1-based, default 50, at most 2000) answered with
 * `paging{page, page_size, total_count}`, a rate limit per window with `X-RateLimit-Limit` and
 * `X-RateLimit-Remaining` on every answer and 429 over it, `GET offersrunnable` and
 * `POST reporting/conversions` (paging from the query or the body, `from`/`to` in the request's
 * `timezone_id`, the 365-day window check). Unverified spellings are fields a test can change.
 */

/** An offer exactly as `offersrunnable` sends it. */
export type FakeEverflowOffer = Record<string, unknown>;
/** A conversion row exactly as `reporting/conversions` sends it (`conversion_unix_timestamp` in UTC seconds). */
export type FakeEverflowConversion = Record<string, unknown>;

export interface EverflowRequest {
  method: string;
  /** After `/v1/affiliates/`: `offersrunnable`, `reporting/conversions`. */
  path: string;
  query: Record<string, string>;
  apiKey: string | null;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** The status the fake answered. */
  status: number;
}

export interface EverflowFailure {
  status: number;
  /** Raw body; `{"error":"Internal Server Error"}` by default. */
  body?: string;
}

export interface FakeEverflowServer {
  /** `http://127.0.0.1:{port}/v1/affiliates` */
  url: string;
  apiKey: string;
  offers: FakeEverflowOffer[];
  conversions: FakeEverflowConversion[];
  requests: EverflowRequest[];
  /** Requests allowed per window (X-RateLimit-Limit); Everflow's affiliate limit is 5 a second over 30 s windows. */
  rateLimit: { limit: number; windowMs: number };
  /** The largest page_size honoured; a larger one is answered with this size (Everflow: typically 2000). */
  maxPageSize: number;
  /** Lists come whole, without a paging block (an endpoint that ignores page/page_size). */
  omitPaging: boolean;
  /** The 401 message for a wrong key (Everflow's wording is not documented; a missing key says "No Authentication Method Found"). */
  invalidKeyMessage: string;
  /** Everflow's timezone ids the report understands (67 is UTC, 80 America/New_York). */
  timeZones: Record<number, string>;
  /** "Now" for the 365-day check. */
  now: () => number;
  /** Every request for `page` (query or body) fails that way until reset. */
  failPage(page: number, failure?: EverflowFailure): void;
  /** The next `count` requests answer 429 with no requests remaining, with Retry-After when given (seconds). */
  throttleNext(count: number, retryAfterSeconds?: number): void;
  reset(): void;
  close(): Promise<void>;
}

const PREFIX = '/v1/affiliates/';
const DAY_MS = 86_400_000;

export async function startFakeEverflowServer(
  options: { apiKey?: string; offers?: FakeEverflowOffer[]; conversions?: FakeEverflowConversion[] } = {},
): Promise<FakeEverflowServer> {
  let pageFailure: { page: number; failure: EverflowFailure } | undefined;
  let throttle = { count: 0, retryAfter: undefined as number | undefined };
  let window = { started: 0, used: 0 };

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const parsed = new URL(request.url ?? '/', 'http://fake');
      const query = Object.fromEntries(parsed.searchParams);
      const raw = Buffer.concat(chunks).toString('utf8');
      const header = request.headers['x-eflow-api-key'];
      const logged: EverflowRequest = {
        method: request.method ?? 'GET',
        path: parsed.pathname.startsWith(PREFIX) ? parsed.pathname.slice(PREFIX.length) : parsed.pathname,
        query,
        apiKey: typeof header === 'string' ? header : null,
        headers: request.headers,
        body: undefined,
        status: 0,
      };
      fake.requests.push(logged);

      const now = Date.now();
      if (now - window.started >= fake.rateLimit.windowMs) window = { started: now, used: 0 };
      window.used++;
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        logged.status = status;
        const remaining = status === 429 ? 0 : Math.max(0, fake.rateLimit.limit - window.used);
        response.writeHead(status, {
          'content-type': 'application/json',
          'x-ratelimit-limit': String(fake.rateLimit.limit),
          'x-ratelimit-remaining': String(remaining),
          ...headers,
        });
        response.end(typeof body === 'string' ? body : JSON.stringify(body));
      };

      if (throttle.count > 0) {
        throttle.count--;
        return send(429, { error: 'Too many requests' }, throttle.retryAfter === undefined ? {} : { 'retry-after': String(throttle.retryAfter) });
      }
      if (window.used > fake.rateLimit.limit) return send(429, { error: 'Too many requests' });
      if (!logged.apiKey) return send(401, { error: 'No Authentication Method Found' });
      if (logged.apiKey !== fake.apiKey) return send(401, { error: fake.invalidKeyMessage });

      let body: Record<string, unknown> = {};
      if (raw !== '') {
        try {
          const json: unknown = JSON.parse(raw);
          if (json === null || typeof json !== 'object' || Array.isArray(json)) return send(400, { error: 'Invalid JSON body' });
          body = json as Record<string, unknown>;
        } catch {
          return send(400, { error: 'Invalid JSON body' });
        }
      }
      logged.body = raw === '' ? undefined : body;

      const paging = readPaging(query, body);
      if ('error' in paging) return send(400, { error: paging.error });
      if (pageFailure && paging.page === pageFailure.page) {
        return send(pageFailure.failure.status, pageFailure.failure.body ?? JSON.stringify({ error: 'Internal Server Error' }));
      }

      const route = `${logged.method} ${logged.path}`;
      const list = (key: string, items: unknown[]) =>
        fake.omitPaging ? { [key]: items } : { [key]: slice(items, paging), paging: pagingBlock(paging, items.length) };
      if (route === 'GET offersrunnable') return send(200, list('offers', fake.offers));
      if (route === 'POST reporting/conversions') {
        const selected = selectConversions(body);
        if ('error' in selected) return send(400, { error: selected.error });
        return send(200, list('conversions', selected.rows));
      }
      return send(404, { error: 'Not Found' });
    });
  });

  /** `page`/`page_size` from the query string, else from a POST body (both forms are documented). */
  function readPaging(query: Record<string, string>, body: Record<string, unknown>): { page: number; pageSize: number } | { error: string } {
    const pageValue = query.page ?? body.page;
    const sizeValue = query.page_size ?? body.page_size;
    const page = pageValue === undefined ? 1 : Number(pageValue);
    const pageSize = sizeValue === undefined ? 50 : Number(sizeValue);
    if (!Number.isInteger(page) || page < 1) return { error: 'Invalid page: must be a positive integer' };
    if (!Number.isInteger(pageSize) || pageSize < 1) return { error: 'Invalid page_size: must be a positive integer' };
    return { page, pageSize: Math.min(pageSize, fake.maxPageSize) };
  }

  function selectConversions(body: Record<string, unknown>): { rows: FakeEverflowConversion[] } | { error: string } {
    const zoneId = body.timezone_id === undefined ? 67 : Number(body.timezone_id);
    const zone = fake.timeZones[zoneId];
    if (!zone) return { error: `Invalid timezone_id ${String(body.timezone_id)}` };
    const from = readBound(body.from, zone, 'start');
    const to = readBound(body.to, zone, 'end');
    if (from === null || to === null) return { error: 'from and to must be YYYY-MM-DD or YYYY-MM-DD hh:mm:ss' };
    if (from > to) return { error: 'from must be before to' };
    if (to - from > 366 * DAY_MS) return { error: 'The date range cannot be longer than one year' };
    if (from < fake.now() - 365 * DAY_MS) return { error: 'The date range must be within the last 365 days' };
    const showEvents = body.show_events !== false;
    const showConversions = body.show_conversions !== false;
    const rows = fake.conversions
      .filter((row) => {
        const at = Number(row.conversion_unix_timestamp) * 1000;
        return at >= from && at <= to && (row.is_event === true ? showEvents : showConversions);
      })
      // Newest first, as the report lists them.
      .sort((a, b) => Number(b.conversion_unix_timestamp) - Number(a.conversion_unix_timestamp));
    return { rows };
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('fake Everflow server did not bind');

  const fake: FakeEverflowServer = {
    url: `http://127.0.0.1:${address.port}/v1/affiliates`,
    apiKey: options.apiKey ?? 'ef-affiliate-key-0123456789',
    offers: options.offers ?? [],
    conversions: options.conversions ?? [],
    requests: [],
    rateLimit: { limit: 150, windowMs: 30_000 },
    maxPageSize: 2000,
    omitPaging: false,
    invalidKeyMessage: 'Invalid API Key',
    timeZones: { 67: 'UTC', 80: 'America/New_York' },
    now: () => Date.now(),
    failPage(page, failure = { status: 500 }) {
      pageFailure = { page, failure };
    },
    throttleNext(count, retryAfterSeconds) {
      throttle = { count, retryAfter: retryAfterSeconds };
    },
    reset() {
      pageFailure = undefined;
      throttle = { count: 0, retryAfter: undefined };
      window = { started: 0, used: 0 };
      fake.rateLimit = { limit: 150, windowMs: 30_000 };
      fake.maxPageSize = 2000;
      fake.omitPaging = false;
      fake.invalidKeyMessage = 'Invalid API Key';
      fake.now = () => Date.now();
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

function slice<T>(items: T[], paging: { page: number; pageSize: number }): T[] {
  return items.slice((paging.page - 1) * paging.pageSize, paging.page * paging.pageSize);
}

function pagingBlock(paging: { page: number; pageSize: number }, total: number): Record<string, number> {
  return { page: paging.page, page_size: paging.pageSize, total_count: total };
}

/**
 * `YYYY-MM-DD` is the whole day (from its 00:00:00; up to its end for `to`), `YYYY-MM-DD hh:mm:ss`
 * that second, both in the request's time zone; null when unreadable.
 */
function readBound(value: unknown, zone: string, side: 'start' | 'end'): number | null {
  if (typeof value !== 'string') return null;
  const match = /^(\d{4}-\d{2}-\d{2})(?: (\d{2}:\d{2}:\d{2}))?$/.exec(value);
  if (!match) return null;
  const local = Date.parse(`${match[1]}T${match[2] ?? '00:00:00'}Z`);
  if (Number.isNaN(local)) return null;
  const start = wallTimeToInstant(local, zone);
  return match[2] === undefined && side === 'end' ? wallTimeToInstant(local + DAY_MS, zone) - 1000 : start;
}

