import type { CreateTableBuilder } from 'kysely';

/** The few things that differ between the SQL databases the shared entity-store code runs on. */
export interface SqlDialect {
  name: 'sqlite' | 'postgres';
  /** Adds an auto-generated integer primary key named `id`. */
  idColumn<T extends string>(table: CreateTableBuilder<T, never>): CreateTableBuilder<T, 'id'>;
  /** Statements that keep the database healthy, run by the worker's maintenance job. */
  maintenanceStatements: string[];
  /** The column of a unique-constraint violation, or undefined when `error` is something else. */
  uniqueViolationColumn(error: unknown): string | undefined;
}
