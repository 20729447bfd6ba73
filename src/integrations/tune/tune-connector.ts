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
import { localDate } from '../partner-wall-clock.js';
import { createTuneClient, type TuneClient, type TuneClientOptions } from './client.js';
import { conversionReportFields, mapTuneConversion } from './map-conversion.js';
import { mapTuneOffer } from './map-offer.js';
import type { PhpParam } from './php-params.js';
import { readTuneRecords, type TuneRecords } from './response-shapes.js';
import { tuneSettingsSchema, type TuneSettingsInput } from './tune-settings.js';

// A partner that keeps announcing more pages must not keep a run going forever.
const MAX_PAGES = 10_000;

/**
 * TUNE/HasOffers, Affiliate API (`api_key`, `Affiliate_*` targets) or Network API (`NetworkToken`,
 * `Offer`/`Report`): offers from `findMyApprovedOffers`/`findAll` or `Offer::findAll`, conversions
 * from `getConversions`, both paged until `pageCount`.
 */
export function createTuneConnector(input: TuneSettingsInput, options: TuneClientOptions): PartnerConnector {
  const settings = tuneSettingsSchema.parse(input);
  const client = createTuneClient(settings, options);
  const network = settings.api === 'network';
  const offerTarget = network ? 'Offer' : 'Affiliate_Offer';
  const offerMethod = network ? 'findAll' : settings.offerMethod;
  const reportTarget = network ? 'Report' : 'Affiliate_Report';
  const offerParams: Record<string, PhpParam> = {
    // Contained models come back beside each Offer; a Network API tracking link needs the affiliate it is for.
    contain: network
      ? { 0: 'Country', 1: 'OfferCategory', 2: 'Advertiser', ...(settings.affiliateId ? { TrackingLink: { affiliate_id: settings.affiliateId } } : {}) }
      : ['TrackingLink', 'Country', 'OfferCategory'],
  };

  return {
    partner: 'tune',
    // Seed 004's two passes: TUNE's transaction id, then the message-id field.
    conversionClickIdFields: ['Stat.ad_id', settings.messageIdField],

    async testConnection(): Promise<ConnectionCheck> {
      try {
        const data = await client.call(offerTarget, offerMethod, { limit: 1, page: 1 });
        let answer: TuneRecords;
        try {
          answer = readTuneRecords(data);
        } catch (error) {
          return { ok: false, message: `TUNE answered in an unexpected shape: ${(error as Error).message}`, retryable: false };
        }
        const { records, paging } = answer;
        const visible = paging?.count ?? records.length;
        const api = network ? 'Network API' : 'Affiliate API';
        return { ok: true, offersVisible: visible, message: `TUNE ${api} answered: ${visible} offer${visible === 1 ? '' : 's'} visible (${offerTarget}::${offerMethod})` };
      } catch (error) {
        return failedConnectionCheck(error);
      }
    },

    async *fetchOffers(): AsyncIterable<ImportedOfferPage> {
      for await (const { page, pageCount, records } of pages(client, offerTarget, offerMethod, offerParams, settings.pageSize)) {
        yield offerPage(page, pageCount, records, mapTuneOffer);
      }
    },

    async *fetchConversions(window: ConversionWindow): AsyncIterable<PulledConversionPage> {
      // TUNE filters whole days of the network's time zone; data_start/data_end must repeat them.
      const first = localDate(window.from.getTime(), settings.timeZone);
      const last = localDate(Math.max(window.from.getTime(), window.to.getTime() - 1), settings.timeZone);
      const filters: Record<string, PhpParam> = { 'Stat.date': { conditional: 'BETWEEN', values: [first, last] } };
      if (network && settings.affiliateId) filters['Stat.affiliate_id'] = { conditional: 'EQUAL_TO', values: [settings.affiliateId] };
      const params: Record<string, PhpParam> = {
        fields: conversionReportFields(settings),
        filters,
        data_start: first,
        data_end: last,
        // Oldest first, so rows recorded while paging land on later pages instead of shifting earlier ones.
        sort: { 'Stat.datetime': 'asc' },
      };
      for await (const { page, pageCount, records } of pages(client, reportTarget, 'getConversions', params, settings.pageSize)) {
        const conversions: PulledConversion[] = [];
        const skipped: SkippedRecord[] = [];
        for (const row of records) {
          const mapped = mapTuneConversion(row, settings);
          if ('conversion' in mapped) conversions.push(mapped.conversion);
          else skipped.push(mapped.skipped);
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

/** Asks page 1, 2, … until the announced `pageCount` (or a short page when none is announced). */
async function* pages(client: TuneClient, target: string, method: string, params: Record<string, PhpParam>, limit: number): AsyncIterable<RecordsPage> {
  for (let page = 1; page <= MAX_PAGES; page++) {
    let answer: TuneRecords;
    const data = await client.call(target, method, { ...params, limit, page });
    try {
      answer = readTuneRecords(data);
    } catch (error) {
      throw new ConnectorError({ partner: 'tune', message: `TUNE ${target}::${method} page ${page}: ${(error as Error).message}`, retryable: false, cause: error });
    }
    // No paging block: the method ignored limit/page and sent everything at once.
    if (!answer.paging) {
      if (page > 1 && answer.records.length > 0) {
        throw new ConnectorError({ partner: 'tune', message: `TUNE ${target}::${method} answered page ${page} without its paging block`, retryable: false });
      }
      yield { page, pageCount: null, records: answer.records };
      return;
    }
    const { pageCount } = answer.paging;
    yield { page, pageCount, records: answer.records };
    const more = pageCount !== null ? page < pageCount : answer.records.length >= limit;
    if (!more) return;
  }
  throw new ConnectorError({ partner: 'tune', message: `TUNE ${target}::${method} announced more than ${MAX_PAGES} pages; raise the page size`, retryable: false });
}
