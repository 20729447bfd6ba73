import { sql, type Kysely } from 'kysely';

/**
 * A run's heartbeat: the process running it writes the time every half minute, so a `running` row whose
 * heartbeat has gone stale belongs to a process that died, and the worker can mark it failed.
 */
export function integrationRunHeartbeatMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('integration_runs').addColumn('heartbeat_at', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
      await sql`update integration_runs set heartbeat_at = coalesce(finished_at, started_at)`.execute(db);
      await db.schema.createIndex('integration_runs_state').on('integration_runs').columns(['state', 'heartbeat_at']).execute();
    },
  };
}
