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
import { isRecord, readInteger } from '../wire-values.js';
import { createTrackierClient, type TrackierClientOptions } from './client.js';
import { mapTrackierConversion } from './map-conversion.js';
import { mapTrackierOffer } from './map-offer.js';
import { trackierSettingsSchema, type TrackierSettingsInput } from './trackier-settings.js';

// A partner that keeps announcing more pages must not keep a run going forever.
const MAX_PAGES = 10_000;
// The campaign list sits under `publisher`, the reports under `publishers`, as Trackier spells them.
const CAMPAIGNS = 'v2/publisher/campaigns';
const CONVERSIONS = 'v2/publishers/conversions';

/**
 * Trackier, publisher API (`X-Api-Key`): offers from `GET /v2/publisher/campaigns`, conversions from
 * `GET /v2/publishers/conversions` over whole days, both paged with `page`/`limit`.
 */
export function createTrackierConnector(input: TrackierSettingsInput, options: TrackierClientOptions): PartnerConnector {
  const settings = trackierSettingsSchema.parse(input);
  const client = createTrackierClient(settings, options);

  return {
    partner: 'trackier',

    async testConnection(): Promise<ConnectionCheck> {
      try {
        const answer = await client.get(CAMPAIGNS, { page: 1, limit: 1 }, 'campaigns');
        const list = readCampaigns(answer);
        if (!list) return { ok: false, message: 'Trackier answered campaigns without a "data.campaigns" list', retryable: false };
        const visible = list.total ?? list.records.length;
        return { ok: true, offersVisible: visible, message: `Trackier publisher API answered: ${visible} campaign${visible === 1 ? '' : 's'} visible` };
      } catch (error) {
        return failedConnectionCheck(error);
      }
    },

    async *fetchOffers(): AsyncIterable<ImportedOfferPage> {
      const request = async (page: number) => {
        const list = readCampaigns(await client.get(CAMPAIGNS, { page, limit: settings.pageSize }, `campaigns page ${page}`));
        if (!list) throw new ConnectorError({ partner: 'trackier', message: `Trackier campaigns page ${page} answered without a "data.campaigns" list`, retryable: false });
        return list;
      };
      for await (const { page, pageCount, records } of pages(request, settings.pageSize, 'campaigns')) {
        yield offerPage(page, pageCount, records, mapTrackierOffer);
      }
    },

    async *fetchConversions(window: ConversionWindow): AsyncIterable<PulledConversionPage> {
      const from = window.from.getTime();
      const to = window.to.getTime();
      // The report takes whole days; the rows are then cut to the window by their `created` instant.
      const start = localDate(from, settings.timeZone);
      const end = localDate(Math.max(from, to - 1), settings.timeZone);
      const request = async (page: number) => {
        const answer = await client.get(CONVERSIONS, { start, end, page, limit: settings.pageSize }, `conversions page ${page}`);
        const list = readConversions(answer);
        if (!list) throw new ConnectorError({ partner: 'trackier', message: `Trackier conversions page ${page} answered without a "conversions" list`, retryable: false });
        return list;
      };
      for await (const { page, pageCount, records } of pages(request, settings.pageSize, 'conversions')) {
        const conversions: PulledConversion[] = [];
        const skipped: SkippedRecord[] = [];
        for (const row of records) {
          const mapped = mapTrackierConversion(row, settings);
          if ('skipped' in mapped) skipped.push(mapped.skipped);
          else if (mapped.conversion.at.getTime() >= from && mapped.conversion.at.getTime() < to) conversions.push(mapped.conversion);
        }
        yield { page, pageCount, conversions, skipped };
      }
    },
  };
}

interface TrackierList {
  records: unknown[];
  /** Records in the whole list, when Trackier says. */
  total: number | null;
}

/**
 * Asks page 1, 2, … while pages come full or the total says more. Whether the campaign list's
 * `count` is the total or this page's count is not documented; reading it both ways costs at most
 * one extra request, answered empty, which ends the list.
 */
async function* pages(request: (page: number) => Promise<TrackierList>, limit: number, what: string): AsyncIterable<{ page: number; pageCount: number | null; records: unknown[] }> {
  for (let page = 1; page <= MAX_PAGES; page++) {
    const list = await request(page);
    const pageCount = list.total === null ? null : Math.max(page, Math.ceil(list.total / limit));
    yield { page, pageCount, records: list.records };
    const more = list.records.length >= limit || (list.total !== null && page * limit < list.total);
    if (!more || list.records.length === 0) return;
  }
  throw new ConnectorError({ partner: 'trackier', message: `Trackier ${what} announced more than ${MAX_PAGES} pages`, retryable: false });
}

/** `{"success": true, "data": {"campaigns": [...], "page": 1, "count": 251}}`. */
function readCampaigns(answer: Record<string, unknown>): TrackierList | null {
  const data = answer.data;
  if (!isRecord(data)) return null;
  const records = data.campaigns;
  if (records !== null && !Array.isArray(records)) return null;
  return { records: records ?? [], total: readInteger(data.count) };
}

/** `{"conversions": [...], "pagination": {"perPage", "currentPage", "total"}}`. */
function readConversions(answer: Record<string, unknown>): TrackierList | null {
  const records = answer.conversions;
  if (records !== null && !Array.isArray(records)) return null;
  const pagination = isRecord(answer.pagination) ? answer.pagination : {};
  return { records: records ?? [], total: readInteger(pagination.total) };
}
