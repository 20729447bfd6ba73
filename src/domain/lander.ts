import { z } from 'zod';
import { httpUrlSchema, nameSchema, settableStatusSchema, type EntityMeta } from './entity.js';

/** A lander (pre-sell page); it links to `/lp/click/{n}` for each of its `offerCount` offers. */
export const landerInputSchema = z.object({
  name: nameSchema,
  url: httpUrlSchema,
  offerCount: z.number().int().min(1).max(20).default(1),
  notes: z.string().max(5000).default(''),
  status: settableStatusSchema.default('active'),
});
export type LanderInput = z.output<typeof landerInputSchema>;
export type Lander = Omit<LanderInput, 'status'> & EntityMeta;
