import type { ConversionStatus } from './conversion-status.js';
import type { Micros } from './money.js';

/**
 * Report metrics from the base measures every event store answers with. What counts, as RedTrack's
 * conversion statuses and types do (seed 002):
 * - every status has its own column (approved, pending, declined, other), over all conversion types;
 * - `conversions` and `revenue` count every status except `declined` (a conversion the network
 *   refused earns nothing), of every type: the plain conversion and each conversion type;
 * - each conversion type also has its own count and revenue columns, declined ones left out as well.
 * Money stays in integer micro-units; a per-unit amount (EPC, CPA, CPC) is rounded to the micro-unit.
 * A ratio whose denominator is zero is null: "no clicks" is not a CR of 0 %.
 */

export interface ConversionMeasures {
  /** The conversion type's name; null for the plain conversion. */
  type: string | null;
  status: ConversionStatus;
  count: number;
  revenue: Micros;
}

export interface BaseMeasures {
  impressions: number;
  clicks: number;
  uniqueClicks: number;
  landerClicks: number;
  botClicks: number;
  /** Clicks of blocked placements, sent to the fallback. */
  blockedClicks: number;
  cost: Micros;
  conversions: readonly ConversionMeasures[];
}

export interface ReportMetrics {
  impressions: number;
  clicks: number;
  uniqueClicks: number;
  landerClicks: number;
  /** Lander clicks per click. */
  ctr: number | null;
  conversions: number;
  approved: number;
  pending: number;
  declined: number;
  other: number;
  /** Per conversion type name, every type asked for (0 when the row has none). */
  conversionsByType: Record<string, number>;
  revenue: Micros;
  revenueByType: Record<string, Micros>;
  cost: Micros;
  profit: Micros;
  /** Profit per unit of cost. */
  roi: number | null;
  /** Conversions per click. */
  cr: number | null;
  /** Revenue per click. */
  epc: Micros | null;
  /** Cost per conversion. */
  cpa: Micros | null;
  /** Cost per click. */
  cpc: Micros | null;
  botClicks: number;
  /** Clicks of blocked placements (sent to the fallback): traffic the channel still sends after a block. */
  blockedClicks: number;
}

export type ReportMetricName = keyof ReportMetrics;

/** Every metric, in the order reports show them. */
export const REPORT_METRICS = [
  'impressions',
  'clicks',
  'uniqueClicks',
  'landerClicks',
  'ctr',
  'conversions',
  'approved',
  'pending',
  'declined',
  'other',
  'conversionsByType',
  'revenue',
  'revenueByType',
  'cost',
  'profit',
  'roi',
  'cr',
  'epc',
  'cpa',
  'cpc',
  'botClicks',
  'blockedClicks',
] as const satisfies readonly ReportMetricName[];

/** Metrics that are amounts of money (micro-units), shown as decimals. */
export const MONEY_METRICS: ReadonlySet<ReportMetricName> = new Set(['revenue', 'revenueByType', 'cost', 'profit', 'epc', 'cpa', 'cpc']);
/** Metrics that are ratios, shown as percentages. */
export const RATIO_METRICS: ReadonlySet<ReportMetricName> = new Set(['ctr', 'roi', 'cr']);

export function isReportMetric(name: string): name is ReportMetricName {
  return (REPORT_METRICS as readonly string[]).includes(name);
}

export function emptyMeasures(): BaseMeasures {
  return { impressions: 0, clicks: 0, uniqueClicks: 0, landerClicks: 0, botClicks: 0, blockedClicks: 0, cost: 0, conversions: [] };
}

/** The measures of several groups as one (the totals row): counts and money add, conversions concatenate. */
export function sumMeasures(rows: Iterable<BaseMeasures>): BaseMeasures {
  const total = emptyMeasures();
  const conversions: ConversionMeasures[] = [];
  for (const row of rows) {
    total.impressions += row.impressions;
    total.clicks += row.clicks;
    total.uniqueClicks += row.uniqueClicks;
    total.landerClicks += row.landerClicks;
    total.botClicks += row.botClicks;
    total.blockedClicks += row.blockedClicks;
    total.cost += row.cost;
    for (const measure of row.conversions) conversions.push(measure);
  }
  return { ...total, conversions };
}

/** Every metric of one group. `types` are the conversion types that get their own columns. */
export function computeMetrics(measures: BaseMeasures, types: readonly string[]): ReportMetrics {
  return metricsCalculator(types)(measures);
}

/** `computeMetrics` for many groups with the same type columns (a report's rows). */
export function metricsCalculator(types: readonly string[]): (measures: BaseMeasures) => ReportMetrics {
  // Spread copies of one template: own properties even for a type named like a built-in ("constructor").
  const zeroByType: Record<string, number> = Object.fromEntries(types.map((type) => [type, 0]));
  return (measures) => {
    const conversionsByType = { ...zeroByType };
    const revenueByType = { ...zeroByType };
    let approved = 0;
    let pending = 0;
    let declined = 0;
    let other = 0;
    let conversions = 0;
    let revenue = 0;
    for (const measure of measures.conversions) {
      switch (measure.status) {
        case 'approved':
          approved += measure.count;
          break;
        case 'pending':
          pending += measure.count;
          break;
        case 'declined':
          declined += measure.count;
          break;
        case 'other':
          other += measure.count;
          break;
      }
      if (!countsAsConversion(measure.status)) continue;
      conversions += measure.count;
      revenue += measure.revenue;
      if (measure.type !== null && Object.hasOwn(zeroByType, measure.type)) {
        conversionsByType[measure.type]! += measure.count;
        revenueByType[measure.type]! += measure.revenue;
      }
    }
    const { clicks, cost } = measures;
    const profit = revenue - cost;
    return {
      impressions: measures.impressions,
      clicks,
      uniqueClicks: measures.uniqueClicks,
      landerClicks: measures.landerClicks,
      ctr: ratio(measures.landerClicks, clicks),
      conversions,
      approved,
      pending,
      declined,
      other,
      conversionsByType,
      revenue,
      revenueByType,
      cost,
      profit,
      roi: ratio(profit, cost),
      cr: ratio(conversions, clicks),
      epc: perUnit(revenue, clicks),
      cpa: perUnit(cost, conversions),
      cpc: perUnit(cost, clicks),
      botClicks: measures.botClicks,
      blockedClicks: measures.blockedClicks,
    };
  };
}

/** Declined conversions have their own column and count nowhere else. */
export function countsAsConversion(status: ConversionStatus): boolean {
  return status !== 'declined';
}

function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

/** Money per unit, rounded half away from zero to the micro-unit (a negative amount mirrors a positive one). */
function perUnit(amount: Micros, units: number): Micros | null {
  if (units === 0) return null;
  const value = Math.round(Math.abs(amount) / units);
  return amount < 0 ? -value : value;
}
