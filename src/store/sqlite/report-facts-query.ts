import type BetterSqlite3 from 'better-sqlite3';
import { clickIdLowerBound } from '../../domain/click-id.js';
import { CONVERSION_DIMENSIONS, ENTITY_DIMENSIONS, TIME_DIMENSIONS, type ReportDimension } from '../../domain/report-dimension.js';
import type { FactFilter, FactQuery, FactRow } from '../report-facts.js';
import {
  DAY_MS,
  HOUR_MS,
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

/** One part of the range and where it is read: a rollup tier, or the raw rows (tier null). */
interface Piece {
  tier: Tier | null;
  from: number;
  to: number;
}

/** How a source spells each dimension; undefined where it has none (its rows count under NULL, its filters pass). */
type Expression = (d: ReportDimension) => string | undefined;

/**
 * Answers a FactQuery from the SQLite event store. The range is cut into the coarsest buckets that
 * serve it (report-columns.ts: 16, 8, 4, 2 and 1 UTC days when no time dimension is asked for, hours in
 * whole-hour zones, quarter hours otherwise), read from the smallest rollup covering every grouped and
 * filtered dimension; what no rollup covers and the sub-quarter edges come from raw clicks (plus
 * clicks_retained, what retention kept of deleted clicks) and raw conversion facts. One statement per
 * measure family sums its pieces, so rows are merged in SQLite, not here. Clicks newer than the last
 * rollup refresh are read raw, so the traffic never lags the writes.
 */
export function reportFactsIn(database: BetterSqlite3.Database) {
  const statements = new Map<string, BetterSqlite3.Statement>();
  // Rows come back as arrays: k0..k(n-1), then the statement's measures in order.
  const all = (statement: Statement) => {
    let prepared = statements.get(statement.sql);
    if (!prepared) {
      // One text per query shape and range; the cache starts over when it grows.
      if (statements.size >= 200) statements.clear();
      statements.set(statement.sql, (prepared = database.prepare(statement.sql).raw(true)));
    }
    return prepared.all(...statement.parameters) as Row[];
  };
  // One read transaction: every piece sees the same snapshot.
  const readAll = database.transaction((list: Statement[]) => list.map(all));

  return async (query: FactQuery): Promise<FactRow[]> => {
    if (query.from >= query.to) return [];
    const plan = planOf(query);
    const impressions = impressionStatement(query, plan.spans);
    const [traffic, conversions, impressionRows = []] = readAll([trafficStatement(query, plan), conversionStatement(query, plan), ...(impressions ? [impressions] : [])]);

    const width = query.groupBy.length;
    const decoders = query.groupBy.map(decoderOf);
    const rows = new Map<string, FactRow>();
    const rowOf = (record: Row) => {
      let id = '';
      for (let i = 0; i < width; i++) id += `${record[i] === null ? '\u0000' : record[i]}\u001f`;
      let row = rows.get(id);
      if (!row) {
        const key = decoders.map((decode, i) => decode(record[i]));
        rows.set(id, (row = { key, impressions: 0, clicks: 0, uniqueClicks: 0, landerClicks: 0, botClicks: 0, cost: 0, conversions: [] }));
      }
      return row;
    };
    for (const record of traffic!) {
      const clicks = Number(record[width]);
      if (!clicks) continue;
      const fact = rowOf(record);
      fact.clicks += clicks;
      fact.uniqueClicks += Number(record[width + 1]);
      fact.landerClicks += Number(record[width + 2]);
      fact.botClicks += Number(record[width + 3]);
      fact.cost += Number(record[width + 4]);
    }
    for (const record of impressionRows) {
      if (!record[width] && !record[width + 1]) continue;
      const fact = rowOf(record);
      fact.impressions += Number(record[width]);
      fact.cost += Number(record[width + 1]);
    }
    for (const record of conversions!) {
      const count = Number(record[width + 2]);
      if (!count) continue;
      rowOf(record).conversions.push({
        type: record[width] === '' ? null : String(record[width]),
        status: record[width + 1] as FactRow['conversions'][number]['status'],
        count,
        revenue: Number(record[width + 3]),
      });
    }
    return [...rows.values()];
  };
}

type Row = (string | number | null)[];

interface Plan {
  spans: OffsetSpan[];
  rollup: Rollup | undefined;
  pieces: Piece[];
}

/** Which rollup, and which tier serves which part of the range. */
function planOf(query: FactQuery): Plan {
  const spans = offsetSpans(query.timeZone, query.from, query.to);
  const dimensions = [...query.groupBy, ...query.filters.map((f) => f.dimension)];
  const needed = new Set(dimensions.filter((d) => !isTime(d) && !isConversion(d)).flatMap(columnsOf));
  const rollup = ROLLUPS.find((r) => [...needed].every((c) => r.columns.includes(c)));
  if (!rollup) return { spans, rollup, pieces: [{ tier: null, from: query.from, to: query.to }] };
  // A bucket reads as one local time only if the zone's offsets and changes fall on its boundaries.
  const alignedTo = (size: number) => spans.every((s) => s.offset % size === 0 && (s.until === Infinity || s.until % size === 0));
  const times = dimensions.filter(isTime);
  const tiers = TIERS.filter((tier) => {
    if (!times.length) return true;
    if (tier.size <= HOUR_MS) return alignedTo(tier.size);
    // Whole UTC days serve dates in a zone whose offset is none at all.
    return tier.size === DAY_MS && !times.includes('hour') && alignedTo(DAY_MS);
  });
  return { spans, rollup, pieces: decompose(query.from, query.to, tiers) };
}

/** The range as the coarsest aligned buckets of each tier, finer ones toward the edges, raw below the finest. */
function decompose(from: number, to: number, tiers: readonly Tier[]): Piece[] {
  const cut = (a: number, b: number, i: number): Piece[] => {
    if (a >= b) return [];
    if (i < 0) return [{ tier: null, from: a, to: b }];
    const size = tiers[i]!.size;
    const start = Math.ceil(a / size) * size;
    const end = Math.floor(b / size) * size;
    if (start >= end) return cut(a, b, i - 1);
    return [...cut(a, start, i - 1), { tier: tiers[i]!, from: start, to: end }, ...cut(end, b, i - 1)];
  };
  return cut(from, to, tiers.length - 1);
}

/** Bucket condition of a tier piece: the buckets named when few, else their range. */
function bucketsOf(piece: Piece): Statement {
  const size = piece.tier!.size;
  const count = (piece.to - piece.from) / size;
  if (count > MAX_LISTED_BUCKETS) return { sql: 'bucket >= ? and bucket < ?', parameters: [piece.from, piece.to] };
  return { sql: `bucket in (${Array.from({ length: count }, (_, i) => piece.from + i * size).join(', ')})`, parameters: [] };
}

function trafficStatement(query: FactQuery, plan: Plan): Statement {
  const parts: Statement[] = [];
  const raw = (piece: Piece) => {
    parts.push(clickRows(query, plan.spans, piece.from, piece.to));
    parts.push(
      selectRows(query, 'clicks_retained', storedTrafficExpression(query, plan.spans, 'clicks_retained'), TRAFFIC_COLUMNS, {
        sql: 'bucket >= ? and bucket < ?',
        parameters: [piece.from, piece.to],
      }),
    );
  };
  for (const piece of plan.pieces) {
    if (!piece.tier) raw(piece);
    else {
      const table = trafficTable(plan.rollup!, piece.tier);
      parts.push(selectRows(query, table, storedTrafficExpression(query, plan.spans, table), TRAFFIC_COLUMNS, bucketsOf(piece)));
    }
  }
  const rolled = plan.pieces.filter((p) => p.tier);
  if (rolled.length) {
    // Clicks written since the last refresh are in no rollup yet.
    const from = Math.min(...rolled.map((p) => p.from));
    const to = Math.max(...rolled.map((p) => p.to));
    parts.push(clickRows(query, plan.spans, from, to, true));
  }
  return summed(query, parts, 'sum(clicks) as clicks, sum(unique_clicks) as unique_clicks, sum(lander_clicks) as lander_clicks, sum(bot_clicks) as bot_clicks, sum(cost) as cost');
}

const TRAFFIC_COLUMNS = 'clicks, unique_clicks, lander_clicks, bot_clicks, cost_micros as cost';

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

function clickRows(query: FactQuery, spans: OffsetSpan[], from: number, to: number, notRolledUp = false): Statement {
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
  return selectRows(query, 'clicks', expression, '1 as clicks, is_unique as unique_clicks, lander_clicked_at is not null as lander_clicks, is_bot as bot_clicks, cost_micros as cost', where);
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
      parts.push(selectRows(query, table, expression, 'type, status, conversions, revenue_micros as revenue', bucketsOf(piece)));
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
      selectRows(query, 'conversion_facts', expression, "coalesce(type, '') as type, status, 1 as conversions, payout_micros as revenue", {
        sql: `${timeColumn} >= ? and ${timeColumn} < ?`,
        parameters: [piece.from, piece.to],
      }),
    );
  }
  return summed(query, parts, 'type, status, sum(conversions) as count, sum(revenue) as revenue', ['type', 'status']);
}

/** Impressions know only their campaign and UTC hour: they count in reports grouped and filtered by no other dimension. */
function impressionStatement(query: FactQuery, spans: OffsetSpan[]): Statement | undefined {
  const dimensions = [...query.groupBy, ...query.filters.map((f) => f.dimension)];
  if (!dimensions.every((d) => IMPRESSION_DIMENSIONS.has(d))) return undefined;
  const expression: Expression = (d) => {
    if (isConversion(d)) return undefined;
    if (isTime(d)) return timeSql(d, localTimeSql('i.hour', spans));
    if (d === 'campaign') return 'i.campaign_id';
    return 'coalesce(c.traffic_channel_id, 0)';
  };
  const rows = selectRows(
    query,
    'impressions_hourly i left join report_campaigns c on c.campaign_id = i.campaign_id',
    expression,
    'i.impressions as impressions, i.cost_micros as cost',
    { sql: 'i.hour >= ? and i.hour < ?', parameters: [query.from, query.to] },
  );
  return summed(query, [rows], 'sum(impressions) as impressions, sum(cost) as cost');
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

/** The pieces' rows summed by key (and `extraGroups`) in one statement. */
function summed(query: FactQuery, parts: Statement[], sums: string, extraGroups: string[] = []): Statement {
  const keys = query.groupBy.map((_, i) => `k${i}`);
  const groups = [...keys, ...extraGroups];
  return {
    sql:
      `select ${[...keys, sums].join(', ')} from (${parts.map((p) => p.sql).join(' union all ')})` +
      (groups.length ? ` group by ${groups.join(', ')}` : ''),
    parameters: parts.flatMap((p) => p.parameters),
  };
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
