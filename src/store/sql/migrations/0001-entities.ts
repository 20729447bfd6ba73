import { sql, type Kysely, type CreateTableBuilder } from 'kysely';
import type { SqlDialect } from '../sql-dialect.js';

/** The configuration entities, API keys and the configuration version counter. */
export function entitiesMigration(dialect: SqlDialect) {
  const withEntityColumns = <T extends string>(table: CreateTableBuilder<T, never>) =>
    dialect
      .idColumn(table)
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('archived_at', 'text');

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await withEntityColumns(db.schema.createTable('traffic_channels'))
        .addColumn('template_key', 'text')
        .addColumn('cost_model', 'text', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('postback_url', 'text')
        .addColumn('settings', 'text', (c) => c.notNull())
        .execute();

      await withEntityColumns(db.schema.createTable('offer_sources'))
        .addColumn('template_key', 'text')
        .addColumn('default_status', 'text', (c) => c.notNull())
        .addColumn('duplicate_mode', 'text')
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('settings', 'text', (c) => c.notNull())
        .execute();

      await withEntityColumns(db.schema.createTable('offers'))
        .addColumn('offer_source_id', 'integer', (c) => c.notNull().references('offer_sources.id'))
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('payout_type', 'text', (c) => c.notNull())
        .addColumn('payout_micros', 'bigint', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('external_id', 'text')
        .addColumn('settings', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('offers_offer_source_id').on('offers').column('offer_source_id').execute();
      // An imported offer is matched by its source and the network's id, so re-imports update it.
      await db.schema
        .createIndex('offers_source_external_id')
        .unique()
        .on('offers')
        .columns(['offer_source_id', 'external_id'])
        .execute();

      await withEntityColumns(db.schema.createTable('landers'))
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('offer_count', 'integer', (c) => c.notNull())
        .addColumn('settings', 'text', (c) => c.notNull())
        .execute();

      await withEntityColumns(db.schema.createTable('campaigns'))
        .addColumn('key', 'text', (c) => c.notNull().unique())
        .addColumn('traffic_channel_id', 'integer', (c) => c.notNull().references('traffic_channels.id'))
        .addColumn('cost_model', 'text', (c) => c.notNull())
        .addColumn('cost_value_micros', 'bigint', (c) => c.notNull())
        .addColumn('redirect_mode', 'text', (c) => c.notNull())
        .addColumn('fallback_url', 'text')
        .addColumn('tracking_domain', 'text')
        .addColumn('time_zone', 'text', (c) => c.notNull())
        .addColumn('uniqueness_window_hours', 'integer', (c) => c.notNull())
        .addColumn('funnel', 'text', (c) => c.notNull())
        .addColumn('settings', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('campaigns_traffic_channel_id').on('campaigns').column('traffic_channel_id').execute();

      await withEntityColumns(db.schema.createTable('conversion_types'))
        .addColumn('duplicate_mode', 'text')
        .addColumn('show_in_journey', 'integer', (c) => c.notNull())
        .addColumn('send_to_channel', 'integer', (c) => c.notNull())
        .execute();
      // Case-sensitive in both dialects (SQLite's BINARY collation, PostgreSQL's default).
      await db.schema.createIndex('conversion_types_name').unique().on('conversion_types').column('name').execute();

      await dialect
        .idColumn(db.schema.createTable('api_keys'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('key_hash', 'text', (c) => c.notNull().unique())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_used_at', 'text')
        .addColumn('revoked_at', 'text')
        .execute();

      await db.schema
        .createTable('configuration_version')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('version', 'bigint', (c) => c.notNull())
        .execute();
      await sql`insert into configuration_version (id, version) values (1, 0)`.execute(db);
    },
  };
}
