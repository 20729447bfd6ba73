import { sql, type Kysely } from 'kysely';

/**
 * The postback log's click lookup without an index insert per accepted postback at a random place.
 * A row that names a conversion belongs to that conversion's click, so it is found through the
 * conversion (conversion ids only grow: those inserts append); only rows without a conversion
 * (rejected postbacks) keep a click index of their own.
 */
export function postbackLogByConversionMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropIndex('postback_log_click').execute();
      await sql`create index postback_log_click on postback_log (click_id, id) where conversion_id is null`.execute(db);
      await sql`create index postback_log_conversion on postback_log (conversion_id, id) where conversion_id is not null`.execute(db);
    },
  };
}
