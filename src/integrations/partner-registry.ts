import { z } from 'zod';
import type { PlacementDimension } from '../domain/campaign.js';
import type { OutboundUrlGuard } from '../security/outbound-url-guard.js';
import { createCakeConnector } from './cake/cake-connector.js';
import { cakeSettingsSchema } from './cake/cake-settings.js';
import type { ChannelCapability, ChannelConnector } from './channel-connector.js';
import { channelSettingsShape } from './channel-settings.js';
import type { PartnerConnector } from './connector.js';
import { importSettingsSchema } from './import-settings.js';
import { pullSettingsSchema } from './pull-settings.js';
import { createEverflowConnector } from './everflow/everflow-connector.js';
import { everflowSettingsSchema } from './everflow/everflow-settings.js';
import { createTrackierConnector } from './trackier/trackier-connector.js';
import { trackierSettingsSchema } from './trackier/trackier-settings.js';
import { createTuneConnector } from './tune/tune-connector.js';
import { tuneSettingsSchema } from './tune/tune-settings.js';
import { createTonicConnector, TONIC_CAPABILITIES } from './tonic/tonic-connector.js';
import { tonicSettingsSchema } from './tonic/tonic-settings.js';

/** What every connector factory receives besides the partner's settings. */
export interface ConnectorOptions {
  guard: OutboundUrlGuard;
  timeoutMs?: number;
  /** Tries per call when the partner throttles or times out, the first one included. */
  attempts?: number;
  /** First back-off between those tries (partner-http.ts; tests set 0). */
  baseDelayMs?: number;
}

/**
 * A partner Waypost has a connector for. `schema` is the connector's whole settings schema; the
 * fields named in `credentialFields` are taken out of it, sealed with the secret key and never shown,
 * the rest are the integration's plain settings.
 */
interface PartnerDefinitionBase {
  key: string;
  label: string;
  /** Plain settings as the API takes them on create (unknown fields refused). */
  settingsSchema: z.ZodObject;
  /** Credentials as the API takes them on create. */
  credentialsSchema: z.ZodObject;
  credentialFields: readonly string[];
  /** Parses settings and credentials together, the way the connector reads them. */
  schema: z.ZodObject;
}

/** An affiliate network's API: imports offers and pulls conversions for one offer source. */
export interface OfferSourcePartnerDefinition extends PartnerDefinitionBase {
  kind: 'offer_source';
  connect(settings: Record<string, unknown>, options: ConnectorOptions): PartnerConnector;
}

/** A traffic channel's API: pauses campaigns and placements, reports spend, for one traffic channel. */
export interface ChannelPartnerDefinition extends PartnerDefinitionBase {
  kind: 'traffic_channel';
  /** What the channel's API can do, known without credentials (the API and UI show it). */
  capabilities: readonly ChannelCapability[];
  connect(settings: Record<string, unknown>, options: ConnectorOptions): ChannelConnector;
}

/** An offer-source partner (the name predates traffic channels' partners). */
export type PartnerDefinition = OfferSourcePartnerDefinition;
/** Either kind: what the integration lifecycle (create, test, enable, delete) works with. */
export type IntegrationPartnerDefinition = OfferSourcePartnerDefinition | ChannelPartnerDefinition;

function splitSchema(full: z.ZodObject, credentialFields: readonly string[]) {
  const mask = Object.fromEntries(credentialFields.map((field) => [field, true])) as Record<string, true>;
  return { settingsSchema: full.omit(mask).strict(), credentialsSchema: full.pick(mask).strict(), credentialFields, schema: full };
}

function definePartner<S extends z.ZodObject>(
  key: string,
  label: string,
  schema: S,
  credentialFields: readonly (keyof S['shape'] & string)[],
  connect: (settings: z.output<S>, options: ConnectorOptions) => PartnerConnector,
): OfferSourcePartnerDefinition {
  // An offer source's integration also holds how its offers are imported (import-settings.ts) and its
  // conversions pulled (pull-settings.ts); its connector never reads either.
  const full: z.ZodObject = schema.extend({ import: importSettingsSchema.prefault({}), pull: pullSettingsSchema.prefault({}) });
  return {
    key,
    label,
    kind: 'offer_source',
    ...splitSchema(full, credentialFields),
    connect: (settings, options) => {
      const { import: _import, pull: _pull, ...connectorSettings } = settings;
      return connect(schema.parse(connectorSettings), options);
    },
  };
}

/** A traffic channel's partner: its connector's settings plus the channel settings every channel has (channel-settings.ts). */
function defineChannelPartner<S extends z.ZodObject>(
  key: string,
  label: string,
  schema: S,
  credentialFields: readonly (keyof S['shape'] & string)[],
  options: { capabilities: readonly ChannelCapability[]; placementDimension: PlacementDimension },
  connect: (settings: z.output<S>, options: ConnectorOptions) => ChannelConnector,
): ChannelPartnerDefinition {
  const full: z.ZodObject = schema.extend(channelSettingsShape(options.placementDimension));
  return {
    key,
    label,
    kind: 'traffic_channel',
    capabilities: options.capabilities,
    ...splitSchema(full, credentialFields),
    // The connector's schema drops the channel settings it never reads.
    connect: (settings, connectorOptions) => connect(schema.parse(settings), connectorOptions),
  };
}

/** Offer-source partner key (as in the offer-source templates) → its definition. A new connector is one line here. */
export const PARTNERS: Readonly<Record<string, PartnerDefinition>> = Object.fromEntries(
  [
    definePartner('tune', 'TUNE/HasOffers', tuneSettingsSchema, ['apiKey'], createTuneConnector),
    definePartner('everflow', 'Everflow', everflowSettingsSchema, ['apiKey'], createEverflowConnector),
    definePartner('trackier', 'Trackier', trackierSettingsSchema, ['apiKey'], createTrackierConnector),
    definePartner('cake', 'CAKE', cakeSettingsSchema, ['apiKey'], createCakeConnector),
  ].map((partner) => [partner.key, partner]),
);

/** Traffic-channel partner key (as in the traffic-channel templates) → its definition; keys never repeat an offer-source partner's. */
export const CHANNEL_PARTNERS: Readonly<Record<string, ChannelPartnerDefinition>> = Object.fromEntries(
  [
    // Tonic's advertiser API, Tonic as the traffic channel; its source ids travel in sub2 (templates/traffic-channels/tonic.json).
    defineChannelPartner('tonic', 'Tonic (advertiser API)', tonicSettingsSchema, ['password'], { capabilities: TONIC_CAPABILITIES, placementDimension: 'sub2' }, createTonicConnector),
  ].map((partner) => [partner.key, partner]),
);

export function partnerDefinition(key: string): PartnerDefinition | undefined {
  return Object.hasOwn(PARTNERS, key) ? PARTNERS[key] : undefined;
}

export function channelPartnerDefinition(key: string): ChannelPartnerDefinition | undefined {
  return Object.hasOwn(CHANNEL_PARTNERS, key) ? CHANNEL_PARTNERS[key] : undefined;
}

/** A partner of either kind, for the integration lifecycle. */
export function integrationPartnerDefinition(key: string): IntegrationPartnerDefinition | undefined {
  return partnerDefinition(key) ?? channelPartnerDefinition(key);
}

/** Every partner of both kinds, offer sources first. */
export function allIntegrationPartners(): IntegrationPartnerDefinition[] {
  return [...Object.values(PARTNERS), ...Object.values(CHANNEL_PARTNERS)];
}
