import type { Kysely } from 'kysely';
import type { SqlDialect } from '../sql-dialect.js';

const SUB_COLUMNS = Array.from({ length: 20 }, (_, i) => `sub${i + 1}`);

/**
 * Conversions, with the click's dimensions copied in at attribution so reports never join at read
 * time, and the inbound postback log. `dedupe_key` carries the duplicate mode's uniqueness rule, so
 * concurrent duplicates are settled by the database, not by a check-then-insert race.
 */
export function conversionsMigration(dialect: SqlDialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      let conversions = dialect
        .idColumn(db.schema.createTable('conversions'))
        .addColumn('click_id', 'text', (c) => c.notNull())
        .addColumn('converted_at', 'bigint', (c) => c.notNull())
        .addColumn('click_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('type', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('payout_micros', 'bigint', (c) => c.notNull())
        .addColumn('original_payout_micros', 'bigint', (c) => c.notNull())
        .addColumn('original_currency', 'text', (c) => c.notNull())
        .addColumn('event_id', 'text')
        .addColumn('duplicate_status', 'text', (c) => c.notNull())
        .addColumn('dedupe_key', 'text', (c) => c.unique())
        .addColumn('origin', 'text', (c) => c.notNull())
        .addColumn('postback_count', 'integer', (c) => c.notNull())
        .addColumn('campaign_id', 'integer', (c) => c.notNull())
        .addColumn('traffic_channel_id', 'integer', (c) => c.notNull())
        .addColumn('offer_source_id', 'integer')
        .addColumn('offer_id', 'integer')
        .addColumn('lander_id', 'integer')
        .addColumn('rule_index', 'integer', (c) => c.notNull())
        .addColumn('path_index', 'integer', (c) => c.notNull())
        .addColumn('ref_id', 'text', (c) => c.notNull());
      for (const sub of SUB_COLUMNS) conversions = conversions.addColumn(sub, 'text', (c) => c.notNull());
      await conversions
        .addColumn('country', 'text', (c) => c.notNull())
        .addColumn('region', 'text', (c) => c.notNull())
        .addColumn('city', 'text', (c) => c.notNull())
        .addColumn('isp', 'text', (c) => c.notNull())
        .addColumn('device_type', 'text', (c) => c.notNull())
        .addColumn('os', 'text', (c) => c.notNull())
        .addColumn('browser', 'text', (c) => c.notNull())
        .addColumn('is_bot', 'integer', (c) => c.notNull())
        .addColumn('params', 'text', (c) => c.notNull())
        .addColumn('personal_data', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('conversions_click').on('conversions').columns(['click_id', 'type']).execute();
      await db.schema.createIndex('conversions_time').on('conversions').column('converted_at').execute();
      await db.schema.createIndex('conversions_campaign_time').on('conversions').columns(['campaign_id', 'converted_at']).execute();

      await dialect
        .idColumn(db.schema.createTable('postback_log'))
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('source_ip', 'text', (c) => c.notNull())
        .addColumn('query', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('click_id', 'text')
        .addColumn('offer_source_id', 'integer')
        .addColumn('conversion_id', 'integer')
        .execute();
      await db.schema.createIndex('postback_log_time').on('postback_log').column('received_at').execute();

      await db.schema
        .createTable('currency_rates')
        .addColumn('currency', 'text', (c) => c.primaryKey())
        .addColumn('rate_micros', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
