import { sql, type Kysely, type Migration } from 'kysely';

/**
 * How much of each click spool segment (click-spool.ts) is stored: moved in the same transaction as
 * the rows it stores, so a segment is read on from there after a crash and no line is stored twice.
 */
export const clickSpoolMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`create table spool_segments (name text primary key, bytes integer not null) without rowid`.execute(db);
  },
};
