import type { Rule, RuleInput } from '../../../domain/rule.js';
import type { EntityTable } from '../entity-table.js';
import { metaFromRow } from '../entity-table.js';

/** The definition but its name, status and channel is one JSON column: it is read whole, never queried. */
export const rulesTable: EntityTable<'rules', RuleInput, Rule> = {
  name: 'rules',
  toColumns: ({ name, status: _status, ...definition }) => ({
    name,
    traffic_channel_id: definition.scope.trafficChannelId,
    settings: JSON.stringify(definition),
  }),
  fromRow: (row) => ({
    ...metaFromRow(row),
    name: row.name,
    ...(JSON.parse(row.settings) as Omit<RuleInput, 'name' | 'status'>),
  }),
  filters: { trafficChannelId: 'traffic_channel_id' },
  uniqueFields: {},
};
