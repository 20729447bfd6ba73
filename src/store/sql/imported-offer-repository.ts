import type { Kysely } from 'kysely';
import type { ImportedOfferRepository } from '../entity-store.js';
import type { Database } from './database.js';
import { offersTable } from './tables/offers.js';

/** An import's reads and its one write transaction over the offers table. */
export function createImportedOfferRepository(db: Kysely<Database>, onWrite: (trx: Kysely<any>) => Promise<void>): ImportedOfferRepository {
  return {
    async candidates(integrationId, offerSourceId) {
      const rows = await db
        .selectFrom('offers')
        .selectAll()
        .where((eb) => eb.or([eb('integration_id', '=', integrationId), eb.and([eb('offer_source_id', '=', offerSourceId), eb('external_id', 'is not', null)])]))
        .orderBy('id')
        .execute();
      return rows.map((row) => offersTable.fromRow(row));
    },

    async apply(integrationId, changes) {
      if (changes.create.length === 0 && changes.update.length === 0) return;
      const now = new Date().toISOString();
      await db.transaction().execute(async (trx) => {
        // Deleted while its import ran: writing would link offers to nothing.
        const integration = await trx.selectFrom('integrations').select('id').where('id', '=', integrationId).executeTakeFirst();
        if (!integration) throw new Error(`integration ${integrationId} was deleted while its import ran; no offer was written`);
        for (const input of changes.create) {
          await trx
            .insertInto('offers')
            .values({ ...offersTable.toColumns(input), status: input.status, created_at: now, updated_at: now, archived_at: null, integration_id: integrationId })
            .execute();
        }
        for (const { id, input } of changes.update) {
          await trx
            .updateTable('offers')
            .set({ ...offersTable.toColumns(input), status: input.status, updated_at: now, integration_id: integrationId })
            .where('id', '=', id)
            .where('status', '!=', 'archived')
            .execute();
        }
        await onWrite(trx as Kysely<any>);
      });
    },
  };
}
