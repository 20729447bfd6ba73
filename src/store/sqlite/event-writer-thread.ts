import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const require = createRequire(import.meta.url);

/** The statements the writer thread runs; passed in so the SQL stays beside the rest of the store. */
export interface EventWriterStatements {
  insertClick: string;
  addOfferClicks: string;
  addImpressions: string;
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
const HOUR = 3600000;
const write = db.transaction((clicks, impressions) => {
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
});
parentPort.on('message', ({ id, clicks, impressions, checkpoint }) => {
  try {
    // Between two batches, so the next transaction finds every frame copied and starts the WAL over.
    if (checkpoint) db.pragma('wal_checkpoint(PASSIVE)');
    else write(clicks, impressions);
    parentPort.postMessage({ id });
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.message) || error) });
  }
});
`;

/**
 * Click batches are written by a thread of their own: inserting and committing happen beside the
 * event loop, which goes on answering visitors (WAL checkpoints run in a third thread, see
 * startBackgroundCheckpointer). A batch's promise resolves once its transaction is committed, so a
 * click is still acknowledged only when it is durable.
 */
export class EventWriterThread {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();

  constructor(
    private readonly file: string,
    private readonly statements: EventWriterStatements,
  ) {}

  write(clicks: unknown[][], impressions: ImpressionRow[]): Promise<void> {
    return this.send({ clicks, impressions });
  }

  /**
   * Copies the WAL frames not yet in the database file, between two batches; false when the thread
   * is not running (nothing was written through it).
   */
  async checkpoint(): Promise<boolean> {
    if (!this.worker) return false;
    await this.send({ checkpoint: true });
    return true;
  }

  private send(message: { clicks: unknown[][]; impressions: ImpressionRow[] } | { checkpoint: true }): Promise<void> {
    const worker = (this.worker ??= this.start());
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, ...message });
    });
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private start(): Worker {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file: this.file, statements: this.statements, driver: require.resolve('better-sqlite3') } });
    worker.unref();
    worker.on('message', ({ id, error }: { id: number; error?: string }) => {
      const waiter = this.pending.get(id);
      this.pending.delete(id);
      if (error === undefined) waiter?.resolve();
      else waiter?.reject(new Error(`event store write failed: ${error}`));
    });
    const fail = (error: Error) => {
      // The next write starts a fresh thread; these batches are reported as not written.
      if (this.worker === worker) this.worker = undefined;
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the event writer thread exited with code ${code}`)));
    return worker;
  }
}
