import type { ConversionStatus } from '../../domain/conversion-status.js';
import { parseTimeInZone } from '../../domain/local-time.js';
import type { ClickIdCandidate, PulledConversion, SkippedRecord } from '../connector.js';
import { MESSAGE_ID_FIELDS, type TuneSettings } from './tune-settings.js';
import { isRecord, readCurrency, readMoney, readText } from '../wire-values.js';

/** The report fields a pull asks for; the event id differs by API (`Stat.id` is deprecated on the Network API). */
export function conversionReportFields(settings: TuneSettings): string[] {
  const eventId = settings.api === 'network' ? 'Stat.tune_event_id' : 'Stat.id';
  const fields = [eventId, 'Stat.datetime', 'Stat.offer_id', 'Stat.ad_id', 'Stat.goal_id', 'Stat.conversion_status', 'Stat.payout', 'Stat.currency'];
  const messageField = MESSAGE_ID_FIELDS[settings.messageIdField];
  if (!fields.includes(messageField)) fields.push(messageField);
  return fields;
}

const STATUSES: Record<string, ConversionStatus> = { approved: 'approved', pending: 'pending', rejected: 'declined', cancelled: 'declined', canceled: 'declined' };

/**
 * One report row (`{"Stat": {…}, "ConversionsMobile": {…}}`). The click id candidates follow seed
 * 004's two passes: `Stat.ad_id` (TUNE's transaction id, which is our click id when the offer URL
 * passes it through), then the configured message-id field. A row without any id or a readable time
 * is skipped with the reason: guessing either would corrupt reports.
 */
export function mapTuneConversion(row: unknown, settings: TuneSettings): { conversion: PulledConversion } | { skipped: SkippedRecord } {
  if (!isRecord(row) || !isRecord(row.Stat)) return { skipped: { externalId: null, reason: 'the row has no Stat object' } };
  const stat = row.Stat;
  const transactionId = readText(stat.ad_id);
  const goalId = readText(stat.goal_id);
  const eventId = readText(stat.tune_event_id) ?? readText(stat.id);
  const externalId = eventId ?? (transactionId ? (goalId && goalId !== '0' ? `${transactionId}:${goalId}` : transactionId) : null);
  if (!externalId) return { skipped: { externalId: null, reason: 'the row has neither an event id nor Stat.ad_id' } };

  const datetime = readText(stat.datetime);
  const at = datetime === null ? undefined : parseTimeInZone(datetime, settings.timeZone);
  if (at === undefined) return { skipped: { externalId, reason: `unreadable Stat.datetime ${JSON.stringify(stat.datetime ?? null)}` } };

  const candidates: ClickIdCandidate[] = [];
  if (transactionId) candidates.push({ source: 'Stat.ad_id', value: transactionId });
  const messageId = readField(row, MESSAGE_ID_FIELDS[settings.messageIdField]);
  if (messageId && messageId !== transactionId) candidates.push({ source: settings.messageIdField, value: messageId });

  const partnerStatus = readText(stat.conversion_status);
  const conversion: PulledConversion = {
    externalId,
    clickIdCandidates: candidates,
    status: (partnerStatus && STATUSES[partnerStatus.toLowerCase()]) || 'other',
    partnerStatus,
    payout: readMoney(stat.payout) ?? 0,
    currency: readCurrency(stat.currency),
    at: new Date(at),
    offerExternalId: readText(stat.offer_id),
    transactionId,
  };
  return { conversion };
}

/** `Model.field` → `row.Model.field`, as TUNE groups report columns by model. */
function readField(row: Record<string, unknown>, field: string): string | null {
  const [model, name] = field.split('.') as [string, string];
  const group = row[model];
  return isRecord(group) ? readText(group[name]) : null;
}
