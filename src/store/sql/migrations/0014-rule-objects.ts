import type { Kysely } from 'kysely';
import type { SqlDialect } from '../sql-dialect.js';

/**
 * What a rule remembers about the objects it acted on. Fire-once marks: the rule's revision (its
 * updatedAt) when it acted, so an edit of the rule lifts them all. Restarts of pause_and_restart:
 * due times in storage, so a restart of the process still resumes what a rule paused.
 */
export function ruleObjectsMigration(dialect: SqlDialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('rule_fired_objects')
        .addColumn('rule_id', 'integer', (c) => c.notNull().references('rules.id'))
        .addColumn('object_key', 'text', (c) => c.notNull())
        .addColumn('rule_revision', 'text', (c) => c.notNull())
        .addColumn('fired_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('rule_fired_objects_pk', ['rule_id', 'object_key'])
        .execute();

      await dialect
        .idColumn(db.schema.createTable('rule_restarts'))
        .addColumn('rule_id', 'integer', (c) => c.notNull().references('rules.id'))
        .addColumn('object_key', 'text', (c) => c.notNull())
        .addColumn('campaign_id', 'integer', (c) => c.notNull())
        .addColumn('placement_dimension', 'text')
        .addColumn('placement_value', 'text')
        .addColumn('due_at', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      // One pending restart per object: a second pause of an already paused object does not add one.
      await db.schema.createIndex('rule_restarts_object').unique().on('rule_restarts').columns(['rule_id', 'object_key']).execute();
      await db.schema.createIndex('rule_restarts_due').on('rule_restarts').column('due_at').execute();
    },
  };
}
