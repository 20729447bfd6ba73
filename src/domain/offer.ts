import { z } from 'zod';
import { httpUrlSchema, nameSchema, settableStatusSchema, timeZoneSchema, type EntityMeta } from './entity.js';
import { currencySchema, nonNegativeMoneySchema } from './money.js';

/** An offer: what the visitor is finally sent to; its URL carries `{clickid}` for the network. */
export const offerInputSchema = z.object({
  name: nameSchema,
  offerSourceId: z.number().int().positive(),
  url: httpUrlSchema,
  /** `fixed` uses `payout`; `auto` takes the sum the postback sends. */
  payoutType: z.enum(['fixed', 'auto']).default('auto'),
  payout: nonNegativeMoneySchema.default(0),
  currency: currencySchema.default('USD'),
  /** When a cap is reached the offer is skipped by every funnel until the day (or for good, total) is over. */
  caps: z
    .object({
      unit: z.enum(['conversions', 'clicks']).default('conversions'),
      daily: z.number().int().positive().nullable().default(null),
      total: z.number().int().positive().nullable().default(null),
      timeZone: timeZoneSchema.default('UTC'),
    })
    .default({ unit: 'conversions', daily: null, total: null, timeZone: 'UTC' }),
  countries: z.array(z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 code such as DE')).default([]),
  externalId: z.string().max(200).nullable().default(null),
  notes: z.string().max(5000).default(''),
  status: settableStatusSchema.default('active'),
});
export type OfferInput = z.output<typeof offerInputSchema>;
export type Offer = Omit<OfferInput, 'status'> & EntityMeta;
