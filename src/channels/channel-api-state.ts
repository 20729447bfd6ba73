import { z } from 'zod';
import type { Integration } from '../domain/integration.js';
import { CHANNEL_CAPABILITIES } from '../integrations/channel-connector.js';
import { channelPartnerDefinition } from '../integrations/partner-registry.js';
import type { EntityStore } from '../store/entity-store.js';
import { findChannelIntegration } from './channel-integration.js';

/** How a traffic channel shows its API integration (RedTrack's "Active" button on the channel). */
export const channelApiSchema = z
  .object({
    integrationId: z.number().int(),
    partner: z.string(),
    state: z
      .enum(['active', 'error', 'not_tested', 'disabled'])
      .describe('active: a connection test or call succeeded and the last one did not fail; error: the last call failed (see the integration); not_tested: no test yet; disabled'),
    capabilities: z.array(z.enum(CHANNEL_CAPABILITIES)).describe("what the channel's API can do; for the rest Waypost's own action stands alone (unsupported)"),
  })
  .nullable()
  .describe('the API integration of the channel; null when it has none');

export type ChannelApi = z.output<typeof channelApiSchema>;

export function channelApiOf(integration: Integration | undefined): ChannelApi {
  if (!integration) return null;
  const state = integration.status === 'disabled' ? 'disabled' : integration.status === 'error' ? 'error' : integration.connection.connectedAt === null ? 'not_tested' : 'active';
  return { integrationId: integration.id, partner: integration.partner, state, capabilities: [...(channelPartnerDefinition(integration.partner)?.capabilities ?? [])] };
}

export async function channelApi(store: EntityStore, trafficChannelId: number): Promise<ChannelApi> {
  return channelApiOf(await findChannelIntegration(store, trafficChannelId));
}
