import type { ConversionStatus } from '../../domain/conversion-status.js';
import { subFieldCandidates, type PulledConversion, type SkippedRecord } from '../connector.js';
import { isRecord, readCurrency, readInteger, readMoney, readText } from '../wire-values.js';
import { EVERFLOW_SUB_FIELDS, type EverflowSettings } from './everflow-settings.js';

// `rejected` and `invalid` are how Everflow is believed to spell refused conversions; unverified.
const STATUSES: Record<string, ConversionStatus> = { approved: 'approved', pending: 'pending', rejected: 'declined', invalid: 'declined' };

/**
 * One row of `reporting/conversions`. The click id candidates are the configured sub field first,
 * then the other sub1..sub5 that carry a value: a user who moved `{clickid}` to another sub keeps
 * matching, and a value that is not one of our click ids simply matches nothing. Everflow's own
 * `transaction_id` is its click id, never ours, so it is the event id for deduplication instead.
 * A row without a conversion id or a time is skipped with the reason.
 */
export function mapEverflowConversion(row: unknown, settings: EverflowSettings): { conversion: PulledConversion } | { skipped: SkippedRecord } {
  if (!isRecord(row)) return { skipped: { externalId: null, reason: 'the row is not a conversion object' } };
  const externalId = readText(row.conversion_id);
  if (!externalId) return { skipped: { externalId: null, reason: 'the row has no conversion_id' } };
  // *_unix_timestamp fields are UTC seconds whatever time zone the report was asked in.
  const seconds = readInteger(row.conversion_unix_timestamp);
  if (seconds === null || seconds <= 0) return { skipped: { externalId, reason: `unreadable conversion_unix_timestamp ${JSON.stringify(row.conversion_unix_timestamp ?? null)}` } };

  const candidates = subFieldCandidates(settings.clickIdField, EVERFLOW_SUB_FIELDS.filter((field) => field !== 'source_id'), (field) => readText(row[field]));

  const partnerStatus = readText(row.status);
  const relationship = isRecord(row.relationship) ? row.relationship : {};
  const offer = isRecord(relationship.offer) ? relationship.offer : {};
  return {
    conversion: {
      externalId,
      clickIdCandidates: candidates,
      status: (partnerStatus && STATUSES[partnerStatus.toLowerCase()]) || 'other',
      partnerStatus,
      payout: readMoney(row.payout) ?? 0,
      currency: readCurrency(row.currency_id),
      at: new Date(seconds * 1000),
      offerExternalId: readText(offer.network_offer_id) ?? readText(row.network_offer_id),
      transactionId: readText(row.transaction_id),
    },
  };
}
