import type { Kysely } from 'kysely';

/** Lookups of the inbound postback log by click and by offer source (the log API's filters). */
export function logIndexesMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createIndex('postback_log_click').on('postback_log').columns(['click_id', 'id']).execute();
      await db.schema.createIndex('postback_log_offer_source').on('postback_log').columns(['offer_source_id', 'id']).execute();
    },
  };
}
