import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';

const require = createRequire(import.meta.url);

/** How often the checkpointer copies committed WAL frames into the database file. */
const INTERVAL_MS = 200;
/** WAL frames after which the writing connection finishes a checkpoint, so the WAL starts over (about 40 MB). */
const RESTART_AFTER_FRAMES = 10_000;

// Plain JavaScript: it runs in its own thread with its own connection to the same file.
const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
let waiting = false;
parentPort.on('message', () => {
  waiting = false;
});
setInterval(() => {
  if (waiting) return;
  const [result] = db.pragma('wal_checkpoint(PASSIVE)');
  if (result && result.log >= workerData.restartAfterFrames) {
    waiting = true;
    parentPort.postMessage('restart');
  }
}, workerData.intervalMs);
`;

/**
 * Takes WAL checkpoints out of the writing connection's commits. By default SQLite checkpoints inside
 * the commit that crosses 1000 WAL pages, on the event loop, syncing and copying pages while the
 * requests of the batch wait. Here a thread copies committed frames beside the writer; the WAL file
 * can only start over when a transaction begins with every frame copied, which a checkpoint beside a
 * busy writer never achieves, so once the WAL is long the writer copies the last few frames itself,
 * between two transactions (`restart`).
 */
export function startBackgroundCheckpointer(file: string, database: BetterSqlite3.Database, restart: () => Promise<void>): { stop(): Promise<void> } {
  // An in-memory database has no WAL, and another connection could not reach it.
  if (file === ':memory:') return { stop: async () => {} };
  database.pragma('wal_autocheckpoint = 0');
  const worker = new Worker(SOURCE, {
    eval: true,
    workerData: { file, driver: require.resolve('better-sqlite3'), restartAfterFrames: RESTART_AFTER_FRAMES, intervalMs: INTERVAL_MS },
  });
  worker.unref();
  worker.on('message', () => {
    restart()
      .catch(() => {
        // A failed restart only leaves the WAL longer; the next request tries again.
      })
      .finally(() => worker.postMessage('done'));
  });
  const fallBack = () => {
    // Without the thread, SQLite's own checkpoints in the commit keep the WAL bounded.
    if (database.open) database.pragma('wal_autocheckpoint = 1000');
  };
  worker.on('error', fallBack);
  return {
    async stop() {
      worker.off('error', fallBack);
      await worker.terminate();
    },
  };
}
