import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { CredentialCipher } from '../security/credential-cipher.js';
import { createOutboundUrlGuard } from '../security/outbound-url-guard.js';
import type { EntityStore } from '../store/entity-store.js';
import type { EventStore } from '../store/event-store.js';
import { runClickRetention } from './jobs/click-retention.js';
import { runChannelCostSync } from './jobs/sync-channel-costs.js';
import { runDueRules } from './jobs/run-due-rules.js';
import { createChannelActions } from '../channels/campaign-channel-actions.js';
import { ruleReportDeps } from '../rules/rule-report-deps.js';
import { importDueOffers, recoverAbandonedRuns } from './jobs/import-due-offers.js';
import { pullDueConversions } from './jobs/pull-due-conversions.js';
import type { PulledConversionCounter } from '../integrations/pull-conversions.js';
import { CurrencyConverter } from '../conversions/currency-rates.js';
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
  cipher,
  outbox,
  offerCaps,
}: {
  store: EntityStore;
  logger: Logger;
  personalDataRetentionDays?: number;
  /** Without it (a worker with no event store open) the event store's jobs do not run here. */
  events?: EventStore | undefined;
  clickRetentionDays?: number;
  /** For WAYPOST_OUTBOUND_ALLOW_HOSTS (without it, outgoing calls reach public addresses only) and the account currency of pulled conversions (USD without it). */
  config?: Pick<Config, 'outbound'> & Partial<Pick<Config, 'accountCurrency'>>;
  /** Opens partners' credentials; without it, scheduled imports do not run here. */
  cipher?: CredentialCipher | undefined;
  /** The edge's offer caps when this process also serves the edge: pulled conversions count at once. */
  offerCaps?: PulledConversionCounter | undefined;
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
  const workerLogger = logger.child({ role: 'worker' });
  // Runs a stopped process left `running` would refuse every refresh of their integration (409) until failed.
  const recovery = recoverAbandonedRuns(store, workerLogger, Date.now()).then(
    () => undefined,
    (error: unknown) => workerLogger.error({ err: error }, 'recovery of abandoned integration runs failed; the import schedule retries it'),
  );
  let stopping = false;
  if (cipher) {
    const currency = new CurrencyConverter(store, config?.accountCurrency ?? 'USD');
    handlers['import-due-offers'] = async () => {
      await recovery;
      await importDueOffers({ store, cipher, guard, currency, logger: workerLogger, stopping: () => stopping });
    };
    if (events) {
      handlers['pull-due-conversions'] = async () => {
        await recovery;
        await pullDueConversions({ store, cipher, guard, events, currency, offerCaps, logger: workerLogger, stopping: () => stopping });
      };
    }
  }
  if (cipher && events) {
    // Rules read reports (the event store) and act on channels' APIs (their credentials).
    const actions = createChannelActions({ store, cipher, guard, logger: workerLogger });
    const report = ruleReportDeps(store, events);
    handlers['run-due-rules'] = async () => {
      await runDueRules({ store, report, actions, guard, logger: workerLogger, stopping: () => stopping });
    };
  }
  if (cipher && events) {
    // Spend read from channels' APIs (credentials) written over their clicks (the event store).
    handlers['sync-channel-costs'] = () => runChannelCostSync({ store, events, cipher, guard, logger: workerLogger });
  }
  const schedules = SCHEDULES.filter((schedule) => (!schedule.events || events) && (!schedule.credentials || handlers[schedule.job]));
  const scheduler = startScheduler(schedules, handlers, workerLogger);
  return {
    /** Settles once runs left `running` by a stopped process are marked failed. */
    recovery,
    async stop() {
      stopping = true;
      await Promise.all([recovery, scheduler.stop()]);
    },
  };
}
