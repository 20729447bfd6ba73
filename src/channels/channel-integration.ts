import type { Integration } from '../domain/integration.js';
import type { ChannelConnector } from '../integrations/channel-connector.js';
import { readChannelSettings, type ChannelSettings } from '../integrations/channel-settings.js';
import { openCredentials } from '../integrations/integration-credentials.js';
import { channelPartnerDefinition, type ChannelPartnerDefinition, type ConnectorOptions } from '../integrations/partner-registry.js';
import type { CredentialCipher } from '../security/credential-cipher.js';
import type { EntityStore } from '../store/entity-store.js';

/** A traffic channel's API integration, with its partner's definition and its channel settings. */
export interface ChannelIntegration {
  integration: Integration;
  partner: ChannelPartnerDefinition;
  settings: ChannelSettings;
}

/** The API integration of a traffic channel (there is at most one), disabled ones included; undefined when it has none. */
export async function findChannelIntegration(store: EntityStore, trafficChannelId: number): Promise<Integration | undefined> {
  const found = await store.integrations.list({ kind: 'traffic_channel', trafficChannelId, limit: 1, offset: 0 });
  return found.items[0];
}

/** The integration's partner and settings; an Error naming the problem when this version has no connector for it. */
export function channelIntegration(integration: Integration): ChannelIntegration {
  const partner = channelPartnerDefinition(integration.partner);
  if (!partner) throw new Error(`no traffic-channel connector for partner "${integration.partner}" in this version of Waypost`);
  return { integration, partner, settings: readChannelSettings(integration.settings) };
}

/** The connector with the integration's settings and opened credentials; an Error when they do not open. */
export function connectChannel(cipher: CredentialCipher, channel: ChannelIntegration, options: ConnectorOptions): ChannelConnector {
  const credentials = openCredentials(cipher, channel.integration.sealedCredentials);
  if (!credentials) throw new Error('the stored credentials cannot be opened with the current secret key (WAYPOST_SECRET_KEY or secret.key changed); set them again');
  return channel.partner.connect({ ...channel.integration.settings, ...credentials }, options);
}

/** Records a failed call to the channel on its integration (status `error` unless disabled), as a failed connection test does. */
export async function recordChannelFailure(store: EntityStore, integration: Integration, message: string, at: number): Promise<void> {
  await store.integrations.update(integration.id, { lastError: { message, at }, ...(integration.status === 'active' && { status: 'error' }) }, at);
}

/** A successful call ends an `error` status. */
export async function recordChannelSuccess(store: EntityStore, integration: Integration, at: number): Promise<void> {
  if (integration.status === 'error') await store.integrations.update(integration.id, { status: 'active', lastError: null }, at);
}
