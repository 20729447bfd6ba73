import { z } from 'zod';
import { httpUrlSchema, timeZoneSchema } from '../../domain/entity.js';

/**
 * The sub-id parameters of a CAKE tracking link (`&s1=…&s2=…`) and the conversion report field each
 * comes back in. The one the user fills with `{clickid}` names the click on a pulled conversion.
 */
export const CAKE_SUB_FIELDS = { s1: 'subid_1', s2: 'subid_2', s3: 'subid_3', s4: 'subid_4', s5: 'subid_5' } as const;
export type CakeSubField = keyof typeof CAKE_SUB_FIELDS;

export const cakeSettingsSchema = z.object({
  /** The network's CAKE domain (`https://affiliates.network.example`); every CAKE network has its own. */
  baseUrl: httpUrlSchema,
  /** The affiliate's id, shown beside the API key in the portal's "Reporting API" panel. */
  affiliateId: z.string().trim().regex(/^\d+$/, 'must be the numeric affiliate id CAKE shows'),
  apiKey: z.string().trim().min(1),
  /**
   * Where the affiliate's tracking links point (`https://trk.network.example`), when the feed sends
   * no link of its own: links are then built as `{trackingBaseUrl}/?a={affiliateId}&c={campaign_id}`.
   * Defaults to the API domain.
   */
  trackingBaseUrl: httpUrlSchema.nullable().default(null),
  /** Where the click id travels in the tracking link; the offer-source template uses `s2`. */
  clickIdField: z.enum(Object.keys(CAKE_SUB_FIELDS) as [CakeSubField, ...CakeSubField[]]).default('s2'),
  /** The network's time zone: CAKE reads `start_date`/`end_date` and writes `conversion_date` in it, without an offset. */
  timeZone: timeZoneSchema.default('UTC'),
  /** `row_limit` per call; 0 would mean "everything at once" to CAKE, so it is never sent. */
  pageSize: z.number().int().min(1).max(10_000).default(500),
});
export type CakeSettingsInput = z.input<typeof cakeSettingsSchema>;
export type CakeSettings = z.output<typeof cakeSettingsSchema>;
