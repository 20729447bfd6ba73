import type { Offer, OfferInput } from '../../../domain/offer.js';
import type { EntityTable } from '../entity-table.js';
import { metaFromRow } from '../entity-table.js';

export const offersTable: EntityTable<'offers', OfferInput, Offer> = {
  name: 'offers',
  toColumns: (input) => ({
    name: input.name,
    offer_source_id: input.offerSourceId,
    url: input.url,
    payout_type: input.payoutType,
    payout_micros: input.payout,
    currency: input.currency,
    external_id: input.externalId,
    settings: JSON.stringify({ caps: input.caps, countries: input.countries, notes: input.notes }),
  }),
  fromRow: (row) => {
    const settings = JSON.parse(row.settings);
    return {
      ...metaFromRow(row),
      name: row.name,
      offerSourceId: Number(row.offer_source_id),
      url: row.url,
      payoutType: row.payout_type,
      payout: Number(row.payout_micros),
      currency: row.currency,
      caps: settings.caps,
      countries: settings.countries,
      externalId: row.external_id,
      notes: settings.notes,
    } as Offer;
  },
  filters: { offerSourceId: 'offer_source_id' },
  uniqueFields: { external_id: 'externalId' },
};
