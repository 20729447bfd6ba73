import type { Kysely } from 'kysely';

/** Conversions in (updated_at, id) order, so the report fact copy finds what changed without a scan. */
export function conversionChangesMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createIndex('conversions_updated').on('conversions').columns(['updated_at', 'id']).execute();
    },
  };
}
