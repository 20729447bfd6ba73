import type { Offer } from '../domain/offer.js';

const HOUR = 3_600_000;

/**
 * Counts what offer caps are measured in, in memory, so the hot path checks a cap without a query.
 * Counts are kept per UTC hour; a daily cap sums the hours of the current day in the cap's time zone
 * (exact for whole-hour offsets). Click counts are restored from the event store at start; conversion
 * counts are restored from the conversions table and then fed by the conversion path.
 */
export class OfferCaps {
  private readonly hourly = new Map<number, Map<number, number>>();
  private readonly totals = new Map<number, number>();
  private readonly conversionHourly = new Map<number, Map<number, number>>();
  private readonly conversionTotals = new Map<number, number>();

  restoreClicks(rows: Iterable<{ offerId: number; hour: number; clicks: number }>): void {
    for (const row of rows) add(this.hourly, this.totals, row.offerId, row.hour, row.clicks);
  }

  restoreConversions(rows: Iterable<{ offerId: number; hour: number; conversions: number }>): void {
    for (const row of rows) add(this.conversionHourly, this.conversionTotals, row.offerId, row.hour, row.conversions);
  }

  recordClick(offerId: number, at: number): void {
    add(this.hourly, this.totals, offerId, at - (at % HOUR), 1);
  }

  recordConversion(offerId: number, at: number): void {
    add(this.conversionHourly, this.conversionTotals, offerId, at - (at % HOUR), 1);
  }

  isCapped(offer: Pick<Offer, 'id' | 'caps'>, now: number): boolean {
    const { caps } = offer;
    if (caps.daily === null && caps.total === null) return false;
    const [hourly, totals] = caps.unit === 'clicks' ? [this.hourly, this.totals] : [this.conversionHourly, this.conversionTotals];
    if (caps.total !== null && (totals.get(offer.id) ?? 0) >= caps.total) return true;
    if (caps.daily === null) return false;
    const dayStart = startOfLocalDay(now, caps.timeZone);
    let today = 0;
    for (const [hour, count] of hourly.get(offer.id) ?? []) if (hour >= dayStart) today += count;
    return today >= caps.daily;
  }
}

function add(hourly: Map<number, Map<number, number>>, totals: Map<number, number>, offerId: number, hour: number, count: number): void {
  let hours = hourly.get(offerId);
  if (!hours) hourly.set(offerId, (hours = new Map()));
  hours.set(hour, (hours.get(hour) ?? 0) + count);
  totals.set(offerId, (totals.get(offerId) ?? 0) + count);
  // Only the last two days matter for daily caps; older hours live on in the total.
  if (hours.size > 60) for (const old of hours.keys()) if (old < hour - 48 * HOUR) hours.delete(old);
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** Unix ms of the most recent local midnight in `timeZone` at `now`. */
export function startOfLocalDay(now: number, timeZone: string): number {
  let format = offsetFormatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    offsetFormatters.set(timeZone, format);
  }
  const parts = format.formatToParts(now);
  const value = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const sinceMidnight = ((value('hour') * 60 + value('minute')) * 60 + value('second')) * 1000 + (now % 1000);
  return now - sinceMidnight;
}
