import { Kysely, SqliteDialect } from 'kysely';
import type { EntityStore } from '../entity-store.js';
import type { Database } from '../sql/database.js';
import { createSqlEntityStore } from '../sql/sql-entity-store.js';
import { openSqlite } from './open-sqlite.js';
import { withStatementCache } from './statement-cache.js';
import { sqliteDialect } from './sqlite-dialect.js';

/** The embedded-mode EntityStore: one SQLite file. */
export function createSqliteEntityStore(file: string): EntityStore {
  const database = openSqlite(file);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  return createSqlEntityStore(db, sqliteDialect, () => db.destroy());
}
