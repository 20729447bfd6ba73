import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createChannelActions } from '../../channels/campaign-channel-actions.js';
import { listChannelCampaigns } from '../../channels/channel-campaigns.js';
import { syncIntegrationCosts } from '../../channels/sync-channel-costs.js';
import { CHANNEL_CAPABILITIES } from '../../integrations/channel-connector.js';
import { placementSchema } from '../../domain/campaign.js';
import { createOutboundUrlGuard } from '../../security/outbound-url-guard.js';
import { ApiError } from '../api-error.js';
import { channelCallReportSchema } from '../channel-call-report-schema.js';
import { errorResponses } from '../error-schema.js';
import { idParamsSchema } from '../list-query.js';
import { clickStore, security, type AdminRouteDeps } from './route-deps.js';
import { presentRun, runSchema } from './integrations.js';

const actionReportSchema = z
  .object({
    waypost: z.enum(['done', 'unchanged']).describe("Waypost's own action: done, or unchanged when it already was so"),
    channel: channelCallReportSchema,
    campaign: z.object({
      id: z.number().int(),
      status: z.string(),
      channelCampaignId: z.string().nullable(),
      blockedPlacements: z.array(placementSchema),
    }),
  })
  .meta({ id: 'CampaignActionReport' });

const placementBodySchema = placementSchema.strict();

const channelCampaignsSchema = z.object({
  trafficChannelId: z.number().int(),
  integrationId: z.number().int(),
  items: z.array(
    z.object({
      id: z.string().describe("the channel's campaign id: set it as a campaign's channelCampaignId"),
      name: z.string(),
      status: z.enum(['active', 'paused', 'archived', 'other']),
      partnerStatus: z.string().nullable(),
      linkedCampaignIds: z.array(z.number().int()).describe('Waypost campaigns already linked to it'),
    }),
  ),
});

/**
 * Actions on a campaign's traffic, by hand: pause and resume, block and unblock a placement. Each is
 * Waypost's own first, then the channel's through its API integration when it has one that can; the
 * answer reports both. Also the channel's campaigns, to link a Waypost campaign to one.
 */
export function campaignActionRoutes(app: FastifyInstance, deps: AdminRouteDeps): void {
  const { config, store, cipher } = deps;
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const guard = createOutboundUrlGuard({ allowHosts: config.outbound.allowHosts });
  const actions = createChannelActions({ store, cipher, guard, timeoutMs: 15_000 });
  const context = { actor: 'api', reason: 'requested through the admin API' };
  const tags = ['campaign'];

  const withCampaign = async (id: number, report: { waypost: 'done' | 'unchanged'; channel: z.input<typeof channelCallReportSchema> }) => {
    const campaign = await store.campaigns.get(id);
    if (!campaign) throw new ApiError('not_found', `campaign ${id} does not exist`, 'id');
    return { ...report, campaign: { id: campaign.id, status: campaign.status, channelCampaignId: campaign.channelCampaignId, blockedPlacements: campaign.blockedPlacements } };
  };

  const describeChannel =
    " The channel's side: `not_integrated`, `unsupported` (its API cannot), `not_linked` (no channelCampaignId), `succeeded` or `failed` (after up to three attempts, with the channel's message).";

  routes.post('/campaigns/:id/pause', {
    schema: {
      tags,
      security,
      summary: 'Pause a campaign in Waypost (its clicks go to the fallback URL) and on the traffic channel',
      description: describeChannel,
      params: idParamsSchema,
      response: { 200: actionReportSchema, ...errorResponses },
    },
    handler: async (request) => withCampaign(request.params.id, await actions.pauseCampaign(request.params.id, context)),
  });

  routes.post('/campaigns/:id/resume', {
    schema: { tags, security, summary: 'Resume a paused campaign in Waypost and on the traffic channel', description: describeChannel, params: idParamsSchema, response: { 200: actionReportSchema, ...errorResponses } },
    handler: async (request) => withCampaign(request.params.id, await actions.resumeCampaign(request.params.id, context)),
  });

  routes.post('/campaigns/:id/placements/block', {
    schema: {
      tags,
      security,
      summary: 'Block a placement of a campaign: its clicks go to the fallback URL (outcome blocked), and the channel stops sending it where its API can',
      description: `A placement is the value a click dimension carries (\`refId\` or \`sub1\`..\`sub20\`); the campaign lists them in \`blockedPlacements\`.${describeChannel}`,
      params: idParamsSchema,
      body: placementBodySchema,
      response: { 200: actionReportSchema, ...errorResponses },
    },
    handler: async (request) => withCampaign(request.params.id, await actions.blockPlacement(request.params.id, request.body, context)),
  });

  routes.post('/campaigns/:id/placements/unblock', {
    schema: {
      tags,
      security,
      summary: 'Unblock a placement of a campaign in Waypost and on the traffic channel',
      description: describeChannel,
      params: idParamsSchema,
      body: placementBodySchema,
      response: { 200: actionReportSchema, ...errorResponses },
    },
    handler: async (request) => withCampaign(request.params.id, await actions.unblockPlacement(request.params.id, request.body, context)),
  });

  routes.get('/traffic-channels/:id/channel-campaigns', {
    schema: {
      tags: ['traffic channel'],
      security,
      summary: "The campaigns in the traffic channel's own account, through its API integration, to link Waypost campaigns to (channelCampaignId)",
      description: `409 when the channel has no API integration, it is disabled, or its API cannot list campaigns (capabilities: ${CHANNEL_CAPABILITIES.join(', ')}); 503 with the channel's message when the call fails.`,
      params: idParamsSchema,
      response: { 200: channelCampaignsSchema, ...errorResponses },
    },
    handler: async (request) => listChannelCampaigns({ store, cipher, guard }, request.params.id),
  });

  routes.post('/integrations/:id/sync-costs', {
    schema: {
      tags: ['integrations'],
      security,
      summary: "Sync a traffic channel's spend into campaign costs now",
      description:
        "The channel's spend per campaign and day for the last `settings.costSyncDays` days in `settings.timeZone`, written as each linked campaign's cost for those whole days (the cost API's rule: it replaces the cost of the day's clicks). Answers the finished run (also in the run log): days written in `costsSynced`, channel rows without a linked campaign or a day without clicks in `skips`. 409 for an offer source's integration, a disabled one, a channel whose API reports no spend, or while a run is under way.",
      params: idParamsSchema,
      response: { 200: runSchema, ...errorResponses },
    },
    handler: async (request) => presentRun(await syncIntegrationCosts({ store, events: clickStore(deps), cipher, guard }, request.params.id, 'manual')),
  });
}
