import { createWriteStream, existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import BetterSqlite3 from 'better-sqlite3';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { FIGURE_NAMES, type GroupFigures } from './report-cases.js';
import { ENTITY_FILE, EVENT_FILE, type CachedDataset } from './report-dataset.js';

/**
 * DuckDB, the side-by-side reference of the reports bench: the same clicks and conversions, read
 * back from the dataset's SQLite files (so they are the very rows Waypost stored), written to CSV and
 * loaded by DuckDB's own CSV reader. No extension is installed or loaded at run time: time zones come
 * from ICU, which the npm binaries carry built in.
 */

const REFERENCE_FILE = 'reference.duckdb';
const REFERENCE_MARKER = 'reference.json';

/** The columns the three reports read, under the clicks table's own names. */
const CLICK_COLUMNS = [
  ['created_at', 'bigint'],
  ['campaign_id', 'integer'],
  ['traffic_channel_id', 'integer'],
  ['offer_id', 'integer'],
  ['lander_id', 'integer'],
  ['lander_click_offer_id', 'integer'],
  ['lander_clicked_at', 'bigint'],
  ['country', 'varchar'],
  ['sub1', 'varchar'],
  ['cost_micros', 'bigint'],
  ['is_unique', 'tinyint'],
  ['is_bot', 'tinyint'],
] as const;
const CONVERSION_COLUMNS = [
  ['id', 'bigint'],
  ['click_at', 'bigint'],
  ['converted_at', 'bigint'],
  ['campaign_id', 'integer'],
  ['offer_id', 'integer'],
  ['country', 'varchar'],
  ['sub1', 'varchar'],
  ['type', 'varchar'],
  ['status', 'varchar'],
  ['payout_micros', 'bigint'],
] as const;

export interface DuckReference {
  connection: DuckDBConnection;
  /** Seconds the load took (when this run loaded it), else null. */
  loadSeconds: number | null;
  close(): void;
}

type Progress = (text: string) => void;

/** Opens the dataset's DuckDB copy, loading it first when the cache has none. */
export async function openReference(dataset: CachedDataset, progress: Progress): Promise<DuckReference> {
  const file = join(dataset.dir, REFERENCE_FILE);
  const marker = join(dataset.dir, REFERENCE_MARKER);
  let loadSeconds: number | null = null;
  const loaded = existsSync(marker) && JSON.parse(await readFile(marker, 'utf8')).generatedAt === dataset.info.generatedAt;
  if (!loaded) {
    await rm(file, { force: true });
    await rm(`${file}.wal`, { force: true });
    const started = performance.now();
    await load(dataset, file, progress);
    loadSeconds = (performance.now() - started) / 1000;
    await writeFile(marker, JSON.stringify({ generatedAt: dataset.info.generatedAt, loadSeconds }));
  }
  const instance = await DuckDBInstance.create(file, { ...NO_DOWNLOADS, access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  await connection.run(`set TimeZone = 'UTC'`);
  return {
    connection,
    loadSeconds,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** Runs one report case's SQL; counts and sums come back as numbers (they are far below 2^53). */
export async function duckAnswer(connection: DuckDBConnection, sql: string): Promise<GroupFigures[]> {
  const reader = await connection.runAndReadAll(sql);
  const names = reader.columnNames();
  return reader.getRowsJS().map((row) => {
    const group = { key: String(row[names.indexOf('key')]) } as GroupFigures;
    for (const name of FIGURE_NAMES) group[name] = Number(row[names.indexOf(name)]);
    return group;
  });
}

/** Extensions come only from the binary: DuckDB would otherwise fetch a missing one from the internet. */
const NO_DOWNLOADS = { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' };

async function load(dataset: CachedDataset, file: string, progress: Progress): Promise<void> {
  const instance = await DuckDBInstance.create(file, NO_DOWNLOADS);
  const connection = await instance.connect();
  try {
    const sources: [table: string, database: string, columns: readonly (readonly [string, string])[]][] = [
      ['clicks', EVENT_FILE, CLICK_COLUMNS],
      ['conversions', ENTITY_FILE, CONVERSION_COLUMNS],
    ];
    for (const [table, database, columns] of sources) {
      const csv = join(dataset.dir, `${table}.csv`);
      // Rowid order is write order: clicks in time order, conversions in id order, as Waypost stored them.
      const rows = await exportCsv(join(dataset.dir, database), `select ${columns.map(([name]) => name).join(', ')} from ${table} order by rowid`, csv);
      await connection.run(`create table ${table} (${columns.map(([name, type]) => `${name} ${type}`).join(', ')})`);
      // A quoted empty string stays an empty string; only an empty field is NULL.
      await connection.run(`copy ${table} from '${csv}' (format csv, header false, allow_quoted_nulls false)`);
      await rm(csv, { force: true });
      progress(`DuckDB: loaded ${rows.toLocaleString('en')} ${table}`);
    }
    await connection.run('checkpoint');
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Streams a query's rows to a CSV file: numbers bare, NULL as an empty field, text quoted. */
async function exportCsv(database: string, query: string, path: string): Promise<number> {
  const db = new BetterSqlite3(database, { readonly: true });
  const out = createWriteStream(path);
  let rows = 0;
  try {
    let chunk = '';
    for (const row of db.prepare(query).raw().iterate() as IterableIterator<unknown[]>) {
      chunk += `${row.map(csvField).join(',')}\n`;
      rows++;
      if (chunk.length > 1 << 20) {
        if (!out.write(chunk)) await once(out, 'drain');
        chunk = '';
      }
    }
    out.end(chunk);
    await once(out, 'finish');
    return rows;
  } finally {
    db.close();
  }
}

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return `"${String(value).replaceAll('"', '""')}"`;
}
