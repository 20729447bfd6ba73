import { z } from 'zod';
import { costModelSchema } from './cost-model.js';
import { currencySchema } from './money.js';
import { nameSchema, settableStatusSchema, type EntityMeta } from './entity.js';
import { CONVERSION_STATUSES } from './conversion-status.js';

/**
 * A traffic channel: where the traffic is bought. Its parameters say which query parameters of the
 * campaign click URL carry which of the channel's macros (`ref_id={clickid}` for the channel's own
 * click id, `sub1={zoneid}`, `cost={cost}`), so the click URL can be built and read back.
 */

// Waypost's own names for what a channel passes; other names are kept as custom channel parameters.
const PARAMETER_KEY = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

export const channelParameterSchema = z.object({
  key: z.string().regex(PARAMETER_KEY, 'must be a query parameter name such as ref_id, sub1 or zone'),
  macro: z.string().trim().min(1).max(200),
  label: z.string().trim().max(100).optional(),
});
export type ChannelParameter = z.infer<typeof channelParameterSchema>;

/** Conversion type names (case-sensitive); null is the plain conversion sent without `type`. */
export const postbackTypesSchema = z.array(z.string().min(1).max(100).nullable()).max(100);

export const trafficChannelInputSchema = z.object({
  name: nameSchema,
  templateKey: z.string().max(64).nullable().default(null),
  parameters: z
    .array(channelParameterSchema)
    .max(40)
    .default([])
    .superRefine((parameters, ctx) => {
      const seen = new Set<string>();
      parameters.forEach((parameter, index) => {
        if (seen.has(parameter.key)) {
          ctx.addIssue({ code: 'custom', path: [index, 'key'], message: `parameter "${parameter.key}" is listed twice` });
        }
        seen.add(parameter.key);
      });
    }),
  costModel: costModelSchema.default('cpc'),
  currency: currencySchema.default('USD'),
  postbackUrl: z.string().trim().max(4096).nullable().default(null),
  postbackStatuses: z.array(z.enum(CONVERSION_STATUSES)).default(['approved']),
  postbackPayoutPercent: z.number().min(0).max(1000).default(100),
  /** Conversion types sent to the channel; empty: every type marked sendToChannel, and the plain conversion. */
  postbackTypes: postbackTypesSchema
    .default([])
    .describe('conversion type names sent to the channel; null stands for the plain conversion without type; empty sends every type whose sendToChannel is on, and the plain conversion'),
  status: settableStatusSchema.default('active'),
});
export type TrafficChannelInput = z.output<typeof trafficChannelInputSchema>;
export type TrafficChannel = Omit<TrafficChannelInput, 'status'> & EntityMeta;
