import { z } from 'zod';
import { duplicateModeSchema } from './duplicate-mode.js';
import { settableStatusSchema, type EntityMeta } from './entity.js';

/**
 * A conversion type: an event name sent as `type=` in a postback. Names are case-sensitive and sent
 * to the traffic channel exactly as written, so `Lead` and `lead` are two types.
 */
export const conversionTypeInputSchema = z.object({
  name: z
    .string()
    .min(1, 'must not be empty')
    .max(100)
    .regex(/^\S(.*\S)?$/, 'must not start or end with spaces'),
  duplicateMode: duplicateModeSchema.nullable().default(null),
  showInJourney: z.boolean().default(false),
  sendToChannel: z.boolean().default(true),
  status: settableStatusSchema.default('active'),
});
export type ConversionTypeInput = z.output<typeof conversionTypeInputSchema>;
export type ConversionType = Omit<ConversionTypeInput, 'status'> & EntityMeta;
