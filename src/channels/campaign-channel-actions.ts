import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Campaign } from '../domain/campaign.js';
import type { ChannelCallResult, ChannelCapability, ChannelConnector } from '../integrations/channel-connector.js';
import { ConnectorError } from '../integrations/connector.js';
import type { CredentialCipher } from '../security/credential-cipher.js';
import type { OutboundUrlGuard } from '../security/outbound-url-guard.js';
import type { EntityStore } from '../store/entity-store.js';
import type { ActionContext, ActionReport, ChannelActions, ChannelCallReport, Placement } from './channel-actions.js';
import { channelIntegration, connectChannel, findChannelIntegration, recordChannelFailure, recordChannelSuccess, type ChannelIntegration } from './channel-integration.js';
import { createWaypostActions, type WaypostActionResult } from './waypost-actions.js';

export interface ChannelActionDeps {
  store: EntityStore;
  cipher: CredentialCipher;
  guard: OutboundUrlGuard;
  logger?: Logger | undefined;
  /** Waits between the channel call's attempts; attempts = delays + 1. Default 2 s then 8 s (three attempts). */
  retryDelaysMs?: readonly number[];
  /** How a delay is waited (tests pass one that returns at once). */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Per HTTP call to the channel. */
  timeoutMs?: number;
}

const DEFAULT_RETRY_DELAYS_MS = [2_000, 8_000];

/**
 * The ChannelActions port: Waypost's own action first (it holds whatever the channel does), then the
 * same on the channel when its traffic channel has an enabled API integration with that capability
 * and the campaign is linked to the channel's campaign. The channel call is tried up to three times
 * with back-off while the failure may pass (rate limit, 5xx, timeout); the report says what happened,
 * with the channel's own message when every attempt failed, and that failure is also recorded on the
 * integration (status `error`). Nothing fails silently.
 */
export function createChannelActions(deps: ChannelActionDeps): ChannelActions & { waypost: ReturnType<typeof createWaypostActions> } {
  const waypost = createWaypostActions(deps.store);
  const now = deps.now ?? Date.now;
  const delays = deps.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const wait = deps.sleep ?? ((ms: number) => sleep(ms));
  // One connector per integration version, so a channel's login token serves many actions.
  const connectors = new Map<number, { updatedAt: number; connector: ChannelConnector }>();

  const connectorOf = (channel: ChannelIntegration): ChannelConnector => {
    const { integration } = channel;
    const cached = connectors.get(integration.id);
    if (cached && cached.updatedAt === integration.updatedAt) return cached.connector;
    // One HTTP try per attempt: the attempts below are the retries.
    const connector = connectChannel(deps.cipher, channel, { guard: deps.guard, attempts: 1, ...(deps.timeoutMs !== undefined && { timeoutMs: deps.timeoutMs }) });
    connectors.set(integration.id, { updatedAt: integration.updatedAt, connector });
    return connector;
  };

  /** The channel's side of an action, for a campaign as Waypost's action left it. */
  const onChannel = async (
    campaign: Campaign,
    capability: ChannelCapability,
    call: (connector: ChannelConnector, channelCampaignId: string) => Promise<ChannelCallResult>,
    placement?: Placement,
  ): Promise<ChannelCallReport> => {
    const integration = await findChannelIntegration(deps.store, campaign.trafficChannelId);
    if (!integration || integration.status === 'disabled') return { state: 'not_integrated' };
    let channel: ChannelIntegration;
    try {
      channel = channelIntegration(integration);
    } catch (error) {
      return { state: 'failed', attempts: 0, error: (error as Error).message };
    }
    if (!channel.partner.capabilities.includes(capability)) {
      return { state: 'unsupported', capability, message: `${channel.partner.label} has no API operation for ${capability}; Waypost's own action stands` };
    }
    if (placement && placement.dimension !== channel.settings.placementDimension) {
      return {
        state: 'unsupported',
        capability,
        message: `${channel.partner.label} blocks the placements carried by ${channel.settings.placementDimension} (its placement ids), not ${placement.dimension}; Waypost's own block stands`,
      };
    }
    if (campaign.channelCampaignId === null) return { state: 'not_linked' };
    let connector: ChannelConnector;
    try {
      connector = connectorOf(channel);
    } catch (error) {
      await recordChannelFailure(deps.store, integration, (error as Error).message, now());
      return { state: 'failed', attempts: 0, error: (error as Error).message };
    }

    const channelCampaignId = campaign.channelCampaignId;
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await call(connector, channelCampaignId);
        await recordChannelSuccess(deps.store, integration, now());
        return { state: 'succeeded', attempts: attempt, response: result.response };
      } catch (error) {
        if (!(error instanceof ConnectorError)) throw error;
        const message = error.partnerMessage ?? error.message;
        if (!error.retryable || attempt > delays.length) {
          await recordChannelFailure(deps.store, integration, `${capability} on campaign ${channelCampaignId}: ${message}`, now());
          return { state: 'failed', attempts: attempt, error: message };
        }
        deps.logger?.warn({ campaignId: campaign.id, capability, attempt, error: error.message }, 'channel call failed; trying again');
        await wait(delays[attempt - 1]!);
      }
    }
  };

  const report = async (
    name: string,
    campaignId: number,
    context: ActionContext,
    own: () => Promise<WaypostActionResult>,
    channel: (campaign: Campaign) => Promise<ChannelCallReport>,
  ): Promise<ActionReport> => {
    const result = await own();
    const channelReport = await channel(result.campaign);
    deps.logger?.info({ action: name, campaignId, actor: context.actor, reason: context.reason, waypost: result.outcome, channel: channelReport }, 'campaign action');
    return { waypost: result.outcome, channel: channelReport };
  };

  return {
    waypost,

    pauseCampaign: (campaignId, context) =>
      report('pause', campaignId, context, () => waypost.pauseCampaign(campaignId), (campaign) => onChannel(campaign, 'pauseCampaign', (c, id) => c.pauseCampaign!(id))),

    resumeCampaign: (campaignId, context) =>
      report('resume', campaignId, context, () => waypost.resumeCampaign(campaignId), (campaign) => onChannel(campaign, 'resumeCampaign', (c, id) => c.resumeCampaign!(id))),

    blockPlacement: (campaignId, placement, context) =>
      report(
        'block placement',
        campaignId,
        context,
        () => waypost.blockPlacement(campaignId, placement),
        (campaign) => onChannel(campaign, 'blockPlacement', (c, id) => c.blockPlacement!(id, placement.value), placement),
      ),

    unblockPlacement: (campaignId, placement, context) =>
      report(
        'unblock placement',
        campaignId,
        context,
        () => waypost.unblockPlacement(campaignId, placement),
        (campaign) => onChannel(campaign, 'unblockPlacement', (c, id) => c.unblockPlacement!(id, placement.value), placement),
      ),

    // No channel has offer weights: the funnel is Waypost's own.
    setOfferWeight: (campaignId, offerId, weight, context) =>
      report('set offer weight', campaignId, context, () => waypost.setOfferWeight(campaignId, offerId, weight), async () => ({
        state: 'unsupported',
        capability: 'setOfferWeight',
        message: "offer weights live in Waypost's funnel; channels have none",
      })),
  };
}
