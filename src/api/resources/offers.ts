import { z } from 'zod';
import { formatMoney } from '../../domain/money.js';
import { offerInputSchema, type Offer, type OfferInput } from '../../domain/offer.js';
import { ApiError } from '../api-error.js';
import { defineResource } from '../resource.js';
import { entityMetaShape, optionalId } from './entity-meta-schema.js';

export const offerResponseSchema = offerInputSchema
  .extend({ ...entityMetaShape, payout: z.number() })
  .meta({ id: 'Offer' });

export const offersResource = defineResource<OfferInput, Offer>({
  path: 'offers',
  noun: 'offer',
  inputSchema: offerInputSchema,
  responseSchema: offerResponseSchema,
  repository: (store) => store.offers,
  listFilters: { offerSourceId: optionalId },
  async checkReferences(offer, store) {
    const found = await store.offerSources.existing([offer.offerSourceId]);
    if (!found.has(offer.offerSourceId)) {
      throw new ApiError('validation_error', `offer source ${offer.offerSourceId} does not exist or is archived`, 'offerSourceId');
    }
  },
  present: (offer) => ({ ...offer, payout: formatMoney(offer.payout) }),
});
