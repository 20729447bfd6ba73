import { parentPort, workerData } from 'node:worker_threads';
import { openSqlite } from './open-sqlite.js';
import { reportRollupsIn } from './report-rollups.js';

/** The rollup thread's side (see rollup-thread.ts): its own connection, the rollups' statements, and requests. */
const database = openSqlite((workerData as { file: string }).file);
database.pragma('temp_store = memory');
// Each new click is read once (the OS caches the file); this cache holds the rollups' upper levels
// and its size counts in the serving process's memory.
database.pragma('cache_size = -16384');
// The serving store's checkpointer copies WAL frames; a checkpoint inside a rollup commit would only
// hold the write lock longer.
database.pragma('wal_autocheckpoint = 0');
const rollups = reportRollupsIn(database);

type Request = { id: number; op: 'refresh' } | { id: number; op: 'deleteClicksBefore'; before: number };

parentPort!.on('message', (request: Request) => {
  const done = request.op === 'refresh' ? rollups.refresh() : rollups.deleteClicksBefore(request.before);
  done.then(
    (result) => parentPort!.postMessage({ id: request.id, result }),
    (error: unknown) => parentPort!.postMessage({ id: request.id, error: String((error as Error)?.message ?? error) }),
  );
});
