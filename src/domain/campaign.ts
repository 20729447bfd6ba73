import { z } from 'zod';
import { costModelSchema } from './cost-model.js';
import { httpUrlSchema, nameSchema, settableStatusSchema, timeZoneSchema, type EntityMeta } from './entity.js';
import { funnelSchema } from './funnel.js';
import { nonNegativeMoneySchema } from './money.js';
import { CONVERSION_STATUSES } from './conversion-status.js';
import { postbackTypesSchema, type TrafficChannel } from './traffic-channel.js';
import { SUB_COUNT } from './click.js';

export const REDIRECT_MODES = ['302', 'meta', 'double_meta'] as const;

/** The campaign's own say over the channel postback; a null field inherits the traffic channel's. */
export const campaignChannelPostbackSchema = z.object({
  enabled: z.boolean().default(true).describe('false: conversions of this campaign are never sent to the channel'),
  statuses: z.array(z.enum(CONVERSION_STATUSES)).nullable().default(null).describe("statuses sent; null: the channel's"),
  types: postbackTypesSchema.nullable().default(null).describe("conversion types sent (null in the list: the plain conversion); null: the channel's"),
  payoutPercent: z.number().min(0).max(1000).nullable().default(null).describe("share of the payout reported to the channel; null: the channel's"),
});
export type CampaignChannelPostback = z.output<typeof campaignChannelPostbackSchema>;
export const DEFAULT_CAMPAIGN_CHANNEL_POSTBACK: CampaignChannelPostback = { enabled: true, statuses: null, types: null, payoutPercent: null };

/** The click dimensions a placement is named by: the channel's click id parameter or a sub-id. */
export const PLACEMENT_DIMENSIONS = ['refId', ...Array.from({ length: SUB_COUNT }, (_, i) => `sub${i + 1}` as `sub${number}`)] as const;
export type PlacementDimension = (typeof PLACEMENT_DIMENSIONS)[number];

/** A placement within a campaign: the value one of its dimensions carries (a zone, site or source id). */
export const placementSchema = z.object({
  dimension: z.enum(PLACEMENT_DIMENSIONS).describe('refId or sub1..sub20: the click dimension that carries the placement'),
  value: z.string().min(1, 'must not be empty').max(500).describe('the value that dimension carries, as the channel passed it'),
});

/** Blocked placements: clicks carrying one of them go to the fallback URL, recorded as `blocked`. */
export const blockedPlacementsSchema = z
  .array(placementSchema)
  .max(10_000)
  .superRefine((placements, ctx) => {
    const seen = new Set<string>();
    placements.forEach((placement, index) => {
      const key = `${placement.dimension}\u0000${placement.value}`;
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [index, 'value'], message: `${placement.dimension}=${placement.value} is listed twice` });
      seen.add(key);
    });
  });

/** A campaign ties a traffic channel to a funnel; its key is the public part of the click URL. */
export const campaignInputSchema = z.object({
  name: nameSchema,
  trafficChannelId: z.number().int().positive(),
  costModel: costModelSchema.default('cpc'),
  costValue: nonNegativeMoneySchema.default(0),
  redirectMode: z.enum(REDIRECT_MODES).default('302'),
  funnel: funnelSchema,
  fallbackUrl: httpUrlSchema.nullable().default(null),
  trackingDomain: z
    .string()
    .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i, 'must be a host name such as track.example.com')
    .nullable()
    .default(null),
  timeZone: timeZoneSchema.default('UTC'),
  uniquenessWindowHours: z.number().int().min(1).max(24 * 365).default(24),
  /** Values the channel's postback template needs per campaign (e.g. ExoClick's `goal`). */
  postbackValues: z.record(z.string().regex(/^[A-Za-z0-9_]{1,64}$/), z.string().max(500)).default({}),
  channelPostback: campaignChannelPostbackSchema.default(DEFAULT_CAMPAIGN_CHANNEL_POSTBACK),
  /** The channel's own campaign this one buys through, for its API (pause, placements, spend). */
  channelCampaignId: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .nullable()
    .default(null)
    .describe("the traffic channel's id of the campaign sending this traffic: what the channel's API pauses and reports spend for"),
  blockedPlacements: blockedPlacementsSchema
    .default([])
    .describe('placements whose clicks go to the fallback URL (outcome blocked); changed by the placements/block and placements/unblock actions'),
  status: settableStatusSchema.default('active'),
});
export type CampaignInput = z.output<typeof campaignInputSchema>;
export type Campaign = Omit<CampaignInput, 'status'> & EntityMeta & { key: string };

/**
 * The click URL the buyer pastes into the channel: the campaign's path plus every channel parameter
 * with the channel's own macro, left unencoded so the channel can replace it.
 */
export function renderClickUrl(baseUrl: string, campaign: Pick<Campaign, 'key' | 'trackingDomain'>, channel: Pick<TrafficChannel, 'parameters'> | undefined): string {
  const origin = campaign.trackingDomain ? `${new URL(baseUrl).protocol}//${campaign.trackingDomain}` : baseUrl;
  const query = (channel?.parameters ?? []).map((parameter) => `${parameter.key}=${parameter.macro}`).join('&');
  return `${origin}/c/${campaign.key}${query ? `?${query}` : ''}`;
}
