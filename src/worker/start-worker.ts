import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createOutboundUrlGuard } from '../security/outbound-url-guard.js';
import type { EntityStore } from '../store/entity-store.js';
import type { EventStore } from '../store/event-store.js';
import { runClickRetention } from './jobs/click-retention.js';
import { runReportFactsRefresh } from './jobs/refresh-report-facts.js';
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
  events,
  clickRetentionDays = 180,
  config,
  outbox,
}: {
  store: EntityStore;
  logger: Logger;
  personalDataRetentionDays?: number;
  /** Without it (a worker with no event store open) the event store's jobs do not run here. */
  events?: EventStore | undefined;
  clickRetentionDays?: number;
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
  if (events) {
    handlers['refresh-report-facts'] = () => runReportFactsRefresh(store, events);
    handlers['click-retention'] = async () => {
      const { deleted } = await runClickRetention(store, events, clickRetentionDays);
      if (deleted) logger.info({ deleted, retentionDays: clickRetentionDays }, 'raw clicks past retention deleted; their rollups stay');
    };
  }
  const schedules = SCHEDULES.filter((schedule) => !schedule.events || events);
  return startScheduler(schedules, handlers, logger.child({ role: 'worker' }));
}
