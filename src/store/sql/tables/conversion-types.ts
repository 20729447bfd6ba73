import type { ConversionType, ConversionTypeInput } from '../../../domain/conversion-type.js';
import type { EntityTable } from '../entity-table.js';
import { metaFromRow } from '../entity-table.js';

export const conversionTypesTable: EntityTable<'conversion_types', ConversionTypeInput, ConversionType> = {
  name: 'conversion_types',
  toColumns: (input) => ({
    name: input.name,
    duplicate_mode: input.duplicateMode,
    show_in_journey: input.showInJourney ? 1 : 0,
    send_to_channel: input.sendToChannel ? 1 : 0,
  }),
  fromRow: (row) => ({
    ...metaFromRow(row),
    name: row.name,
    duplicateMode: row.duplicate_mode,
    showInJourney: Number(row.show_in_journey) === 1,
    sendToChannel: Number(row.send_to_channel) === 1,
  }) as ConversionType,
  filters: {},
  uniqueFields: { name: 'name' },
};
