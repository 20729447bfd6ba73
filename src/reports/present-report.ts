import { ENTITY_DIMENSIONS, type ReportDimension } from '../domain/report-dimension.js';
import { MONEY_METRICS, RATIO_METRICS, type ReportMetricName, type ReportMetrics } from '../domain/report-metrics.js';
import { formatMoney } from '../domain/money.js';
import type { Report, ReportRow } from './run-report.js';

/**
 * A report as people read it: money as decimals in the account currency, ratios (CTR, CR, ROI) as
 * percentages to four decimals, and an entity dimension as two columns, its id and its name.
 */

export type Cell = string | number | null;
export type PresentedMetrics = Partial<Record<ReportMetricName, number | null | Record<string, number>>>;

const ENTITY = new Set<ReportDimension>(ENTITY_DIMENSIONS);

/** The columns a dimension becomes: `campaignId` and `campaignName`, or the dimension's own name. */
export function dimensionColumns(dimension: ReportDimension): string[] {
  return ENTITY.has(dimension) ? [`${dimension}Id`, `${dimension}Name`] : [dimension];
}

function presentValue(metric: ReportMetricName, value: number | null): number | null {
  if (value === null) return null;
  if (MONEY_METRICS.has(metric)) return formatMoney(value);
  if (RATIO_METRICS.has(metric)) return Math.round(value * 1_000_000) / 10_000;
  return value;
}

export function presentMetrics(metrics: ReportMetrics, selection: readonly ReportMetricName[]): PresentedMetrics {
  const out: PresentedMetrics = {};
  for (const metric of selection) {
    const value = metrics[metric];
    out[metric] =
      typeof value === 'object' && value !== null
        ? Object.fromEntries(Object.entries(value).map(([type, amount]) => [type, presentValue(metric, amount)!]))
        : presentValue(metric, value);
  }
  return out;
}

/** A row as a JSON object: its dimension columns, then the selected metrics. */
export function presentRow(row: ReportRow, report: Report): Record<string, Cell | Record<string, number>> {
  const out: Record<string, Cell | Record<string, number>> = {};
  report.spec.groupBy.forEach((dimension, i) => {
    const [valueColumn, nameColumn] = dimensionColumns(dimension);
    out[valueColumn!] = row.key[i] ?? null;
    if (nameColumn) out[nameColumn] = row.names[i] ?? null;
  });
  return { ...out, ...presentMetrics(row.metrics, report.spec.metrics) };
}

/**
 * The report as a table for CSV: a header, then one line per row, produced one at a time. A
 * conversion type's columns are named after it: `Purchase` (conversions) and `Purchase revenue`.
 */
export function reportTable(report: Report): { header: string[]; lines: Iterable<Cell[]> } {
  const { groupBy, metrics } = report.spec;
  const header = groupBy.flatMap(dimensionColumns);
  for (const metric of metrics) {
    if (metric === 'conversionsByType') header.push(...report.conversionTypes);
    else if (metric === 'revenueByType') header.push(...report.conversionTypes.map((type) => `${type} revenue`));
    else header.push(metric);
  }
  function* lines(): Iterable<Cell[]> {
    for (const row of report.rows) {
      const cells: Cell[] = [];
      groupBy.forEach((dimension, i) => {
        cells.push(row.key[i] ?? null);
        if (ENTITY.has(dimension)) cells.push(row.names[i] ?? null);
      });
      for (const metric of metrics) {
        const value = row.metrics[metric];
        if (typeof value === 'object' && value !== null) {
          for (const type of report.conversionTypes) cells.push(presentValue(metric, value[type] ?? 0));
        } else {
          cells.push(presentValue(metric, value));
        }
      }
      yield cells;
    }
  }
  return { header, lines: lines() };
}
