import type { Condition, Funnel, FunnelPath } from './funnel.js';

/**
 * Funnel routing with Voluum/Binom semantics: rules in order, first match wins; a rule matches when
 * every condition matches (AND) and a condition matches when any of its values matches (OR); no rule
 * matching sends the visitor to the default paths. Then a weighted choice of path, lander and offer
 * among the eligible ones.
 *
 * A funnel is compiled once per configuration snapshot (`compileFunnel`) so that `route`, which runs
 * for every click, only does set lookups and a few comparisons.
 */

type SubIndex = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15 | 16 | 17 | 18 | 19 | 20;

/** What the edge knows about a visitor; missing values count as empty. */
export type VisitorFacts = {
  readonly country?: string | null;
  readonly region?: string | null;
  readonly city?: string | null;
  readonly isp?: string | null;
  readonly device_type?: string | null;
  readonly brand?: string | null;
  readonly os?: string | null;
  readonly os_version?: string | null;
  readonly browser?: string | null;
  readonly browser_version?: string | null;
  readonly language?: string | null;
  readonly connection_type?: string | null;
  readonly referrer_domain?: string | null;
  readonly ref_id?: string | null;
  readonly bot?: boolean | string | null;
  readonly ip?: string | null;
  /** Channel parameters by the name the traffic channel maps them under (`param.<name>` conditions). */
  readonly params?: Readonly<Record<string, string | undefined>> | null;
} & { readonly [K in `sub${SubIndex}`]?: string | null };

/** A number in [0, 1), like Math.random; injected so tests are deterministic. */
export type RandomSource = () => number;
/** Whether an offer may receive traffic now (not paused, archived or capped, targeting allows it). */
export type OfferEligibility = (offerId: number, facts: VisitorFacts) => boolean;
export type LanderEligibility = (landerId: number, facts: VisitorFacts) => boolean;

export type RouteResult =
  | { kind: 'route'; ruleIndex: number; pathIndex: number; landerId?: number; offerId: number }
  /** Nothing eligible in the paths that apply: the edge sends the visitor to the fallback URL. */
  | { kind: 'none'; ruleIndex: number };

type WeightedOffer = FunnelPath['offers'][number];
type WeightedLander = FunnelPath['landers'][number];

export interface CompiledPath {
  readonly weight: number;
  readonly landers: readonly WeightedLander[];
  readonly offers: readonly WeightedOffer[];
}

export interface CompiledFunnel {
  readonly timeZone: string;
  route(facts: VisitorFacts, now: Date | number, random: RandomSource, isOfferEligible?: OfferEligibility, isLanderEligible?: LanderEligibility): RouteResult;
  /** The path a click was routed to (ruleIndex -1 = default paths); undefined once the funnel no longer has it. */
  pathAt(ruleIndex: number, pathIndex: number): CompiledPath | undefined;
}

const always = (): boolean => true;
const NO_FACTS: VisitorFacts = {};

// ---------------------------------------------------------------------------------------------
// Clock: hour, day of week and minute of day in the campaign's time zone.

interface Clock {
  hour: number;
  /** ISO: Monday = 1 … Sunday = 7. */
  dayOfWeek: number;
  minuteOfDay: number;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const formatters = new Map<string, Intl.DateTimeFormat>();

// Building an Intl.DateTimeFormat costs far more than using one, so there is one per zone.
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', weekday: 'short', hour: 'numeric', minute: 'numeric' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The visitor's local clock in `timeZone` at `now` (exported for tests and previews). */
export function localClock(now: Date | number, timeZone: string): Clock {
  const clock: Clock = { hour: 0, dayOfWeek: 1, minuteOfDay: 0 };
  fillClock(clock, formatterFor(timeZone), typeof now === 'number' ? now : now.getTime());
  return clock;
}

function fillClock(clock: Clock, formatter: Intl.DateTimeFormat, ms: number): void {
  let hour = 0;
  let minute = 0;
  for (const part of formatter.formatToParts(ms)) {
    if (part.type === 'hour') hour = Number(part.value) % 24; // some ICU versions say 24 at midnight
    else if (part.type === 'minute') minute = Number(part.value);
    else if (part.type === 'weekday') clock.dayOfWeek = WEEKDAYS[part.value] ?? 1;
  }
  clock.hour = hour;
  clock.minuteOfDay = hour * 60 + minute;
}

// ---------------------------------------------------------------------------------------------
// Value parsing, shared by compilation and `conditionProblems`.

const DAY_NAMES: Record<string, number> = {
  mon: 1, monday: 1, tue: 2, tuesday: 2, wed: 3, wednesday: 3, thu: 4, thursday: 4,
  fri: 5, friday: 5, sat: 6, saturday: 6, sun: 7, sunday: 7,
};

function parseIntIn(value: string, min: number, max: number): number | undefined {
  const text = value.trim();
  if (!/^\d{1,2}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= min && n <= max ? n : undefined;
}

function parseHour(value: string): number | undefined {
  return parseIntIn(value, 0, 23);
}

function parseDay(value: string): number | undefined {
  return parseIntIn(value, 1, 7) ?? DAY_NAMES[value.trim().toLowerCase()];
}

/** `HH:MM` (or `H:MM`, or `24:00` for the end of the day) → minute of day. */
function parseTime(value: string): number | undefined {
  const match = /^(\d{1,2}):(\d{2})$/.exec(value.trim());
  if (!match) return undefined;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (hours === 24 && minutes === 0) return 1440;
  return hours <= 23 && minutes <= 59 ? hours * 60 + minutes : undefined;
}

function parseNumber(value: string): number | undefined {
  const text = value.trim();
  if (text === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** `10.3.1` → [10, 3, 1]; `_` also separates (iOS user agents say `10_3`). */
function parseVersion(value: string): number[] | undefined {
  const text = value.trim();
  if (!/^\d+([._]\d+)*$/.test(text)) return undefined;
  return text.split(/[._]/).map(Number);
}

/**
 * Compares a visitor's version with a bound on the bound's components only, so that `12` as an upper
 * bound includes 12.4 and `10.3` as a lower bound includes 10.3.1. Components compare as numbers
 * (10.12 > 10.3). Returns NaN when the visitor's version does not start with a number.
 */
function compareVersionPrefix(version: string, bound: readonly number[]): number {
  let i = 0;
  const length = version.length;
  const first = version.charCodeAt(0);
  if (!(first >= 48 && first <= 57)) return Number.NaN;
  for (let c = 0; c < bound.length; c++) {
    let component = 0;
    // Parse one component: its leading digits; anything else up to the next separator is ignored.
    while (i < length) {
      const code = version.charCodeAt(i);
      if (code < 48 || code > 57) break;
      component = component * 10 + (code - 48);
      i++;
    }
    while (i < length) {
      const code = version.charCodeAt(i);
      if (code === 46 || code === 95) break;
      i++;
    }
    if (i < length) i++; // skip the separator
    const b = bound[c]!;
    if (component !== b) return component < b ? -1 : 1;
  }
  return 0;
}

// IP addresses: IPv4 as a 32-bit number, IPv6 as a bigint; IPv4-mapped IPv6 counts as IPv4.
type IpAddress = number | bigint;

function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    n = n * 256 + octet;
  }
  return n;
}

function parseIp(value: string): IpAddress | undefined {
  let text = value.trim();
  if (text.includes('.') && !text.includes(':')) return parseIpv4(text);
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  if (!text.includes(':')) return undefined;
  // An embedded IPv4 tail (::ffff:1.2.3.4) stands for the last two groups.
  let tail: number | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    tail = parseIpv4(text.slice(lastColon + 1));
    if (tail === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}${(tail >>> 16).toString(16)}:${(tail & 0xffff).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] === '' ? [] : halves[0]!.split(':');
  const rest = halves.length === 2 ? (halves[1] === '' ? [] : halves[1]!.split(':')) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  let n = 0n;
  for (const group of groups) {
    if (!/^[0-9a-f]{1,4}$/i.test(group)) return undefined;
    n = (n << 16n) | BigInt(Number.parseInt(group, 16));
  }
  if (n >> 32n === 0xffffn) return Number(n & 0xffffffffn); // IPv4-mapped
  return n;
}

interface IpRange {
  from: IpAddress;
  to: IpAddress;
}

/** An exact address or a CIDR block such as 10.0.0.0/8 or 2001:db8::/32. */
function parseIpOrCidr(value: string): IpRange | undefined {
  const slash = value.indexOf('/');
  if (slash < 0) {
    const ip = parseIp(value);
    return ip === undefined ? undefined : { from: ip, to: ip };
  }
  const base = parseIp(value.slice(0, slash));
  const bitsText = value.slice(slash + 1).trim();
  if (base === undefined || !/^\d{1,3}$/.test(bitsText)) return undefined;
  const bits = Number(bitsText);
  if (typeof base === 'number') {
    const v6Mapped = value.includes(':'); // ::ffff:10.0.0.0/104 counts bits over 128
    const hostBits = (v6Mapped ? 128 : 32) - bits;
    if (hostBits < 0 || hostBits > 32) return undefined;
    const size = 2 ** hostBits;
    const from = Math.floor(base / size) * size;
    return { from, to: from + size - 1 };
  }
  if (bits > 128) return undefined;
  const mask = (1n << BigInt(128 - bits)) - 1n;
  return { from: base & ~mask, to: base | mask };
}

function sameFamily(a: IpAddress, b: IpAddress): boolean {
  return typeof a === typeof b;
}

function inRange(ip: IpAddress, range: IpRange): boolean {
  return sameFamily(ip, range.from) && ip >= range.from && ip <= range.to;
}

// Country names ↔ ISO codes, so `Germany`, `germany` and `DE` are one value. Built on first use.
let countryNames: Map<string, string> | undefined;
let countryCodes: Map<string, string> | undefined;
const COUNTRY_ALIASES: Record<string, string> = { uk: 'gb' };

function countryTables(): { names: Map<string, string>; codes: Map<string, string> } {
  if (!countryNames || !countryCodes) {
    countryNames = new Map();
    countryCodes = new Map();
    const display = new Intl.DisplayNames('en', { type: 'region', fallback: 'none' });
    for (let a = 65; a <= 90; a++) {
      for (let b = 65; b <= 90; b++) {
        const code = String.fromCharCode(a, b);
        const name = display.of(code);
        if (name) {
          countryNames.set(code.toLowerCase(), name.toLowerCase());
          countryCodes.set(name.toLowerCase(), code.toLowerCase());
        }
      }
    }
  }
  return { names: countryNames, codes: countryCodes };
}

// ---------------------------------------------------------------------------------------------
// Conditions.

type FieldKind = 'text' | 'country' | 'language' | 'domain' | 'version' | 'bot' | 'ip' | 'hour' | 'day_of_week' | 'time';

function fieldKind(field: string): FieldKind {
  switch (field) {
    case 'country':
      return 'country';
    case 'language':
      return 'language';
    case 'referrer_domain':
      return 'domain';
    case 'os_version':
    case 'browser_version':
      return 'version';
    case 'bot':
    case 'ip':
    case 'hour':
    case 'day_of_week':
    case 'time':
      return field;
    default:
      return 'text';
  }
}

const RANGE_KINDS: readonly FieldKind[] = ['text', 'version', 'ip', 'hour', 'day_of_week', 'time'];

type Matcher = (facts: VisitorFacts, clock: Clock) => boolean;
type Getter = (facts: VisitorFacts) => unknown;

function getterFor(field: string): Getter {
  if (field.startsWith('param.')) {
    const name = field.slice('param.'.length);
    return (facts) => facts.params?.[name];
  }
  return (facts) => (facts as Record<string, unknown>)[field];
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.toLowerCase() : value == null ? '' : String(value).toLowerCase();
}

function normalizeDomain(value: string): string {
  let domain = value.trim().toLowerCase();
  if (domain.includes('://')) {
    try {
      domain = new URL(domain).hostname;
    } catch {
      // not a URL after all: keep the text
    }
  }
  return domain.endsWith('.') ? domain.slice(0, -1) : domain;
}

function toBool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const t = text(value).trim();
  if (t === 'true' || t === '1' || t === 'yes') return true;
  if (t === 'false' || t === '0' || t === 'no' || t === '') return false;
  return undefined;
}

/** A membership test for `in`; `not_in` negates it. */
function compileIn(kind: FieldKind, get: Getter, values: readonly string[]): Matcher {
  switch (kind) {
    case 'hour':
    case 'day_of_week':
    case 'time': {
      const parse = kind === 'hour' ? parseHour : kind === 'day_of_week' ? parseDay : parseTime;
      const set = new Set<number>();
      for (const value of values) {
        const n = parse(value);
        if (n !== undefined) set.add(n);
      }
      if (kind === 'hour') return (_, clock) => set.has(clock.hour);
      if (kind === 'day_of_week') return (_, clock) => set.has(clock.dayOfWeek);
      return (_, clock) => set.has(clock.minuteOfDay);
    }
    case 'bot': {
      const wanted = new Set(values.map(toBool));
      return (facts) => wanted.has(toBool(get(facts)) ?? false);
    }
    case 'ip': {
      const exact = new Set<IpAddress>();
      const ranges: IpRange[] = [];
      for (const value of values) {
        const range = parseIpOrCidr(value);
        if (!range) continue;
        if (range.from === range.to) exact.add(range.from);
        else ranges.push(range);
      }
      return (facts) => {
        const ip = parseIp(text(get(facts)));
        if (ip === undefined) return false;
        if (exact.has(ip)) return true;
        for (const range of ranges) if (inRange(ip, range)) return true;
        return false;
      };
    }
    case 'country': {
      const { names, codes } = countryTables();
      const set = new Set<string>();
      for (const value of values) {
        const v = value.trim().toLowerCase();
        const code = COUNTRY_ALIASES[v] ?? (v.length === 2 ? v : codes.get(v));
        set.add(v);
        if (code) {
          set.add(code);
          const name = names.get(code);
          if (name) set.add(name);
        }
      }
      return (facts) => set.has(text(get(facts)));
    }
    case 'language': {
      const set = new Set(values.map((value) => value.trim().toLowerCase().replace('_', '-')));
      // `en` matches en-US; `en-us` matches only en-US.
      return (facts) => {
        const language = text(get(facts)).replace('_', '-');
        if (set.has(language)) return true;
        const dash = language.indexOf('-');
        return dash > 0 && set.has(language.slice(0, dash));
      };
    }
    case 'domain': {
      const set = new Set(values.map(normalizeDomain));
      // `example.com` also matches m.example.com and a.b.example.com.
      return (facts) => {
        let domain = text(get(facts));
        if (domain.endsWith('.')) domain = domain.slice(0, -1);
        if (set.has(domain)) return true;
        for (let dot = domain.indexOf('.'); dot >= 0; dot = domain.indexOf('.', dot + 1)) {
          if (set.has(domain.slice(dot + 1))) return true;
        }
        return false;
      };
    }
    case 'version': {
      const set = new Set(values.map((value) => value.trim().toLowerCase().replaceAll('_', '.')));
      // `10` matches 10, 10.3 and 10.3.1 (a version is "in" its major release).
      return (facts) => {
        let version = text(get(facts));
        if (version.includes('_')) version = version.replaceAll('_', '.');
        if (set.has(version)) return true;
        for (let dot = version.lastIndexOf('.'); dot > 0; dot = version.lastIndexOf('.', dot - 1)) {
          if (set.has(version.slice(0, dot))) return true;
        }
        return false;
      };
    }
    case 'text': {
      const set = new Set(values.map((value) => value.trim().toLowerCase()));
      return (facts) => set.has(text(get(facts)));
    }
  }
}

/** A range test for `between` (inclusive; clock ranges may wrap); `not_between` negates it. */
function compileBetween(kind: FieldKind, get: Getter, values: readonly string[]): Matcher {
  const never: Matcher = () => false;
  const [fromText = '', toText = ''] = values;
  switch (kind) {
    case 'hour':
    case 'day_of_week': {
      const parse = kind === 'hour' ? parseHour : parseDay;
      const from = parse(fromText);
      const to = parse(toText);
      if (from === undefined || to === undefined) return never;
      const pick = kind === 'hour' ? (clock: Clock) => clock.hour : (clock: Clock) => clock.dayOfWeek;
      // 22–6 o'clock or Saturday–Monday wrap around.
      return from <= to
        ? (_, clock) => pick(clock) >= from && pick(clock) <= to
        : (_, clock) => pick(clock) >= from || pick(clock) <= to;
    }
    case 'time': {
      const from = parseTime(fromText);
      const to = parseTime(toText);
      if (from === undefined || to === undefined) return never;
      // Half-open [from, to) so that 06:00–22:00 and 22:00–06:00 split the day; equal ends = all day.
      if (from === to || (from === 0 && to === 1440)) return () => true;
      return from < to
        ? (_, clock) => clock.minuteOfDay >= from && clock.minuteOfDay < to
        : (_, clock) => clock.minuteOfDay >= from || clock.minuteOfDay < to;
    }
    case 'version': {
      let from = parseVersion(fromText);
      let to = parseVersion(toText);
      if (!from || !to) return never;
      if (compareVersionPrefix(toText.trim(), from) < 0) [from, to] = [to, from];
      const lower = from;
      const upper = to;
      return (facts) => {
        const version = text(get(facts)).trim();
        return compareVersionPrefix(version, lower) >= 0 && compareVersionPrefix(version, upper) <= 0;
      };
    }
    case 'ip': {
      const a = parseIp(fromText);
      const b = parseIp(toText);
      if (a === undefined || b === undefined || !sameFamily(a, b)) return never;
      const range = a <= b ? { from: a, to: b } : { from: b, to: a };
      return (facts) => {
        const ip = parseIp(text(get(facts)));
        return ip !== undefined && inRange(ip, range);
      };
    }
    case 'text': {
      // Sub and channel parameters compare as numbers when both the bounds and the value are numeric.
      const a = parseNumber(fromText);
      const b = parseNumber(toText);
      if (a === undefined || b === undefined) return never;
      const low = Math.min(a, b);
      const high = Math.max(a, b);
      return (facts) => {
        const raw = get(facts);
        const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? parseNumber(raw) : undefined;
        return n !== undefined && n >= low && n <= high;
      };
    }
    default:
      return never;
  }
}

function compileCondition(condition: Condition): Matcher {
  const kind = fieldKind(condition.field);
  const get = getterFor(condition.field);
  const ranged = condition.op === 'between' || condition.op === 'not_between';
  const test = ranged ? compileBetween(kind, get, condition.values) : compileIn(kind, get, condition.values);
  return condition.op === 'not_in' || condition.op === 'not_between' ? (facts, clock) => !test(facts, clock) : test;
}

const CLOCK_FIELDS = new Set(['hour', 'day_of_week', 'time']);

/**
 * Problems a person can fix in a condition the schema accepts but that could never work as meant
 * (an hour of 25, a range on a country). Empty when fine. For the API to refuse or warn on save.
 */
export function conditionProblems(condition: Condition): string[] {
  const kind = fieldKind(condition.field);
  const ranged = condition.op === 'between' || condition.op === 'not_between';
  const problems: string[] = [];
  const numericText = /^(sub\d+|param\..+)$/.test(condition.field);
  if (ranged && (!RANGE_KINDS.includes(kind) || (kind === 'text' && !numericText))) {
    problems.push(`${condition.field} has no order; use in / not_in`);
    return problems;
  }
  const check = (value: string, ok: boolean, expected: string) => {
    if (!ok) problems.push(`${JSON.stringify(value)} is not ${expected}`);
  };
  for (const value of ranged ? condition.values.slice(0, 2) : condition.values) {
    if (kind === 'hour') check(value, parseHour(value) !== undefined, 'an hour from 0 to 23');
    else if (kind === 'day_of_week') check(value, parseDay(value) !== undefined, 'a day of the week from 1 (Monday) to 7 (Sunday)');
    else if (kind === 'time') check(value, parseTime(value) !== undefined, 'a time of day such as 22:30');
    else if (kind === 'bot') check(value, toBool(value) !== undefined && value.trim() !== '', 'true or false');
    else if (kind === 'ip') check(value, (ranged ? parseIp(value) : parseIpOrCidr(value)) !== undefined, ranged ? 'an IP address' : 'an IP address or CIDR block');
    else if (ranged && kind === 'version') check(value, parseVersion(value) !== undefined, 'a version such as 10.3');
    else if (ranged && kind === 'text') check(value, parseNumber(value) !== undefined, 'a number');
  }
  if (ranged && kind === 'ip' && problems.length === 0) {
    const [a, b] = condition.values.map((value) => parseIp(value));
    if (a !== undefined && b !== undefined && !sameFamily(a, b)) problems.push('an IP range must not mix IPv4 and IPv6');
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Weighted choice.

// Cumulative weights for one choice at a time; routing is synchronous, so one buffer serves all.
let cumulative = new Float64Array(128);

function ensureScratch(size: number): Float64Array {
  if (cumulative.length < size) cumulative = new Float64Array(Math.max(size, cumulative.length * 2));
  return cumulative;
}

/** Index of the first entry whose cumulative weight exceeds `random() * total`; -1 when total is 0. */
function draw(cum: Float64Array, count: number, total: number, last: number, random: RandomSource): number {
  if (total <= 0) return -1;
  const target = random() * total;
  for (let i = 0; i < count; i++) if (cum[i]! > target) return i;
  return last; // only reached if `random` returned 1 or more
}

function pickOffer(offers: readonly WeightedOffer[], random: RandomSource, eligible: OfferEligibility, facts: VisitorFacts): number {
  const cum = ensureScratch(offers.length);
  let total = 0;
  let last = -1;
  for (let i = 0; i < offers.length; i++) {
    const offer = offers[i]!;
    if (offer.weight > 0 && eligible(offer.offerId, facts)) {
      total += offer.weight;
      last = i;
    }
    cum[i] = total;
  }
  return draw(cum, offers.length, total, last, random);
}

function pickLander(landers: readonly WeightedLander[], random: RandomSource, eligible: LanderEligibility, facts: VisitorFacts): number {
  const cum = ensureScratch(landers.length);
  let total = 0;
  let last = -1;
  for (let i = 0; i < landers.length; i++) {
    const lander = landers[i]!;
    if (lander.weight > 0 && eligible(lander.landerId, facts)) {
      total += lander.weight;
      last = i;
    }
    cum[i] = total;
  }
  return draw(cum, landers.length, total, last, random);
}

function anyOffer(offers: readonly WeightedOffer[], eligible: OfferEligibility, facts: VisitorFacts): boolean {
  for (const offer of offers) if (offer.weight > 0 && eligible(offer.offerId, facts)) return true;
  return false;
}

function anyLander(landers: readonly WeightedLander[], eligible: LanderEligibility, facts: VisitorFacts): boolean {
  for (const lander of landers) if (lander.weight > 0 && eligible(lander.landerId, facts)) return true;
  return false;
}

/**
 * The offer for a lander click-through (`/lp/click/{n}`): offer n (1-based) of the path when it is
 * eligible and has a weight, otherwise a weighted choice among the path's eligible offers. Null when
 * none is eligible (the edge sends the visitor to the fallback URL).
 */
export function pickLanderOffer(
  path: Pick<FunnelPath, 'offers'> | CompiledPath,
  offerNumber: number | undefined,
  random: RandomSource,
  isOfferEligible: OfferEligibility = always,
  facts: VisitorFacts = NO_FACTS,
): number | null {
  if (offerNumber !== undefined && Number.isInteger(offerNumber) && offerNumber >= 1) {
    const offer = path.offers[offerNumber - 1];
    // Weight 0 means "never send traffic here", also from a lander's explicit link.
    if (offer && offer.weight > 0 && isOfferEligible(offer.offerId, facts)) return offer.offerId;
  }
  const index = pickOffer(path.offers, random, isOfferEligible, facts);
  return index < 0 ? null : path.offers[index]!.offerId;
}

// ---------------------------------------------------------------------------------------------
// Compilation and routing.

interface CompiledRule {
  readonly conditions: readonly Matcher[];
  readonly paths: readonly CompiledPath[];
}

function compilePaths(paths: readonly FunnelPath[]): CompiledPath[] {
  return paths.map((path) =>
    Object.freeze({
      weight: path.weight,
      landers: Object.freeze(path.landers.map((l) => Object.freeze({ landerId: l.landerId, weight: l.weight }))),
      offers: Object.freeze(path.offers.map((o) => Object.freeze({ offerId: o.offerId, weight: o.weight }))),
    }),
  );
}

/**
 * Compiles a funnel for routing in `timeZone` (an IANA zone; hour, day of week and time conditions
 * use the visitor's local clock there). Throws a RangeError for an unknown zone, so a bad snapshot
 * fails when it is built rather than on a click.
 */
export function compileFunnel(funnel: Funnel, timeZone: string): CompiledFunnel {
  const formatter = formatterFor(timeZone);
  const rules: CompiledRule[] = funnel.rules.map((rule) => ({
    conditions: rule.conditions.map(compileCondition),
    paths: compilePaths(rule.paths),
  }));
  const defaultPaths = compilePaths(funnel.paths);
  const needsClock = funnel.rules.some((rule) => rule.conditions.some((c) => CLOCK_FIELDS.has(c.field)));

  // The local clock changes at most once a minute (zone offsets are whole minutes), so it is
  // computed once per minute rather than per click.
  const clock: Clock = { hour: 0, dayOfWeek: 1, minuteOfDay: 0 };
  let clockMinute = Number.NaN;

  function ruleMatches(rule: CompiledRule, facts: VisitorFacts): boolean {
    for (const condition of rule.conditions) if (!condition(facts, clock)) return false;
    return true;
  }

  function route(
    facts: VisitorFacts,
    now: Date | number,
    random: RandomSource,
    isOfferEligible: OfferEligibility = always,
    isLanderEligible: LanderEligibility = always,
  ): RouteResult {
    if (needsClock) {
      const ms = typeof now === 'number' ? now : now.getTime();
      const minute = Math.floor(ms / 60_000);
      if (minute !== clockMinute) {
        fillClock(clock, formatter, minute * 60_000);
        clockMinute = minute;
      }
    }
    let ruleIndex = -1;
    let paths: readonly CompiledPath[] = defaultPaths;
    for (let r = 0; r < rules.length; r++) {
      if (ruleMatches(rules[r]!, facts)) {
        ruleIndex = r;
        paths = rules[r]!.paths;
        break;
      }
    }

    // A path can take the visitor only if it has an eligible offer and, when it has landers, an
    // eligible lander. A matched rule whose paths are all unservable does not fall through to later
    // rules or the default paths: the rule's targeting still holds, so the visitor goes to fallback.
    const cum = ensureScratch(paths.length);
    let total = 0;
    let last = -1;
    for (let p = 0; p < paths.length; p++) {
      const path = paths[p]!;
      if (
        path.weight > 0 &&
        anyOffer(path.offers, isOfferEligible, facts) &&
        (path.landers.length === 0 || anyLander(path.landers, isLanderEligible, facts))
      ) {
        total += path.weight;
        last = p;
      }
      cum[p] = total;
    }
    const pathIndex = draw(cum, paths.length, total, last, random);
    if (pathIndex < 0) return { kind: 'none', ruleIndex };
    const path = paths[pathIndex]!;

    let landerId: number | undefined;
    if (path.landers.length > 0) {
      const landerIndex = pickLander(path.landers, random, isLanderEligible, facts);
      if (landerIndex < 0) return { kind: 'none', ruleIndex }; // an eligibility predicate changed its mind
      landerId = path.landers[landerIndex]!.landerId;
    }
    const offerIndex = pickOffer(path.offers, random, isOfferEligible, facts);
    if (offerIndex < 0) return { kind: 'none', ruleIndex };
    const offerId = path.offers[offerIndex]!.offerId;
    return landerId === undefined
      ? { kind: 'route', ruleIndex, pathIndex, offerId }
      : { kind: 'route', ruleIndex, pathIndex, landerId, offerId };
  }

  return {
    timeZone,
    route,
    pathAt(ruleIndex, pathIndex) {
      const paths = ruleIndex === -1 ? defaultPaths : rules[ruleIndex]?.paths;
      return paths?.[pathIndex];
    },
  };
}
