import { parentPort, workerData } from 'node:worker_threads';
import { conversionFactBulkCopyIn } from './conversion-fact-bulk-copy.js';
import { openSqlite } from './open-sqlite.js';
import { reportRollupsIn } from './report-rollups.js';

/**
 * The rollup thread's side (see rollup-thread.ts): its own connection, the rollups' statements and,
 * given the entity file, the bulk conversion fact copy; and requests.
 */
const { file, entityFile } = workerData as { file: string; entityFile?: string };
const database = openSqlite(file);
database.pragma('temp_store = memory');
// Each new click is read once (the OS caches the file); this cache holds the rollups' upper levels
// and its size counts in the serving process's memory.
database.pragma('cache_size = -16384');
// The serving store's checkpointer copies WAL frames; a checkpoint inside a rollup commit would only
// hold the write lock longer.
database.pragma('wal_autocheckpoint = 0');
const rollups = reportRollupsIn(database);
const copyConversionFacts = entityFile ? conversionFactBulkCopyIn(database, entityFile) : undefined;

type Request =
  | { id: number; op: 'refresh' }
  | { id: number; op: 'deleteClicksBefore'; before: number }
  | { id: number; op: 'copyConversionFacts'; now: number };

function perform(request: Request): Promise<unknown> {
  if (request.op === 'refresh') return rollups.refresh();
  if (request.op === 'deleteClicksBefore') return rollups.deleteClicksBefore(request.before);
  if (!copyConversionFacts) return Promise.reject(new Error('this rollup thread was started without the entity file'));
  return copyConversionFacts(request.now);
}

parentPort!.on('message', (request: Request) => {
  const done = perform(request);
  done.then(
    (result) => parentPort!.postMessage({ id: request.id, result }),
    (error: unknown) => parentPort!.postMessage({ id: request.id, error: String((error as Error)?.message ?? error) }),
  );
});
