import { sql, type Kysely } from 'kysely';
import type { EntityRepository, ListQuery, Page } from '../entity-store.js';
import { UniqueViolationError } from '../entity-store.js';
import type { EntityTableName } from './database.js';
import type { EntityTable } from './entity-table.js';
import type { SqlDialect } from './sql-dialect.js';

/**
 * CRUD for any entity table, shared by every SQL dialect. The table definition says how the entity
 * maps to columns; this code only knows the common columns (id, name, status, timestamps).
 */
export function createEntityRepository<TName extends EntityTableName, TInput extends { status: string }, TEntity>(
  // The table name is dynamic here, so Kysely's per-table typing is traded for one generic code path;
  // the table definition restores the types at the boundary.
  db: Kysely<any>,
  dialect: SqlDialect,
  table: EntityTable<TName, TInput, TEntity>,
  onWrite: (trx: Kysely<any>) => Promise<void>,
): EntityRepository<TInput, TEntity> {
  const name: string = table.name;
  const fromRow = (row: unknown) => table.fromRow(row as Parameters<typeof table.fromRow>[0]);
  const read = async (executor: Kysely<any>, id: number) => {
    const row = await executor.selectFrom(name).selectAll().where('id', '=', id).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  };

  /** Writes `input` over the entity and bumps the configuration version, inside the caller's transaction. */
  const overwrite = async (trx: Kysely<any>, id: number, input: TInput, now: string) => {
    const result = await trx
      .updateTable(name)
      .set({ ...table.toColumns(input), status: input.status, updated_at: now })
      .where('id', '=', id)
      .where('status', '!=', 'archived')
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return undefined;
    await onWrite(trx);
    return read(trx, id);
  };

  const translateUniqueViolation = (error: unknown): never => {
    const column = dialect.uniqueViolationColumn(error);
    if (column) throw new UniqueViolationError(table.uniqueFields[column] ?? column);
    throw error;
  };

  return {
    async list(query: ListQuery): Promise<Page<TEntity>> {
      let select = db.selectFrom(name);
      const statuses = query.statuses ?? ['active', 'paused'];
      select = select.where('status', 'in', statuses);
      if (query.search) {
        select = select.where(sql`lower(name)`, 'like', `%${query.search.toLowerCase().replace(/[%_\\]/g, '\\$&')}%`);
      }
      for (const [field, value] of Object.entries(query.where ?? {})) {
        const column = table.filters[field];
        if (column) select = select.where(column, '=', value);
      }
      const [rows, count] = await Promise.all([
        select.selectAll().orderBy('id', 'desc').limit(query.limit).offset(query.offset).execute(),
        select.select((eb) => eb.fn.countAll().as('total')).executeTakeFirstOrThrow(),
      ]);
      return { items: rows.map((row) => fromRow(row)), total: Number(count.total) };
    },

    get: (id) => read(db, id),

    async all() {
      const rows = await db.selectFrom(name).selectAll().orderBy('id').execute();
      return rows.map((row) => fromRow(row));
    },

    async existing(ids) {
      if (ids.length === 0) return new Set();
      const rows = await db
        .selectFrom(name)
        .select('id')
        .where('id', 'in', [...new Set(ids)])
        .where('status', '!=', 'archived')
        .execute();
      return new Set(rows.map((row) => Number(row.id)));
    },

    async create(input) {
      const now = new Date().toISOString();
      try {
        return await db.transaction().execute(async (trx) => {
          const inserted = await trx
            .insertInto(name)
            .values({ ...table.toColumns(input), status: input.status, created_at: now, updated_at: now, archived_at: null })
            .returning('id')
            .executeTakeFirstOrThrow();
          await onWrite(trx);
          return (await read(trx, Number(inserted.id)))!;
        });
      } catch (error) {
        return translateUniqueViolation(error);
      }
    },

    async update(id, input) {
      const now = new Date().toISOString();
      try {
        return await db.transaction().execute((trx) => overwrite(trx, id, input, now));
      } catch (error) {
        return translateUniqueViolation(error);
      }
    },

    async modify(id, change) {
      const now = new Date().toISOString();
      try {
        return await db.transaction().execute(async (trx) => {
          // A write first: it takes SQLite's write lock (PostgreSQL's row lock) before the read, so the
          // row read is the latest and stays so until this commits. A read first would let another
          // connection commit in between, and SQLite then refuses this transaction's write outright.
          const touched = await trx.updateTable(name).set({ id: sql`id` }).where('id', '=', id).executeTakeFirst();
          if (Number(touched.numUpdatedRows) === 0) return undefined;
          const current = (await read(trx, id))!;
          const input = change(current);
          if (input === undefined) return { entity: current, changed: false };
          // An archived entity is never written (as by update), whatever `change` answered.
          const written = await overwrite(trx, id, input, now);
          return written ? { entity: written, changed: true } : { entity: current, changed: false };
        });
      } catch (error) {
        return translateUniqueViolation(error);
      }
    },

    async archive(id) {
      const now = new Date().toISOString();
      return db.transaction().execute(async (trx) => {
        await trx
          .updateTable(name)
          .set({ status: 'archived', archived_at: now, updated_at: now })
          .where('id', '=', id)
          .where('status', '!=', 'archived')
          .execute();
        await onWrite(trx);
        return read(trx, id);
      });
    },
  };
}
