import type { Kysely } from 'kysely';

/**
 * Links an imported offer to the integration that keeps it up to date. A re-import matches an offer by
 * integration and the partner's id; deleting the integration sets the link to null and keeps the offer.
 */
export function importedOffersMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('offers').addColumn('integration_id', 'integer').execute();
      await db.schema.createIndex('offers_integration_external_id').on('offers').columns(['integration_id', 'external_id']).execute();
    },
  };
}
