import {
  ConnectorError,
  failedConnectionCheck,
  offerPage,
  type ConnectionCheck,
  type ConversionWindow,
  type ImportedOfferPage,
  type PartnerConnector,
  type PulledConversion,
  type PulledConversionPage,
  type SkippedRecord,
} from '../connector.js';
import { isRecord, readInteger } from '../wire-values.js';
import { createEverflowClient, type EverflowClient, type EverflowClientOptions } from './client.js';
import { everflowSettingsSchema, type EverflowSettingsInput } from './everflow-settings.js';
import { mapEverflowConversion } from './map-conversion.js';
import { mapEverflowOffer } from './map-offer.js';

// A partner that keeps announcing more pages must not keep a run going forever.
const MAX_PAGES = 10_000;
// Everflow's id of UTC (GET /v1/meta/timezones). Asking in UTC keeps the window exact without
// mapping the user's zone to Everflow's ids; row times are unix seconds anyway.
const UTC_TIMEZONE_ID = 67;

/**
 * Everflow, affiliate API (`X-Eflow-API-Key`): offers from `GET offersrunnable` (public offers and
 * those the affiliate is approved for), conversions from `POST reporting/conversions`, both paged
 * with `page`/`page_size` until `paging.total_count` is reached.
 */
export function createEverflowConnector(input: EverflowSettingsInput, options: EverflowClientOptions): PartnerConnector {
  const settings = everflowSettingsSchema.parse(input);
  const client = createEverflowClient(settings, options);

  return {
    partner: 'everflow',

    async testConnection(): Promise<ConnectionCheck> {
      try {
        const answer = await client.request({ method: 'GET', path: 'offersrunnable', query: { page: 1, page_size: 1 }, what: 'offersrunnable' });
        const list = readEverflowList(answer, 'offers');
        if (!list) return { ok: false, message: 'Everflow answered offersrunnable without an "offers" list', retryable: false };
        const visible = list.paging?.totalCount ?? list.records.length;
        return { ok: true, offersVisible: visible, message: `Everflow affiliate API answered: ${visible} runnable offer${visible === 1 ? '' : 's'}` };
      } catch (error) {
        return failedConnectionCheck(error);
      }
    },

    async *fetchOffers(): AsyncIterable<ImportedOfferPage> {
      const request = (page: number) =>
        client.request({ method: 'GET', path: 'offersrunnable', query: { page, page_size: settings.pageSize }, what: `offersrunnable page ${page}` });
      for await (const { page, pageCount, records } of pages(request, 'offers', 'offersrunnable', settings.pageSize)) {
        yield offerPage(page, pageCount, records, mapEverflowOffer);
      }
    },

    async *fetchConversions(window: ConversionWindow): AsyncIterable<PulledConversionPage> {
      const from = window.from.getTime();
      const to = window.to.getTime();
      // Whole seconds, widened outwards: the rows are then cut to the window exactly.
      const report = {
        from: utcDateTime(Math.floor(from / 1000) * 1000),
        to: utcDateTime(Math.ceil(to / 1000) * 1000),
        timezone_id: UTC_TIMEZONE_ID,
        show_conversions: true,
        show_events: true,
        query: { filters: [] },
      };
      // The endpoint's page documents paging in the query string, Everflow's paging guide in the body of POST reports: both are sent.
      const request = (page: number) =>
        client.request({
          method: 'POST',
          path: 'reporting/conversions',
          query: { page, page_size: settings.pageSize },
          body: { ...report, page, page_size: settings.pageSize },
          what: `reporting/conversions page ${page}`,
        });
      for await (const { page, pageCount, records } of pages(request, 'conversions', 'reporting/conversions', settings.pageSize)) {
        const conversions: PulledConversion[] = [];
        const skipped: SkippedRecord[] = [];
        for (const row of records) {
          const mapped = mapEverflowConversion(row, settings);
          if ('skipped' in mapped) skipped.push(mapped.skipped);
          // Whether `to` is inclusive is not documented; the window is [from, to) to the second.
          else if (mapped.conversion.at.getTime() >= from && mapped.conversion.at.getTime() < to) conversions.push(mapped.conversion);
        }
        yield { page, pageCount, conversions, skipped };
      }
    },
  };
}

interface RecordsPage {
  page: number;
  pageCount: number | null;
  records: unknown[];
}

/** Asks page 1, 2, … until `total_count` is covered (or a short page when Everflow sends no total). */
async function* pages(request: (page: number) => Promise<unknown>, key: string, what: string, pageSize: number): AsyncIterable<RecordsPage> {
  for (let page = 1; page <= MAX_PAGES; page++) {
    const answer = await request(page);
    const list = readEverflowList(answer, key);
    if (!list) throw new ConnectorError({ partner: 'everflow', message: `Everflow ${what} page ${page} answered without a "${key}" list`, retryable: false });
    if (!list.paging) {
      // Without a paging block the endpoint sent everything at once; asking page 2 would repeat it.
      yield { page, pageCount: null, records: list.records };
      return;
    }
    // Everflow may cap page_size below what was asked; the count of pages follows what it answered.
    const size = list.paging.pageSize ?? pageSize;
    const pageCount = list.paging.totalCount === null ? null : Math.ceil(list.paging.totalCount / size);
    yield { page, pageCount, records: list.records };
    const more = pageCount !== null ? page < pageCount : list.records.length >= size;
    // An empty page ends the list even when the count said more: offers left while we paged.
    if (!more || list.records.length === 0) return;
  }
  throw new ConnectorError({ partner: 'everflow', message: `Everflow ${what} announced more than ${MAX_PAGES} pages; raise the page size`, retryable: false });
}

/** `{"offers": [...], "paging": {"page", "page_size", "total_count"}}`; null for nothing is an empty list. */
function readEverflowList(answer: unknown, key: string): { records: unknown[]; paging: { pageSize: number | null; totalCount: number | null } | null } | null {
  if (!isRecord(answer)) return null;
  const records = answer[key];
  if (records !== null && records !== undefined && !Array.isArray(records)) return null;
  if (records === undefined && !isRecord(answer.paging)) return null;
  const paging = isRecord(answer.paging) ? { pageSize: positive(readInteger(answer.paging.page_size)), totalCount: readInteger(answer.paging.total_count) } : null;
  return { records: records ?? [], paging };
}

function positive(value: number | null): number | null {
  return value !== null && value > 0 ? value : null;
}

/** `YYYY-MM-DD hh:mm:ss` in UTC, the report's precise form of `from`/`to`. */
function utcDateTime(instant: number): string {
  return new Date(instant).toISOString().slice(0, 19).replace('T', ' ');
}
