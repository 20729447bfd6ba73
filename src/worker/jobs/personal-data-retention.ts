import type { EntityStore } from '../../store/entity-store.js';

const DAY = 24 * 3_600_000;

/**
 * Deletes the personal data (hashed contact fields, product fields) of conversions older than the
 * retention setting. The conversion itself stays: reports need its payout and dimensions, not the buyer.
 */
export async function runPersonalDataRetention(store: EntityStore, retentionDays: number, now: number = Date.now()): Promise<{ cleared: number; before: number }> {
  const before = now - retentionDays * DAY;
  return { cleared: await store.conversions.clearPersonalData(before), before };
}
