import { CONVERSION_STATUSES, type ConversionStatus } from '../domain/conversion-status.js';
import { parseMoney } from '../domain/money.js';
import type { RawParams } from '../domain/postback-params.js';
import { UseCaseError } from '../domain/use-case-error.js';
import { recordPostback, type ConversionDeps } from './record-postback.js';
import { updateConversion } from './update-conversion.js';

/** One row of an upload: a new conversion by click id, or a change to an existing one by conversion id. */
/** Absent, null and empty values are the same: not given. */
export interface UploadRow {
  clickId?: string | null | undefined;
  conversionId?: string | number | null | undefined;
  type?: string | null | undefined;
  status?: string | null | undefined;
  payout?: string | number | null | undefined;
  currency?: string | null | undefined;
  eventId?: string | null | undefined;
}

/** A row after cleaning: given values only, trimmed. */
type CleanRow = { [K in keyof UploadRow]?: Exclude<UploadRow[K], null> };

export type UploadOutcome = 'created' | 'updated' | 'duplicate' | 'rejected';

export interface UploadRowResult {
  /** 1-based position among the uploaded rows (in a CSV: the first line after the header is row 1). */
  row: number;
  outcome: UploadOutcome;
  reason: string;
  conversionId?: number;
}

export interface UploadResult {
  rows: UploadRowResult[];
  totals: Record<UploadOutcome, number> & { rows: number };
}

class RowRejection extends Error {}

/**
 * Uploads conversions row by row. A new conversion takes the same path as a postback (attribution,
 * type, status mapping, currency, duplicate mode, log) with origin `upload`; the API key stands in for
 * the offer source's token and IP allowlist. A bad row is reported and never stops the others.
 */
export async function uploadConversions(deps: ConversionDeps, rows: readonly UploadRow[], request: { sourceIp: string }): Promise<UploadResult> {
  const results: UploadRowResult[] = [];
  for (const [index, raw] of rows.entries()) {
    const row = index + 1;
    try {
      results.push({ row, ...(await uploadRow(deps, clean(raw), request)) });
    } catch (error) {
      if (!(error instanceof RowRejection || error instanceof UseCaseError)) throw error;
      results.push({ row, outcome: 'rejected', reason: error.message });
    }
  }
  const totals = { rows: results.length, created: 0, updated: 0, duplicate: 0, rejected: 0 };
  for (const result of results) totals[result.outcome] += 1;
  return { rows: results, totals };
}

async function uploadRow(deps: ConversionDeps, row: CleanRow, request: { sourceIp: string }): Promise<Omit<UploadRowResult, 'row'>> {
  const payout = row.payout === undefined ? undefined : parsePayout(String(row.payout));
  if (row.conversionId !== undefined) return updateRow(deps, row, payout);
  if (row.clickId === undefined) throw new RowRejection('needs clickId (a new conversion) or conversionId (a change to one)');

  const params: RawParams = { clickid: row.clickId };
  if (payout !== undefined) params.sum = String(row.payout).replace(',', '.');
  if (row.type !== undefined) params.type = row.type;
  if (row.status !== undefined) params.status = row.status;
  if (row.currency !== undefined) params.currency = row.currency;
  if (row.eventId !== undefined) params.event_id = row.eventId;
  const result = await recordPostback(deps, { params, method: 'UPLOAD', sourceIp: request.sourceIp, origin: 'upload', authenticated: true });
  const conversionId = result.conversion?.id;
  const outcome: UploadOutcome =
    result.outcome === 'accepted' ? (result.change === 'created' ? 'created' : 'updated') : result.outcome === 'duplicate' ? 'duplicate' : 'rejected';
  return { outcome, reason: result.reason, ...(conversionId === undefined ? {} : { conversionId }) };
}

async function updateRow(deps: ConversionDeps, row: CleanRow, payout: number | undefined): Promise<Omit<UploadRowResult, 'row'>> {
  const id = Number(row.conversionId);
  if (!Number.isSafeInteger(id) || id <= 0) throw new RowRejection(`conversionId "${String(row.conversionId).slice(0, 40)}" is not a conversion id`);
  if (row.type !== undefined || row.eventId !== undefined) throw new RowRejection('type and eventId of an existing conversion cannot change; only status and payout');
  let status: ConversionStatus | undefined;
  if (row.status !== undefined) {
    const lower = row.status.toLowerCase();
    if (!(CONVERSION_STATUSES as readonly string[]).includes(lower)) throw new RowRejection(`unknown status "${row.status.slice(0, 40)}"; use ${CONVERSION_STATUSES.join(', ')}`);
    status = lower as ConversionStatus;
  }
  const currency = row.currency?.toUpperCase();
  if (currency !== undefined && !/^[A-Z]{3}$/.test(currency)) throw new RowRejection(`invalid currency "${currency.slice(0, 20)}"`);
  const before = await deps.store.conversions.get(id);
  if (before && row.clickId !== undefined && before.clickId !== row.clickId.toLowerCase()) {
    throw new RowRejection(`conversion ${id} belongs to click ${before.clickId}, not ${row.clickId.slice(0, 64)}`);
  }
  const updated = await updateConversion(deps, id, { status, payout, currency });
  return { outcome: 'updated', reason: describeChange(before?.status, updated.status, payout !== undefined), conversionId: updated.id };
}

function describeChange(from: string | undefined, to: string, payoutChanged: boolean): string {
  const parts: string[] = [];
  if (from !== to) parts.push(`status changed from ${from} to ${to}`);
  if (payoutChanged) parts.push('payout changed');
  return parts.length ? parts.join('; ') : 'no change (the conversion already had these values)';
}

function parsePayout(text: string): number {
  const micros = parseMoney(text.replace(',', '.'));
  if (micros === undefined) throw new RowRejection(`payout "${text.slice(0, 40)}" is not a decimal amount with at most 6 decimals`);
  if (micros < 0) throw new RowRejection(`payout ${text.slice(0, 40)} is negative; payouts must not be negative`);
  return micros;
}

/** Trimmed values; empty cells count as absent. */
function clean(row: UploadRow): CleanRow {
  const out: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(row)) {
    if (value === undefined || value === null) continue;
    const text = typeof value === 'string' ? value.trim() : value;
    if (text !== '') out[key] = text;
  }
  return out as CleanRow;
}
