import type BetterSqlite3 from 'better-sqlite3';
import { siblingModule, startModuleThread } from './module-thread.js';
import { reportRollupsIn } from './report-rollups.js';
import { SMALL_THREAD_LIMITS } from './thread-limits.js';
import { ThreadRequests } from './thread-requests.js';

export interface RollupRunner {
  refresh(): Promise<void>;
  deleteClicksBefore(before: number): Promise<number>;
  /** The conversion fact copy from the entity file; only when the runner was given one. */
  copyConversionFacts?(now: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Where the rollups are summed: on a thread of their own with its own connection, so the tens of
 * milliseconds a slice takes never pause the event loop that answers clicks and postbacks; given the
 * entity file, it copies conversion facts there too. An
 * in-memory database has no other connection, so its rollups run on the caller's connection.
 */
export function startRollupRunner(file: string, database: BetterSqlite3.Database, entityFile?: string): RollupRunner {
  if (file === ':memory:') {
    const rollups = reportRollupsIn(database);
    return { refresh: rollups.refresh, deleteClicksBefore: rollups.deleteClicksBefore, stop: async () => {} };
  }
  const thread = new ThreadRequests('report rollup', () => startModuleThread(siblingModule(import.meta.url, 'rollup-thread-entry'), { file, entityFile }, SMALL_THREAD_LIMITS));
  return {
    refresh: () => thread.request({ op: 'refresh' }),
    deleteClicksBefore: (before) => thread.request<number>({ op: 'deleteClicksBefore', before }),
    ...(entityFile && { copyConversionFacts: (now: number) => thread.request({ op: 'copyConversionFacts', now }) }),
    stop: () => thread.stop(),
  };
}
