import { isRecord, readInteger } from '../wire-values.js';

/**
 * The three shapes of TUNE's `response.data`, read into one form:
 * 1. find methods without paging: an object keyed by record id (`{"532": {"Offer": …}}`);
 * 2. find methods with `limit`/`page`: a paging block whose `data` is that keyed object;
 * 3. reports: a paging block whose `data` is an array of rows.
 * Nothing found may come as `[]`, `{}`, `""` or null (PHP's empty array has no key type).
 */
export interface TuneRecords {
  records: unknown[];
  /** Null when the answer had no paging block (shape 1): everything came at once. */
  paging: { page: number; pageCount: number | null; count: number | null } | null;
}

export function readTuneRecords(data: unknown): TuneRecords {
  if (data === null || data === undefined || data === '' || (Array.isArray(data) && data.length === 0)) return { records: [], paging: null };
  if (Array.isArray(data)) return { records: data, paging: null };
  if (!isRecord(data)) throw new TypeError(`response.data is a ${typeof data}, expected an object or array`);
  if (isPagingBlock(data)) {
    const inner = data.data;
    const records = Array.isArray(inner) ? inner : isRecord(inner) ? Object.values(inner) : [];
    return {
      records,
      paging: { page: readInteger(data.page) ?? 1, pageCount: readInteger(data.pageCount), count: readInteger(data.count) },
    };
  }
  return { records: Object.values(data), paging: null };
}

function isPagingBlock(data: Record<string, unknown>): boolean {
  return 'data' in data && ('pageCount' in data || 'page' in data || 'count' in data);
}
