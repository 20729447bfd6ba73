import type { Kysely } from 'kysely';
import type { SqlDialect } from '../sql-dialect.js';

/**
 * Conversions pulled from partners' reporting APIs (seed 004's TUNE pull), one row per integration and
 * partner id: what the partner said last, the click id candidates it sent, and either the conversion
 * it became (or was linked to) or why it matched no click yet. A later pull finds its row by that key,
 * so it updates the conversion instead of making another. The rows go with their integration; the
 * conversions stay.
 */
export function pulledConversionsMigration(dialect: SqlDialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await dialect
        .idColumn(db.schema.createTable('pulled_conversions'))
        .addColumn('integration_id', 'integer', (c) => c.notNull().references('integrations.id').onDelete('cascade'))
        .addColumn('external_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('partner_status', 'text')
        .addColumn('payout_micros', 'bigint', (c) => c.notNull())
        .addColumn('currency', 'text')
        .addColumn('converted_at', 'bigint', (c) => c.notNull())
        .addColumn('offer_external_id', 'text')
        .addColumn('transaction_id', 'text')
        .addColumn('click_id_candidates', 'text', (c) => c.notNull())
        .addColumn('click_id', 'text')
        .addColumn('conversion_id', 'integer')
        .addColumn('unmatched_reason', 'text')
        .addColumn('first_seen_at', 'bigint', (c) => c.notNull())
        .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('pulled_conversions_integration_external_id', ['integration_id', 'external_id'])
        .execute();
      // The list (matched or not, newest first) and the postback's look-up of a pulled twin.
      await db.schema.createIndex('pulled_conversions_integration_matched').on('pulled_conversions').columns(['integration_id', 'conversion_id', 'id']).execute();
      await db.schema.createIndex('pulled_conversions_conversion').on('pulled_conversions').column('conversion_id').execute();
    },
  };
}
