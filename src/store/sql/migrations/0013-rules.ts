import type { Kysely } from 'kysely';
import type { SqlDialect } from '../sql-dialect.js';

/**
 * Automated rules and their log. A rule is an entity (archived, never deleted, because its log refers
 * to it) with its definition as JSON, plus what the worker keeps on it: when it was last evaluated and
 * the lease that stops two workers from evaluating it at once. A log row is one evaluation.
 */
export function rulesMigration(dialect: SqlDialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await dialect
        .idColumn(db.schema.createTable('rules'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('archived_at', 'text')
        .addColumn('traffic_channel_id', 'integer', (c) => c.notNull().references('traffic_channels.id'))
        .addColumn('settings', 'text', (c) => c.notNull())
        .addColumn('last_evaluated_at', 'bigint')
        .addColumn('lease_token', 'text')
        .addColumn('lease_until', 'bigint')
        .execute();
      await db.schema.createIndex('rules_traffic_channel').on('rules').column('traffic_channel_id').execute();

      await dialect
        .idColumn(db.schema.createTable('rule_runs'))
        .addColumn('rule_id', 'integer', (c) => c.notNull().references('rules.id'))
        .addColumn('trigger', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('window_from', 'bigint')
        .addColumn('window_to', 'bigint')
        .addColumn('checked', 'integer', (c) => c.notNull())
        .addColumn('matched', 'integer', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('error', 'text')
        .addColumn('objects', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('rule_runs_rule').on('rule_runs').columns(['rule_id', 'id']).execute();
    },
  };
}
