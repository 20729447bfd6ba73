import type { ConversionStatus } from '../../domain/conversion-status.js';
import { parseTimeInZone } from '../../domain/local-time.js';
import { subFieldCandidates, type PulledConversion, type SkippedRecord } from '../connector.js';
import { isRecord, readMoney, readText } from '../wire-values.js';
import { CAKE_SUB_FIELDS, type CakeSettings } from './cake-settings.js';

const DISPOSITIONS: Record<string, ConversionStatus> = { approved: 'approved', pending: 'pending', rejected: 'declined' };

/**
 * One `<conversion>` of the affiliate Conversions report. The click id candidates are the configured
 * sub id first, then the other subid_1..5 that carry a value. `transaction_id` is CAKE's, the event
 * id for deduplication with postbacks (the template sends `#tid#`). An empty disposition is a
 * conversion not yet judged: pending. A row without an id or a readable `conversion_date` (the
 * network's wall-clock time) is skipped with the reason.
 */
export function mapCakeConversion(row: unknown, settings: CakeSettings): { conversion: PulledConversion } | { skipped: SkippedRecord } {
  if (!isRecord(row)) return { skipped: { externalId: null, reason: 'the row is not a conversion element' } };
  const externalId = readText(row.conversion_id) ?? readText(row.order_id);
  if (!externalId) return { skipped: { externalId: null, reason: 'the row has no conversion_id' } };
  const date = readText(row.conversion_date);
  // .NET writes up to seven decimals of a second; milliseconds are enough.
  const at = date === null ? undefined : parseTimeInZone(date.replace(/(\.\d{3})\d+$/, '$1'), settings.timeZone);
  if (at === undefined) return { skipped: { externalId, reason: `unreadable conversion_date ${JSON.stringify(row.conversion_date ?? null)}` } };

  const element = (field: string) => CAKE_SUB_FIELDS[field as keyof typeof CAKE_SUB_FIELDS];
  const candidates = subFieldCandidates(settings.clickIdField, Object.keys(CAKE_SUB_FIELDS), (field) => readText(row[element(field)]), element);

  const partnerStatus = readText(row.disposition);
  return {
    conversion: {
      externalId,
      clickIdCandidates: candidates,
      status: partnerStatus === null ? 'pending' : DISPOSITIONS[partnerStatus.toLowerCase()] ?? 'other',
      partnerStatus,
      // `price` may come as display text (`$2.50`).
      payout: readMoney(readText(row.price)?.replace(/[^\d.-]/g, '')) ?? 0,
      currency: null,
      at: new Date(at),
      offerExternalId: readText(row.offer_id),
      transactionId: readText(row.transaction_id),
    },
  };
}
