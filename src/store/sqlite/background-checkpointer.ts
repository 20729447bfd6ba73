import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';
import { SMALL_THREAD_LIMITS } from './thread-limits.js';
import { LOWER_OWN_PRIORITY } from './thread-priority.js';

const require = createRequire(import.meta.url);

/** How often the checkpointer copies committed WAL frames into the database files. */
const INTERVAL_MS = 200;
/** WAL frames after which the writing connection finishes a checkpoint, so the WAL starts over (about 40 MB). */
const RESTART_AFTER_FRAMES = 10_000;

// Plain JavaScript: it runs in its own thread with one connection per registered file.
const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
${LOWER_OWN_PRIORITY}
const files = new Map();
parentPort.on('message', ({ add, remove, done, checkpoint }) => {
  if (checkpoint !== undefined) {
    // Asked while the writer holds its writes back: every frame is copied, so the WAL can start over.
    const entry = files.get(checkpoint);
    let error;
    try {
      entry?.db.pragma('wal_checkpoint(PASSIVE)');
    } catch (e) {
      error = String((e && e.message) || e);
    }
    parentPort.postMessage({ checkpointed: checkpoint, error });
  } else if (add) {
    const db = new Database(add.file);
    db.pragma('busy_timeout = 5000');
    files.set(add.id, { db, waiting: false, restartAfterFrames: add.restartAfterFrames });
  } else if (remove !== undefined) {
    files.get(remove)?.db.close();
    files.delete(remove);
  } else if (done !== undefined) {
    const entry = files.get(done);
    if (entry) entry.waiting = false;
  }
});
setInterval(() => {
  for (const [id, entry] of files) {
    if (entry.waiting) continue;
    const [result] = entry.db.pragma('wal_checkpoint(PASSIVE)');
    if (result && result.log >= entry.restartAfterFrames) {
      entry.waiting = true;
      parentPort.postMessage({ restart: id });
    }
  }
}, workerData.intervalMs);
`;

/**
 * What a file's writer does when its WAL is long: make sure no transaction is appended while the last
 * frames are copied, either by copying them itself between two transactions, or by holding its writes
 * back while `checkpointOnThread` copies them beside it.
 */
export type WalRestart = (checkpointOnThread: () => Promise<void>) => Promise<void>;

interface Registration {
  database: BetterSqlite3.Database;
  restart: WalRestart;
}

// One thread for every SQLite file of the process: each thread costs its own JavaScript heap.
let shared: { worker: Worker; registrations: Map<number, Registration>; checkpoints: Map<number, { resolve(): void; reject(error: Error): void }> } | undefined;
let nextId = 0;

function sharedThread() {
  if (shared) return shared;
  const worker = new Worker(SOURCE, {
    eval: true,
    workerData: { driver: require.resolve('better-sqlite3'), intervalMs: INTERVAL_MS },
    resourceLimits: SMALL_THREAD_LIMITS,
  });
  worker.unref();
  const registrations = new Map<number, Registration>();
  const checkpoints = new Map<number, { resolve(): void; reject(error: Error): void }>();
  const checkpointOnThread = (id: number) =>
    new Promise<void>((resolve, reject) => {
      checkpoints.set(id, { resolve, reject });
      worker.postMessage({ checkpoint: id });
    });
  worker.on('message', (message: { restart?: number; checkpointed?: number; error?: string }) => {
    if (message.checkpointed !== undefined) {
      const pending = checkpoints.get(message.checkpointed);
      checkpoints.delete(message.checkpointed);
      if (message.error) pending?.reject(new Error(message.error));
      else pending?.resolve();
      return;
    }
    const id = message.restart!;
    const registration = registrations.get(id);
    if (!registration) return;
    registration
      .restart(() => checkpointOnThread(id))
      .catch(() => {
        // A failed restart only leaves the WAL longer; the next request tries again.
      })
      .finally(() => worker.postMessage({ done: id }));
  });
  worker.on('error', () => {
    // Without the thread, SQLite's own checkpoints in the commits keep the WALs bounded.
    for (const { database } of registrations.values()) if (database.open) database.pragma('wal_autocheckpoint = 1000');
    if (shared?.worker === worker) shared = undefined;
  });
  // A writer holding its writes back for a checkpoint must never wait for a thread that is gone.
  worker.on('exit', () => {
    for (const pending of checkpoints.values()) pending.reject(new Error('the checkpointer thread stopped'));
    checkpoints.clear();
  });
  return (shared = { worker, registrations, checkpoints });
}

/**
 * Takes WAL checkpoints out of the writing connection's commits. By default SQLite checkpoints inside
 * the commit that crosses 1000 WAL pages, on the event loop, syncing and copying pages while the
 * requests of the batch wait. Here a thread copies committed frames beside the writer; the WAL file
 * can only start over when a transaction begins with every frame copied, which a checkpoint beside a
 * busy writer never achieves, so once the WAL is long the writer stops appending for as long as the
 * last frames take to copy (`restart`).
 */
export function startBackgroundCheckpointer(
  file: string,
  database: BetterSqlite3.Database,
  restart: WalRestart,
  restartAfterFrames = RESTART_AFTER_FRAMES,
): { stop(): Promise<void> } {
  // An in-memory database has no WAL, and another connection could not reach it.
  if (file === ':memory:') return { stop: async () => {} };
  database.pragma('wal_autocheckpoint = 0');
  const thread = sharedThread();
  const id = nextId++;
  thread.registrations.set(id, { database, restart });
  thread.worker.postMessage({ add: { id, file, restartAfterFrames } });
  return {
    async stop() {
      if (!thread.registrations.delete(id)) return;
      if (thread.registrations.size > 0) {
        thread.worker.postMessage({ remove: id });
        return;
      }
      if (shared === thread) shared = undefined;
      await thread.worker.terminate();
    },
  };
}
