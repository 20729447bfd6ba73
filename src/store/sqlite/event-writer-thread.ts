import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { ThreadRequests } from './thread-requests.js';
import { SMALL_THREAD_LIMITS } from './thread-limits.js';
import { LOWER_OWN_PRIORITY } from './thread-priority.js';

const require = createRequire(import.meta.url);

/** The statements the writer thread runs; passed in so the SQL stays beside the rest of the store. */
export interface EventWriterStatements {
  insertClick: string;
  addOfferClicks: string;
  addImpressions: string;
  appendPostbackLog: string;
  /** Positions in a click row of its creation time and offer id. */
  createdAtIndex: number;
  offerIdIndex: number;
}

/** A spool segment to store: `closed` once nothing more will be appended to it. */
export interface SpooledSegment {
  name: string;
  path: string;
  closed: boolean;
}

/** How far a segment is stored; `done` when it was closed, stored in full and deleted. */
export interface StoredSegment {
  name: string;
  bytes: number;
  done: boolean;
}

// Plain JavaScript: it runs in its own thread with its own connection to the same file.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const Database = require(workerData.driver);
const { statements: sql } = workerData;
const db = new Database(workerData.file);
${LOWER_OWN_PRIORITY}
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 5000');
// Not inside a commit, where the syncs and copying would hold back the batch being acknowledged:
// a background checkpointer copies beside the writer and asks for the rest (checkpoint()).
db.pragma('wal_autocheckpoint = 0');
const insertClick = db.prepare(sql.insertClick);
const addOfferClicks = db.prepare(sql.addOfferClicks);
const addImpressions = db.prepare(sql.addImpressions);
const appendPostbackLog = db.prepare(sql.appendPostbackLog);
const storedBytes = db.prepare('select bytes from spool_segments where name = ?').pluck();
const saveStoredBytes = db.prepare('insert into spool_segments (name, bytes) values (?, ?) on conflict (name) do update set bytes = excluded.bytes');
const forgetSegment = db.prepare('delete from spool_segments where name = ?');
const HOUR = 3600000;
function storeRows(clicks, impressions) {
  const offerClicks = new Map();
  for (const row of clicks) {
    const offerId = row[sql.offerIdIndex];
    if (insertClick.run(row).changes === 0 || offerId === null) continue;
    const hour = row[sql.createdAtIndex] - (row[sql.createdAtIndex] % HOUR);
    const key = offerId + ':' + hour;
    const counter = offerClicks.get(key);
    if (counter) counter[2] += 1; else offerClicks.set(key, [offerId, hour, 1]);
  }
  for (const counter of offerClicks.values()) addOfferClicks.run(counter);
  for (const row of impressions) addImpressions.run(row);
}
const appendLog = db.transaction((rows) => {
  for (const row of rows) appendPostbackLog.run(row);
});

// Spooled lines (click-spool.ts): 'c' or 'i' and a JSON array, one per line. A line is far shorter
// than a chunk (the HTTP parser caps a request's URL and headers at 16 KB).
const chunk = Buffer.allocUnsafe(4 * 1024 * 1024);
// The segment's stored length is read and moved in the same transaction as its rows: whoever
// stores a line (this process or, after a crash, the next one) stores it once. Bytes past the last
// line end are a line still being written, or one a crash cut short (never acknowledged): left.
const storeChunk = db.transaction((name, fd) => {
  const from = storedBytes.get(name) ?? 0;
  const read = fs.readSync(fd, chunk, 0, chunk.length, from);
  const end = read === 0 ? -1 : chunk.lastIndexOf(10, read - 1);
  if (end < 0) return { bytes: from, more: false };
  const clicks = [];
  const impressions = [];
  for (const line of chunk.toString('utf8', 0, end).split('\\n')) {
    if (line.charCodeAt(0) === 99) clicks.push(JSON.parse(line.slice(1)));
    else if (line.charCodeAt(0) === 105) impressions.push(JSON.parse(line.slice(1)));
  }
  storeRows(clicks, impressions);
  saveStoredBytes.run(name, from + end + 1);
  return { bytes: from + end + 1, more: read === chunk.length };
});
function storeSegment({ name, path, closed }) {
  let fd;
  try {
    fd = fs.openSync(path, 'r');
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
    forgetSegment.run(name);
    return { name, bytes: 0, done: true };
  }
  let stored;
  try {
    do stored = storeChunk.immediate(name, fd); while (stored.more);
    // A closed segment's bytes past its last line end are a line its killed owner never finished.
    if (!closed) return { name, bytes: stored.bytes, done: false };
  } finally {
    fs.closeSync(fd);
  }
  // The file first: a crash between the two leaves a row without a file, never a file read again from 0.
  fs.unlinkSync(path);
  forgetSegment.run(name);
  return { name, bytes: stored.bytes, done: true };
}
parentPort.on('message', ({ id, postbackLog, checkpoint, spooled }) => {
  try {
    let result;
    // Between two batches, so the next transaction finds every frame copied and starts the WAL over.
    if (checkpoint) db.pragma('wal_checkpoint(PASSIVE)');
    else if (spooled) result = spooled.map(storeSegment);
    else appendLog(postbackLog);
    parentPort.postMessage({ id, result });
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.message) || error) });
  }
});
`;

/**
 * Spooled clicks and postback log rows are written by a thread of their own: inserting and committing
 * happen beside the event loop, which goes on answering visitors and postbacks (WAL checkpoints run in
 * a third thread, see startBackgroundCheckpointer). A postback log batch's promise resolves once its
 * transaction is committed, so a postback is still answered only when its row is durable.
 */
export class EventWriterThread {
  private readonly thread: ThreadRequests;

  constructor(file: string, statements: EventWriterStatements) {
    this.thread = new ThreadRequests('event writer', () =>
      new Worker(WORKER_SOURCE, { eval: true, workerData: { file, statements, driver: require.resolve('better-sqlite3') }, resourceLimits: SMALL_THREAD_LIMITS }),
    );
  }

  /** Appends postback log rows in one transaction. */
  appendPostbackLog(rows: unknown[][]): Promise<void> {
    return this.thread.request({ postbackLog: rows });
  }

  /**
   * Stores what the given spool segments hold past their stored length (click-spool.ts) and deletes
   * each closed segment stored in full; answers each segment's stored length.
   */
  storeSpooled(segments: SpooledSegment[]): Promise<StoredSegment[]> {
    return this.thread.request<StoredSegment[]>({ spooled: segments });
  }

  /**
   * Copies the WAL frames not yet in the database file, between two batches; false when the thread
   * is not running (nothing was written through it).
   */
  async checkpoint(): Promise<boolean> {
    if (!this.thread.started) return false;
    await this.thread.request({ checkpoint: true });
    return true;
  }

  stop(): Promise<void> {
    return this.thread.stop();
  }
}
