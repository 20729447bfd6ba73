import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { ThreadRequests } from './thread-requests.js';
import { SMALL_THREAD_LIMITS } from './thread-limits.js';

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

export type ImpressionRow = [campaignId: number, hour: number, count: number, cost: number];

// Plain JavaScript: it runs in its own thread with its own connection to the same file.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const { statements: sql } = workerData;
const db = new Database(workerData.file);
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
const HOUR = 3600000;
const write = db.transaction((clicks, impressions, postbackLog) => {
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
  for (const row of postbackLog) appendPostbackLog.run(row);
});
parentPort.on('message', ({ id, clicks, impressions, postbackLog, checkpoint }) => {
  try {
    // Between two batches, so the next transaction finds every frame copied and starts the WAL over.
    if (checkpoint) db.pragma('wal_checkpoint(PASSIVE)');
    else write(clicks, impressions, postbackLog);
    parentPort.postMessage({ id });
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.message) || error) });
  }
});
`;

/**
 * Click batches and postback log rows are written by a thread of their own: inserting and committing
 * happen beside the event loop, which goes on answering visitors and postbacks (WAL checkpoints run in
 * a third thread, see startBackgroundCheckpointer). A batch's promise resolves once its transaction is
 * committed, so a click or a postback is still acknowledged only when its rows are durable.
 */
export class EventWriterThread {
  private readonly thread: ThreadRequests;

  constructor(file: string, statements: EventWriterStatements) {
    this.thread = new ThreadRequests('event writer', () =>
      new Worker(WORKER_SOURCE, { eval: true, workerData: { file, statements, driver: require.resolve('better-sqlite3') }, resourceLimits: SMALL_THREAD_LIMITS }),
    );
  }

  write(clicks: unknown[][], impressions: ImpressionRow[], postbackLog: unknown[][] = []): Promise<void> {
    return this.thread.request({ clicks, impressions, postbackLog });
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
