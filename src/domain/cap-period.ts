import { wallTimeToInstant, zoneOffsetAt } from './local-time.js';

/** The periods an offer cap counts over, in the cap's time zone. */
export const CAP_PERIODS = ['daily', 'weekly', 'monthly', 'total'] as const;
export type CapPeriod = (typeof CAP_PERIODS)[number];

export interface PeriodBounds {
  /** Unix ms, inclusive. */
  start: number;
  /** Unix ms, exclusive. */
  end: number;
}

const DAY = 86_400_000;
const FOREVER: PeriodBounds = Object.freeze({ start: Number.NEGATIVE_INFINITY, end: Number.POSITIVE_INFINITY });

/**
 * The period of `period` that holds `at`, in `timeZone`: the local day, the ISO week (Monday to
 * Monday) or the calendar month, from local midnight to local midnight. The edges are found with
 * the zone's rules at each edge, so a day across a DST change is 23 or 25 hours long, as it is there.
 */
export function capPeriodBounds(period: CapPeriod, at: number, timeZone: string): PeriodBounds {
  if (period === 'total') return FOREVER;
  const local = new Date(at + zoneOffsetAt(at, timeZone));
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth();
  const day = local.getUTCDate();
  let startWall: number;
  let endWall: number;
  if (period === 'daily') {
    startWall = Date.UTC(year, month, day);
    endWall = startWall + DAY;
  } else if (period === 'weekly') {
    startWall = Date.UTC(year, month, day - ((local.getUTCDay() + 6) % 7));
    endWall = startWall + 7 * DAY;
  } else {
    startWall = Date.UTC(year, month, 1);
    endWall = Date.UTC(year, month + 1, 1);
  }
  return { start: wallTimeToInstant(startWall, timeZone), end: wallTimeToInstant(endWall, timeZone) };
}
