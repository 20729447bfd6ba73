import type { Logger } from 'pino';
import type { EntityStore } from '../store/entity-store.js';
import { runStoreMaintenance } from './jobs/store-maintenance.js';
import { SCHEDULES } from './schedules.js';
import { startScheduler, type JobHandlers } from './scheduler.js';

/** The worker role: every scheduled job, wired to the stores it needs. */
export function startWorker({ store, logger }: { store: EntityStore; logger: Logger }) {
  const handlers: JobHandlers = {
    'store-maintenance': () => runStoreMaintenance(store),
  };
  return startScheduler(SCHEDULES, handlers, logger.child({ role: 'worker' }));
}
