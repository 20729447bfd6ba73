import { syncChannelCosts, type CostSyncDeps } from '../../channels/sync-channel-costs.js';

/** Channels' spend of their last days written as campaign costs (each integration's run in its run log). */
export async function runChannelCostSync(deps: CostSyncDeps & { logger: NonNullable<CostSyncDeps['logger']> }): Promise<void> {
  const runs = await syncChannelCosts(deps, 'schedule');
  for (const run of runs) {
    const fields = { integrationId: run.integrationId, runId: run.id, state: run.state, costsSynced: run.costsSynced, skipped: run.skips.length };
    if (run.state === 'failed') deps.logger.warn({ ...fields, error: run.errors.at(-1) }, 'channel cost sync failed');
    else deps.logger.info(fields, 'channel cost sync finished');
  }
}
