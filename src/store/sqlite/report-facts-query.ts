import type BetterSqlite3 from 'better-sqlite3';
import { clickIdLowerBound } from '../../domain/click-id.js';
import { CONVERSION_DIMENSIONS, ENTITY_DIMENSIONS, TIME_DIMENSIONS, type ReportDimension } from '../../domain/report-dimension.js';
import type { FactFilter, FactQuery, FactRow } from '../report-facts.js';
import {
  DAY_MS,
  HOUR_MS,
  MEASURE_COLUMNS,
  ROLLUPS,
  TIERS,
  VISIT_COLUMNS,
  columnsOf,
  conversionTable,
  rawClickColumn,
  trafficTable,
  type Rollup,
  type Tier,
} from './report-columns.js';
import { localTimeSql, offsetSpans, type OffsetSpan } from './zone-offsets.js';

const isTime = (d: ReportDimension) => (TIME_DIMENSIONS as readonly string[]).includes(d);
const isConversion = (d: ReportDimension) => (CONVERSION_DIMENSIONS as readonly string[]).includes(d);
const isEntity = (d: ReportDimension) => (ENTITY_DIMENSIONS as readonly string[]).includes(d);
// Click-only dimensions a conversion fact may lack (its click was gone when it was copied).
const CLICK_ONLY_COLUMNS = new Set(['brand', 'model', 'os_version', 'browser_version', 'language', 'connection_type', 'referrer_domain']);
const IMPRESSION_DIMENSIONS = new Set<ReportDimension>([...TIME_DIMENSIONS, 'campaign', 'trafficChannel', ...CONVERSION_DIMENSIONS]);
// Ids hold 9 base32 digits of time; a bound past that range would wrap.
const MAX_ID_TIME = 32 ** 9 - 1;
// Up to this many buckets a piece names them (a key lookup each, with the campaign when filtered); past it, a range.
const MAX_LISTED_BUCKETS = 256;
const ROLLED_UP = "coalesce((select value from report_state where name = 'click_rowid'), 0)";

interface Statement {
  sql: string;
  parameters: (string | number)[];
}

/** One part of the range and where it is read: a rollup tier, or the raw rows (tier null); added, or taken away. */
interface Piece {
  tier: Tier | null;
  from: number;
  to: number;
  sign: 1 | -1;
}

/** How a source spells each dimension; undefined where it has none (its rows count under NULL, its filters pass). */
type Expression = (d: ReportDimension) => string | undefined;

/**
 * Answers a FactQuery from the SQLite event store. The range is cut into the coarsest buckets that
 * serve it (report-columns.ts: 16, 8, 4, 2 and 1 UTC days when no time dimension is asked for, hours in
 * whole-hour zones, quarter hours otherwise), read from the smallest rollup covering every grouped and
 * filtered dimension; what no rollup covers and the sub-quarter edges come from raw clicks (plus
 * clicks_retained, what retention kept of deleted clicks) and raw conversion facts. An edge of the
 * range may also be a coarse bucket minus its part outside the range, when that reads fewer rows (a
 * day minus four hours rather than twenty hours). Clicks newer than the last rollup refresh are read
 * raw, so the traffic never lags the writes.
 *
 * Traffic (with impressions) and conversions are summed by two statements, each ordered by group,
 * and merged here in one pass over both: no map of 100 000 keys.
 */
export function reportFactsIn(database: BetterSqlite3.Database) {
  const statements = new Map<string, BetterSqlite3.Statement>();
  const prepared = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      // One text per query shape and range; the cache starts over when it grows.
      if (statements.size >= 200) statements.clear();
      statements.set(sql, (statement = database.prepare(sql).raw(true)));
    }
    return statement;
  };
  const count = (statement: Statement) => Number((prepared(statement.sql).get(...statement.parameters) as Row)[0]);
  // Rows as arrays, k0..k(n-1) then the measures, in the order of the groups.
  const rowsOf = (statement: Statement, columns: string[], width: number) => {
    const [text] = prepared(asJson(statement, columns)).get(...statement.parameters) as [string];
    return inGroupOrder(JSON.parse(text) as Row[], width);
  };
  // One read transaction: the plan's row counts and the rows see the same snapshot.
  const readAll = database.transaction((query: FactQuery) => {
    const plan = planOf(query, count);
    const withImpressions = impressionsApply(query);
    const keys = query.groupBy.map((_, i) => `k${i}`);
    return {
      withImpressions,
      traffic: rowsOf(trafficStatement(query, plan, withImpressions), [...keys, ...Array.from({ length: trafficWidth(withImpressions) }, (_, i) => `m${i + 1}`)], keys.length),
      conversions: rowsOf(conversionStatement(query, plan), [...keys, 'type', 'status', 'm1', 'm2'], keys.length),
    };
  });

  return async (query: FactQuery): Promise<FactRow[]> => {
    if (query.from >= query.to) return [];
    const { withImpressions, traffic, conversions } = readAll(query);
    const width = query.groupBy.length;
    const decoders = query.groupBy.map(decoderOf);
    const rows: FactRow[] = [];
    const newRow = (record: Row): FactRow => {
      const row = { key: decoders.map((decode, i) => decode(record[i])), impressions: 0, clicks: 0, uniqueClicks: 0, landerClicks: 0, botClicks: 0, blockedClicks: 0, cost: 0, conversions: [] };
      rows.push(row);
      return row;
    };
    let next = 0;
    // The conversions of the group `record` belongs to, added to `row` (made when one counts).
    const addConversions = (record: Row, row: FactRow | undefined) => {
      for (; next < conversions.length && compareGroups(conversions[next]!, record, width) === 0; next++) {
        const conversion = conversions[next]!;
        const count = Number(conversion[width + 2]);
        // A coarse bucket minus its edge may leave a group with nothing: it is no row.
        if (!count) continue;
        (row ??= newRow(record)).conversions.push({
          type: conversion[width] === '' ? null : String(conversion[width]),
          status: conversion[width + 1] as FactRow['conversions'][number]['status'],
          count,
          revenue: Number(conversion[width + 3]),
        });
      }
    };
    for (const record of traffic) {
      // Groups with conversions and no traffic come first, in the same order.
      while (next < conversions.length && compareGroups(conversions[next]!, record, width) < 0) addConversions(conversions[next]!, undefined);
      let row: FactRow | undefined;
      const clicks = Number(record[width]);
      if (clicks) {
        row = newRow(record);
        row.clicks = clicks;
        row.uniqueClicks = Number(record[width + 1]);
        row.landerClicks = Number(record[width + 2]);
        row.botClicks = Number(record[width + 3]);
        row.blockedClicks = Number(record[width + 4]);
        row.cost = Number(record[width + 5]);
      }
      // Impressions and their cost follow the traffic measures.
      if (withImpressions && (record[width + TRAFFIC_VALUES.length] || record[width + TRAFFIC_VALUES.length + 1])) {
        row ??= newRow(record);
        row.impressions = Number(record[width + TRAFFIC_VALUES.length]);
        row.cost += Number(record[width + TRAFFIC_VALUES.length + 1]);
      }
      addConversions(record, row);
    }
    while (next < conversions.length) addConversions(conversions[next]!, undefined);
    return rows;
  };
}

type Row = (string | number | null)[];

/**
 * The rows as SQLite ordered them. group_concat keeps the order its ordered subquery gives, though
 * SQLite does not promise it: checked in one pass, and sorted here should it ever differ.
 */
function inGroupOrder(rows: Row[], width: number): Row[] {
  for (let i = 1; i < rows.length; i++) if (compareGroups(rows[i - 1]!, rows[i]!, width) > 0) return rows.sort((a, b) => compareGroups(a, b, width));
  return rows;
}

/** Two rows' groups in SQLite's order (NULL, then numbers, then text by its UTF-8 bytes), as ORDER BY returns them. */
function compareGroups(a: Row, b: Row, width: number): number {
  for (let i = 0; i < width; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (x === null) return -1;
    if (y === null) return 1;
    if (typeof x === 'number') return typeof y === 'number' ? x - y : -1;
    if (typeof y === 'number') return 1;
    return compareUtf8(x, y);
  }
  return 0;
}

/** Text in UTF-8 byte order, which is code point order: UTF-16 units differ only where a surrogate meets U+E000..U+FFFF. */
function compareUtf8(x: string, y: string): number {
  const length = Math.min(x.length, y.length);
  for (let i = 0; i < length; i++) {
    const a = x.charCodeAt(i);
    const b = y.charCodeAt(i);
    if (a !== b) return codePointRank(a) - codePointRank(b);
  }
  return x.length - y.length;
}

function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  // Surrogates (astral code points) above U+E000..U+FFFF.
  return unit < 0xe000 ? unit + 0x2000 : unit - 0x800;
}

interface Plan {
  spans: OffsetSpan[];
  rollup: Rollup | undefined;
  pieces: Piece[];
  /** The part of the range the rollup tiers serve (quarter-aligned); raw pieces hold the rest. */
  rolled: { from: number; to: number } | undefined;
}

/** Which rollup, and which tier serves which part of the range. */
function planOf(query: FactQuery, count: (statement: Statement) => number): Plan {
  const spans = offsetSpans(query.timeZone, query.from, query.to);
  const dimensions = [...query.groupBy, ...query.filters.map((f) => f.dimension)];
  const needed = new Set(dimensions.filter((d) => !isTime(d) && !isConversion(d)).flatMap(columnsOf));
  const rollup = ROLLUPS.find((r) => [...needed].every((c) => r.columns.includes(c)));
  const whole = { spans, rollup, pieces: [{ tier: null, from: query.from, to: query.to, sign: 1 as const }], rolled: undefined };
  if (!rollup) return whole;
  // A bucket reads as one local time only if the zone's offsets and changes fall on its boundaries.
  const alignedTo = (size: number) => spans.every((s) => s.offset % size === 0 && (s.until === Infinity || s.until % size === 0));
  const times = dimensions.filter(isTime);
  const tiers = TIERS.filter((tier) => {
    if (!times.length) return true;
    if (tier.size <= HOUR_MS) return alignedTo(tier.size);
    // Whole UTC days serve dates in a zone whose offset is none at all.
    return tier.size === DAY_MS && !times.includes('hour') && alignedTo(DAY_MS);
  });
  if (!tiers.length) return whole;
  const finest = tiers[0]!.size;
  const from = Math.ceil(query.from / finest) * finest;
  const to = Math.floor(query.to / finest) * finest;
  if (from >= to) return whole;
  const rowsOf = (piece: Piece) => count(countStatement(query, spans, rollup, piece));
  const pieces: Piece[] = [...bestPieces(from, to, tiers, rowsOf)];
  if (query.from < from) pieces.push({ tier: null, from: query.from, to: from, sign: 1 });
  if (to < query.to) pieces.push({ tier: null, from: to, to: query.to, sign: 1 });
  return { spans, rollup, pieces, rolled: { from, to } };
}

interface Choice {
  pieces: Piece[];
  /** Rows the pieces read; counted only when two choices are weighed. */
  rows(): number;
}

/**
 * Signed tier pieces whose sum is exactly [from, to) (both aligned on the finest tier), reading the
 * fewest rollup rows: each edge is either cut into finer buckets, or taken as the coarser bucket that
 * holds it minus that bucket's part outside, whichever has fewer rows (counted, under the query's
 * filters: rows per bucket grow far slower than its length, and a bucket past the data is empty).
 */
function bestPieces(from: number, to: number, tiers: readonly Tier[], rowsOf: (piece: Piece) => number): Piece[] {
  const counted = new Map<string, number>();
  const piece = (tier: Tier, a: number, b: number): Choice => {
    const p: Piece = { tier, from: a, to: b, sign: 1 };
    const id = `${tier.name}:${a}:${b}`;
    return {
      pieces: [p],
      rows: () => {
        let rows = counted.get(id);
        if (rows === undefined) counted.set(id, (rows = rowsOf(p)));
        return rows;
      },
    };
  };
  const join = (...choices: Choice[]): Choice => ({ pieces: choices.flatMap((c) => c.pieces), rows: () => choices.reduce((sum, c) => sum + c.rows(), 0) });
  const minus = (choice: Choice): Choice => ({ pieces: choice.pieces.map((p) => ({ ...p, sign: -p.sign as 1 | -1 })), rows: choice.rows });
  const cheaper = (a: Choice, b: Choice) => (b.rows() < a.rows() ? b : a);
  const none: Choice = { pieces: [], rows: () => 0 };

  const chosen = new Map<string, Choice>();
  const best = (a: number, b: number, i: number): Choice => {
    if (a >= b) return none;
    const id = `${a}:${b}:${i}`;
    let choice = chosen.get(id);
    if (!choice) chosen.set(id, (choice = choose(a, b, i)));
    return choice;
  };
  const choose = (a: number, b: number, i: number): Choice => {
    const tier = tiers[i]!;
    if (i === 0) return piece(tier, a, b);
    const size = tier.size;
    const start = Math.ceil(a / size) * size;
    const end = Math.floor(b / size) * size;
    if (start > end) {
      // Inside one bucket of this tier: finer buckets, or the bucket minus what lies outside.
      const bucket = start - size;
      return cheaper(best(a, b, i - 1), join(piece(tier, bucket, start), minus(best(bucket, a, i - 1)), minus(best(b, start, i - 1))));
    }
    const left = a === start ? none : cheaper(best(a, start, i - 1), join(piece(tier, start - size, start), minus(best(start - size, a, i - 1))));
    const right = end === b ? none : cheaper(best(end, b, i - 1), join(piece(tier, end, end + size), minus(best(b, end + size, i - 1))));
    return join(...(start < end ? [piece(tier, start, end)] : []), left, right);
  };
  return best(from, to, tiers.length - 1).pieces;
}

/** Bucket condition of a tier piece: the buckets named when few, else their range. */
function bucketsOf(piece: Piece): Statement {
  const size = piece.tier!.size;
  const count = (piece.to - piece.from) / size;
  if (count > MAX_LISTED_BUCKETS) return { sql: 'bucket >= ? and bucket < ?', parameters: [piece.from, piece.to] };
  return { sql: `bucket in (${Array.from({ length: count }, (_, i) => piece.from + i * size).join(', ')})`, parameters: [] };
}

/** The pieces' rows summed by group (and `extraGroups`) in one statement, in the order of the groups. */
function summed(query: FactQuery, parts: Statement[], sums: string, extraGroups: string[] = []): Statement {
  const groups = [...query.groupBy.map((_, i) => `k${i}`), ...extraGroups];
  // Ordered as grouped: SQLite sorts once for both.
  const by = groups.length ? ` group by ${groups.join(', ')} order by ${groups.join(', ')}` : '';
  return {
    sql: `select ${[...groups, sums].join(', ')} from (${parts.map((p) => p.sql).join(' union all ')})${by}`,
    parameters: parts.flatMap((p) => p.parameters),
  };
}

/**
 * A statement's rows as one JSON text: one string for SQLite to hand over, read by JSON.parse, costs
 * far less than a value at a time when there are 100 000 rows.
 */
function asJson(statement: Statement, columns: string[]): string {
  return `select '[' || coalesce(group_concat(json_array(${columns.join(', ')}), ','), '') || ']' from (${statement.sql})`;
}

/** A source's measure columns m1..m`width`: `values` then zeros, negated for a piece taken away. */
function measures(values: string[], width: number, sign: 1 | -1 = 1): string {
  return [...values, ...Array<string>(width - values.length).fill('0')].map((value, i) => `${sign < 0 && value !== '0' ? `-(${value})` : value} as m${i + 1}`).join(', ');
}

/** The stored traffic measures (MEASURE_COLUMNS), read back by position. */
const TRAFFIC_VALUES = MEASURE_COLUMNS;
/** The measure columns of a traffic row: the traffic measures, then impressions and their cost when they count. */
const trafficWidth = (withImpressions: boolean) => TRAFFIC_VALUES.length + (withImpressions ? 2 : 0);

/** Clicks, unique, lander, bot and blocked clicks and cost by group; then impressions and their cost when they count. */
function trafficStatement(query: FactQuery, plan: Plan, withImpressions: boolean): Statement {
  const width = trafficWidth(withImpressions);
  const parts: Statement[] = [];
  for (const piece of plan.pieces) {
    if (!piece.tier) {
      parts.push(clickRows(query, plan.spans, piece.from, piece.to, width));
      parts.push(
        selectRows(query, 'clicks_retained', storedTrafficExpression(query, plan.spans, 'clicks_retained'), measures(TRAFFIC_VALUES, width), {
          sql: 'bucket >= ? and bucket < ?',
          parameters: [piece.from, piece.to],
        }),
      );
    } else {
      const table = trafficTable(plan.rollup!, piece.tier);
      parts.push(selectRows(query, table, storedTrafficExpression(query, plan.spans, table), measures(TRAFFIC_VALUES, width, piece.sign), bucketsOf(piece)));
    }
  }
  // Clicks written since the last refresh are in no rollup yet.
  if (plan.rolled) parts.push(clickRows(query, plan.spans, plan.rolled.from, plan.rolled.to, width, true));
  if (withImpressions) parts.push(impressionRows(query, plan.spans));
  return summed(query, parts, Array.from({ length: width }, (_, i) => `sum(m${i + 1}) as m${i + 1}`).join(', '));
}

/** Rows of a tier piece's traffic rollup under the query's filters: what reading the piece costs. */
function countStatement(query: FactQuery, spans: OffsetSpan[], rollup: Rollup, piece: Piece): Statement {
  const table = trafficTable(rollup, piece.tier!);
  return selectRows({ ...query, groupBy: [] }, table, storedTrafficExpression(query, spans, table), 'count(*)', bucketsOf(piece));
}

function storedTrafficExpression(query: FactQuery, spans: OffsetSpan[], table: string): Expression {
  return (d) => {
    if (isConversion(d)) return undefined;
    if (isTime(d)) return timeSql(d, localTimeSql('bucket', spans));
    // Qualified: report_offers has an offer_id of its own.
    if (d === 'offerSource') return offerSourceSql(`${table}.offer_id`);
    if (d === 'path') return "(rule_index || ':' || path_index)";
    return VISIT_COLUMNS[d]!;
  };
}

function clickRows(query: FactQuery, spans: OffsetSpan[], from: number, to: number, width: number, notRolledUp = false): Statement {
  const expression: Expression = (d) => {
    if (isConversion(d)) return undefined;
    if (isTime(d)) return timeSql(d, localTimeSql('created_at', spans));
    if (d === 'offerSource') return offerSourceSql('coalesce(clicks.offer_id, clicks.lander_click_offer_id, 0)');
    if (d === 'path') return "(rule_index || ':' || path_index)";
    return rawClickColumn(VISIT_COLUMNS[d]!);
  };
  const where: Statement = notRolledUp
      ? { sql: `created_at >= ? and created_at < ? and rowid > ${ROLLED_UP}`, parameters: [from, to] }
      : {
          // Ids begin with their time: the id index narrows a range when no campaign index does.
          sql: 'created_at >= ? and created_at < ? and click_id >= ? and click_id < ?',
          parameters: [from, to, clickIdLowerBound(Math.min(from, MAX_ID_TIME)), clickIdLowerBound(Math.min(to, MAX_ID_TIME))],
        };
  return selectRows(query, 'clicks', expression, measures(['1', 'is_unique', 'lander_clicked_at is not null', 'is_bot', "outcome = 'blocked'", 'cost_micros'], width), where);
}

function conversionStatement(query: FactQuery, plan: Plan): Statement {
  const basis = query.conversionTime === 'click' ? 'click' : 'postback';
  const timeColumn = basis === 'click' ? 'click_at' : 'converted_at';
  const parts: Statement[] = [];
  for (const piece of plan.pieces) {
    if (piece.tier) {
      const table = conversionTable(plan.rollup!, basis, piece.tier);
      const expression: Expression = (d) => {
        if (d === 'conversionType') return 'type';
        if (d === 'conversionStatus') return 'status';
        if (isTime(d)) return timeSql(d, localTimeSql('bucket', plan.spans));
        if (d === 'offerSource') return offerSourceSql(`${table}.offer_id`);
        if (d === 'path') return "(rule_index || ':' || path_index)";
        return VISIT_COLUMNS[d]!;
      };
      parts.push(selectRows(query, table, expression, `type, status, ${measures(['conversions', 'revenue_micros'], 2, piece.sign)}`, bucketsOf(piece)));
      continue;
    }
    const expression: Expression = (d) => {
      if (d === 'conversionType') return "coalesce(type, '')";
      if (d === 'conversionStatus') return 'status';
      if (isTime(d)) return timeSql(d, localTimeSql(timeColumn, plan.spans));
      if (d === 'offerSource') return 'offer_source_id';
      if (d === 'path') return "(rule_index || ':' || path_index)";
      const column = VISIT_COLUMNS[d]!;
      return CLICK_ONLY_COLUMNS.has(column) ? `coalesce(${column}, '')` : column;
    };
    parts.push(
      selectRows(query, 'conversion_facts', expression, `coalesce(type, '') as type, status, ${measures(['1', 'payout_micros'], 2)}`, {
        sql: `${timeColumn} >= ? and ${timeColumn} < ?`,
        parameters: [piece.from, piece.to],
      }),
    );
  }
  return summed(query, parts, 'sum(m1) as m1, sum(m2) as m2', ['type', 'status']);
}

/** Impressions know only their campaign and UTC hour: they count in reports grouped and filtered by no other dimension. */
function impressionsApply(query: FactQuery): boolean {
  const dimensions = [...query.groupBy, ...query.filters.map((f) => f.dimension)];
  return dimensions.every((d) => IMPRESSION_DIMENSIONS.has(d));
}

/** Impressions as traffic rows: their count and cost in m6 and m7. */
function impressionRows(query: FactQuery, spans: OffsetSpan[]): Statement {
  const expression: Expression = (d) => {
    if (isConversion(d)) return undefined;
    if (isTime(d)) return timeSql(d, localTimeSql('i.hour', spans));
    if (d === 'campaign') return 'i.campaign_id';
    return 'coalesce(c.traffic_channel_id, 0)';
  };
  return selectRows(
    query,
    'impressions_hourly i left join report_campaigns c on c.campaign_id = i.campaign_id',
    expression,
    measures([...TRAFFIC_VALUES.map(() => '0'), 'i.impressions', 'i.cost_micros'], trafficWidth(true)),
    { sql: 'i.hour >= ? and i.hour < ?', parameters: [query.from, query.to] },
  );
}

/**
 * The rows of one source, unsummed: a key column k0..k2 per grouped dimension (NULL where the
 * source has none), the measures, and the filters the source can apply.
 */
function selectRows(query: FactQuery, table: string, expression: Expression, measures: string, where: Statement): Statement {
  const keys = query.groupBy.map((d, i) => `${expression(d) ?? 'null'} as k${i}`);
  const conditions = [where.sql];
  const parameters = [...where.parameters];
  for (const filter of query.filters) {
    const target = expression(filter.dimension);
    // A filter on what the source lacks (a conversion dimension, for traffic) leaves it whole.
    if (target === undefined) continue;
    const accepted = filterValues(filter);
    if (accepted.length === 0) {
      if (filter.op === 'in') conditions.push('0');
      continue;
    }
    conditions.push(`${target} ${filter.op === 'in' ? 'in' : 'not in'} (${accepted.map(() => '?').join(', ')})`);
    parameters.push(...accepted);
  }
  return { sql: `select ${[...keys, measures].join(', ')} from ${table} where ${conditions.join(' and ')}`, parameters };
}

/** Filter values as the dimension's SQL compares them; values that cannot match are dropped. */
function filterValues(filter: FactFilter): (string | number)[] {
  const d = filter.dimension;
  if (isEntity(d) || d === 'hour' || d === 'dayOfWeek') {
    return filter.values.filter((v) => /^\d+$/.test(v)).map(Number);
  }
  if (d === 'date') {
    return filter.values.filter((v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`))).map((v) => Date.parse(`${v}T00:00:00Z`) / DAY_MS);
  }
  return [...filter.values];
}

function timeSql(d: ReportDimension, local: string): string {
  if (d === 'date') return `(${local} / ${DAY_MS})`;
  if (d === 'hour') return `((${local} / ${HOUR_MS}) % 24)`;
  // 1970-01-01 was a Thursday (4); Monday is 1.
  return `(((${local} / ${DAY_MS}) + 3) % 7 + 1)`;
}

function offerSourceSql(offer: string): string {
  return `coalesce((select ro.offer_source_id from report_offers ro where ro.offer_id = ${offer}), 0)`;
}

/** How a key column reads back: dates from day numbers, entity id 0 as none, NULL as the dimension's empty value. */
function decoderOf(d: ReportDimension): (value: unknown) => string | number | null {
  const empty = isConversion(d) || isEntity(d) ? null : '';
  if (d === 'date') return (v) => (v === null ? empty : new Date(Number(v) * DAY_MS).toISOString().slice(0, 10));
  if (d === 'hour' || d === 'dayOfWeek') return (v) => (v === null ? empty : Number(v));
  if (isEntity(d)) return (v) => (v === null || Number(v) === 0 ? null : Number(v));
  return (v) => (v === null ? empty : String(v));
}
