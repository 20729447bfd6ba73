import type { Lander, LanderInput } from '../../../domain/lander.js';
import type { EntityTable } from '../entity-table.js';
import { metaFromRow } from '../entity-table.js';

export const landersTable: EntityTable<'landers', LanderInput, Lander> = {
  name: 'landers',
  toColumns: (input) => ({
    name: input.name,
    url: input.url,
    offer_count: input.offerCount,
    settings: JSON.stringify({ notes: input.notes }),
  }),
  fromRow: (row) => ({
    ...metaFromRow(row),
    name: row.name,
    url: row.url,
    offerCount: Number(row.offer_count),
    notes: JSON.parse(row.settings).notes,
  }) as Lander,
  filters: {},
  uniqueFields: {},
};
