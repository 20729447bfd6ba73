import type { ReportDimension } from '../../src/domain/report-dimension.js';
import type { ReportMetrics } from '../../src/domain/report-metrics.js';
import type { ReportSpec } from '../../src/reports/report-spec.js';

/**
 * The three reports of issue 5, each stated once for both engines: the report spec Waypost answers
 * and the SQL DuckDB answers over the same rows, with the same meaning — conversions counted at their
 * click's time, `conversions` and `revenue` leaving declined ones out (src/domain/report-metrics.ts),
 * a click's offer being the one it was sent to directly or from the lander.
 */

export interface ReportCase {
  name: string;
  title: string;
  /** The most the issue allows Waypost, in seconds. */
  targetSeconds: number;
  spec: ReportSpec;
  /** The same report in DuckDB's SQL; its rows come back as `GroupFigures` columns, keys as text. */
  sql: string;
}

/** What both engines must agree on, per group. */
export interface GroupFigures {
  /** The group's dimension values as text, joined by ' | ' ('' for none). */
  key: string;
  clicks: number;
  uniqueClicks: number;
  landerClicks: number;
  botClicks: number;
  cost: number;
  conversions: number;
  revenue: number;
  approved: number;
  pending: number;
  declined: number;
  leads: number;
  purchases: number;
}

export const FIGURE_NAMES = ['clicks', 'uniqueClicks', 'landerClicks', 'botClicks', 'cost', 'conversions', 'revenue', 'approved', 'pending', 'declined', 'leads', 'purchases'] as const;

export interface ReportRange {
  from: number;
  to: number;
  timeZone: string;
}

export function reportCases(range: ReportRange, campaignId: number): ReportCase[] {
  const spec = (groupBy: ReportDimension[], extra: Partial<ReportSpec> = {}): ReportSpec => ({
    from: range.from,
    to: range.to,
    timeZone: range.timeZone,
    groupBy,
    filters: [],
    sort: [],
    limit: null,
    offset: 0,
    metrics: ['clicks', 'conversions', 'revenue', 'cost', 'profit', 'roi'],
    conversionTime: 'click',
    ...extra,
  });
  return [
    {
      name: 'day_campaign',
      title: `day × campaign (${range.timeZone})`,
      targetSeconds: 0.5,
      spec: spec(['date', 'campaign']),
      sql: duckSql(range, [LOCAL_DATE, { clicks: 'campaign_id', conversions: 'campaign_id' }]),
    },
    {
      name: 'campaign_offer_country',
      title: 'campaign → offer → country',
      targetSeconds: 0.5,
      spec: spec(['campaign', 'offer', 'country']),
      sql: duckSql(range, [
        { clicks: 'campaign_id', conversions: 'campaign_id' },
        { clicks: 'coalesce(offer_id, lander_click_offer_id)', conversions: 'offer_id' },
        { clicks: 'country', conversions: 'country' },
      ]),
    },
    {
      name: 'top_sub1',
      title: `top 100 sub1 of campaign ${campaignId} by clicks`,
      targetSeconds: 2,
      spec: spec(['sub1'], {
        filters: [{ dimension: 'campaign', op: 'in', values: [String(campaignId)] }],
        sort: [{ field: { kind: 'metric', metric: 'clicks' }, descending: true }],
        limit: 100,
      }),
      sql: duckSql(range, [{ clicks: 'sub1', conversions: 'sub1' }], { where: `campaign_id = ${campaignId}`, top: 100 }),
    },
  ];
}

const QUARTER_MS = 900_000;
/**
 * The local date of a click (of a conversion's click), through a calendar of the range's quarter hours:
 * converting each of ten million times with ICU costs DuckDB about 2 s, the join under 0.1 s. Exact for
 * every zone whose offsets are whole quarter hours (all of today's), as Waypost's rollups are.
 */
const LOCAL_DATE = { clicks: 'quarters.d', conversions: 'quarters.d', quarterOf: { clicks: 'created_at', conversions: 'click_at' } };

interface DuckKey {
  clicks: string;
  conversions: string;
  /** The time column joined to the quarter-hour calendar, when the key reads it. */
  quarterOf?: { clicks: string; conversions: string };
}

/**
 * Traffic measures from clicks and conversion measures from conversions, each grouped by the report's
 * keys, joined on them. `top` keeps the first rows by clicks, ties broken by the key as Waypost does.
 */
function duckSql(range: ReportRange, keys: DuckKey[], options: { where?: string; top?: number } = {}): string {
  const keyList = (side: 'clicks' | 'conversions') => keys.map((key, i) => `${key[side]} as k${i}`).join(', ');
  const quarterKey = keys.find((key) => key.quarterOf);
  const calendar = quarterKey
    ? `quarters as (
  select q, cast(timezone('${range.timeZone}', epoch_ms(q * ${QUARTER_MS})::timestamptz) as date) as d
  from range(${Math.floor(range.from / QUARTER_MS)}, ${Math.ceil(range.to / QUARTER_MS)}) as t(q)
), `
    : '';
  const source = (table: 'clicks' | 'conversions') =>
    quarterKey ? `${table} join quarters on ${quarterKey.quarterOf![table]} // ${QUARTER_MS} = quarters.q` : table;
  const groupKeys = keys.map((_, i) => `k${i}`).join(', ');
  const where = options.where ? ` and ${options.where}` : '';
  const top = options.top ? ` order by clicks desc, ${groupKeys} limit ${options.top}` : '';
  const join = keys.map((_, i) => `c.k${i} is not distinct from v.k${i}`).join(' and ');
  const counted = "status <> 'declined'";
  return `
with ${calendar}c as (
  select ${keyList('clicks')}, count(*) as clicks, sum(is_unique) as unique_clicks, count(lander_clicked_at) as lander_clicks,
         sum(is_bot) as bot_clicks, sum(cost_micros) as cost
  from ${source('clicks')} where created_at >= ${range.from} and created_at < ${range.to}${where}
  group by ${groupKeys}${top}
), v as (
  select ${keyList('conversions')}, count(*) filter (where ${counted}) as conversions,
         coalesce(sum(payout_micros) filter (where ${counted}), 0) as revenue,
         count(*) filter (where status = 'approved') as approved, count(*) filter (where status = 'pending') as pending,
         count(*) filter (where status = 'declined') as declined,
         count(*) filter (where type = 'Lead' and ${counted}) as leads, count(*) filter (where type = 'Purchase' and ${counted}) as purchases
  from ${source('conversions')} where click_at >= ${range.from} and click_at < ${range.to}${where}
  group by ${groupKeys}
)
select concat_ws(' | ', ${keys.map((_, i) => `coalesce(cast(coalesce(c.k${i}, v.k${i}) as varchar), '')`).join(', ')}) as key,
       coalesce(c.clicks, 0) as clicks, coalesce(c.unique_clicks, 0) as "uniqueClicks", coalesce(c.lander_clicks, 0) as "landerClicks",
       coalesce(c.bot_clicks, 0) as "botClicks", coalesce(c.cost, 0) as cost, coalesce(v.conversions, 0) as conversions,
       coalesce(v.revenue, 0) as revenue, coalesce(v.approved, 0) as approved, coalesce(v.pending, 0) as pending,
       coalesce(v.declined, 0) as declined, coalesce(v.leads, 0) as leads, coalesce(v.purchases, 0) as purchases
from c ${options.top ? 'left' : 'full'} join v on ${join}
order by clicks desc, key`;
}

/** A Waypost report row as the figures both engines are compared on. */
export function figuresOfRow(key: readonly (string | number | null)[], metrics: ReportMetrics): GroupFigures {
  return {
    key: key.map((value) => (value === null ? '' : String(value))).join(' | '),
    clicks: metrics.clicks,
    uniqueClicks: metrics.uniqueClicks,
    landerClicks: metrics.landerClicks,
    botClicks: metrics.botClicks,
    cost: metrics.cost,
    conversions: metrics.conversions,
    revenue: metrics.revenue,
    approved: metrics.approved,
    pending: metrics.pending,
    declined: metrics.declined,
    leads: metrics.conversionsByType.Lead ?? 0,
    purchases: metrics.conversionsByType.Purchase ?? 0,
  };
}

export function totalsOf(groups: readonly GroupFigures[]): Omit<GroupFigures, 'key'> {
  const total = Object.fromEntries(FIGURE_NAMES.map((name) => [name, 0])) as Omit<GroupFigures, 'key'>;
  for (const group of groups) for (const name of FIGURE_NAMES) total[name] += group[name];
  return total;
}

/**
 * Differences between the two answers, worst first: groups one side lacks, then figures that differ.
 * Empty when they agree exactly (every figure is a whole count or micro-unit amount).
 */
export function compareAnswers(ours: readonly GroupFigures[], reference: readonly GroupFigures[], limit = 10): string[] {
  const differences: string[] = [];
  const byKey = new Map(reference.map((group) => [group.key, group]));
  const seen = new Set<string>();
  for (const group of ours) {
    seen.add(group.key);
    const other = byKey.get(group.key);
    if (!other) {
      differences.push(`group "${group.key}" only in Waypost's answer (${group.clicks} clicks)`);
      continue;
    }
    const wrong = FIGURE_NAMES.filter((name) => group[name] !== other[name]).map((name) => `${name} ${group[name]} vs ${other[name]}`);
    if (wrong.length) differences.push(`group "${group.key}": ${wrong.join(', ')} (Waypost vs DuckDB)`);
  }
  for (const group of reference) if (!seen.has(group.key)) differences.push(`group "${group.key}" only in DuckDB's answer (${group.clicks} clicks)`);
  const totals = [totalsOf(ours), totalsOf(reference)] as const;
  const wrongTotals = FIGURE_NAMES.filter((name) => totals[0][name] !== totals[1][name]).map((name) => `${name} ${totals[0][name]} vs ${totals[1][name]}`);
  if (ours.length !== reference.length) wrongTotals.unshift(`rows ${ours.length} vs ${reference.length}`);
  const summary = wrongTotals.length ? [`totals differ: ${wrongTotals.join(', ')}`] : [];
  return differences.length ? [...summary, ...differences.slice(0, limit), ...(differences.length > limit ? [`… and ${differences.length - limit} more`] : [])] : [];
}
