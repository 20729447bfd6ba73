import { z } from 'zod';
import { httpUrlSchema, timeZoneSchema } from '../../domain/entity.js';

/**
 * Where seed 004's conversion pull finds our click id when `Stat.ad_id` is not one: the tracking-link
 * parameter the user appends `{clickid}` to, and the report field TUNE returns it in.
 */
export const MESSAGE_ID_FIELDS = {
  aff_sub: 'Stat.affiliate_info1',
  aff_sub2: 'Stat.affiliate_info2',
  aff_sub3: 'Stat.affiliate_info3',
  aff_sub4: 'Stat.affiliate_info4',
  aff_sub5: 'Stat.affiliate_info5',
  source: 'Stat.source',
  affiliate_unique1: 'ConversionsMobile.affiliate_unique1',
  affiliate_unique2: 'ConversionsMobile.affiliate_unique2',
  affiliate_unique3: 'ConversionsMobile.affiliate_unique3',
  affiliate_unique4: 'ConversionsMobile.affiliate_unique4',
  affiliate_unique5: 'ConversionsMobile.affiliate_unique5',
} as const;
export type MessageIdField = keyof typeof MESSAGE_ID_FIELDS;

export const tuneSettingsSchema = z.object({
  /** `affiliate`: the publisher's `api_key`; `network`: the network owner's `NetworkToken` (IP-whitelisted). */
  api: z.enum(['affiliate', 'network']),
  networkId: z.string().trim().regex(/^[a-z0-9-]{1,63}$/i, 'must be the network id from the API host, e.g. acme'),
  apiKey: z.string().trim().min(1),
  /** Defaults to `https://{networkId}.api.hasoffers.com/Apiv3/json`. */
  baseUrl: httpUrlSchema.nullable().default(null),
  /** Network API: whose tracking links to fetch and whose conversions to pull; affiliate API: unused. */
  affiliateId: z.string().trim().regex(/^\d+$/).nullable().default(null),
  /** Affiliate API only: approved offers (default) or every offer the affiliate can see. */
  offerMethod: z.enum(['findMyApprovedOffers', 'findAll']).default('findMyApprovedOffers'),
  messageIdField: z.enum(Object.keys(MESSAGE_ID_FIELDS) as [MessageIdField, ...MessageIdField[]]).default('aff_sub'),
  /** The network's time zone: TUNE reports `Stat.datetime` and filters `Stat.date` in it. */
  timeZone: timeZoneSchema.default('UTC'),
  pageSize: z.number().int().min(1).max(10_000).default(500),
});
export type TuneSettingsInput = z.input<typeof tuneSettingsSchema>;
export type TuneSettings = z.output<typeof tuneSettingsSchema>;
