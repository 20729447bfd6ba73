import type { SqlDialect } from '../sql/sql-dialect.js';

export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  idColumn: (table) => table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement()),
  // PRAGMA optimize refreshes planner statistics; the checkpoint keeps the WAL file from growing.
  maintenanceStatements: ['PRAGMA optimize', 'PRAGMA wal_checkpoint(TRUNCATE)'],
  uniqueViolationColumn(error) {
    // better-sqlite3: code SQLITE_CONSTRAINT_UNIQUE, message "UNIQUE constraint failed: table.column[, table.column]".
    if (!(error instanceof Error) || (error as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE') return undefined;
    const match = /UNIQUE constraint failed: \w+\.(\w+)/.exec(error.message);
    return match?.[1] ?? 'id';
  },
};
