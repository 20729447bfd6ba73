import { z } from 'zod';

/**
 * Cursor paging for the logs (clicks, conversions, postbacks, outgoing postbacks): newest first,
 * `limit` rows a page, and `nextCursor` — the last row's sort key, base64url-encoded JSON — to ask
 * for the rows after it. Unlike an offset, a cursor neither repeats nor skips rows while new ones
 * arrive (they sort before the first page). The key carries the list's name, so a cursor of one log
 * is refused by another instead of silently paging it wrong.
 */
export const pageLimitSchema = z.coerce.number().int().min(1).max(500).default(50).describe('rows per page, 1..500; default 50');

export type SortKey = readonly (string | number)[];

export interface CursorKind<TRow, TKey> {
  /** The `cursor` query parameter, decoded to the sort key (undefined for the first page). */
  query: z.ZodType<TKey | undefined, string | undefined>;
  /**
   * A page from `rows`, which the store was asked for with `limit + 1` so that one extra row tells
   * whether another page follows; `nextCursor` is null on the last page.
   */
  page<TItem>(rows: readonly TRow[], limit: number, present: (row: TRow) => TItem): { items: TItem[]; nextCursor: string | null };
}

/**
 * A kind of cursor: `keyOf` takes a row's sort key, `read` turns a decoded key back into what the
 * store takes (undefined when the parts are not such a key).
 */
export function cursorKind<TRow, TKey>(list: string, keyOf: (row: TRow) => SortKey, read: (parts: readonly unknown[]) => TKey | undefined): CursorKind<TRow, TKey> {
  const query = z
    .string()
    .max(512)
    .optional()
    .transform((value, ctx): TKey | undefined => {
      if (value === undefined || value === '') return undefined;
      const parts = decodeCursor(value);
      const key = parts !== undefined && parts[0] === list ? read(parts.slice(1)) : undefined;
      if (key === undefined) {
        ctx.addIssue({ code: 'custom', message: `is not a cursor of the ${list} list; pass the nextCursor of the previous page unchanged` });
        return z.NEVER;
      }
      return key;
    })
    .describe('nextCursor of the previous page; absent for the first page');
  return {
    query,
    page(rows, limit, present) {
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      return { items: items.map(present), nextCursor: rows.length > limit && last !== undefined ? encodeCursor([list, ...keyOf(last)]) : null };
    },
  };
}

/** `{items, nextCursor}`, the answer of every cursor-paged list. */
export function cursorPageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item).describe('newest first'),
    nextCursor: z.string().nullable().describe('pass as `cursor` for the next page; null on the last page'),
  });
}

export function encodeCursor(parts: SortKey): string {
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): unknown[] | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** A positive integer id inside a cursor (JSON numbers only, within the safe range). */
export function cursorId(part: unknown): number | undefined {
  return typeof part === 'number' && Number.isSafeInteger(part) && part > 0 ? part : undefined;
}
