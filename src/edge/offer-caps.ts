import { capPeriodBounds, type CapPeriod } from '../domain/cap-period.js';
import type { ConversionStatus } from '../domain/conversion-status.js';
import type { CapRule, Offer } from '../domain/offer.js';

const HOUR = 3_600_000;
/** Hours kept per counted series: a monthly cap needs up to 31 days, plus a DST day. */
const RING_HOURS = 35 * 24;

/** What a cap counts: clicks, conversions (all, or approved only) and their payout (all, or approved only). */
const Series = { Clicks: 0, Conversions: 1, ApprovedConversions: 2, Payout: 3, ApprovedPayout: 4 } as const;
type Series = (typeof Series)[keyof typeof Series];
const SERIES_COUNT = 5;

/** A cap the offer has reached: what it limits and how much has been counted. */
export interface ReachedCap {
  metric: CapRule['metric'];
  period: CapPeriod;
  limit: number;
  counted: number;
  /** Conversions counted towards it: all of them, or approved ones. */
  type: 'gross' | 'approved';
}

/** Hour buckets of one series over the last RING_HOURS hours: what a period's sum is rebuilt from. */
class HourRing {
  // Hours since 1970 fit an Int32 until the year 246 970.
  private readonly hours = new Int32Array(RING_HOURS).fill(-1);
  private readonly values = new Float64Array(RING_HOURS);

  add(at: number, amount: number): void {
    const hour = Math.floor(at / HOUR);
    const slot = hour % RING_HOURS;
    const held = this.hours[slot]!;
    if (held === hour) this.values[slot]! += amount;
    else if (held < hour) {
      this.hours[slot] = hour;
      this.values[slot] = amount;
    }
    // Older than the ring: only the all-time total keeps it.
  }

  /** The sum of the hours that start in [start, end). */
  sum(start: number, end: number): number {
    let sum = 0;
    for (let slot = 0; slot < RING_HOURS; slot++) {
      const at = this.hours[slot]! * HOUR;
      if (at >= start && at < end) sum += this.values[slot]!;
    }
    return sum;
  }
}

/**
 * The running sum of one series over the current period of a cap (its day, week or month in its time
 * zone). Updated as events arrive, so a check costs a comparison; rebuilt from the hour buckets only
 * when the period rolls over.
 */
class PeriodSum {
  start = 0;
  end = 0;
  sum = 0;

  constructor(
    private readonly counters: OfferCounters,
    readonly series: Series,
    private readonly period: CapPeriod,
    private readonly timeZone: string,
  ) {
    if (period === 'total') {
      this.start = Number.NEGATIVE_INFINITY;
      this.end = Number.POSITIVE_INFINITY;
      this.sum = counters.totals[series]!;
    } else this.rebuild(counters.now);
  }

  /** Called after the event is in the hour buckets and the total. */
  add(at: number, amount: number): void {
    if (at >= this.end) this.rebuild(at);
    else if (at >= this.start) this.sum += amount;
  }

  value(now: number): number {
    if (now >= this.end || now < this.start) this.rebuild(now);
    return this.sum;
  }

  private rebuild(at: number): void {
    const bounds = capPeriodBounds(this.period, at, this.timeZone);
    this.start = bounds.start;
    this.end = bounds.end;
    this.sum = this.counters.rings[this.series]?.sum(bounds.start, bounds.end) ?? 0;
  }
}

/** Everything counted for one offer. */
class OfferCounters {
  readonly rings: (HourRing | undefined)[] = new Array(SERIES_COUNT).fill(undefined);
  readonly totals: number[] = new Array(SERIES_COUNT).fill(0);
  /** The period sums the offer's caps read, by `series|period|zone`. */
  readonly periods = new Map<string, PeriodSum>();
  /** The same sums as a list: walked on every counted event without an iterator. */
  readonly periodList: PeriodSum[] = [];
  /** The time of the check that created a period sum (its first period). */
  now = 0;

  add(series: Series, at: number, amount: number): void {
    if (amount === 0) return;
    (this.rings[series] ??= new HourRing()).add(at, amount);
    this.totals[series]! += amount;
    const list = this.periodList;
    for (let i = 0; i < list.length; i++) if (list[i]!.series === series) list[i]!.add(at, amount);
  }
}

/** An offer's caps resolved to the sums they compare against, made once per offer object. */
interface CompiledCap {
  metric: CapRule['metric'];
  period: CapPeriod;
  limit: number;
  sum: PeriodSum;
}

/**
 * Counts what offer caps are measured in, in memory, so the hot path checks a cap without a query:
 * clicks, conversions (all and approved) and their payout, per offer. Each cap compares against a
 * running sum over its current period in the cap's time zone; the sum is rebuilt from hour buckets
 * (35 days of them) when the period rolls over, which is exact for zones whose midnight falls on a
 * whole UTC hour. Counts are restored at start (clicks from the event store, conversions from the
 * conversions table) and then fed by the click and conversion paths.
 */
export class OfferCaps {
  private readonly offers = new Map<number, OfferCounters>();
  private readonly compiled = new WeakMap<Offer['caps'], CompiledCap[]>();

  restoreClicks(rows: Iterable<{ offerId: number; hour: number; clicks: number }>): void {
    for (const row of rows) this.counters(row.offerId).add(Series.Clicks, row.hour, row.clicks);
  }

  /** Conversions per offer and hour; `approved` and the payouts (micros) where the store has them. */
  restoreConversions(rows: Iterable<{ offerId: number; hour: number; conversions: number; approved?: number; payout?: number; approvedPayout?: number }>): void {
    for (const row of rows) {
      const counters = this.counters(row.offerId);
      counters.add(Series.Conversions, row.hour, row.conversions);
      counters.add(Series.ApprovedConversions, row.hour, row.approved ?? 0);
      counters.add(Series.Payout, row.hour, row.payout ?? 0);
      counters.add(Series.ApprovedPayout, row.hour, row.approvedPayout ?? 0);
    }
  }

  recordClick(offerId: number, at: number): void {
    this.counters(offerId).add(Series.Clicks, at, 1);
  }

  /**
   * A stored conversion (every status: gross caps count them all); `at` is its conversion time, the
   * hour the conversions table restores it into. `payout` in micros of the account currency.
   */
  recordConversion(offerId: number, at: number, status: ConversionStatus, payout: number): void {
    this.changeConversion(offerId, at, undefined, { status, payout });
  }

  /** A conversion's status or payout changed (or, with `before` undefined, it is new; with `after` undefined, it is gone). */
  changeConversion(offerId: number, at: number, before: { status: ConversionStatus; payout: number } | undefined, after: { status: ConversionStatus; payout: number } | undefined): void {
    const counters = this.counters(offerId);
    const count = (side: typeof before) => (side ? 1 : 0);
    const approved = (side: typeof before) => (side?.status === 'approved' ? 1 : 0);
    counters.add(Series.Conversions, at, count(after) - count(before));
    counters.add(Series.Payout, at, (after?.payout ?? 0) - (before?.payout ?? 0));
    counters.add(Series.ApprovedConversions, at, approved(after) - approved(before));
    counters.add(Series.ApprovedPayout, at, approved(after) * (after?.payout ?? 0) - approved(before) * (before?.payout ?? 0));
  }

  /** Whether any cap of the offer is reached, whatever its over-delivery setting. */
  isCapped(offer: Pick<Offer, 'id' | 'caps'>, now: number): boolean {
    if (offer.caps.daily === null && offer.caps.total === null && offer.caps.additional.length === 0) return false;
    const caps = this.compile(offer, now);
    for (let i = 0; i < caps.length; i++) {
      const cap = caps[i]!;
      if (cap.sum.value(now) >= cap.limit) return true;
    }
    return false;
  }

  /** The first cap of the offer that is reached, for the reason a conversion past it is given. */
  reachedCap(offer: Pick<Offer, 'id' | 'caps'>, now: number): ReachedCap | undefined {
    for (const cap of this.compile(offer, now)) {
      const counted = cap.sum.value(now);
      if (counted >= cap.limit) return { metric: cap.metric, period: cap.period, limit: cap.limit, counted, type: offer.caps.type };
    }
    return undefined;
  }

  private counters(offerId: number): OfferCounters {
    let counters = this.offers.get(offerId);
    if (!counters) this.offers.set(offerId, (counters = new OfferCounters()));
    return counters;
  }

  /** The offer's caps against their sums; cached per caps object, which a new snapshot replaces. */
  private compile(offer: Pick<Offer, 'id' | 'caps'>, now: number): CompiledCap[] {
    const { caps } = offer;
    let compiled = this.compiled.get(caps);
    if (compiled) return compiled;
    const rules: CapRule[] = [];
    if (caps.daily !== null) rules.push({ metric: caps.unit, period: 'daily', limit: caps.daily });
    if (caps.total !== null) rules.push({ metric: caps.unit, period: 'total', limit: caps.total });
    rules.push(...caps.additional);
    const counters = this.counters(offer.id);
    counters.now = now;
    compiled = rules.map((rule) => {
      const series = seriesOf(rule.metric, caps.type);
      const key = `${series}|${rule.period}|${caps.timeZone}`;
      let sum = counters.periods.get(key);
      if (!sum) {
        counters.periods.set(key, (sum = new PeriodSum(counters, series, rule.period, caps.timeZone)));
        counters.periodList.push(sum);
      }
      return { metric: rule.metric, period: rule.period, limit: rule.limit, sum };
    });
    this.compiled.set(caps, compiled);
    return compiled;
  }
}

/**
 * The series a cap metric reads. Payout and revenue caps both measure what the offer's conversions
 * pay (the conversion payout in the account currency, what reports call revenue): networks name
 * the same money either way. An `approved` cap type counts only approved conversions, money too.
 */
function seriesOf(metric: CapRule['metric'], type: 'gross' | 'approved'): Series {
  if (metric === 'clicks') return Series.Clicks;
  if (metric === 'conversions') return type === 'approved' ? Series.ApprovedConversions : Series.Conversions;
  return type === 'approved' ? Series.ApprovedPayout : Series.Payout;
}
