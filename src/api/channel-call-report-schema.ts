import { z } from 'zod';

/** What a traffic channel's API did for an action (ChannelCallReport in src/channels/channel-actions.ts). */
export const channelCallReportSchema = z
  .discriminatedUnion('state', [
    z.object({ state: z.literal('not_integrated') }).describe('the traffic channel has no enabled API integration: Waypost acted alone'),
    z.object({ state: z.literal('unsupported'), capability: z.string(), message: z.string().optional() }).describe("the channel's API has no such operation: Waypost acted alone"),
    z.object({ state: z.literal('not_linked') }).describe("the campaign has no channelCampaignId: set it to act on the channel's campaign too"),
    z.object({ state: z.literal('succeeded'), attempts: z.number().int(), response: z.string().describe("what the channel answered") }),
    z.object({ state: z.literal('failed'), attempts: z.number().int(), error: z.string().describe("the channel's own message, after every attempt failed") }),
  ])
  .meta({ id: 'ChannelCallReport' });
