import { CsvSyntaxError, parseCsv } from '../domain/csv.js';
import { UseCaseError } from '../domain/use-case-error.js';
import type { UploadRow } from './upload-conversions.js';

/** Header names → upload fields: ours, and the postback aliases other trackers' exports use. */
const COLUMNS: Record<string, keyof UploadRow> = {
  clickid: 'clickId',
  cid: 'clickId',
  subid: 'clickId',
  conversionid: 'conversionId',
  type: 'type',
  event: 'type',
  et: 'type',
  status: 'status',
  payout: 'payout',
  sum: 'payout',
  revenue: 'payout',
  amount: 'payout',
  currency: 'currency',
  eventid: 'eventId',
  rdtkeventid: 'eventId',
  txid: 'eventId',
  tid: 'eventId',
  transactionid: 'eventId',
};

export const MAX_UPLOAD_ROWS = 10_000;

/**
 * A conversion upload as CSV: a header row naming the columns (`clickId,type,status,payout,currency,
 * eventId`, or `conversionId,status,payout` for changes), then one conversion per line. A file whose
 * structure is broken (a line with more values than columns, an unclosed quote) is refused whole,
 * since its columns can no longer be trusted; a bad value is the service's business, row by row.
 */
export function readConversionCsv(text: string): UploadRow[] {
  let records;
  try {
    records = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new UseCaseError('validation_error', error.message, 'body');
    throw error;
  }
  const [header, ...lines] = records;
  if (!header) throw new UseCaseError('validation_error', 'the CSV is empty; send a header row and one row per conversion', 'body');
  const fields = header.cells.map((name) => {
    const field = COLUMNS[name.trim().toLowerCase().replace(/[\s_-]/g, '')];
    if (!field) {
      throw new UseCaseError('validation_error', `CSV line 1: unknown column "${name.slice(0, 40)}"; use clickId, conversionId, type, status, payout, currency, eventId`, 'body');
    }
    return field;
  });
  const duplicate = fields.find((field, i) => fields.indexOf(field) !== i);
  if (duplicate) throw new UseCaseError('validation_error', `CSV line 1: two columns mean ${duplicate}`, 'body');
  if (!fields.includes('clickId') && !fields.includes('conversionId')) {
    throw new UseCaseError('validation_error', 'the CSV needs a clickId column (new conversions) or a conversionId column (changes)', 'clickId');
  }
  if (lines.length === 0) throw new UseCaseError('validation_error', 'the CSV has a header but no rows', 'body');
  if (lines.length > MAX_UPLOAD_ROWS) throw new UseCaseError('validation_error', `at most ${MAX_UPLOAD_ROWS} rows per upload; split the file`, 'body');
  return lines.map(({ line, cells }) => {
    if (cells.length > fields.length) {
      throw new UseCaseError('validation_error', `CSV line ${line}: ${cells.length} values for ${fields.length} columns; quote values that contain the delimiter`, 'body');
    }
    const row: Record<string, string> = {};
    fields.forEach((field, i) => {
      if (cells[i] !== undefined) row[field] = cells[i]!;
    });
    return row as UploadRow;
  });
}
