import { createServer, type Server } from 'node:http';
import { once } from 'node:events';

/**
 * A TUNE/HasOffers API over real HTTP on loopback, speaking the wire format of
 * shared/reference/partner-apis.md §1 and §7: `Apiv3/json` (and the legacy `/v3/{Target}.json`),
 * GET query or form POST, PHP-style array parameters, the Affiliate API (`api_key`, `Affiliate_*`)
 * and the Network API (`NetworkToken`, `Offer`/`Report`), every scalar a string, errors as HTTP 200
 * with `status: -1`, and the three data shapes: keyed object without paging, keyed object inside a
 * paging block, report rows inside a paging block.
 */

/** An offer as the network holds it; wire fields are strings, as TUNE sends them. */
export interface FakeTuneOffer {
  Offer: Record<string, string | null>;
  /** Alpha-2 codes, sent as `Country` keyed by code when `contain[]=Country` is asked. */
  countries?: string[];
  categories?: { id: string; name: string }[];
  advertiser?: { id: string; company: string };
  /** Whether the affiliate is approved for it (findMyApprovedOffers); default true. */
  approved?: boolean;
}

/** A conversion report row's raw values, by `Model.field` (`Stat.ad_id`, `ConversionsMobile.affiliate_unique1`). */
export type FakeTuneConversion = Record<string, string>;

export interface TuneRequest {
  method: string;
  path: string;
  /** Flat pairs as sent (`fields[]`, `filters[Stat.date][conditional]` …). */
  pairs: [string, string][];
  /** The same, parsed the way PHP does. */
  params: Record<string, unknown>;
}

export type TuneFailure = { kind: 'http'; status: number; body?: string } | { kind: 'envelope'; message: string };

export interface FakeTuneServer {
  /** `http://127.0.0.1:{port}/Apiv3/json` */
  url: string;
  networkId: string;
  affiliateKey: string;
  networkToken: string;
  affiliateId: string;
  offers: FakeTuneOffer[];
  conversions: FakeTuneConversion[];
  requests: TuneRequest[];
  /** Find methods answer shape 1 (keyed object, no paging block) even when `limit`/`page` are sent. */
  ignorePaging: boolean;
  /** How "nothing found" looks: PHP's `[]` (default) or `{}`. */
  emptyAs: '[]' | '{}';
  /** Every request for `page` fails that way until reset. */
  failPage(page: number, failure?: TuneFailure): void;
  /** Requests for `page` get no answer until the returned function is called (a slow partner, mid-import). */
  holdPage(page: number): () => void;
  /** The next `count` requests answer `status` (429 by default), with Retry-After when given (seconds). */
  throttleNext(count: number, status?: number, retryAfterSeconds?: number): void;
  reset(): void;
  close(): Promise<void>;
}

const AFFILIATE_TARGETS = new Set(['Affiliate_Offer', 'Affiliate_Report']);
const NETWORK_TARGETS = new Set(['Offer', 'Report']);

export async function startFakeTuneServer(
  options: { networkId?: string; affiliateKey?: string; networkToken?: string; affiliateId?: string; offers?: FakeTuneOffer[]; conversions?: FakeTuneConversion[] } = {},
): Promise<FakeTuneServer> {
  let pageFailure: { page: number; failure: TuneFailure } | undefined;
  let throttle = { count: 0, status: 429, retryAfter: undefined as number | undefined };
  let heldPage: { page: number; released: Promise<void> } | undefined;

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const parsed = new URL(request.url ?? '/', 'http://fake');
      const pairs = [...parsed.searchParams];
      if (request.method === 'POST') pairs.push(...new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      const params = parsePhpQuery(pairs);
      const legacy = /^\/v3\/([A-Za-z_]+)\.json$/.exec(parsed.pathname);
      if (legacy) params.Target = legacy[1];
      fake.requests.push({ method: request.method ?? 'GET', path: parsed.pathname, pairs, params });

      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        response.writeHead(status, { 'content-type': 'application/json', ...headers });
        response.end(typeof body === 'string' ? body : JSON.stringify(body));
      };
      if (!legacy && parsed.pathname !== '/Apiv3/json') return send(404, '<html><body>404 Not Found</body></html>', { 'content-type': 'text/html' });
      if (throttle.count > 0) {
        throttle.count--;
        const headers: Record<string, string> = throttle.retryAfter === undefined ? {} : { 'retry-after': String(throttle.retryAfter) };
        return send(throttle.status, throttle.status === 504 ? '<html><body><h1>504 Gateway Time-out</h1></body></html>' : '', headers);
      }
      const page = text(params.page);
      const reply = () => {
        if (pageFailure && page === String(pageFailure.page)) {
          const { failure } = pageFailure;
          if (failure.kind === 'http') return send(failure.status, failure.body ?? '<html><body>Internal Server Error</body></html>', { 'content-type': 'text/html' });
          return send(200, errorEnvelope(params, failure.message));
        }
        const answer = handle(params);
        send(200, 'error' in answer ? errorEnvelope(params, answer.error) : { request: echo(params), response: { status: 1, httpStatus: 200, data: answer.data, errors: [], errorMessage: null } });
      };
      if (heldPage && page === String(heldPage.page)) void heldPage.released.then(reply);
      else reply();
    });
  });

  function handle(params: Record<string, unknown>): { data: unknown } | { error: string } {
    const target = text(params.Target);
    const method = text(params.Method);
    if (params.NetworkId !== undefined && text(params.NetworkId) !== fake.networkId) return { error: `Network "${text(params.NetworkId)}" does not exist.` };
    if (AFFILIATE_TARGETS.has(target)) {
      if (params.api_key === undefined) return { error: 'Missing required argument: api_key' };
      if (text(params.api_key) !== fake.affiliateKey) return { error: 'API key is invalid.' };
    } else if (NETWORK_TARGETS.has(target)) {
      if (params.NetworkToken === undefined) return { error: 'Missing required argument: NetworkToken' };
      if (text(params.NetworkToken) !== fake.networkToken) return { error: 'Invalid NetworkToken.' };
    } else {
      return { error: `Target "${target}" does not exist.` };
    }
    const route = `${target}::${method}`;
    switch (route) {
      case 'Affiliate_Offer::findAll':
      case 'Affiliate_Offer::findMyApprovedOffers':
        return { data: findOffers(params, { network: false, approvedOnly: method === 'findMyApprovedOffers' }) };
      case 'Offer::findAll':
        return { data: findOffers(params, { network: true, approvedOnly: false }) };
      case 'Affiliate_Report::getConversions':
      case 'Report::getConversions':
        return getConversions(params, target === 'Report');
      default:
        return { error: `Method "${method}" does not exist on ${target}.` };
    }
  }

  function findOffers(params: Record<string, unknown>, scope: { network: boolean; approvedOnly: boolean }): unknown {
    const offers = fake.offers.filter((offer) => (!scope.approvedOnly || offer.approved !== false) && (scope.network || offer.Offer.status !== 'deleted'));
    const contain = params.contain ?? [];
    const containList = Array.isArray(contain) ? contain.map(text) : Object.entries(contain as Record<string, unknown>).map(([key, value]) => (/^\d+$/.test(key) ? text(value) : key));
    // Network API: contain[TrackingLink][affiliate_id]=…; Affiliate API: the caller's own link.
    const linkAffiliate = scope.network ? text((contain as Record<string, Record<string, unknown>>).TrackingLink?.affiliate_id) : fake.affiliateId;
    const entries = offers.map((offer) => {
      const wire: Record<string, string | null> = { ...offer.Offer };
      if (!scope.network) {
        // The Affiliate API shows neither the landing page nor the advertiser.
        delete wire.offer_url;
        delete wire.advertiser_id;
      }
      const record: Record<string, unknown> = { Offer: wire };
      const id = offer.Offer.id!;
      if (containList.includes('TrackingLink') && linkAffiliate) {
        const click = `https://${fake.networkId}.go2cloud.org/aff_c?offer_id=${id}&aff_id=${linkAffiliate}`;
        const pixel = `https://${fake.networkId}.go2cloud.org/aff_i?offer_id=${id}&amp;aff_id=${linkAffiliate}`;
        record.TrackingLink = { click_url: click, impression_pixel: `<img src="${pixel}" width="1" height="1" />`, offer_id: id, affiliate_id: linkAffiliate };
      }
      if (containList.includes('Country')) {
        record.Country = keyed((offer.countries ?? []).map((code) => ({ id: code, code, name: code })), (country) => country.code);
      }
      if (containList.includes('OfferCategory')) record.OfferCategory = keyed(offer.categories ?? [], (category) => category.id);
      if (scope.network && containList.includes('Advertiser') && offer.advertiser) record.Advertiser = offer.advertiser;
      return [id, record] as const;
    });
    const limit = params.limit === undefined ? undefined : Number(text(params.limit));
    if (limit === undefined || fake.ignorePaging) return entries.length ? Object.fromEntries(entries) : emptyValue();
    const page = Math.max(1, Number(text(params.page ?? '1')));
    const slice = entries.slice((page - 1) * limit, page * limit);
    return pagingBlock(page, limit, entries.length, slice.length ? Object.fromEntries(slice) : emptyValue());
  }

  function getConversions(params: Record<string, unknown>, network: boolean): { data: unknown } | { error: string } {
    const fields = list(params.fields).map(text);
    if (!fields.length) return { error: 'Missing required argument: fields' };
    const filters = (params.filters ?? {}) as Record<string, { conditional?: unknown; values?: unknown }>;
    let rows = fake.conversions.filter((row) => network || row['Stat.affiliate_id'] === undefined || row['Stat.affiliate_id'] === fake.affiliateId);
    for (const [field, filter] of Object.entries(filters)) {
      const values = list(filter.values).map(text);
      const valueOf = (row: FakeTuneConversion) => (field === 'Stat.date' ? (row['Stat.date'] ?? (row['Stat.datetime'] ?? '').slice(0, 10)) : (row[field] ?? ''));
      if (text(filter.conditional) === 'BETWEEN') rows = rows.filter((row) => valueOf(row) >= values[0]! && valueOf(row) <= values[1]!);
      else if (text(filter.conditional) === 'EQUAL_TO') rows = rows.filter((row) => values.includes(valueOf(row)));
      else return { error: `Unsupported conditional for ${field}.` };
    }
    const sort = (params.sort ?? {}) as Record<string, unknown>;
    for (const [field, direction] of Object.entries(sort)) {
      const sign = text(direction).toLowerCase() === 'desc' ? -1 : 1;
      rows = [...rows].sort((a, b) => sign * (a[field] ?? '').localeCompare(b[field] ?? ''));
    }
    const limit = params.limit === undefined ? Math.max(rows.length, 1) : Number(text(params.limit));
    const page = Math.max(1, Number(text(params.page ?? '1')));
    // Each row is grouped by model: {"Stat": {...}, "ConversionsMobile": {...}}.
    const shaped = rows.slice((page - 1) * limit, page * limit).map((row) => {
      const grouped: Record<string, Record<string, string | null>> = {};
      for (const field of fields) {
        const [model, name] = field.split('.') as [string, string];
        (grouped[model] ??= {})[name] = row[field] ?? null;
      }
      return grouped;
    });
    const block = pagingBlock(page, limit, rows.length, shaped.length ? shaped : emptyValue());
    if (text(params.totals) === '1') {
      const payout = rows.reduce((sum, row) => sum + Number(row['Stat.payout'] ?? 0), 0);
      Object.assign(block, { totals: { Stat: { payout: payout.toFixed(5) } } });
    }
    return { data: block };
  }

  function emptyValue(): unknown {
    return fake.emptyAs === '[]' ? [] : {};
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('fake TUNE server did not bind');

  const fake: FakeTuneServer = {
    url: `http://127.0.0.1:${address.port}/Apiv3/json`,
    networkId: options.networkId ?? 'acme',
    affiliateKey: options.affiliateKey ?? 'aff-key-0123456789abcdef',
    networkToken: options.networkToken ?? 'NETtoken0123456789',
    affiliateId: options.affiliateId ?? '2002',
    offers: options.offers ?? [],
    conversions: options.conversions ?? [],
    requests: [],
    ignorePaging: false,
    emptyAs: '[]',
    failPage(page, failure = { kind: 'http', status: 500 }) {
      pageFailure = { page, failure };
    },
    holdPage(page) {
      let release!: () => void;
      heldPage = { page, released: new Promise<void>((resolve) => (release = resolve)) };
      return () => {
        heldPage = undefined;
        release();
      };
    },
    throttleNext(count, status = 429, retryAfterSeconds) {
      throttle = { count, status, retryAfter: retryAfterSeconds };
    },
    reset() {
      pageFailure = undefined;
      throttle = { count: 0, status: 429, retryAfter: undefined };
      fake.ignorePaging = false;
      fake.emptyAs = '[]';
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

/** TUNE's paging block; its numbers are strings like every other scalar. */
function pagingBlock(page: number, limit: number, count: number, data: unknown): Record<string, unknown> {
  return { page: String(page), current: String(limit), count: String(count), pageCount: String(Math.ceil(count / limit)), data };
}

function errorEnvelope(params: Record<string, unknown>, message: string): unknown {
  return {
    request: echo(params),
    response: { status: -1, httpStatus: 200, data: '', errors: [{ publicMessage: message, err_code: 1, err_msg: message }], errorMessage: message },
  };
}

/** TUNE echoes the request, key included. */
function echo(params: Record<string, unknown>): Record<string, unknown> {
  return { Format: 'json', Service: 'HasOffers', Version: '2', ...params };
}

function keyed<T>(items: T[], key: (item: T) => string): Record<string, T> | [] {
  return items.length ? Object.fromEntries(items.map((item) => [key(item), item])) : [];
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
}

function list(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value && typeof value === 'object') return Object.values(value);
  return value === undefined ? [] : [value];
}

/** `a[b][c][]=x` → `{a: {b: {c: ['x']}}}`, as PHP parses a query string. */
export function parsePhpQuery(pairs: [string, string][]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of pairs) {
    const match = /^([^[]+)((?:\[[^\]]*\])*)$/.exec(key);
    if (!match) {
      root[key] = value;
      continue;
    }
    const path = [match[1]!, ...[...match[2]!.matchAll(/\[([^\]]*)\]/g)].map((m) => m[1]!)];
    let node: Record<string, unknown> | unknown[] = root;
    for (let i = 0; i < path.length; i++) {
      const segment = path[i]!;
      const last = i === path.length - 1;
      if (segment === '' && Array.isArray(node)) {
        if (last) node.push(value);
        else {
          const child = path[i + 1] === '' ? [] : {};
          node.push(child);
          node = child as Record<string, unknown> | unknown[];
        }
        continue;
      }
      const container = node as Record<string, unknown>;
      if (last) container[segment] = value;
      else {
        container[segment] ??= path[i + 1] === '' ? [] : {};
        node = container[segment] as Record<string, unknown> | unknown[];
      }
    }
  }
  return root;
}
