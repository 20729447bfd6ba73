import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

/**
 * Opens a SQLite file the way every Waypost component uses it: WAL so readers never block the
 * writer, NORMAL sync (a killed process loses nothing committed; only a power cut can lose the last
 * transactions), a busy timeout so the api, edge and worker share the file without SQLITE_BUSY.
 */
export function openSqlite(file: string): BetterSqlite3.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  return db;
}
