import { zoneOffsetAt } from '../../domain/local-time.js';

/**
 * A time zone's UTC offset over a range, as spans of constant offset, so SQL can turn a UTC instant
 * into local wall-clock time with one CASE (SQLite knows no zones). Offsets come from Intl (the IANA
 * database Node ships with), DST included.
 */
export interface OffsetSpan {
  /** The span holds for instants before this (unix ms); the last span's is Infinity. */
  until: number;
  /** Local time minus UTC, ms. */
  offset: number;
}

// Zones change offset at most a few times a year, never twice within this step.
const STEP = 6 * 3_600_000;

export function offsetSpans(timeZone: string, from: number, to: number): OffsetSpan[] {
  const spans: OffsetSpan[] = [];
  let current = zoneOffsetAt(from, timeZone);
  for (let at = from; at < to; ) {
    const next = Math.min(at + STEP, to);
    const offset = zoneOffsetAt(next, timeZone);
    if (offset !== current && next < to) {
      // The change lies in (at, next]: find its first instant.
      let low = at;
      let high = next;
      while (high - low > 1) {
        const middle = Math.floor((low + high) / 2);
        if (zoneOffsetAt(middle, timeZone) === current) low = middle;
        else high = middle;
      }
      spans.push({ until: high, offset: current });
      current = zoneOffsetAt(high, timeZone);
      at = high;
      continue;
    }
    at = next;
  }
  spans.push({ until: Infinity, offset: current });
  return spans;
}

/** SQL for the local wall-clock time (ms) of the UTC instant `instant` (an SQL expression). */
export function localTimeSql(instant: string, spans: readonly OffsetSpan[]): string {
  if (spans.length === 1) return `(${instant} + ${spans[0]!.offset})`;
  const cases = spans
    .slice(0, -1)
    .map((span) => `when ${instant} < ${span.until} then ${span.offset}`)
    .join(' ');
  return `(${instant} + case ${cases} else ${spans.at(-1)!.offset} end)`;
}
