import type { Kysely } from 'kysely';
import type { SqlDialect } from '../sql-dialect.js';

/**
 * The outbox of outgoing HTTP calls (channel postbacks first): one row per call to make, sent by the
 * worker with retries, and one row per attempt with its status and latency. A row in flight keeps
 * state `pending` with `next_attempt_at` pushed past its lease and a `claim_token`, so a crashed
 * worker's rows come due again and two workers never send the same row at once.
 */
export function outboxMigration(dialect: SqlDialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await dialect
        .idColumn(db.schema.createTable('outbox'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('conversion_id', 'integer')
        .addColumn('campaign_id', 'integer')
        .addColumn('traffic_channel_id', 'integer')
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'bigint')
        .addColumn('last_error', 'text')
        .addColumn('claim_token', 'text')
        .addColumn('dedupe_key', 'text', (c) => c.unique())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('outbox_due').on('outbox').columns(['state', 'next_attempt_at']).execute();
      await db.schema.createIndex('outbox_campaign').on('outbox').columns(['campaign_id', 'id']).execute();
      await db.schema.createIndex('outbox_conversion').on('outbox').column('conversion_id').execute();

      await dialect
        .idColumn(db.schema.createTable('outbox_attempts'))
        .addColumn('outbox_id', 'integer', (c) => c.notNull().references('outbox.id'))
        .addColumn('attempted_at', 'bigint', (c) => c.notNull())
        .addColumn('status_code', 'integer')
        .addColumn('latency_ms', 'integer', (c) => c.notNull())
        .addColumn('error', 'text')
        .execute();
      await db.schema.createIndex('outbox_attempts_outbox').on('outbox_attempts').columns(['outbox_id', 'id']).execute();
    },
  };
}
