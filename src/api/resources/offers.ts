import { z } from 'zod';
import { formatMoney } from '../../domain/money.js';
import { offerInputSchema, type Offer, type OfferInput } from '../../domain/offer.js';
import { ApiError } from '../api-error.js';
import { defineResource } from '../resource.js';
import { entityMetaShape, optionalId } from './entity-meta-schema.js';

export const offerResponseSchema = offerInputSchema
  .extend({
    ...entityMetaShape,
    payout: z.number(),
    publisherPayout: z.number().nullable(),
    publisherPayouts: z.array(z.object({ publisher: z.string(), payout: z.number() })),
    integrationId: z.number().int().nullable().describe('the integration that imported the offer and refreshes it; null when made by hand or its integration was deleted'),
  })
  .meta({ id: 'Offer' });

export const offersResource = defineResource<OfferInput, Offer>({
  path: 'offers',
  noun: 'offer',
  inputSchema: offerInputSchema,
  responseSchema: offerResponseSchema,
  repository: (store) => store.offers,
  listFilters: { offerSourceId: optionalId, integrationId: optionalId },
  async checkReferences(offer, store) {
    const found = await store.offerSources.existing([offer.offerSourceId]);
    if (!found.has(offer.offerSourceId)) {
      throw new ApiError('validation_error', `offer source ${offer.offerSourceId} does not exist or is archived`, 'offerSourceId');
    }
  },
  present: (offer) => ({
    ...offer,
    payout: formatMoney(offer.payout),
    publisherPayout: offer.publisherPayout === null ? null : formatMoney(offer.publisherPayout),
    publisherPayouts: offer.publisherPayouts.map((entry) => ({ publisher: entry.publisher, payout: formatMoney(entry.payout) })),
  }),
});
