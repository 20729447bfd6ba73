import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/**
 * The database as Kysely's SQLite dialect sees it, with prepared statements kept by SQL text. Kysely
 * prepares every query anew; a 50-column insert costs more to prepare than to run, and a few hundred
 * statements serve every request. Queries with variable-length `in (…)` lists make new texts, so the
 * cache starts over when it grows past `limit`.
 */
export function withStatementCache(database: BetterSqlite3.Database, limit = 1000): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => database.close(),
    prepare(sql) {
      let statement = statements.get(sql);
      if (!statement) {
        if (statements.size >= limit) statements.clear();
        statements.set(sql, (statement = database.prepare(sql)));
      }
      return statement;
    },
  };
}
