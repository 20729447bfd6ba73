import type { ConversionStatus } from '../../domain/conversion-status.js';
import { subFieldCandidates, type PulledConversion, type SkippedRecord } from '../connector.js';
import { isRecord, readCurrency, readMoney, readText } from '../wire-values.js';
import { TRACKIER_SUB_FIELDS, type TrackierSettings } from './trackier-settings.js';

const STATUSES: Record<string, ConversionStatus> = { approved: 'approved', pending: 'pending', cancelled: 'declined', rejected: 'declined' };

/**
 * One row of `GET /v2/publishers/conversions`. The click id candidates are the configured field
 * first, then the other p1..p10 that carry a value (`source` is the sub-publisher, a candidate only
 * when configured). Trackier's `click_id` is its own
 * click, never ours; `txn_id` is the transaction id, the event id for deduplication with postbacks
 * (the offer-source template sends it as `event_id`). A row without `_id` or a readable `created`
 * is skipped with the reason.
 */
export function mapTrackierConversion(row: unknown, settings: TrackierSettings): { conversion: PulledConversion } | { skipped: SkippedRecord } {
  if (!isRecord(row)) return { skipped: { externalId: null, reason: 'the row is not a conversion object' } };
  const externalId = readText(row._id);
  if (!externalId) return { skipped: { externalId: null, reason: 'the row has no _id' } };
  const created = readText(row.created);
  // `created` is an ISO instant; one without a zone is not trusted to be UTC.
  const at = created && /(Z|[+-]\d{2}:?\d{2})$/i.test(created) ? Date.parse(created) : Number.NaN;
  if (Number.isNaN(at)) return { skipped: { externalId, reason: `unreadable created ${JSON.stringify(row.created ?? null)}` } };

  const candidates = subFieldCandidates(settings.clickIdField, TRACKIER_SUB_FIELDS.filter((field) => field !== 'source'), (field) => readText(row[field]));

  const partnerStatus = readText(row.status);
  return {
    conversion: {
      externalId,
      clickIdCandidates: candidates,
      status: (partnerStatus && STATUSES[partnerStatus.toLowerCase()]) || 'other',
      partnerStatus,
      payout: readMoney(row.payout) ?? 0,
      currency: readCurrency(row.currency),
      at: new Date(at),
      offerExternalId: readText(row.campaign_id),
      transactionId: readText(row.txn_id),
    },
  };
}
