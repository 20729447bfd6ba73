import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createOutboundUrlGuard } from '../security/outbound-url-guard.js';
import type { EntityStore } from '../store/entity-store.js';
import { sendDueOutbox, type OutboxSenderOptions } from './jobs/send-outbox.js';
import { runStoreMaintenance } from './jobs/store-maintenance.js';
import { runPersonalDataRetention } from './jobs/personal-data-retention.js';
import { SCHEDULES } from './schedules.js';
import { startScheduler, type JobHandlers } from './scheduler.js';

/** The worker role: every scheduled job, wired to the stores it needs. */
export function startWorker({
  store,
  logger,
  personalDataRetentionDays = 90,
  config,
  outbox,
}: {
  store: EntityStore;
  logger: Logger;
  personalDataRetentionDays?: number;
  /** For WAYPOST_OUTBOUND_ALLOW_HOSTS; without it, outgoing calls reach public addresses only. */
  config?: Pick<Config, 'outbound'>;
  /** Overrides of the outbox's retry timing (tests). */
  outbox?: Partial<Pick<OutboxSenderOptions, 'baseDelayMs' | 'maxDelayMs' | 'maxAttempts' | 'timeoutMs'>>;
}) {
  const guard = createOutboundUrlGuard({ allowHosts: config?.outbound.allowHosts ?? [] });
  const handlers: JobHandlers = {
    'store-maintenance': () => runStoreMaintenance(store),
    'send-outbox': async () => {
      await sendDueOutbox({ store, guard, logger: logger.child({ role: 'worker' }), ...outbox });
    },
    'personal-data-retention': async () => {
      const { cleared } = await runPersonalDataRetention(store, personalDataRetentionDays);
      if (cleared) logger.info({ cleared, retentionDays: personalDataRetentionDays }, 'personal data of old conversions deleted');
    },
  };
  return startScheduler(SCHEDULES, handlers, logger.child({ role: 'worker' }));
}
