import { ENTITY_DIMENSIONS, type ReportDimension } from '../domain/report-dimension.js';
import { metricsCalculator, sumMeasures, type ReportMetrics } from '../domain/report-metrics.js';
import type { EntityStore } from '../store/entity-store.js';
import type { FactQuery, FactRow } from '../store/report-facts.js';
import type { ReportSort, ReportSpec } from './report-spec.js';

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

  const rowOf = (fact: FactRow): ReportRow => ({
    key: fact.key,
    names: spec.groupBy.map((dimension, i) => {
      const value = fact.key[i];
      return ENTITY.has(dimension) && typeof value === 'number' ? nameOf(dimension as EntityDimension, value) : null;
    }),
    metrics: metricsOf(fact),
  });
  const end = spec.limit === null ? facts.length : Math.min(facts.length, spec.offset + spec.limit);
  // Only the rows shown get their names and every metric; sorting reads just its keys.
  const order = sortedOrder(facts, spec, nameOf, metricsOf, end);
  return {
    spec,
    conversionTypes,
    rowCount: facts.length,
    rows: order.slice(spec.offset, end).map((i) => rowOf(facts[i]!)),
    totals: metricsOf(sumMeasures(facts)),
  };
}

type SortValue = string | number | null;

interface SortColumn {
  values: SortValue[];
  descending: boolean;
}

/**
 * The facts' indexes in report order: by the sort keys, then every dimension ascending, so equal rows
 * always come out the same way. Each key is read once per row into a column first (a report may have
 * 100 000 rows); an entity is one column, its rank by name then id. When only the first `wanted` rows
 * are shown, only those are put in order.
 */
function sortedOrder(facts: readonly FactRow[], spec: ReportSpec, nameOf: EntityNameLookup, metricsOf: (fact: FactRow) => ReportMetrics, wanted: number): number[] {
  const tieBreak: ReportSort[] = spec.groupBy.map((dimension) => ({ field: { kind: 'dimension', dimension }, descending: false }));
  let metrics: ReportMetrics[] | undefined;
  const metricsAt = (i: number) => (metrics ??= facts.map(metricsOf))[i]!;
  const columns: SortColumn[] = [...spec.sort, ...tieBreak].map(({ field, descending }) => {
    switch (field.kind) {
      case 'metric': {
        const { metric } = field;
        const base = BASE_MEASURES.has(metric) ? (metric as BaseMeasureName) : undefined;
        return { values: facts.map((fact, i) => (base ? fact[base] : metricsAt(i)[metric])), descending };
      }
      case 'type':
        return { values: facts.map((_, i) => {
          const byType = metricsAt(i)[field.metric];
          return Object.hasOwn(byType, field.type) ? byType[field.type]! : 0;
        }), descending };
      case 'dimension': {
        const column = spec.groupBy.indexOf(field.dimension);
        const values = facts.map((fact) => fact.key[column] ?? null);
        if (!ENTITY.has(field.dimension)) return { values, descending };
        return { values: entityRanks(values, field.dimension as EntityDimension, nameOf, descending), descending: false };
      }
    }
  });
  const compare = (a: number, b: number) => {
    for (const { values, descending } of columns) {
      const sign = compareValues(values[a]!, values[b]!, descending);
      if (sign !== 0) return sign;
    }
    // Equal on every key: as the facts came.
    return a - b;
  };
  const all = facts.map((_, i) => i);
  if (wanted >= facts.length / 4) return all.sort(compare);
  return firstInOrder(all, wanted, compare);
}

/** Values compared in order, no value last either way. */
function compareValues(x: SortValue, y: SortValue, descending: boolean): number {
  if (x === y) return 0;
  if (x === null) return 1;
  if (y === null) return -1;
  const sign = typeof x === 'number' && typeof y === 'number' ? x - y : x < y ? -1 : x > y ? 1 : 0;
  return descending ? -sign : sign;
}

/** An entity column as ranks, so rows compare numbers: by name, then by id, in the sort's direction. */
function entityRanks(ids: SortValue[], dimension: EntityDimension, nameOf: EntityNameLookup, descending: boolean): SortValue[] {
  const distinct = [...new Set(ids)].filter((id): id is number => typeof id === 'number');
  const names = new Map(distinct.map((id) => [id, nameOf(dimension, id)]));
  distinct.sort((a, b) => compareValues(names.get(a)!, names.get(b)!, descending) || compareValues(a, b, descending));
  const rank = new Map(distinct.map((id, i) => [id, i]));
  return ids.map((id) => (typeof id === 'number' ? rank.get(id)! : null));
}

/** The first `count` of `items` in order, without ordering the rest: a bounded heap, its worst on top. */
function firstInOrder(items: number[], count: number, compare: (a: number, b: number) => number): number[] {
  if (count <= 0) return [];
  const heap: number[] = [];
  const swap = (i: number, j: number) => ([heap[i], heap[j]] = [heap[j]!, heap[i]!]);
  for (const item of items) {
    if (heap.length < count) {
      heap.push(item);
      for (let i = heap.length - 1; i > 0; ) {
        const parent = (i - 1) >> 1;
        if (compare(heap[i]!, heap[parent]!) <= 0) break;
        swap(i, parent);
        i = parent;
      }
    } else if (compare(item, heap[0]!) < 0) {
      heap[0] = item;
      for (let i = 0; ; ) {
        const left = 2 * i + 1;
        const right = left + 1;
        let worst = i;
        if (left < heap.length && compare(heap[left]!, heap[worst]!) > 0) worst = left;
        if (right < heap.length && compare(heap[right]!, heap[worst]!) > 0) worst = right;
        if (worst === i) break;
        swap(i, worst);
        i = worst;
      }
    }
  }
  return heap.sort(compare);
}

type BaseMeasureName = 'impressions' | 'clicks' | 'uniqueClicks' | 'landerClicks' | 'botClicks' | 'blockedClicks' | 'cost';
/** Metrics that are measures as stored: sorting by them computes no other metric. */
const BASE_MEASURES = new Set<string>(['impressions', 'clicks', 'uniqueClicks', 'landerClicks', 'botClicks', 'blockedClicks', 'cost']);

/** Code-unit order: the same on every machine and locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
