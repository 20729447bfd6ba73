import { sql, type Kysely } from 'kysely';

/**
 * Changes to conversions are found through `changed_at`, set only when a stored conversion changes
 * (a duplicate postback editing it, a status or payout update), with a partial index over the changed
 * rows alone. The (updated_at, id) index it replaces took an entry for every new conversion, a sixth
 * b-tree written by each postback, although the fact copy finds new conversions by id.
 */
export function conversionChangeIndexMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('conversions').addColumn('changed_at', 'bigint').execute();
      // A conversion whose updated_at moved past its conversion time has changed since it was stored.
      await sql`update conversions set changed_at = updated_at where updated_at <> converted_at`.execute(db);
      await db.schema.dropIndex('conversions_updated').execute();
      await db.schema
        .createIndex('conversions_changed')
        .on('conversions')
        .columns(['changed_at', 'id'])
        .where(sql.ref('changed_at'), 'is not', null)
        .execute();
    },
  };
}
