import type { Logger } from 'pino';
import type { Integration, IntegrationRun, IntegrationRunKind } from '../../domain/integration.js';
import { UseCaseError } from '../../domain/use-case-error.js';
import { failAbandonedRuns } from '../../integrations/run-heartbeat.js';
import type { EntityStore } from '../../store/entity-store.js';

/** One kind of scheduled integration run (offer import, conversion pull), as the shared loop needs it. */
export interface ScheduledRunKind {
  kind: IntegrationRunKind;
  /** For log lines: `offer import`, `conversion pull`. */
  label: string;
  /** Minutes between scheduled runs of the integration, or null when its settings schedule none; throws on unreadable settings. */
  frequencyMinutes(integration: Integration): number | null;
  start(integrationId: number): Promise<{ done: Promise<IntegrationRun> }>;
  /** What the log line of a finished run shows besides its id and state. */
  describe(run: IntegrationRun): Record<string, unknown>;
}

export interface ScheduledRunDeps {
  store: EntityStore;
  logger: Logger;
  /** True once the worker is stopping: no further run starts (the one under way finishes). */
  stopping?: () => boolean;
  now?: () => number;
}

/**
 * The scheduled runs of one kind in one tick. Due is an integration that is not disabled (`error`
 * runs: a success ends it), feeds an offer source that is not archived, and whose latest run of the
 * kind, manual or scheduled, started at least its frequency ago. Runs go one at a time, the longest
 * overdue first, and the due list is read again before each, so a slow partner delays the others by
 * its own run only and a manual run made meanwhile counts. An integration with a run under way (any
 * kind, manual or in another process) is skipped: the run log's `startUnlessRunning` decides.
 */
export async function runDueIntegrations(deps: ScheduledRunDeps, kind: ScheduledRunKind): Promise<IntegrationRun[]> {
  const now = deps.now ?? Date.now;
  await recoverAbandonedRuns(deps.store, deps.logger, now());
  const tried = new Set<number>();
  const finished: IntegrationRun[] = [];
  while (!deps.stopping?.()) {
    const next = (await dueIntegrations(deps, kind, now())).find((integration) => !tried.has(integration.id));
    if (!next) break;
    tried.add(next.id);
    try {
      const { done } = await kind.start(next.id);
      const run = await done;
      const fields = { integrationId: run.integrationId, runId: run.id, state: run.state, ...kind.describe(run) };
      if (run.state === 'failed') deps.logger.warn({ ...fields, error: run.errors.at(-1) }, `scheduled ${kind.label} failed`);
      else deps.logger.info(fields, `scheduled ${kind.label} finished`);
      finished.push(run);
    } catch (error) {
      // Refused since the list was read: a run under way, or the integration disabled or its source archived.
      if (error instanceof UseCaseError && error.code === 'conflict') deps.logger.debug({ integrationId: next.id, reason: error.message }, `scheduled ${kind.label} skipped`);
      else deps.logger.error({ integrationId: next.id, err: error }, `scheduled ${kind.label} could not start`);
    }
  }
  return finished;
}

/** Fails the runs a stopped process left `running` (see run-heartbeat.ts), logging each. */
export async function recoverAbandonedRuns(store: EntityStore, logger: Logger, now: number): Promise<IntegrationRun[]> {
  const failed = await failAbandonedRuns(store, now);
  for (const run of failed) {
    logger.warn({ integrationId: run.integrationId, runId: run.id, kind: run.kind, startedAt: new Date(run.startedAt).toISOString() }, 'run left running by a stopped process marked failed');
  }
  return failed;
}

const PAGE = 500;

/** The integrations due for a run of the kind at `now`, the longest overdue first. */
async function dueIntegrations({ store, logger }: ScheduledRunDeps, kind: ScheduledRunKind, now: number): Promise<Integration[]> {
  const integrations: Integration[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await store.integrations.list({ kind: 'offer_source', statuses: ['active', 'error'], limit: PAGE, offset });
    integrations.push(...page.items);
    if (page.items.length < PAGE) break;
  }
  const sourceIds = integrations.flatMap((integration) => (integration.offerSourceId === null ? [] : [integration.offerSourceId]));
  const liveSources = sourceIds.length ? await store.offerSources.existing(sourceIds) : new Set<number>();
  const lastStarts = await store.integrationRuns.lastStarts(kind.kind);
  const due: { integration: Integration; dueAt: number }[] = [];
  for (const integration of integrations) {
    if (integration.offerSourceId === null || !liveSources.has(integration.offerSourceId)) continue;
    let frequencyMinutes: number | null;
    try {
      frequencyMinutes = kind.frequencyMinutes(integration);
    } catch (error) {
      logger.error({ integrationId: integration.id, err: error }, `settings unreadable; no scheduled ${kind.label} for the integration`);
      continue;
    }
    if (frequencyMinutes === null) continue;
    const last = lastStarts.get(integration.id);
    // Never run: due at once, ahead of every overdue one.
    const dueAt = last === undefined ? Number.NEGATIVE_INFINITY : last + frequencyMinutes * 60_000;
    if (dueAt <= now) due.push({ integration, dueAt });
  }
  return due.sort((a, b) => a.dueAt - b.dueAt || a.integration.id - b.integration.id).map((entry) => entry.integration);
}
