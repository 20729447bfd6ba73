import type { Kysely } from 'kysely';
import type { CurrencyRateRepository } from '../entity-store.js';
import type { Database } from './database.js';

export function createCurrencyRateRepository(db: Kysely<Database>): CurrencyRateRepository {
  return {
    async all() {
      const rows = await db.selectFrom('currency_rates').selectAll().execute();
      return new Map(rows.map((row) => [row.currency, Number(row.rate_micros)]));
    },
    async set(currency, rate) {
      const updated_at = new Date().toISOString();
      await db
        .insertInto('currency_rates')
        .values({ currency, rate_micros: rate, updated_at })
        .onConflict((oc) => oc.column('currency').doUpdateSet({ rate_micros: rate, updated_at }))
        .execute();
    },
    async list() {
      const rows = await db.selectFrom('currency_rates').selectAll().orderBy('currency').execute();
      return rows.map((row) => ({ currency: row.currency, rate: Number(row.rate_micros), updatedAt: row.updated_at }));
    },
    async delete(currency) {
      const result = await db.deleteFrom('currency_rates').where('currency', '=', currency).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
