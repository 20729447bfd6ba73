import type { Logger } from 'pino';
import type { IntegrationRun } from '../../domain/integration.js';
import { startConversionPull, type PullDeps } from '../../integrations/pull-conversions.js';
import { readPullSettings } from '../../integrations/pull-settings.js';
import { runDueIntegrations } from './due-integrations.js';

export interface ScheduledPullDeps extends PullDeps {
  logger: Logger;
  /** True once the worker is stopping: no further pull starts (the one under way finishes). */
  stopping?: () => boolean;
}

/**
 * The scheduled conversion pulls of one tick: each integration whose `pull.enabled` is on, at its
 * `pull.frequencyMinutes` (seed 004: hourly), one at a time, never beside another run of the same
 * integration (see runDueIntegrations).
 */
export function pullDueConversions(deps: ScheduledPullDeps): Promise<IntegrationRun[]> {
  return runDueIntegrations(deps, {
    kind: 'conversion_pull',
    label: 'conversion pull',
    frequencyMinutes: (integration) => {
      const settings = readPullSettings(integration.settings);
      return settings.enabled ? settings.frequencyMinutes : null;
    },
    start: (integrationId) => startConversionPull(deps, integrationId, 'schedule'),
    describe: (run) => ({ pulled: run.conversionsPulled, skipped: run.skips.length }),
  });
}
