import type { DuplicateStatus } from './conversion.js';
import type { DuplicateMode } from './duplicate-mode.js';

/**
 * How a duplicate postback mode (DESIGN.md §4) is enforced by the store: a unique `dedupeKey` and what
 * to do when an insert meets an existing row with the same key. The key, not a prior read, decides,
 * so fifty identical postbacks at once give exactly what the mode says.
 */
export interface DuplicatePlan {
  /** null: no uniqueness; every postback is a row. */
  dedupeKey: string | null;
  onConflict: 'ignore' | 'edit' | 'increment_payout' | 'insert_repeated' | 'none';
  duplicateStatus: DuplicateStatus;
}

/**
 * The mode in force: the conversion type's, else the offer source's, else none. An offer that tracks
 * multiple conversions with the same click id (seed 001) records every one on its own: `create_new`,
 * whatever the type or source says.
 */
export function effectiveDuplicateMode(
  typeMode: DuplicateMode | null | undefined,
  sourceMode: DuplicateMode | null | undefined,
  multipleConversionsPerClick = false,
): DuplicateMode | null {
  if (multipleConversionsPerClick) return 'create_new';
  return typeMode ?? sourceMode ?? null;
}

export function planDuplicateHandling(mode: DuplicateMode | null, clickId: string, type: string | null, eventId: string | null): DuplicatePlan {
  // Type names are case-sensitive; the key keeps them as they are. '\u0000' cannot occur in either part.
  const base = `${clickId}\u0000${type ?? ''}`;
  switch (mode) {
    case null:
      return { dedupeKey: null, onConflict: 'none', duplicateStatus: 'unknown' };
    case 'create_new':
      return { dedupeKey: null, onConflict: 'none', duplicateStatus: 'unknown' };
    case 'create_new_marked':
      return { dedupeKey: `${base}\u0000first`, onConflict: 'insert_repeated', duplicateStatus: 'new' };
    case 'ignore':
      return { dedupeKey: base, onConflict: 'ignore', duplicateStatus: 'unknown' };
    case 'edit':
      return { dedupeKey: base, onConflict: 'edit', duplicateStatus: 'unknown' };
    case 'increment_payout':
      return { dedupeKey: base, onConflict: 'increment_payout', duplicateStatus: 'unknown' };
    case 'ignore_by_event_id':
      // Without an event id there is nothing to compare: the postback is a conversion of its own.
      return eventId
        ? { dedupeKey: `${base}\u0000event\u0000${eventId}`, onConflict: 'ignore', duplicateStatus: 'unknown' }
        : { dedupeKey: null, onConflict: 'none', duplicateStatus: 'unknown' };
  }
}

export type RecordOutcome = 'created' | 'ignored' | 'edited' | 'incremented';
