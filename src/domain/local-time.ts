/**
 * Times as a media buyer writes them: a wall-clock time in a time zone ("2026-11-20T00:00" in
 * America/New_York), or a full ISO instant. Channels bill by their own day, so a cost or report range
 * must start at that zone's midnight, which moves with daylight saving time.
 */

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;
const HOUR = 3_600_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The zone's offset from UTC at `instant`, in ms (New York in winter: -5 h). */
export function zoneOffsetAt(instant: number, timeZone: string): number {
  const parts = formatterFor(timeZone).formatToParts(instant);
  const value = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(value('year'), value('month') - 1, value('day'), value('hour'), value('minute'), value('second'));
  const seconds = instant - (instant % 1000 + 1000) % 1000;
  return wall - seconds;
}

/**
 * The instant a wall-clock time in `timeZone` denotes. Like Temporal's "compatible" disambiguation:
 * a time that occurs twice (clocks going back) is its first occurrence; a time that never occurs
 * (clocks going forward) is moved forward by the gap, so 02:30 on a spring-forward night is 03:30.
 */
export function wallTimeToInstant(wall: number, timeZone: string): number {
  const before = zoneOffsetAt(wall - 24 * HOUR, timeZone);
  const after = zoneOffsetAt(wall + 24 * HOUR, timeZone);
  const candidates = [...new Set([before, after])]
    .map((offset) => wall - offset)
    .filter((instant) => instant + zoneOffsetAt(instant, timeZone) === wall)
    .sort((a, b) => a - b);
  // No candidate: the wall time falls in a gap; the offset before the gap moves it forward.
  return candidates[0] ?? wall - before;
}

/**
 * Parses `2026-11-20`, `2026-11-20T00:00[:00[.000]]` (wall-clock time in `timeZone`) or a full ISO
 * instant with `Z` or an offset (the zone is then irrelevant). Undefined when the text is neither or
 * names an impossible date such as February 30th.
 */
export function parseTimeInZone(text: string, timeZone: string): number | undefined {
  const trimmed = text.trim();
  if (INSTANT.test(trimmed)) {
    const instant = Date.parse(trimmed);
    return Number.isNaN(instant) ? undefined : instant;
  }
  const match = LOCAL.exec(trimmed);
  if (!match) return undefined;
  const [year, month, day, hour = 0, minute = 0, second = 0] = match.slice(1, 7).map((part) => (part === undefined ? undefined : Number(part))) as number[];
  const millis = Number((match[7] ?? '0').padEnd(3, '0'));
  if (month! < 1 || month! > 12 || hour! > 23 || minute! > 59 || second! > 59) return undefined;
  const wall = Date.UTC(year!, month! - 1, day!, hour, minute, second, millis);
  // Date.UTC rolls February 30th over into March; a date that does not survive the round trip is wrong.
  if (new Date(wall).getUTCDate() !== day) return undefined;
  return wallTimeToInstant(wall, timeZone);
}

export function isTimeZone(zone: string): boolean {
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}
