import { z } from 'zod';
import { costModelSchema } from './cost-model.js';
import { httpUrlSchema, nameSchema, settableStatusSchema, timeZoneSchema, type EntityMeta } from './entity.js';
import { funnelSchema } from './funnel.js';
import { nonNegativeMoneySchema } from './money.js';
import type { TrafficChannel } from './traffic-channel.js';

export const REDIRECT_MODES = ['302', 'meta', 'double_meta'] as const;

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
