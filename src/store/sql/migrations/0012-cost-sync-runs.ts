import type { Kysely } from 'kysely';

/** A run of a channel's cost sync counts the campaign days whose cost it wrote. */
export function costSyncRunsMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('integration_runs').addColumn('costs_synced', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    },
  };
}
