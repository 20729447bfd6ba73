import type { OfferSource, OfferSourceInput } from '../../../domain/offer-source.js';
import type { EntityTable } from '../entity-table.js';
import { metaFromRow } from '../entity-table.js';

export const offerSourcesTable: EntityTable<'offer_sources', OfferSourceInput, OfferSource> = {
  name: 'offer_sources',
  toColumns: (input) => ({
    name: input.name,
    template_key: input.templateKey,
    default_status: input.defaultStatus,
    duplicate_mode: input.duplicateMode,
    currency: input.currency,
    settings: JSON.stringify({
      postbackMacros: input.postbackMacros,
      statusMapping: input.statusMapping,
      additionalParameters: input.additionalParameters,
      postbackToken: input.postbackToken,
      ipAllowlist: input.ipAllowlist,
    }),
  }),
  fromRow: (row) => {
    const settings = JSON.parse(row.settings);
    return {
      ...metaFromRow(row),
      name: row.name,
      templateKey: row.template_key,
      postbackMacros: settings.postbackMacros,
      statusMapping: settings.statusMapping,
      defaultStatus: row.default_status,
      duplicateMode: row.duplicate_mode,
      additionalParameters: settings.additionalParameters,
      postbackToken: settings.postbackToken,
      ipAllowlist: settings.ipAllowlist,
      currency: row.currency,
    } as OfferSource;
  },
  filters: {},
  uniqueFields: {},
};
