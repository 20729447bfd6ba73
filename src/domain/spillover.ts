import { formatMoney } from './money.js';
import type { CapRule, Offer } from './offer.js';

/** A cap an offer has reached when a conversion arrives. */
export interface CapPassed {
  metric: CapRule['metric'];
  period: 'daily' | 'weekly' | 'monthly' | 'total';
  /** A count, or micros for payout and revenue. */
  limit: number;
  type: 'gross' | 'approved';
}

export type SpilloverDecision =
  /** Recorded with the status the postback gives; `note` goes into the postback log. */
  | { decline: false; note: string }
  /** Recorded as declined, never dropped; `reason` goes into the postback log. */
  | { decline: true; reason: string };

/**
 * What happens to a conversion that arrives when a cap of its offer is already reached (seed 001's
 * "spillover conversions"). Conversions within the caps are recorded as the postback says, whatever
 * the offer's status; a conversion past a cap is:
 * - `always`: kept, even if the offer is not active (paused by hand, archived);
 * - `yes`: kept if the offer is paused *because of the cap* — it is active and its over-delivery is
 *   `pause`, so funnels skip it until the period ends; declined if it is paused by hand or archived,
 *   or if it stays active past its caps (over-delivery `stay_active`: it was never paused);
 * - `no`: declined.
 * "Kept" means recorded with the postback's status (approved unless the network says pending …).
 */
export function decideSpillover(offer: Pick<Offer, 'status' | 'spillover' | 'caps'>, cap: CapPassed): SpilloverDecision {
  const passed = describeCap(cap);
  switch (offer.spillover) {
    case 'always':
      return { decline: false, note: `past the ${passed}, kept (spillover always)` };
    case 'yes':
      if (offer.status === 'active' && offer.caps.overDelivery === 'pause') return { decline: false, note: `past the ${passed}, kept: the offer is paused by its cap (spillover yes)` };
      return {
        decline: true,
        reason: `declined: past the ${passed} and the offer is ${offer.status === 'active' ? 'kept active past its caps (over-delivery stay_active)' : `${offer.status}, not paused by its cap`} (spillover yes)`,
      };
    case 'no':
      return { decline: true, reason: `declined: past the ${passed} (spillover no)` };
  }
}

/** `daily conversions cap of 100`, `monthly payout cap of 5000 (approved conversions)`. */
export function describeCap(cap: CapPassed): string {
  const limit = cap.metric === 'payout' || cap.metric === 'revenue' ? formatMoney(cap.limit) : cap.limit;
  const counted = cap.metric === 'clicks' ? '' : cap.type === 'approved' ? ' (approved conversions)' : '';
  return `${cap.period} ${cap.metric} cap of ${limit}${counted}`;
}
