import { UseCaseError } from '../domain/use-case-error.js';
import type { ChannelCampaign } from '../integrations/channel-connector.js';
import { ConnectorError } from '../integrations/connector.js';
import type { CredentialCipher } from '../security/credential-cipher.js';
import type { OutboundUrlGuard } from '../security/outbound-url-guard.js';
import type { EntityStore } from '../store/entity-store.js';
import { channelIntegration, connectChannel, findChannelIntegration } from './channel-integration.js';

export interface ChannelCampaignList {
  trafficChannelId: number;
  integrationId: number;
  items: (ChannelCampaign & { linkedCampaignIds: number[] })[];
}

/**
 * The campaigns of the traffic channel's own account, read through its API integration, each with the
 * Waypost campaigns already linked to it: what a user picks a campaign's `channelCampaignId` from.
 */
export async function listChannelCampaigns(deps: { store: EntityStore; cipher: CredentialCipher; guard: OutboundUrlGuard }, trafficChannelId: number): Promise<ChannelCampaignList> {
  if (!(await deps.store.trafficChannels.get(trafficChannelId))) throw new UseCaseError('not_found', `traffic channel ${trafficChannelId} does not exist`, 'id');
  const integration = await findChannelIntegration(deps.store, trafficChannelId);
  if (!integration) throw new UseCaseError('conflict', `traffic channel ${trafficChannelId} has no API integration; create one (POST /integrations with its trafficChannelId)`, 'id');
  if (integration.status === 'disabled') throw new UseCaseError('conflict', `the API integration ${integration.id} of traffic channel ${trafficChannelId} is disabled`, 'id');
  let channel;
  try {
    channel = channelIntegration(integration);
  } catch (error) {
    throw new UseCaseError('conflict', (error as Error).message, 'id');
  }
  if (!channel.partner.capabilities.includes('listCampaigns')) throw new UseCaseError('conflict', `${channel.partner.label}'s API cannot list campaigns (unsupported); type the channel's campaign id into channelCampaignId`, 'id');
  let campaigns: ChannelCampaign[];
  try {
    campaigns = await connectChannel(deps.cipher, channel, { guard: deps.guard, timeoutMs: 15_000, attempts: 2 }).listCampaigns!();
  } catch (error) {
    if (error instanceof ConnectorError) throw new UseCaseError('unavailable', `${channel.partner.label} could not list campaigns: ${error.partnerMessage ?? error.message}`);
    throw new UseCaseError('conflict', (error as Error).message, 'id');
  }
  const linked = new Map<string, number[]>();
  for (const campaign of await campaignsOfChannel(deps.store, trafficChannelId)) {
    if (campaign.channelCampaignId === null) continue;
    linked.set(campaign.channelCampaignId, [...(linked.get(campaign.channelCampaignId) ?? []), campaign.id]);
  }
  return { trafficChannelId, integrationId: integration.id, items: campaigns.map((campaign) => ({ ...campaign, linkedCampaignIds: linked.get(campaign.id) ?? [] })) };
}

const PAGE = 500;

/** Every campaign of the traffic channel, paused ones too (not archived). */
export async function campaignsOfChannel(store: EntityStore, trafficChannelId: number) {
  const campaigns = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await store.campaigns.list({ where: { trafficChannelId }, limit: PAGE, offset });
    campaigns.push(...page.items);
    if (page.items.length < PAGE) return campaigns;
  }
}
