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
import { localDateTime } from '../partner-wall-clock.js';
import { readInteger } from '../wire-values.js';
import { cakeSettingsSchema, type CakeSettingsInput } from './cake-settings.js';
import { createCakeClient, type CakeClient, type CakeClientOptions } from './client.js';
import { mapCakeConversion } from './map-conversion.js';
import { mapCakeOffer } from './map-offer.js';
import { readXmlList } from './xml-response.js';

// A partner that keeps announcing more rows must not keep a run going forever.
const MAX_PAGES = 10_000;
const OFFER_FEED = '4/offers.asmx/OfferFeed';
const CONVERSIONS = '5/reports.asmx/Conversions';
// The affiliate Conversions report is asked in windows of at most 31 days, as CAKE's clients do.
const MAX_WINDOW_MS = 31 * 86_400_000;
// "0" is every value of each OfferFeed filter; an empty campaign_name filters nothing.
const OFFER_FILTERS = { campaign_name: '', media_type_category_id: 0, vertical_category_id: 0, vertical_id: 0, offer_status_id: 0, tag_id: 0 };

/**
 * CAKE, affiliate API (`api_key` and `affiliate_id` in the query, XML answers): offers from
 * `OfferFeed`, conversions from `Conversions`, both paged by `start_at_row`/`row_limit` until
 * `row_count` is covered.
 */
export function createCakeConnector(input: CakeSettingsInput, options: CakeClientOptions): PartnerConnector {
  const settings = cakeSettingsSchema.parse(input);
  const client = createCakeClient(settings, options);

  return {
    partner: 'cake',

    async testConnection(): Promise<ConnectionCheck> {
      try {
        // row_limit 1: the smallest real page (0 would ask for every offer).
        const root = await client.get(OFFER_FEED, { ...OFFER_FILTERS, start_at_row: 1, row_limit: 1 }, 'OfferFeed');
        const visible = readInteger(root.row_count) ?? readXmlList(root.offers, 'offer').length;
        return { ok: true, offersVisible: visible, message: `CAKE affiliate API answered: ${visible} offer${visible === 1 ? '' : 's'} in the offer feed` };
      } catch (error) {
        return failedConnectionCheck(error);
      }
    },

    async *fetchOffers(): AsyncIterable<ImportedOfferPage> {
      for await (const { page, pageCount, records } of rows(client, OFFER_FEED, OFFER_FILTERS, 'offers', 'offer', 'OfferFeed', settings.pageSize)) {
        yield offerPage(page, pageCount, records, (record) => mapCakeOffer(record, settings));
      }
    },

    async *fetchConversions(window: ConversionWindow): AsyncIterable<PulledConversionPage> {
      const from = window.from.getTime();
      const to = window.to.getTime();
      const spans: [number, number][] = [];
      for (let start = from; start < to; start += MAX_WINDOW_MS) spans.push([start, Math.min(to, start + MAX_WINDOW_MS)]);
      let page = 0;
      for (const [start, end] of spans) {
        // Whole seconds, widened outwards: the rows are then cut to the span exactly.
        const params = {
          start_date: localDateTime(Math.floor(start / 1000) * 1000, settings.timeZone),
          end_date: localDateTime(Math.ceil(end / 1000) * 1000, settings.timeZone),
          offer_id: 0,
        };
        for await (const part of rows(client, CONVERSIONS, params, 'conversions', 'conversion', 'Conversions', settings.pageSize)) {
          page++;
          const conversions: PulledConversion[] = [];
          const skipped: SkippedRecord[] = [];
          for (const row of part.records) {
            const mapped = mapCakeConversion(row, settings);
            if ('skipped' in mapped) skipped.push(mapped.skipped);
            // Whether end_date is inclusive is not documented; each span is [start, end) to the millisecond.
            else if (mapped.conversion.at.getTime() >= start && mapped.conversion.at.getTime() < end) conversions.push(mapped.conversion);
          }
          // Pages are counted over every span; the count is known only when there is one.
          yield { page, pageCount: spans.length === 1 ? part.pageCount : null, conversions, skipped };
        }
      }
    },
  };
}

/** Asks rows 1.., limit+1.., … until `row_count` is covered (or a short page when CAKE sends no count). */
async function* rows(
  client: CakeClient,
  path: string,
  params: Record<string, string | number>,
  listName: string,
  itemName: string,
  what: string,
  limit: number,
): AsyncIterable<{ page: number; pageCount: number | null; records: unknown[] }> {
  for (let page = 1; page <= MAX_PAGES; page++) {
    const root = await client.get(path, { ...params, start_at_row: (page - 1) * limit + 1, row_limit: limit }, `${what} page ${page}`);
    if (!(listName in root) && !('row_count' in root)) {
      throw new ConnectorError({ partner: 'cake', message: `CAKE ${what} page ${page} answered without <${listName}>`, retryable: false });
    }
    const records = readXmlList(root[listName], itemName);
    const total = readInteger(root.row_count);
    const pageCount = total === null ? null : Math.ceil(total / limit);
    yield { page, pageCount, records };
    const more = total !== null ? page * limit < total : records.length >= limit;
    // An empty page ends the list even when the count said more: rows left while we paged.
    if (!more || records.length === 0) return;
  }
  throw new ConnectorError({ partner: 'cake', message: `CAKE ${what} announced more than ${MAX_PAGES} pages; raise the page size`, retryable: false });
}
