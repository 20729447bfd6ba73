import { z } from 'zod';
import { normalizeClickId } from '../domain/click-id.js';
import { parseTimeInZone } from '../domain/local-time.js';

/** Query parameters the logs share: instants, yes/no flags, click ids, and the `from` < `to` check. */

/** An ISO 8601 instant (`2026-11-20T05:00:00Z`, with an offset, or a date or wall-clock time read as UTC), as unix ms. */
export const instantQuery = z
  .string()
  .max(40)
  .transform((text, ctx) => {
    const ms = parseTimeInZone(text, 'UTC');
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is not an ISO instant such as 2026-11-20T05:00:00Z` });
      return z.NEVER;
    }
    return ms;
  });

export const booleanQuery = z.enum(['true', 'false']).transform((value) => value === 'true');

/** A Waypost click id (any case, as partners may send it back), in its canonical form. */
export const clickIdQuery = z
  .string()
  .max(64)
  .transform((text, ctx) => {
    const id = normalizeClickId(text);
    if (id === null) {
      ctx.addIssue({ code: 'custom', message: 'is not a Waypost click id (29 characters of 0-9 and a-z)' });
      return z.NEVER;
    }
    return id;
  });

/** For `.superRefine` on a query with `from` and `to`: an empty range is a mistake worth a 400. */
export function checkTimeRange(query: { from?: number | undefined; to?: number | undefined }, ctx: z.RefinementCtx): void {
  if (query.from !== undefined && query.to !== undefined && query.to <= query.from) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
  }
}
