import type { Insertable, Selectable } from 'kysely';
import type { Database, EntityTableName } from './database.js';
import type { EntityMeta, EntityStatus } from '../../domain/entity.js';

/**
 * How one entity maps onto its table: which columns its input fills, how a row reads back, which
 * reference columns can filter a list, and which API field a unique column stands for.
 */
export interface EntityTable<TName extends EntityTableName, TInput extends { status: string }, TEntity> {
  name: TName;
  /** Insertable: columns written by other paths (an offer's integration link) may be left out. */
  toColumns(input: TInput): Omit<Insertable<Database[TName]>, keyof EntityRowMeta>;
  fromRow(row: Selectable<Database[TName]>): TEntity;
  filters: Record<string, string>;
  uniqueFields: Record<string, string>;
}

interface EntityRowMeta {
  id: number;
  status: string;
  created_at: string;
  updated_at: string;
  archived_at: string | null;
}

export function metaFromRow(row: EntityRowMeta): EntityMeta {
  return {
    id: Number(row.id),
    status: row.status as EntityStatus,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    archivedAt: row.archived_at,
  };
}
