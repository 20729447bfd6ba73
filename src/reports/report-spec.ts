import { CONVERSION_STATUSES } from '../domain/conversion-status.js';
import { ENTITY_DIMENSIONS, isReportDimension, MAX_GROUP_BY, type ReportDimension } from '../domain/report-dimension.js';
import { isReportMetric, type ReportMetricName } from '../domain/report-metrics.js';
import type { FactFilter } from '../store/report-facts.js';

/**
 * What a report asks for. Drill-down is not a kind of report: "campaign → offer → country" is a
 * groupBy, "this campaign's sub1 values" is a groupBy of sub1 with a campaign filter.
 */
export interface ReportSpec {
  /** Unix ms, inclusive. */
  from: number;
  /** Unix ms, exclusive. */
  to: number;
  timeZone: string;
  groupBy: ReportDimension[];
  filters: FactFilter[];
  /** Applied in order; rows equal on every key keep the order of their dimension values. */
  sort: ReportSort[];
  /** Rows after `offset`; null for all of them. */
  limit: number | null;
  offset: number;
  /** Metrics the caller shows; every metric is still computed (sorting may need any). */
  metrics: ReportMetricName[];
  conversionTime: 'click' | 'postback';
}

export type SortField =
  | { kind: 'dimension'; dimension: ReportDimension }
  | { kind: 'metric'; metric: Exclude<ReportMetricName, PerTypeMetric> }
  | { kind: 'type'; metric: PerTypeMetric; type: string };

export type PerTypeMetric = 'conversionsByType' | 'revenueByType';

export interface ReportSort {
  field: SortField;
  descending: boolean;
}

/** The outcome of reading one parameter: the value, or a message for a 400 that names the parameter. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (message: string): Parsed<never> => ({ ok: false, message });

const ENTITY = new Set<string>(ENTITY_DIMENSIONS);

/** Comma-separated names, empty items ignored (`a,,b` and a trailing comma are forgiven). */
function names(text: string): string[] {
  return text
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
}

/** `campaign,offer,country`: up to three distinct dimensions, outermost first. */
export function parseGroupBy(text: string): Parsed<ReportDimension[]> {
  const dimensions = names(text);
  for (const name of dimensions) if (!isReportDimension(name)) return fail(`unknown dimension "${name}"`);
  if (dimensions.length > MAX_GROUP_BY) return fail(`at most ${MAX_GROUP_BY} dimensions, got ${dimensions.length}`);
  const repeated = dimensions.find((name, i) => dimensions.indexOf(name) !== i);
  if (repeated) return fail(`"${repeated}" is named twice`);
  return ok(dimensions as ReportDimension[]);
}

/** `clicks,revenue,roi`: a selection of metrics, in the order given. */
export function parseMetrics(text: string): Parsed<ReportMetricName[]> {
  const metrics = names(text);
  for (const name of metrics) if (!isReportMetric(name)) return fail(`unknown metric "${name}"`);
  if (metrics.length === 0) return fail('name at least one metric');
  return ok([...new Set(metrics)] as ReportMetricName[]);
}

/**
 * `-revenue,clicks`: keys in order, `-` for descending. A key is a metric, a grouped dimension, or a
 * conversion type's column as `conversions:Purchase` / `revenue:Purchase`.
 */
export function parseSort(text: string, groupBy: readonly ReportDimension[]): Parsed<ReportSort[]> {
  const sorts: ReportSort[] = [];
  for (const item of names(text)) {
    const descending = item.startsWith('-');
    const name = descending ? item.slice(1) : item;
    const typeColumn = /^(conversions|revenue):(.+)$/.exec(name);
    if (typeColumn) {
      const metric = typeColumn[1] === 'conversions' ? 'conversionsByType' : 'revenueByType';
      sorts.push({ field: { kind: 'type', metric, type: typeColumn[2]! }, descending });
    } else if (isReportDimension(name)) {
      if (!groupBy.includes(name)) return fail(`"${name}" is not in groupBy, so rows have no value of it to sort by`);
      sorts.push({ field: { kind: 'dimension', dimension: name }, descending });
    } else if (isReportMetric(name) && name !== 'conversionsByType' && name !== 'revenueByType') {
      sorts.push({ field: { kind: 'metric', metric: name }, descending });
    } else {
      return fail(`unknown sort key "${name}": use a metric, a grouped dimension, or conversions:<type> / revenue:<type>`);
    }
  }
  return ok(sorts);
}

/**
 * One `filter` parameter: `dimension:value1,value2` keeps rows whose dimension is one of the values,
 * `dimension!:value` drops them. `\,` is a comma inside a value and `\\` a backslash; an empty value
 * (`sub1:`) matches "not set". Entity dimensions take ids.
 */
export function parseFilter(text: string): Parsed<FactFilter> {
  const match = /^([A-Za-z0-9]+)(!?):(.*)$/s.exec(text);
  if (!match) return fail(`"${text}" is not dimension:values or dimension!:values`);
  const [, dimension, negated, list] = match as unknown as [string, string, string, string];
  if (!isReportDimension(dimension)) return fail(`unknown dimension "${dimension}"`);
  const values = splitValues(list);
  if (values === undefined) return fail(`"${text}" ends in a lone backslash; write \\\\ for a backslash`);
  if (ENTITY.has(dimension)) {
    const bad = values.find((value) => !/^[1-9]\d{0,15}$/.test(value));
    if (bad !== undefined) return fail(`${dimension} takes ids, and "${bad}" is not one`);
  }
  if (dimension === 'conversionStatus') {
    const bad = values.find((value) => !(CONVERSION_STATUSES as readonly string[]).includes(value));
    if (bad !== undefined) return fail(`"${bad}" is not a conversion status (${CONVERSION_STATUSES.join(', ')})`);
  }
  return ok({ dimension, op: negated ? 'not_in' : 'in', values });
}

function splitValues(list: string): string[] | undefined {
  const values: string[] = [];
  let value = '';
  for (let i = 0; i < list.length; i += 1) {
    const char = list[i]!;
    if (char === '\\') {
      const next = list[i + 1];
      if (next === undefined) return undefined;
      value += next;
      i += 1;
    } else if (char === ',') {
      values.push(value);
      value = '';
    } else {
      value += char;
    }
  }
  values.push(value);
  return values;
}
