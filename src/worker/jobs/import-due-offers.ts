import type { Logger } from 'pino';
import type { IntegrationRun } from '../../domain/integration.js';
import { startOfferImport, type ImportDeps } from '../../integrations/import-offers.js';
import { readImportSettings } from '../../integrations/import-settings.js';
import { runDueIntegrations } from './due-integrations.js';

export { recoverAbandonedRuns } from './due-integrations.js';

export interface ScheduledImportDeps extends ImportDeps {
  logger: Logger;
  /** True once the worker is stopping: no further import starts (the one under way finishes). */
  stopping?: () => boolean;
}

/**
 * The scheduled offer imports of one tick: each integration at its `import.frequencyMinutes`, one at
 * a time, never beside another run of the same integration (see runDueIntegrations).
 */
export function importDueOffers(deps: ScheduledImportDeps): Promise<IntegrationRun[]> {
  return runDueIntegrations(deps, {
    kind: 'offer_import',
    label: 'offer import',
    frequencyMinutes: (integration) => readImportSettings(integration.settings).frequencyMinutes,
    start: (integrationId) => startOfferImport(deps, integrationId, 'schedule'),
    describe: (run) => ({ fetched: run.offersFetched, created: run.offersCreated, updated: run.offersUpdated, skipped: run.offersSkipped }),
  });
}
