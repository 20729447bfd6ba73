import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { campaignChannelPostbackSchema, campaignInputSchema, renderClickUrl, type Campaign, type CampaignInput } from '../../domain/campaign.js';
import { checkCampaignChannelPostback } from '../../domain/channel-postback.js';
import { funnelReferences } from '../../domain/funnel.js';
import { formatMoney } from '../../domain/money.js';
import { UniqueViolationError } from '../../store/entity-store.js';
import { ApiError } from '../api-error.js';
import { defineResource } from '../resource.js';
import { entityMetaShape, optionalId } from './entity-meta-schema.js';

export const campaignResponseSchema = campaignInputSchema
  .extend({
    ...entityMetaShape,
    key: z.string().describe('the public part of the click URL'),
    costValue: z.number(),
    clickUrl: z.string().describe("paste this into the traffic channel; the channel's macros fill its parameters"),
    channelPostback: campaignChannelPostbackSchema.extend({
      ready: z.boolean().describe('read-only: whether conversions passing the filters can be sent to the channel as configured'),
      problems: z.array(z.string()).describe("read-only: what to fix first, e.g. a REPLACE left in the channel's postback URL or a missing postback value"),
      previewUrl: z.string().nullable().describe("read-only: the channel's postback URL filled with sample values"),
    }),
  })
  .meta({ id: 'Campaign' });

const KEY_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';
const KEY_LENGTH = 8;

/** Campaign keys are short, unambiguous when read aloud, and not sequential (they are public). */
function generateCampaignKey(): string {
  let key = '';
  for (let i = 0; i < KEY_LENGTH; i++) key += KEY_ALPHABET[randomInt(KEY_ALPHABET.length)];
  return key;
}

export const campaignsResource = defineResource<CampaignInput, Campaign>({
  path: 'campaigns',
  noun: 'campaign',
  inputSchema: campaignInputSchema,
  responseSchema: campaignResponseSchema,
  repository: (store) => store.campaigns,
  listFilters: { trafficChannelId: optionalId },

  async checkReferences(campaign, store) {
    const channels = await store.trafficChannels.existing([campaign.trafficChannelId]);
    if (!channels.has(campaign.trafficChannelId)) {
      throw new ApiError('validation_error', `traffic channel ${campaign.trafficChannelId} does not exist or is archived`, 'trafficChannelId');
    }
    const references = funnelReferences(campaign.funnel);
    const [offers, landers] = await Promise.all([
      store.offers.existing(references.filter((r) => r.kind === 'offer').map((r) => r.id)),
      store.landers.existing(references.filter((r) => r.kind === 'lander').map((r) => r.id)),
    ]);
    const missing = references.find((r) => !(r.kind === 'offer' ? offers : landers).has(r.id));
    if (missing) {
      throw new ApiError('validation_error', `${missing.kind} ${missing.id} does not exist or is archived`, missing.field);
    }
  },

  async create(input, store) {
    // A collision among 32^8 keys is rare; retrying a few times makes it a non-event.
    for (let attempt = 0; ; attempt++) {
      try {
        return await store.campaigns.create({ ...input, key: generateCampaignKey() });
      } catch (error) {
        if (!(error instanceof UniqueViolationError && error.field === 'key') || attempt >= 4) throw error;
      }
    }
  },

  async present(campaign, { config, store }) {
    const channel = await store.trafficChannels.get(campaign.trafficChannelId);
    return {
      ...campaign,
      costValue: formatMoney(campaign.costValue),
      clickUrl: renderClickUrl(config.baseUrl, campaign, channel),
      channelPostback: { ...campaign.channelPostback, ...checkCampaignChannelPostback(campaign, channel) },
    };
  },
});
