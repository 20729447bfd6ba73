import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { timeZoneSchema } from '../../domain/entity.js';
import { isTimeZone, parseTimeInZone, zoneOffsetAt } from '../../domain/local-time.js';
import { MAX_GROUP_BY, REPORT_DIMENSIONS, type ReportDimension } from '../../domain/report-dimension.js';
import { REPORT_METRICS, type ReportMetricName } from '../../domain/report-metrics.js';
import { dimensionColumns, presentMetrics, presentRow, reportTable } from '../../reports/present-report.js';
import { refreshReportFacts } from '../../reports/refresh-report-facts.js';
import { parseFilter, parseGroupBy, parseMetrics, parseSort, type Parsed, type ReportSort, type ReportSpec } from '../../reports/report-spec.js';
import { runReport, type Report, type ReportDeps } from '../../reports/run-report.js';
import type { FactFilter } from '../../store/report-facts.js';
import { formatCsvLine } from '../../domain/csv.js';
import { entityNames } from '../entity-names.js';
import { errorResponses } from '../error-schema.js';
import { clickStore, iso, security, type AdminRouteDeps } from './route-deps.js';

/** Rows of a JSON report when `limit` is not given; a CSV export has every row unless limited. */
const DEFAULT_JSON_LIMIT = 100;

/** A parser of report-spec.ts as a zod transform, so a bad value is a 400 naming its parameter. */
function parsedBy<T>(parse: (text: string) => Parsed<T>) {
  return (text: string, ctx: z.RefinementCtx): T => {
    const result = parse(text);
    if (result.ok) return result.value;
    ctx.addIssue({ code: 'custom', message: result.message });
    return z.NEVER;
  };
}

const timeText = z.string().min(1).max(40);

const reportQuerySchema = z
  .object({
    from: timeText.describe(
      'start of the range, inclusive: a date (2026-03-01, its midnight in tz) or a wall-clock time (2026-03-01T06:00) read in tz, or an ISO instant with Z or an offset',
    ),
    to: timeText.describe('end of the range, exclusive, in the same forms as from (to=2026-03-08 ends with March 7th)'),
    tz: timeZoneSchema
      .default('UTC')
      .describe('IANA time zone (America/New_York) that from and to are read in and date, hour and dayOfWeek are counted in, daylight saving time included; default UTC'),
    groupBy: z
      .string()
      .max(200)
      .default('')
      .transform(parsedBy(parseGroupBy))
      .describe(`comma-separated dimensions, outermost first, at most ${MAX_GROUP_BY} (campaign,offer,country); none gives one row of everything. Dimensions: ${REPORT_DIMENSIONS.join(', ')}`),
    filter: z
      .union([z.string().max(2000), z.array(z.string().max(2000)).max(40)])
      .optional()
      .transform((value, ctx): FactFilter[] => {
        const filters: FactFilter[] = [];
        for (const text of value === undefined ? [] : Array.isArray(value) ? value : [value]) {
          const result = parseFilter(text);
          if (!result.ok) {
            ctx.addIssue({ code: 'custom', message: result.message });
            return z.NEVER;
          }
          filters.push(result.value);
        }
        return filters;
      })
      .describe(
        'repeatable; dimension:values keeps rows whose dimension is one of the comma-separated values, dimension!:values drops them (filter=country:US,DE&filter=sub1!:x). Entity dimensions take ids (campaign:12); \\, is a comma inside a value, \\\\ a backslash; dimension: with no value matches "not set"',
      ),
    sort: z
      .string()
      .max(500)
      .optional()
      .describe(
        'comma-separated sort keys, - for descending (-revenue,clicks): a metric, a grouped dimension (entities sort by name), or conversions:<type> / revenue:<type>; rows without a value come last. Default: the grouped dimensions ascending',
      ),
    limit: z.coerce.number().int().min(1).max(100_000).optional().describe(`rows to return after offset; default ${DEFAULT_JSON_LIMIT} for JSON, every row for CSV`),
    offset: z.coerce.number().int().min(0).default(0).describe('rows to skip after sorting'),
    metrics: z
      .string()
      .max(500)
      .optional()
      .transform((text, ctx) => (text === undefined ? [...REPORT_METRICS] : parsedBy(parseMetrics)(text, ctx)))
      .describe(`comma-separated metrics to show, default all: ${REPORT_METRICS.join(', ')}`),
    conversionTime: z
      .enum(['click', 'postback'])
      .default('click')
      .describe("count a conversion at its click's time (click, the default) or at its own time (postback)"),
    format: z.enum(['json', 'csv']).default('json').describe('csv streams the rows as a spreadsheet file (text/csv), without totals'),
  })
  .transform((query, ctx): { spec: ReportSpec; format: 'json' | 'csv' } => {
    // Zod runs this even when a field failed; those fields have their own 400 already.
    if (typeof query.from !== 'string' || typeof query.to !== 'string' || !isTimeZone(query.tz) || !Array.isArray(query.groupBy)) return z.NEVER;
    const from = parseTimeInZone(query.from, query.tz);
    const to = parseTimeInZone(query.to, query.tz);
    const form = 'is not a date (2026-03-01), a wall-clock time (2026-03-01T06:00) or an ISO instant';
    if (from === undefined) ctx.addIssue({ code: 'custom', path: ['from'], message: `"${query.from}" ${form}` });
    if (to === undefined) ctx.addIssue({ code: 'custom', path: ['to'], message: `"${query.to}" ${form}` });
    if (from !== undefined && to !== undefined && to <= from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
    const sort: Parsed<ReportSort[]> = query.sort === undefined ? { ok: true, value: [] } : parseSort(query.sort, query.groupBy);
    if (!sort.ok) ctx.addIssue({ code: 'custom', path: ['sort'], message: sort.message });
    if (from === undefined || to === undefined || to <= from || !sort.ok) return z.NEVER;
    const spec: ReportSpec = {
      from,
      to,
      timeZone: query.tz,
      groupBy: query.groupBy,
      filters: query.filter,
      sort: sort.value,
      limit: query.limit ?? (query.format === 'csv' ? null : DEFAULT_JSON_LIMIT),
      offset: query.offset,
      metrics: query.metrics,
      conversionTime: query.conversionTime,
    };
    return { spec, format: query.format };
  });

// The response schema lists every column a row may have; a report fills those of its groupBy and metrics.
const DIMENSION_TYPES: Partial<Record<ReportDimension, z.ZodType>> = {
  hour: z.number().int().nullable().describe('0-23 in tz'),
  dayOfWeek: z.number().int().nullable().describe('1 (Monday) to 7 (Sunday) in tz'),
  date: z.string().nullable().describe('YYYY-MM-DD in tz'),
  path: z.string().nullable().describe('rule:path indexes of the funnel (rule -1: the default paths)'),
  conversionType: z.string().nullable().describe("the type's name, '' for the plain conversion, null on the clicks' share of the rows"),
  conversionStatus: z.string().nullable().describe("null on the clicks' share of the rows"),
};
const dimensionShape: Record<string, z.ZodType> = {};
for (const dimension of REPORT_DIMENSIONS) {
  const [valueColumn, nameColumn] = dimensionColumns(dimension);
  if (nameColumn) {
    dimensionShape[valueColumn!] = z.number().int().nullable().optional();
    dimensionShape[nameColumn] = z.string().nullable().optional();
  } else {
    dimensionShape[valueColumn!] = (DIMENSION_TYPES[dimension] ?? z.string().nullable()).optional();
  }
}

const METRIC_DESCRIPTIONS: Record<ReportMetricName, string> = {
  impressions: 'impression pixel hits',
  clicks: 'visits to the campaign URL',
  uniqueClicks: 'clicks of visitors new to the campaign',
  landerClicks: "clicks on a lander's call to action",
  ctr: 'lander clicks per click, in percent',
  conversions: 'conversions of every type whose status is approved, pending or other (declined ones only count in declined)',
  approved: 'conversions with status approved, every type',
  pending: 'conversions with status pending, every type',
  declined: 'conversions with status declined, every type',
  other: 'conversions with status other, every type',
  conversionsByType: 'per conversion type (see conversionTypes): its conversions, declined left out',
  revenue: 'payout of the conversions counted in conversions, in the account currency',
  revenueByType: 'per conversion type: its revenue, declined left out',
  cost: 'traffic cost: clicks and impressions',
  profit: 'revenue - cost',
  roi: 'profit / cost, in percent; null without cost',
  cr: 'conversions / clicks, in percent',
  epc: 'revenue / clicks',
  cpa: 'cost / conversions',
  cpc: 'cost / clicks',
  botClicks: 'clicks recognised as bots',
  blockedClicks: 'clicks of blocked placements, sent to the fallback: traffic the channel still sends after a block',
};
const metricShape = Object.fromEntries(
  REPORT_METRICS.map((metric) => {
    const schema = metric === 'conversionsByType' || metric === 'revenueByType' ? z.record(z.string(), z.number()) : z.number().nullable();
    return [metric, schema.optional().describe(METRIC_DESCRIPTIONS[metric])];
  }),
);

const reportRowSchema = z.object({ ...dimensionShape, ...metricShape }).meta({ id: 'ReportRow' });
const reportTotalsSchema = z.object(metricShape).meta({ id: 'ReportTotals' });

const reportSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    timeZone: z.string(),
    groupBy: z.array(z.string()),
    conversionTime: z.enum(['click', 'postback']),
    currency: z.string().describe('the account currency every amount is in'),
    conversionTypes: z.array(z.string()).describe('the conversion types with their own columns in conversionsByType and revenueByType'),
    rowCount: z.number().int().describe('rows of the report before limit and offset'),
    rows: z.array(reportRowSchema),
    totals: reportTotalsSchema.describe('the metrics over every row of the report, not only this page'),
  })
  .meta({ id: 'Report' });

function reportDeps(deps: AdminRouteDeps): ReportDeps {
  const events = clickStore(deps);
  return {
    facts: events,
    refresh: () => refreshReportFacts({ store: deps.store, events }),
    names: async () => {
      // From the entity tables, not the edge's snapshot: a report may name an entity created a moment ago.
      const names = await entityNames({ ...deps, conversions: undefined });
      return (dimension, id) => names[dimension](id);
    },
    store: deps.store,
  };
}

/** The CSV file, a chunk at a time: lines are formatted as the stream is read, not joined up front. */
function* csvChunks(report: Report): Generator<string> {
  const { header, lines } = reportTable(report);
  let chunk = formatCsvLine(header);
  for (const cells of lines) {
    chunk += formatCsvLine(cells);
    if (chunk.length >= 64 * 1024) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/** `GET /reports`: clicks, conversions, revenue, cost and every metric by up to three dimensions. */
export function reportRoutes(app: FastifyInstance, deps: AdminRouteDeps): void {
  app.withTypeProvider<ZodTypeProvider>().get('/reports', {
    schema: {
      tags: ['reports'],
      security,
      summary: 'A report: metrics grouped by up to three dimensions (drill down with groupBy and filter), with totals; JSON or a CSV file',
      querystring: reportQuerySchema,
      response: { 200: reportSchema, ...errorResponses },
    },
    // The rows are built to the schema by presentRow; checking them again costs more than writing
    // them (about 0.1 s per 50 000 rows), so the schema documents the answer and JSON.stringify writes it.
    serializerCompiler: () => (data) => JSON.stringify(data),
    handler: async (request, reply) => {
      const report = await runReport(reportDeps(deps), request.query.spec);
      if (request.query.format === 'csv') {
        // The file is named after the range as the user wrote it: local dates in tz.
        const day = (ms: number) => iso(ms + zoneOffsetAt(ms, report.spec.timeZone)).slice(0, 10);
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="waypost-report-${day(report.spec.from)}-${day(report.spec.to)}.csv"`)
          // A stream bypasses the JSON response schema: Fastify pipes it to the socket as it is read.
          .send(Readable.from(csvChunks(report)) as never);
      }
      return {
        from: iso(report.spec.from),
        to: iso(report.spec.to),
        timeZone: report.spec.timeZone,
        groupBy: report.spec.groupBy,
        conversionTime: report.spec.conversionTime,
        currency: deps.config.accountCurrency,
        conversionTypes: report.conversionTypes,
        rowCount: report.rowCount,
        rows: report.rows.map((row) => presentRow(row, report)),
        totals: presentMetrics(report.totals, report.spec.metrics),
      };
    },
  });
}
