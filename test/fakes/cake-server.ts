import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { wallTimeToInstant } from '../../src/domain/local-time.js';

/**
 * A CAKE network's affiliate API over real HTTP on loopback, speaking the wire format of
 * shared/reference/partner-apis.md §3.2 as CAKE's .asmx services do: `api_key` and `affiliate_id` in
 * the query string, XML answers with a namespaced root holding `<success>`, `<row_count>` and the
 * list, every value text, paging by 1-based `start_at_row` and `row_limit` (0 is every row),
 * refusals as HTTP 200 `<success>false</success>`, and a missing parameter as HTTP 500 with a
 * plain-text .NET exception. Serves `4/offers.asmx/OfferFeed` and `5/reports.asmx/Conversions` (also
 * under `/api/1/`, as older clients call them). Unverified spellings are fields a test can change.
 */

/**
 * An XML element's content: text, nothing (`xsi:nil`), child elements by name, or an array under a
 * name for that element repeated (`{allowed_countries: {country: [{…}, {…}]}}`).
 */
export type XmlContent = string | number | boolean | null | XmlContent[] | { [element: string]: XmlContent };

/** An `<offer>` element's children exactly as the feed sends them. */
export type FakeCakeOffer = Record<string, XmlContent>;
/** A `<conversion>` element's children; `conversion_date` is the network's wall-clock time without offset. */
export type FakeCakeConversion = Record<string, XmlContent>;

export interface CakeRequest {
  path: string;
  query: Record<string, string>;
  status: number;
}

export type CakeFailure = { kind: 'http'; status: number; body?: string } | { kind: 'refusal'; message: string };

export interface FakeCakeServer {
  /** `http://127.0.0.1:{port}`: the network's CAKE domain. */
  url: string;
  apiKey: string;
  affiliateId: string;
  offers: FakeCakeOffer[];
  conversions: FakeCakeConversion[];
  requests: CakeRequest[];
  /** The network's time zone, in which report bounds and conversion dates are read. */
  timeZone: string;
  /** The refusal for a wrong key or affiliate id [U: CAKE's wording was not seen]. */
  invalidKeyMessage: string;
  /** The widest Conversions window, in days; wider is refused [U: clients split at 31]. */
  maxWindowDays: number;
  /** Every request for `page` (from start_at_row and row_limit) fails that way until reset. */
  failPage(page: number, failure?: CakeFailure): void;
  reset(): void;
  close(): Promise<void>;
}

const OFFER_FEED = /^\/affiliates\/api\/(1|4)\/offers\.asmx\/OfferFeed$/;
const CONVERSIONS = /^\/affiliates\/api\/(1|5)\/reports\.asmx\/Conversions$/;
const OFFER_FEED_PARAMS = ['api_key', 'affiliate_id', 'campaign_name', 'media_type_category_id', 'vertical_category_id', 'vertical_id', 'offer_status_id', 'tag_id', 'start_at_row', 'row_limit'];
const CONVERSIONS_PARAMS = ['api_key', 'affiliate_id', 'start_date', 'end_date', 'offer_id', 'start_at_row', 'row_limit'];
const BOUND = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}:\d{2}))?$/;

export async function startFakeCakeServer(
  options: { apiKey?: string; affiliateId?: string; offers?: FakeCakeOffer[]; conversions?: FakeCakeConversion[] } = {},
): Promise<FakeCakeServer> {
  let pageFailure: { page: number; failure: CakeFailure } | undefined;

  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const parsed = new URL(request.url ?? '/', 'http://fake');
      const query = Object.fromEntries(parsed.searchParams);
      const logged: CakeRequest = { path: parsed.pathname, query, status: 0 };
      fake.requests.push(logged);
      const send = (status: number, contentType: string, body: string) => {
        logged.status = status;
        response.writeHead(status, { 'content-type': contentType });
        response.end(body);
      };
      const answer = (root: string, namespace: string, content: Record<string, XmlContent>) =>
        send(200, 'text/xml; charset=utf-8', xmlDocument(root, namespace, content));

      const feed = OFFER_FEED.exec(parsed.pathname);
      const report = CONVERSIONS.exec(parsed.pathname);
      if (!feed && !report) return send(404, 'text/html', '<html><body><h1>404 - File or directory not found.</h1></body></html>');
      const root = feed ? 'offer_feed_response' : 'conversion_report_response';
      const namespace = `http://cakemarketing.com/affiliates/api/${feed ? feed[1] : report![1]}/`;
      // ASP.NET refuses a web-method call missing any parameter before CAKE's code runs.
      const missing = (feed ? OFFER_FEED_PARAMS : CONVERSIONS_PARAMS).find((name) => !(name in query));
      if (missing) return send(500, 'text/plain; charset=utf-8', `System.InvalidOperationException: Missing parameter: ${missing}.\r\n   at System.Web.Services.Protocols.ValueCollectionParameterReader.Read(NameValueCollection collection)`);
      const refuse = (message: string) => answer(root, namespace, { success: 'false', message, row_count: '0' });

      if (query.api_key !== fake.apiKey || query.affiliate_id !== fake.affiliateId) return refuse(fake.invalidKeyMessage);
      const startAt = Number(query.start_at_row);
      const limit = Number(query.row_limit);
      if (!Number.isInteger(startAt) || startAt < 1 || !Number.isInteger(limit) || limit < 0) return refuse('Invalid start_at_row or row_limit');
      const page = limit === 0 ? 1 : Math.floor((startAt - 1) / limit) + 1;
      if (pageFailure && page === pageFailure.page) {
        const { failure } = pageFailure;
        if (failure.kind === 'refusal') return refuse(failure.message);
        return send(failure.status, 'text/html; charset=utf-8', failure.body ?? '<html><body><h2>Runtime Error</h2><p>An application error occurred on the server.</p></body></html>');
      }
      const slice = <T>(items: T[]) => (limit === 0 ? items.slice(startAt - 1) : items.slice(startAt - 1, startAt - 1 + limit));

      if (feed) {
        return answer(root, namespace, { success: 'true', row_count: String(fake.offers.length), offers: { offer: slice(fake.offers) } });
      }
      const from = readBound(query.start_date!, fake.timeZone);
      const to = readBound(query.end_date!, fake.timeZone);
      if (from === null || to === null) return refuse('Invalid start_date or end_date');
      if (from > to) return refuse('start_date must be before end_date');
      if (to - from > fake.maxWindowDays * 86_400_000) return refuse(`Date range cannot exceed ${fake.maxWindowDays} days`);
      const selected = fake.conversions.filter((row) => {
        const at = readBound(String(row.conversion_date), fake.timeZone);
        // A row the fake cannot date is sent anyway, so a test can show how the connector skips it.
        return at === null || (at >= from && at <= to);
      });
      return answer(root, namespace, { success: 'true', row_count: String(selected.length), conversions: { conversion: slice(selected) } });
    });
  });

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('fake CAKE server did not bind');

  const fake: FakeCakeServer = {
    url: `http://127.0.0.1:${address.port}`,
    apiKey: options.apiKey ?? 'cakeAffiliateKey0123456789',
    affiliateId: options.affiliateId ?? '4321',
    offers: options.offers ?? [],
    conversions: options.conversions ?? [],
    requests: [],
    timeZone: 'UTC',
    invalidKeyMessage: 'Invalid API Key',
    maxWindowDays: 31,
    failPage(page, failure = { kind: 'http', status: 500 }) {
      pageFailure = { page, failure };
    },
    reset() {
      pageFailure = undefined;
      fake.timeZone = 'UTC';
      fake.invalidKeyMessage = 'Invalid API Key';
      fake.maxWindowDays = 31;
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

function xmlDocument(root: string, namespace: string, content: Record<string, XmlContent>): string {
  const attributes = `xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns="${namespace}"`;
  return `<?xml version="1.0" encoding="utf-8"?>\r\n<${root} ${attributes}>${children(content, '  ')}\r\n</${root}>`;
}

function children(content: Record<string, XmlContent>, indent: string): string {
  let xml = '';
  for (const [name, value] of Object.entries(content)) {
    for (const item of Array.isArray(value) ? value : [value]) xml += `\r\n${indent}${element(name, item, indent)}`;
  }
  return xml;
}

function element(name: string, value: XmlContent, indent: string): string {
  if (value === null) return `<${name} xsi:nil="true" />`;
  if (typeof value === 'object' && !Array.isArray(value)) return `<${name}>${children(value, `${indent}  `)}\r\n${indent}</${name}>`;
  const text = String(value);
  return text === '' ? `<${name} />` : `<${name}>${escapeXml(text)}</${name}>`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `YYYY-MM-DD[ hh:mm:ss]` or `YYYY-MM-DDThh:mm:ss[.fffffff]` on the network's clock → the instant; null when unreadable. */
function readBound(value: string, zone: string): number | null {
  const match = BOUND.exec(value.replace(/\.\d+$/, ''));
  if (!match) return null;
  const wall = Date.parse(`${match[1]}T${match[2] ?? '00:00:00'}Z`);
  if (Number.isNaN(wall)) return null;
  return wallTimeToInstant(wall, zone);
}
