import { localClock } from './funnel-evaluation.js';

/**
 * An offer's time targeting (days of the week and hours, in its own time zone) compiled for the hot
 * path: the allowed hours as a 7×24 table, and the zone's local day and hour read once a minute per
 * zone (zone offsets are whole minutes), so a click costs a table lookup and no Intl formatting.
 * The local time is read from the zone's rules at that minute, so it is exact across DST changes.
 */

export interface TimeTargeting {
  timeZone: string;
  /** 0 = Sunday … 6 = Saturday. */
  days: readonly number[];
  /** 0–23, local. */
  hours: readonly number[];
}

/** The local day and hour of one zone, as `day * 24 + hour`, recomputed when the minute changes. */
class ZoneClock {
  private minute = Number.NaN;
  private slot = 0;

  constructor(private readonly timeZone: string) {
    localClock(0, timeZone); // an unknown zone throws here, not on a click
  }

  slotAt(now: number): number {
    const minute = Math.floor(now / 60_000);
    if (minute !== this.minute) {
      const clock = localClock(minute * 60_000, this.timeZone);
      // The funnel's clock counts ISO days (Monday 1 … Sunday 7); time targeting counts from Sunday 0.
      this.slot = (clock.dayOfWeek % 7) * 24 + clock.hour;
      this.minute = minute;
    }
    return this.slot;
  }
}

const clocks = new Map<string, ZoneClock>();

/** A compiled time targeting: `isOpen(now)` says whether the offer takes traffic at `now`. */
export class TimeWindow {
  private readonly allowed = new Uint8Array(7 * 24);
  private readonly clock: ZoneClock;

  /** Throws a RangeError for an unknown zone (the offer schema rejects those first). */
  constructor(targeting: TimeTargeting) {
    let clock = clocks.get(targeting.timeZone);
    if (!clock) clocks.set(targeting.timeZone, (clock = new ZoneClock(targeting.timeZone)));
    this.clock = clock;
    for (const day of targeting.days) for (const hour of targeting.hours) this.allowed[day * 24 + hour] = 1;
  }

  isOpen(now: number): boolean {
    return this.allowed[this.clock.slotAt(now)] === 1;
  }
}
