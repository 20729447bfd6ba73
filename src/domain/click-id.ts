import { randomBytes } from 'node:crypto';

/**
 * Click ids (DESIGN.md §3): 29 characters of lowercase Crockford base32 (0-9, a-z without i, l, o, u).
 * The first 9 are the click's time in milliseconds since the Unix epoch, fixed-width, so ids sort by
 * time as plain text and storage finds a click's partition from the id alone; the other 20 carry 100
 * random bits, so ids cannot be guessed. One case only, so ids survive partners that change case
 * (see normalizeClickId) and sort the same under any database collation.
 */

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const TIME_CHARS = 9; // 32^9 ms reaches the year 3084
const RANDOM_CHARS = 20; // 5 bits each: 100 bits
export const CLICK_ID_LENGTH = TIME_CHARS + RANDOM_CHARS;
const MAX_TIME = 32 ** TIME_CHARS;

// Character code → digit value + 1 (0 = not in the alphabet), for the shape check and decoding.
const DIGITS = new Uint8Array(128);
for (let i = 0; i < ALPHABET.length; i++) DIGITS[ALPHABET.charCodeAt(i)] = i + 1;

// Random bytes are drawn in bulk: one syscall serves 512 ids. One byte per character, masked to 5 bits
// (256 is a multiple of 32, so every character stays uniform).
const POOL_SIZE = RANDOM_CHARS * 512;
let pool = randomBytes(POOL_SIZE);
let poolOffset = 0;

// Clicks arrive many per millisecond under load; the time prefix is reused within one.
let lastTime = -1;
let lastPrefix = '';

function timePrefix(ms: number): string {
  if (ms !== lastTime) {
    let prefix = '';
    let rest = ms;
    for (let i = 0; i < TIME_CHARS; i++) {
      prefix = ALPHABET[rest % 32]! + prefix;
      rest = Math.floor(rest / 32);
    }
    lastTime = ms;
    lastPrefix = prefix;
  }
  return lastPrefix;
}

/** A new click id for a click at `now` (default: the current time). */
export function mintClickId(now: Date | number = Date.now()): string {
  const ms = Math.floor(typeof now === 'number' ? now : now.getTime());
  if (!(ms >= 0 && ms < MAX_TIME)) throw new RangeError(`click time out of range: ${String(now)}`);
  if (poolOffset + RANDOM_CHARS > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    poolOffset = 0;
  }
  let id = timePrefix(ms);
  for (let i = 0; i < RANDOM_CHARS; i++) id += ALPHABET[pool[poolOffset + i]! & 31]!;
  poolOffset += RANDOM_CHARS;
  return id;
}

/** True when `id` has a click id's length and alphabet; rejects garbage before any lookup. */
export function isClickIdShaped(id: unknown): id is string {
  if (typeof id !== 'string' || id.length !== CLICK_ID_LENGTH) return false;
  for (let i = 0; i < CLICK_ID_LENGTH; i++) {
    const code = id.charCodeAt(i);
    if (code >= 128 || DIGITS[code] === 0) return false;
  }
  return true;
}

/** The canonical (lowercase) form of a click id a partner may have upper-cased; null if not shaped. */
export function normalizeClickId(id: string): string | null {
  const lower = id.length === CLICK_ID_LENGTH ? id.toLowerCase() : id;
  return isClickIdShaped(lower) ? lower : null;
}

/** When the click happened, read from its id; null when the text is not a click id. */
export function clickIdTime(id: string): Date | null {
  if (!isClickIdShaped(id)) return null;
  let ms = 0;
  for (let i = 0; i < TIME_CHARS; i++) ms = ms * 32 + (DIGITS[id.charCodeAt(i)]! - 1);
  return new Date(ms);
}

/** The smallest click id minted at or after `ms`: ids sort by time, so a time range is an id range. */
export function clickIdLowerBound(ms: number): string {
  let prefix = '';
  let rest = Math.max(0, Math.floor(ms));
  for (let i = 0; i < TIME_CHARS; i++) {
    prefix = ALPHABET[rest % 32]! + prefix;
    rest = Math.floor(rest / 32);
  }
  return prefix;
}
