import type { Kysely } from 'kysely';
import type { SqlDialect } from '../sql-dialect.js';

/**
 * Integrations (a partner account with its settings and sealed credentials) and their run log. A run
 * row is written while the run goes, so its counts show progress; it goes with its integration.
 */
export function integrationsMigration(dialect: SqlDialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await dialect
        .idColumn(db.schema.createTable('integrations'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('partner', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('offer_source_id', 'integer', (c) => c.references('offer_sources.id'))
        .addColumn('settings', 'text', (c) => c.notNull())
        .addColumn('credentials', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('last_error_at', 'bigint')
        .addColumn('checked_at', 'bigint')
        .addColumn('check_ok', 'integer')
        .addColumn('check_message', 'text')
        .addColumn('connected_at', 'bigint')
        .addColumn('offers_visible', 'integer')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('integrations_offer_source').on('integrations').column('offer_source_id').execute();

      await dialect
        .idColumn(db.schema.createTable('integration_runs'))
        .addColumn('integration_id', 'integer', (c) => c.notNull().references('integrations.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('trigger', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('finished_at', 'bigint')
        .addColumn('offers_fetched', 'integer', (c) => c.notNull())
        .addColumn('offers_created', 'integer', (c) => c.notNull())
        .addColumn('offers_updated', 'integer', (c) => c.notNull())
        .addColumn('offers_skipped', 'integer', (c) => c.notNull())
        .addColumn('conversions_pulled', 'integer', (c) => c.notNull())
        .addColumn('errors', 'text', (c) => c.notNull())
        .addColumn('skips', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('integration_runs_integration').on('integration_runs').columns(['integration_id', 'started_at', 'id']).execute();
    },
  };
}
