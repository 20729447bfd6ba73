import type { EntityStore } from '../store/entity-store.js';
import type { IntegrationRun } from '../domain/integration.js';

/**
 * How a dead run is told from a live one in any process (API or worker, this machine or another):
 * the process running it beats every half minute, whatever the partner is doing, and a `running` run
 * whose heartbeat is older than five minutes belongs to a process that stopped. Five minutes leave ten
 * missed beats of margin for a busy event loop or a slow store; a process that died shortly before a
 * restart is found by the worker's next minute tick after that.
 */
export const RUN_HEARTBEAT_MS = 30_000;
export const RUN_STALE_AFTER_MS = 5 * 60_000;
export const ABANDONED_RUN_REASON = 'the process stopped during the run';

/** Beats for the run until stopped; a failed beat is only a missed one (the store may be closing). */
export function keepRunAlive(store: EntityStore, runId: number, now: () => number, intervalMs = RUN_HEARTBEAT_MS): { stop(): void } {
  const timer = setInterval(() => {
    store.integrationRuns.beat(runId, now()).catch(() => undefined);
  }, intervalMs);
  // A beat never keeps the process alive on its own.
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** Marks failed the runs left `running` by a process that stopped, so a refresh of their integration is no longer refused. */
export function failAbandonedRuns(store: EntityStore, now: number): Promise<IntegrationRun[]> {
  return store.integrationRuns.failStale(now - RUN_STALE_AFTER_MS, ABANDONED_RUN_REASON, now);
}
