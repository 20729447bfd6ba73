import type { Logger } from 'pino';
import { ApiError } from '../../api/api-error.js';
import type { Integration, IntegrationRun } from '../../domain/integration.js';
import { startOfferImport, type ImportDeps } from '../../integrations/import-offers.js';
import { readImportSettings } from '../../integrations/import-settings.js';
import { failAbandonedRuns } from '../../integrations/run-heartbeat.js';
import type { EntityStore } from '../../store/entity-store.js';

export interface ScheduledImportDeps extends ImportDeps {
  logger: Logger;
  /** True once the worker is stopping: no further import starts (the one under way finishes). */
  stopping?: () => boolean;
}

/**
 * The scheduled offer imports of one tick. Due is an integration that is not disabled (`error` runs:
 * a success ends it), feeds an offer source that is not archived, and whose latest import, manual or
 * scheduled, started at least its `frequencyMinutes` ago. Imports run one at a time, the longest
 * overdue first, and the due list is read again before each, so a slow partner delays the others by
 * its own run only and a manual refresh made meanwhile counts. A run already under way (manual or in
 * another process) is skipped: the run log's `startUnlessRunning` decides, as for the manual refresh.
 */
export async function importDueOffers(deps: ScheduledImportDeps): Promise<IntegrationRun[]> {
  await recoverAbandonedRuns(deps.store, deps.logger, clock(deps)());
  const tried = new Set<number>();
  const finished: IntegrationRun[] = [];
  while (!deps.stopping?.()) {
    const next = (await dueIntegrations(deps.store, clock(deps)(), deps.logger)).find((integration) => !tried.has(integration.id));
    if (!next) break;
    tried.add(next.id);
    try {
      const { done } = await startOfferImport(deps, next.id, 'schedule');
      const run = await done;
      const fields = { integrationId: run.integrationId, runId: run.id, state: run.state, fetched: run.offersFetched, created: run.offersCreated, updated: run.offersUpdated, skipped: run.offersSkipped };
      if (run.state === 'failed') deps.logger.warn({ ...fields, error: run.errors.at(-1) }, 'scheduled offer import failed');
      else deps.logger.info(fields, 'scheduled offer import finished');
      finished.push(run);
    } catch (error) {
      // Refused since the list was read: a run under way, or the integration disabled or its source archived.
      if (error instanceof ApiError && error.code === 'conflict') deps.logger.debug({ integrationId: next.id, reason: error.message }, 'scheduled offer import skipped');
      else deps.logger.error({ integrationId: next.id, err: error }, 'scheduled offer import could not start');
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

/** The integrations due for an import at `now`, the longest overdue first. */
async function dueIntegrations(store: EntityStore, now: number, logger: Logger): Promise<Integration[]> {
  const integrations: Integration[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await store.integrations.list({ kind: 'offer_source', statuses: ['active', 'error'], limit: PAGE, offset });
    integrations.push(...page.items);
    if (page.items.length < PAGE) break;
  }
  const sourceIds = integrations.flatMap((integration) => (integration.offerSourceId === null ? [] : [integration.offerSourceId]));
  const liveSources = sourceIds.length ? await store.offerSources.existing(sourceIds) : new Set<number>();
  const lastStarts = await store.integrationRuns.lastStarts('offer_import');
  const due: { integration: Integration; dueAt: number }[] = [];
  for (const integration of integrations) {
    if (integration.offerSourceId === null || !liveSources.has(integration.offerSourceId)) continue;
    let frequencyMinutes: number;
    try {
      ({ frequencyMinutes } = readImportSettings(integration.settings));
    } catch (error) {
      logger.error({ integrationId: integration.id, err: error }, 'import settings unreadable; the integration is not scheduled');
      continue;
    }
    const last = lastStarts.get(integration.id);
    // Never imported: due at once, ahead of every overdue one.
    const dueAt = last === undefined ? Number.NEGATIVE_INFINITY : last + frequencyMinutes * 60_000;
    if (dueAt <= now) due.push({ integration, dueAt });
  }
  return due.sort((a, b) => a.dueAt - b.dueAt || a.integration.id - b.integration.id).map((entry) => entry.integration);
}

function clock(deps: Pick<ImportDeps, 'now'>): () => number {
  return deps.now ?? Date.now;
}
