import { zoneOffsetAt } from '../domain/local-time.js';

/**
 * Partner report APIs take their bounds as wall-clock text in the network's zone, without an offset
 * (TUNE's `Stat.date`, Trackier's `start`/`end`, CAKE's `start_date`/`end_date`).
 */

/** `YYYY-MM-DD`: the day `instant` falls on in `timeZone`. */
export function localDate(instant: number, timeZone: string): string {
  return localDateTime(instant, timeZone).slice(0, 10);
}

/** `YYYY-MM-DD hh:mm:ss` on the clock of `timeZone`, milliseconds dropped. */
export function localDateTime(instant: number, timeZone: string): string {
  return new Date(instant + zoneOffsetAt(instant, timeZone)).toISOString().slice(0, 19).replace('T', ' ');
}
