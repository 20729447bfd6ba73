import { ENTITY_DIMENSIONS, type ReportDimension } from '../domain/report-dimension.js';
import { metricsCalculator, sumMeasures, type ReportMetrics } from '../domain/report-metrics.js';
import type { EntityStore } from '../store/entity-store.js';
import type { FactQuery, FactRow } from '../store/report-facts.js';
import type { ReportSort, ReportSpec, SortField } from './report-spec.js';

export type EntityDimension = (typeof ENTITY_DIMENSIONS)[number];
export type DimensionValue = string | number | null;

/** The display name of an entity by id (archived ones included); null when unknown. */
export type EntityNameLookup = (dimension: EntityDimension, id: number) => string | null;

export interface ReportDeps {
  /** The event store's reading side. */
  facts: { reportFacts(query: FactQuery): Promise<FactRow[]> };
  /** Brings the report facts up to date with the latest clicks and conversions before they are read. */
  refresh(): Promise<void>;
  /** Names for this report's rows, looked up once per report, never per row. */
  names(): Promise<EntityNameLookup>;
  store: Pick<EntityStore, 'conversionTypes'>;
}

export interface ReportRow {
  /** The group's value of each groupBy dimension, in order (entity ids for entity dimensions). */
  key: DimensionValue[];
  /** The display name of each entity dimension's value; null for other dimensions. */
  names: (string | null)[];
  metrics: ReportMetrics;
}

export interface Report {
  spec: ReportSpec;
  /** Conversion types that have their own columns: the active ones and any other the range has conversions of. */
  conversionTypes: string[];
  /** Rows before paging. */
  rowCount: number;
  rows: ReportRow[];
  /** Over every row, not only the page. */
  totals: ReportMetrics;
}

const ENTITY = new Set<ReportDimension>(ENTITY_DIMENSIONS);

export async function runReport(deps: ReportDeps, spec: ReportSpec): Promise<Report> {
  await deps.refresh();
  const query: FactQuery = {
    from: spec.from,
    to: spec.to,
    timeZone: spec.timeZone,
    groupBy: spec.groupBy,
    filters: spec.filters,
    conversionTime: spec.conversionTime,
  };
  const [facts, configuredTypes, nameOf] = await Promise.all([deps.facts.reportFacts(query), deps.store.conversionTypes.all(), deps.names()]);

  const types = new Set(configuredTypes.filter((type) => type.status !== 'archived').map((type) => type.name));
  for (const fact of facts) for (const measure of fact.conversions) if (measure.type !== null) types.add(measure.type);
  const conversionTypes = [...types].sort(compareText);
  const metricsOf = metricsCalculator(conversionTypes);

  const rows = facts.map((fact): ReportRow => ({
    key: fact.key,
    names: spec.groupBy.map((dimension, i) => {
      const value = fact.key[i];
      return ENTITY.has(dimension) && typeof value === 'number' ? nameOf(dimension as EntityDimension, value) : null;
    }),
    metrics: metricsOf(fact),
  }));
  sortRows(rows, spec.groupBy, spec.sort);
  const end = spec.limit === null ? undefined : spec.offset + spec.limit;
  return {
    spec,
    conversionTypes,
    rowCount: rows.length,
    rows: rows.slice(spec.offset, end),
    totals: metricsOf(sumMeasures(facts)),
  };
}

/**
 * Sorts by the keys in order, then every dimension ascending, so equal rows always come out the same
 * way. Each key is read once per row into a column first: a report may have 100 000 rows.
 */
function sortRows(rows: ReportRow[], groupBy: readonly ReportDimension[], sorts: readonly ReportSort[]): void {
  const tieBreak: ReportSort[] = groupBy.map((dimension) => ({ field: { kind: 'dimension', dimension }, descending: false }));
  const columns = [...sorts, ...tieBreak].flatMap(({ field, descending }) => readers(field, groupBy).map((read) => ({ values: rows.map(read), descending })));
  const order = rows.map((_, i) => i);
  order.sort((a, b) => {
    for (const { values, descending } of columns) {
      const x = values[a]!;
      const y = values[b]!;
      if (x === y) continue;
      // No value sorts last either way.
      if (x === null) return 1;
      if (y === null) return -1;
      const sign = typeof x === 'number' && typeof y === 'number' ? x - y : x < y ? -1 : x > y ? 1 : 0;
      if (sign !== 0) return descending ? -sign : sign;
    }
    return 0;
  });
  const sorted = order.map((i) => rows[i]!);
  for (let i = 0; i < sorted.length; i += 1) rows[i] = sorted[i]!;
}

type SortValue = string | number | null;

/** The values a sort key compares, in order: one, or an entity's name then its id (for equal names). */
function readers(field: SortField, groupBy: readonly ReportDimension[]): ((row: ReportRow) => SortValue)[] {
  switch (field.kind) {
    case 'metric':
      return [(row) => row.metrics[field.metric]];
    case 'type':
      return [(row) => (Object.hasOwn(row.metrics[field.metric], field.type) ? row.metrics[field.metric][field.type]! : 0)];
    case 'dimension': {
      const i = groupBy.indexOf(field.dimension);
      if (ENTITY.has(field.dimension)) return [(row) => row.names[i] ?? null, (row) => row.key[i] ?? null];
      return [(row) => row.key[i] ?? null];
    }
  }
}

/** Code-unit order: the same on every machine and locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
