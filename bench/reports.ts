import { join } from 'node:path';
import type { BenchOptions, BenchPart } from './lib/bench-part.js';
import { readRssBytes } from './lib/proc-stats.js';
import { formatNumber, median, printFigures, printTable, verdict, type Figure } from './lib/report.js';
import { compareAnswers, reportCases, totalsOf, type GroupFigures, type ReportCase } from './lib/report-cases.js';
import { cachedDataset, ENTITY_FILE, EVENT_FILE, fileSizeMb, workingCopy } from './lib/report-dataset.js';
import { duckAnswer, openReference, type DuckReference } from './lib/report-duckdb.js';
import { BENCH_MONTH, type TrafficSpec } from './lib/report-traffic.js';
import { openFactReader, startReportApi, type FactReader, type ReportApi } from './lib/report-waypost.js';
import { refreshReportFacts } from '../src/reports/refresh-report-facts.js';
import { createSqliteEntityStore } from '../src/store/sqlite/sqlite-entity-store.js';
import { createSqliteEventStore } from '../src/store/sqlite/sqlite-event-store.js';

/**
 * The reports benchmark (issue 5): a month of traffic — 10 million clicks, 300 thousand conversions,
 * 100 campaigns, 1 000 offers, 200 countries, 100 000 sub1 values — and three reports over it, timed
 * on Waypost and on DuckDB over the same rows. Waypost is timed at `GET /api/v1/reports` of a running
 * Waypost and, to tell where the time goes, at the event store's fact query alone. Both engines' answers
 * must agree group by group, or the bench fails.
 */

/** Timed runs per engine and report: the median of at least five; `--rounds` raises it. */
const runsOf = (options: BenchOptions) => Math.max(5, options.rounds);
const MB = 1024 * 1024;

export const reportsBench: BenchPart = {
  name: 'reports',
  summary: 'three reports over 10 M clicks and 300 k conversions vs DuckDB — its first run generates the dataset: minutes, ~6 GB kept in the temp dir',
  // Generation is the long part (about 5 minutes on two quiet cores), then copying, the first refresh and the runs.
  timeoutSeconds: () => 3_600,
  run: (options) => {
    if (options.cpuProfile) throw new Error('the reports part has no --cpu-prof mode; profile the server with node --cpu-prof while it runs instead');
    return compareReports(options);
  },
};

function progress(text: string): void {
  process.stderr.write(`  ${text}\n`);
}

/** The whole part; `month` is the bench's own except when a smaller one is tried out. */
export async function compareReports(options: BenchOptions, month: TrafficSpec = BENCH_MONTH): Promise<void> {
  const dataset = await cachedDataset(month, progress);
  const { info } = dataset;
  progress(
    dataset.generated
      ? `dataset generated in ${formatNumber(info.generationSeconds, 0)} s: ${dataset.dir}`
      : `dataset from the cache (generated ${info.generatedAt} in ${formatNumber(info.generationSeconds, 0)} s): ${dataset.dir}`,
  );
  const reference = await openReference(dataset, progress);
  let api: ReportApi | undefined;
  let facts: FactReader | undefined;
  try {
    const copyStarted = performance.now();
    const dataDir = await workingCopy(dataset);
    const copySeconds = (performance.now() - copyStarted) / 1000;
    const eventsMb = await fileSizeMb(join(dataDir, EVENT_FILE));
    progress(`copied the dataset to ${dataDir} in ${formatNumber(copySeconds, 1)} s (events.db ${formatNumber(eventsMb, 0)} MB)`);
    const { migrateSeconds, refreshSeconds } = await firstRefresh(dataDir);
    progress(`migrations ${formatNumber(migrateSeconds, 1)} s; first refresh of the report facts (conversions copied, rollups built) ${formatNumber(refreshSeconds, 1)} s`);

    api = await startReportApi(dataDir);
    facts = openFactReader(dataDir);
    const cases = reportCases(month, info.ids.campaigns[0]!);
    const { answer } = api;
    const engines: Engine[] = [
      { name: 'waypost', label: 'Waypost GET /api/v1/reports (first page)', answer: (report) => answer(report, 'page') },
      { name: 'csv', label: 'Waypost GET /api/v1/reports?format=csv (every row)', answer: (report) => answer(report, 'csv') },
      { name: 'facts', label: 'Waypost reportFacts alone', answer: facts.answer },
      { name: 'duckdb', label: 'DuckDB', answer: (report) => duckAnswer(reference.connection, report.sql) },
    ];
    const results = [];
    for (const report of cases) results.push(await timeCase(report, engines, runsOf(options)));
    const serverRss = readRssBytes(api.server.pid) / MB;
    report({ month, dataset: info, reference, copySeconds, refreshSeconds, eventsMb, serverRss, results, runs: runsOf(options), generated: dataset.generated });
  } finally {
    await facts?.close();
    await api?.server.stop();
    reference.close();
  }
}

/** Migrations the copied files lack, then the refresh every report runs first: from nothing, it builds everything. */
async function firstRefresh(dataDir: string): Promise<{ migrateSeconds: number; refreshSeconds: number }> {
  const store = createSqliteEntityStore(join(dataDir, ENTITY_FILE));
  const events = createSqliteEventStore(join(dataDir, EVENT_FILE));
  try {
    const started = performance.now();
    await store.migrate();
    await events.migrate();
    const migrated = performance.now();
    await refreshReportFacts({ store, events });
    return { migrateSeconds: (migrated - started) / 1000, refreshSeconds: (performance.now() - migrated) / 1000 };
  } finally {
    await events.close();
    await store.close();
  }
}

interface Engine {
  /** `waypost` is the figure the targets and the ratio are about: the report as a user asks for it. */
  name: 'waypost' | 'csv' | 'facts' | 'duckdb';
  label: string;
  answer(report: ReportCase): Promise<GroupFigures[]>;
}

interface CaseResult {
  report: ReportCase;
  rows: number;
  totals: ReturnType<typeof totalsOf>;
  /** Seconds of each timed run, by engine. */
  seconds: Record<Engine['name'], number[]>;
  /** The first (untimed) answer's seconds, by engine: cold caches. */
  firstSeconds: Record<Engine['name'], number>;
}

/**
 * One untimed answer per engine, checked against DuckDB's, then `runs` timed rounds in alternation,
 * so a busy moment of the shared machine falls on every engine alike.
 */
async function timeCase(report: ReportCase, engines: Engine[], runs: number): Promise<CaseResult> {
  const answers = new Map<Engine['name'], GroupFigures[]>();
  const firstSeconds = {} as CaseResult['firstSeconds'];
  for (const engine of engines) {
    const started = performance.now();
    answers.set(engine.name, await engine.answer(report));
    firstSeconds[engine.name] = (performance.now() - started) / 1000;
  }
  const reference = answers.get('duckdb')!;
  const disagree = (engine: Engine, differences: string[]) => {
    if (differences.length) throw new Error(`${report.title}: ${engine.label} and DuckDB disagree over the same rows:\n  ${differences.join('\n  ')}`);
  };
  for (const engine of engines) {
    if (engine.name === 'duckdb') continue;
    const ours = answers.get(engine.name)!;
    if (engine.name !== 'waypost') {
      disagree(engine, compareAnswers(ours, reference));
      continue;
    }
    // The first page is the head of the whole answer in Waypost's order; its rows must be DuckDB's rows.
    const byKey = new Map(reference.map((group) => [group.key, group]));
    disagree(engine, compareAnswers(ours, ours.map((group) => byKey.get(group.key) ?? { ...group, key: `${group.key} (missing)` })));
  }
  progress(`${report.title}: ${reference.length} rows, every engine agrees; timing ${runs} rounds`);
  const seconds = { waypost: [], csv: [], facts: [], duckdb: [] } as CaseResult['seconds'];
  for (let round = 0; round < runs; round++) {
    for (const engine of engines) {
      const started = performance.now();
      await engine.answer(report);
      seconds[engine.name].push((performance.now() - started) / 1000);
    }
  }
  return { report, rows: reference.length, totals: totalsOf(reference), seconds, firstSeconds };
}

function report(data: {
  month: TrafficSpec;
  dataset: { clicks: number; conversions: number; generationSeconds: number };
  reference: DuckReference;
  copySeconds: number;
  refreshSeconds: number;
  eventsMb: number;
  serverRss: number;
  results: CaseResult[];
  runs: number;
  generated: boolean;
}): void {
  const { dataset, results } = data;
  const figures: Figure[] = [
    { name: 'reports_clicks', value: dataset.clicks, unit: 'clicks', digits: 0 },
    { name: 'reports_conversions', value: dataset.conversions, unit: 'conversions', digits: 0 },
    { name: 'reports_generation_seconds', value: dataset.generationSeconds, unit: data.generated ? 's' : 's (cached; time of the run that generated it)', digits: 0 },
    ...(data.reference.loadSeconds === null ? [] : [{ name: 'reports_duckdb_load_seconds', value: data.reference.loadSeconds, unit: 's', digits: 1 }]),
    { name: 'reports_copy_seconds', value: data.copySeconds, unit: 's', digits: 1 },
    { name: 'reports_events_db_mb', value: data.eventsMb, unit: 'MB', digits: 0 },
    { name: 'reports_first_refresh_seconds', value: data.refreshSeconds, unit: 's', digits: 1 },
    { name: 'reports_server_rss_mb', value: data.serverRss, unit: 'MB', digits: 0 },
  ];
  for (const result of results) {
    const ours = median(result.seconds.waypost);
    const duck = median(result.seconds.duckdb);
    const target = result.report.targetSeconds;
    figures.push(
      { name: `reports_${result.report.name}_waypost_seconds`, value: ours, unit: 's', digits: 3, target: `< ${target} s`, met: ours < target },
      { name: `reports_${result.report.name}_csv_export_seconds`, value: median(result.seconds.csv), unit: 's', digits: 3 },
      { name: `reports_${result.report.name}_facts_seconds`, value: median(result.seconds.facts), unit: 's', digits: 3 },
      { name: `reports_${result.report.name}_duckdb_seconds`, value: duck, unit: 's', digits: 3 },
      { name: `reports_${result.report.name}_report_time_ratio`, value: ours / duck, unit: 'ratio', digits: 2 },
    );
  }
  process.stdout.write('\n');
  printFigures(figures);

  const perRun = (values: number[]) => values.map((value) => formatNumber(value, 3)).join(' / ');
  printTable(
    `Reports over ${dataset.clicks.toLocaleString('en')} clicks and ${dataset.conversions.toLocaleString('en')} conversions, ${data.month.timeZone} month; seconds, medians of ${data.runs} alternating runs after an untimed first one`,
    ['report', 'rows', 'Waypost API', 'CSV export', 'reportFacts', 'DuckDB', 'report_time_ratio', 'target', '', 'first run (API / CSV / facts / DuckDB)'],
    results.map((result) => {
      const ours = median(result.seconds.waypost);
      return [
        result.report.title,
        String(result.rows),
        formatNumber(ours, 3),
        formatNumber(median(result.seconds.csv), 3),
        formatNumber(median(result.seconds.facts), 3),
        formatNumber(median(result.seconds.duckdb), 3),
        formatNumber(ours / median(result.seconds.duckdb), 2),
        `< ${result.report.targetSeconds} s`,
        ours < result.report.targetSeconds ? 'ok' : 'MISSED',
        (['waypost', 'csv', 'facts', 'duckdb'] as const).map((name) => formatNumber(result.firstSeconds[name], 3)).join(' / '),
      ];
    }),
  );
  printTable(
    'Every run, seconds',
    ['report', 'Waypost API', 'CSV export', 'reportFacts', 'DuckDB'],
    results.map((result) => [result.report.title, perRun(result.seconds.waypost), perRun(result.seconds.csv), perRun(result.seconds.facts), perRun(result.seconds.duckdb)]),
  );
  printTable(
    'Answers (equal on both engines, group by group)',
    ['report', 'rows', 'clicks', 'conversions', 'revenue', 'cost'],
    results.map((result) => [
      result.report.title,
      String(result.rows),
      String(result.totals.clicks),
      String(result.totals.conversions),
      formatNumber(result.totals.revenue / 1e6, 2),
      formatNumber(result.totals.cost / 1e6, 2),
    ]),
  );
  printTable(
    'Against the targets',
    ['figure', 'value', 'target', ''],
    figures.filter((figure) => figure.target).map((figure) => [figure.name, `${formatNumber(figure.value, figure.digits)} ${figure.unit}`, figure.target!, verdict(figure)]),
  );
  process.stdout.write(
    [
      '',
      'Waypost API: GET /api/v1/reports of a running Waypost (edge, api, worker) as a user first asks for it — the default page of 100 rows,',
      'every group still computed, sorted and totalled; the targets and report_time_ratio are about it. CSV export: the same report with',
      'every row, format=csv. reportFacts: the event store\'s fact query alone, in the bench process. DuckDB runs in the bench process on its own',
      'columnar copy with as many threads as the machine has cores; Waypost answers from its SQLite files, one thread per query.',
      '',
    ].join('\n'),
  );
}
