import { OFFER_CAP_DEFAULTS, OFFER_SETTING_DEFAULTS, type Offer, type OfferInput } from '../../../domain/offer.js';
import type { EntityTable } from '../entity-table.js';
import { metaFromRow } from '../entity-table.js';

const SETTING_FIELDS = Object.keys(OFFER_SETTING_DEFAULTS) as (keyof typeof OFFER_SETTING_DEFAULTS)[];

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
    settings: JSON.stringify({
      caps: input.caps,
      countries: input.countries,
      notes: input.notes,
      ...Object.fromEntries(SETTING_FIELDS.map((field) => [field, input[field]])),
    }),
  }),
  fromRow: (row) => {
    const settings = JSON.parse(row.settings);
    return {
      ...metaFromRow(row),
      ...OFFER_SETTING_DEFAULTS,
      ...Object.fromEntries(SETTING_FIELDS.filter((field) => field in settings).map((field) => [field, settings[field]])),
      name: row.name,
      offerSourceId: Number(row.offer_source_id),
      url: row.url,
      payoutType: row.payout_type,
      payout: Number(row.payout_micros),
      currency: row.currency,
      caps: { ...OFFER_CAP_DEFAULTS, ...settings.caps },
      countries: settings.countries,
      externalId: row.external_id,
      notes: settings.notes,
      integrationId: row.integration_id === null || row.integration_id === undefined ? null : Number(row.integration_id),
    } as Offer;
  },
  filters: { offerSourceId: 'offer_source_id', integrationId: 'integration_id' },
  uniqueFields: { external_id: 'externalId' },
};
