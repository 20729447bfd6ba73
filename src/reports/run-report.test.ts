import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConversionStatus } from '../domain/conversion-status.js';
import type { FactRow } from '../store/report-facts.js';
import type { ReportSort, ReportSpec } from './report-spec.js';
import { runReport, type EntityNameLookup, type ReportDeps, type ReportRow } from './run-report.js';

// A seeded generator, so a failure repeats.
function random(seed: number) {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

/** Groups of campaign × country × offer: names shared by two campaigns, one unknown, rows without an offer, ratios without a denominator. */
function facts(next: () => number): FactRow[] {
  const rows: FactRow[] = [];
  const statuses: ConversionStatus[] = ['approved', 'pending', 'declined', 'other'];
  for (let campaign = 1; campaign <= 6; campaign++) {
    for (const country of ['US', 'DE', '', 'É', '\u{1F600}']) {
      for (const offer of [null, 10, 11, 12]) {
        if (next() < 0.3) continue;
        const clicks = Math.floor(next() * 5);
        const conversions = Array.from({ length: Math.floor(next() * 3) }, () => ({
          type: next() < 0.5 ? null : 'Purchase',
          status: statuses[Math.floor(next() * 4)]!,
          count: 1 + Math.floor(next() * 3),
          revenue: Math.floor(next() * 4) * 1_000_000,
        }));
        rows.push({ key: [campaign, country, offer], impressions: 0, clicks, uniqueClicks: clicks, landerClicks: 0, botClicks: 0, blockedClicks: 0, cost: Math.floor(next() * 3) * 500_000, conversions });
      }
    }
  }
  return rows;
}

const NAMES: Record<string, Record<number, string>> = { campaign: { 1: 'Beta', 2: 'Alpha', 3: 'Beta', 4: 'alpha', 5: 'Gamma' }, offer: { 10: 'Watch', 11: 'Phone', 12: 'Watch' } };
const nameOf: EntityNameLookup = (dimension, id) => NAMES[dimension]?.[id] ?? null;

function spec(sort: ReportSort[], limit: number | null, offset = 0): ReportSpec {
  return { from: 0, to: 1, timeZone: 'UTC', groupBy: ['campaign', 'country', 'offer'], filters: [], sort, limit, offset, metrics: ['clicks'], conversionTime: 'click' };
}

/** The order the spec states: each key in turn (entities by name, then id), no value last either way, then the dimensions ascending. */
function referenceOrder(rows: ReportRow[], sorts: ReportSort[]): string[] {
  const value = (row: ReportRow, sort: ReportSort): (string | number | null)[] => {
    const { field } = sort;
    if (field.kind === 'metric') return [row.metrics[field.metric]];
    if (field.kind === 'type') {
      const byType = row.metrics[field.metric];
      return [Object.hasOwn(byType, field.type) ? byType[field.type]! : 0];
    }
    const i = ['campaign', 'country', 'offer'].indexOf(field.dimension);
    const key = row.key[i] ?? null;
    if (field.dimension === 'country') return [key];
    return [typeof key === 'number' ? nameOf(field.dimension as 'campaign', key) : null, key];
  };
  const all: ReportSort[] = [...sorts, ...(['campaign', 'country', 'offer'] as const).map((dimension) => ({ field: { kind: 'dimension' as const, dimension }, descending: false }))];
  const sorted = [...rows].sort((a, b) => {
    for (const sort of all) {
      const xs = value(a, sort);
      const ys = value(b, sort);
      for (let i = 0; i < xs.length; i++) {
        const x = xs[i]!;
        const y = ys[i]!;
        if (x === y) continue;
        if (x === null) return 1;
        if (y === null) return -1;
        const sign = typeof x === 'number' && typeof y === 'number' ? x - y : x < y ? -1 : 1;
        return sort.descending ? -sign : sign;
      }
    }
    return 0;
  });
  return sorted.map((row) => JSON.stringify(row.key));
}

test('rows come in the order of the sort keys, entities by name then id, no value last; a page is the head of that order', async () => {
  const next = random(7);
  const sorts: ReportSort[][] = [
    [],
    [{ field: { kind: 'metric', metric: 'clicks' }, descending: true }],
    [{ field: { kind: 'metric', metric: 'roi' }, descending: false }],
    [{ field: { kind: 'metric', metric: 'cpa' }, descending: true }],
    [{ field: { kind: 'dimension', dimension: 'campaign' }, descending: true }],
    [{ field: { kind: 'dimension', dimension: 'offer' }, descending: true }, { field: { kind: 'dimension', dimension: 'country' }, descending: true }],
    [{ field: { kind: 'type', metric: 'revenueByType', type: 'Purchase' }, descending: true }, { field: { kind: 'metric', metric: 'epc' }, descending: false }],
    [{ field: { kind: 'type', metric: 'conversionsByType', type: 'constructor' }, descending: true }],
  ];
  for (let round = 0; round < 4; round++) {
    const rows = facts(next);
    const deps: ReportDeps = {
      facts: { reportFacts: async () => rows },
      refresh: async () => {},
      names: async () => nameOf,
      store: { conversionTypes: { all: async () => [] } } as unknown as ReportDeps['store'],
    };
    for (const sort of sorts) {
      const whole = await runReport(deps, spec(sort, null));
      const expected = referenceOrder(whole.rows, sort);
      assert.deepEqual(whole.rows.map((row) => JSON.stringify(row.key)), expected, JSON.stringify(sort));
      for (const [limit, offset] of [[5, 0], [3, 4], [1, 0]] as const) {
        const page = await runReport(deps, spec(sort, limit, offset));
        assert.equal(page.rowCount, rows.length);
        assert.deepEqual(page.rows.map((row) => JSON.stringify(row.key)), expected.slice(offset, offset + limit), `${JSON.stringify(sort)} limit ${limit} offset ${offset}`);
        assert.deepEqual(page.totals, whole.totals);
        assert.deepEqual(page.rows, whole.rows.slice(offset, offset + limit));
      }
    }
  }
});
