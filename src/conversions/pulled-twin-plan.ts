import type { DuplicatePlan } from '../domain/duplicate-resolution.js';
import type { EntityStore } from '../store/entity-store.js';

/**
 * Seed 004: a conversion pulled from the partner's API and the postback for it are one conversion.
 * When a pull recorded the click's conversion first, a plain postback (no type) from the same offer
 * source takes this plan instead of its duplicate mode's: the insert meets the pulled conversion's
 * unique key, so nothing new is created and the postback's settle moves the status on when the
 * postback says another one. Undefined when no pull got there first (the mode decides, and the pull
 * links to the postback's conversion later).
 */
export async function pulledTwinPlan(store: Pick<EntityStore, 'pulledConversions'>, clickId: string, type: string | null, offerSourceId: number | null | undefined): Promise<DuplicatePlan | undefined> {
  if (type !== null || offerSourceId === null || offerSourceId === undefined) return undefined;
  const twin = await store.pulledConversions.pulledTwin(clickId, offerSourceId);
  return twin && { dedupeKey: twin.dedupeKey, onConflict: 'ignore', duplicateStatus: 'unknown' };
}
