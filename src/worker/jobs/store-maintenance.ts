import type { EntityStore } from '../../store/entity-store.js';

/** Keeps the database healthy: query-planner statistics and write-ahead-log size (SQLite). */
export async function runStoreMaintenance(store: EntityStore): Promise<void> {
  await store.maintain();
}
