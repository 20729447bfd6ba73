import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { computeMetrics } from '../../src/domain/report-metrics.js';
import { MICROS_PER_UNIT } from '../../src/domain/money.js';
import { dimensionColumns } from '../../src/reports/present-report.js';
import type { ReportSpec } from '../../src/reports/report-spec.js';
import type { EventStore } from '../../src/store/event-store.js';
import { createSqliteEventStore } from '../../src/store/sqlite/sqlite-event-store.js';
import { figuresOfRow, type GroupFigures, type ReportCase } from './report-cases.js';
import { EVENT_FILE } from './report-dataset.js';
import { CONVERSION_TYPES } from './report-traffic.js';
import { startWaypost, type WaypostServer } from './waypost-server.js';

/**
 * Waypost's side of the reports bench, at two levels: `GET /api/v1/reports` of a running Waypost
 * (what a user waits for: refresh check, fact query, metrics, names, sorting, JSON), and the event
 * store's `reportFacts` alone in this process (the fact query only), to tell where time goes.
 */

const SLOW_REQUEST_MS = 600_000;

export interface ReportApi {
  server: WaypostServer;
  /**
   * `page`: the report as a user first sees it, JSON with the API's default page of 100 rows (every
   * group still computed, sorted and totalled). `csv`: the export of every row (`format=csv`, streamed),
   * which also gives the whole answer to compare.
   */
  answer(report: ReportCase, form: 'page' | 'csv'): Promise<GroupFigures[]>;
}

/** Waypost as `npm start` runs it (edge, api, worker) on the prepared data directory. */
export async function startReportApi(dataDir: string): Promise<ReportApi> {
  // Our own admin key, so requests can be timed with a bare fetch.
  const adminKey = `bench-${randomBytes(24).toString('hex')}`;
  const server = await startWaypost({
    // The bench's month is fixed in 2026: its raw clicks stay whatever today's date, as the DuckDB copy does.
    env: { WAYPOST_DATA_DIR: dataDir, WAYPOST_ADMIN_KEY: adminKey, WAYPOST_CLICK_RETENTION_DAYS: '3650' },
  });
  return {
    server,
    async answer(report, form) {
      const response = await fetch(`${server.url}/api/v1/reports?${reportQuery(report.spec, form)}`, {
        headers: { authorization: `Bearer ${adminKey}` },
        signal: AbortSignal.timeout(SLOW_REQUEST_MS),
      });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`GET /api/v1/reports (${report.name}) answered ${response.status}: ${text.slice(0, 2000)}`);
      if (form === 'csv') return figuresOfCsv(report.spec, text);
      const body = JSON.parse(text) as { rowCount: number; rows: Record<string, unknown>[] };
      const wanted = report.spec.limit ?? DEFAULT_PAGE;
      if (body.rows.length < Math.min(body.rowCount, wanted)) throw new Error(`${report.name}: Waypost returned ${body.rows.length} of ${body.rowCount} rows`);
      return body.rows.map((row) => figuresOfRecord(report.spec, row));
    },
  };
}

/** What the API answers in JSON without `limit`. */
const DEFAULT_PAGE = 100;

function reportQuery(spec: ReportSpec, form: 'page' | 'csv'): string {
  const query = new URLSearchParams({
    from: new Date(spec.from).toISOString(),
    to: new Date(spec.to).toISOString(),
    tz: spec.timeZone,
    groupBy: spec.groupBy.join(','),
    conversionTime: spec.conversionTime,
  });
  if (spec.limit !== null) query.set('limit', String(spec.limit));
  if (form === 'csv') query.set('format', 'csv');
  for (const filter of spec.filters) query.append('filter', `${filter.dimension}${filter.op === 'in' ? ':' : '!:'}${filter.values.join(',')}`);
  if (spec.sort.length) query.set('sort', spec.sort.map(sortKey).join(','));
  return query.toString();
}

/** A sort as the `sort` parameter writes it: `-clicks`, `country`, `conversions:Lead`. */
function sortKey({ field, descending }: ReportSpec['sort'][number]): string {
  const name =
    field.kind === 'metric' ? field.metric : field.kind === 'dimension' ? field.dimension : `${field.metric === 'conversionsByType' ? 'conversions' : 'revenue'}:${field.type}`;
  return `${descending ? '-' : ''}${name}`;
}

/**
 * The CSV export as figures: a header of dimension and metric columns (a conversion type's count is
 * the column named after it), money as decimals. The bench's values hold no comma or quote, but
 * quoted cells are read properly anyway.
 */
function figuresOfCsv(spec: ReportSpec, text: string): GroupFigures[] {
  const lines = text.split('\r\n').filter(Boolean);
  const header = parseCsvLine(lines[0] ?? '');
  return lines.slice(1).map((line) => {
    const cells = parseCsvLine(line);
    const record: Record<string, unknown> = {};
    header.forEach((name, i) => (record[name] = cells[i] === '' ? null : cells[i]));
    record.conversionsByType = Object.fromEntries(CONVERSION_TYPES.map((type) => [type, Number(record[type] ?? 0)]));
    return figuresOfRecord(spec, record);
  });
}

function parseCsvLine(line: string): string[] {
  const cells: string[] = [];
  for (const match of line.matchAll(/(?:^|,)(?:"((?:[^"]|"")*)"|([^,]*))/g)) cells.push(match[1] !== undefined ? match[1].replaceAll('""', '"') : match[2]!);
  return cells;
}

/** A report row (JSON, or a CSV line by column name) back to whole counts and micro-units. */
function figuresOfRecord(spec: ReportSpec, row: Record<string, unknown>): GroupFigures {
  const key = spec.groupBy.map((dimension) => (row[dimensionColumns(dimension)[0]!] ?? null) as string | number | null);
  const count = (name: string) => Number(row[name] ?? 0);
  const money = (name: string) => Math.round(Number(row[name] ?? 0) * MICROS_PER_UNIT);
  const byType = (row.conversionsByType ?? {}) as Record<string, number>;
  return {
    key: key.map((value) => (value === null ? '' : String(value))).join(' | '),
    clicks: count('clicks'),
    uniqueClicks: count('uniqueClicks'),
    landerClicks: count('landerClicks'),
    botClicks: count('botClicks'),
    cost: money('cost'),
    conversions: count('conversions'),
    revenue: money('revenue'),
    approved: count('approved'),
    pending: count('pending'),
    declined: count('declined'),
    leads: byType.Lead ?? 0,
    purchases: byType.Purchase ?? 0,
  };
}

export interface FactReader {
  answer(report: ReportCase): Promise<GroupFigures[]>;
  close(): Promise<void>;
}

/**
 * The event store's fact query in this process, on the same files the server uses (SQLite lets
 * readers share them). Sorting and the top-N cut, the report's business, are done as runReport does.
 */
export function openFactReader(dataDir: string): FactReader {
  const events: EventStore = createSqliteEventStore(join(dataDir, EVENT_FILE));
  return {
    async answer(report) {
      const { spec } = report;
      const facts = await events.reportFacts({
        from: spec.from,
        to: spec.to,
        timeZone: spec.timeZone,
        groupBy: spec.groupBy,
        filters: spec.filters,
        conversionTime: spec.conversionTime,
      });
      const groups = facts.map((fact) => figuresOfRow(fact.key, computeMetrics(fact, CONVERSION_TYPES)));
      if (spec.limit === null) return groups;
      // The bench's only sorted case is "most clicks first", ties by the dimension's value.
      groups.sort((a, b) => b.clicks - a.clicks || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      return groups.slice(spec.offset, spec.offset + spec.limit);
    },
    close: () => events.close(),
  };
}
