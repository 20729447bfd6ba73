import { z } from 'zod';
import type { IntegrationKind } from '../domain/integration.js';
import type { OutboundUrlGuard } from '../security/outbound-url-guard.js';
import { createCakeConnector } from './cake/cake-connector.js';
import { cakeSettingsSchema } from './cake/cake-settings.js';
import type { PartnerConnector } from './connector.js';
import { importSettingsSchema } from './import-settings.js';
import { createEverflowConnector } from './everflow/everflow-connector.js';
import { everflowSettingsSchema } from './everflow/everflow-settings.js';
import { createTrackierConnector } from './trackier/trackier-connector.js';
import { trackierSettingsSchema } from './trackier/trackier-settings.js';
import { createTuneConnector } from './tune/tune-connector.js';
import { tuneSettingsSchema } from './tune/tune-settings.js';

/** What every connector factory receives besides the partner's settings. */
export interface ConnectorOptions {
  guard: OutboundUrlGuard;
  timeoutMs?: number;
  /** Tries per call when the partner throttles or times out, the first one included. */
  attempts?: number;
}

/**
 * A partner Waypost has a connector for. `schema` is the connector's whole settings schema; the
 * fields named in `credentialFields` are taken out of it, sealed with the secret key and never shown,
 * the rest are the integration's plain settings.
 */
export interface PartnerDefinition {
  key: string;
  label: string;
  kind: IntegrationKind;
  /** Plain settings as the API takes them on create (unknown fields refused). */
  settingsSchema: z.ZodObject;
  /** Credentials as the API takes them on create. */
  credentialsSchema: z.ZodObject;
  credentialFields: readonly string[];
  /** Parses settings and credentials together, the way the connector reads them. */
  schema: z.ZodObject;
  connect(settings: Record<string, unknown>, options: ConnectorOptions): PartnerConnector;
}

function definePartner<S extends z.ZodObject>(
  key: string,
  label: string,
  kind: IntegrationKind,
  schema: S,
  credentialFields: readonly (keyof S['shape'] & string)[],
  connect: (settings: z.output<S>, options: ConnectorOptions) => PartnerConnector,
): PartnerDefinition {
  const mask = Object.fromEntries(credentialFields.map((field) => [field, true])) as Record<string, true>;
  // An offer source's integration also holds how its offers are imported (import-settings.ts); its connector never reads that.
  const full: z.ZodObject = kind === 'offer_source' ? schema.extend({ import: importSettingsSchema.prefault({}) }) : schema;
  return {
    key,
    label,
    kind,
    settingsSchema: full.omit(mask).strict(),
    credentialsSchema: full.pick(mask).strict(),
    credentialFields,
    schema: full,
    connect: (settings, options) => {
      const { import: _import, ...connectorSettings } = settings;
      return connect(schema.parse(connectorSettings), options);
    },
  };
}

/** Partner key (as in the offer-source templates) → its definition. A new connector is one line here. */
export const PARTNERS: Readonly<Record<string, PartnerDefinition>> = Object.fromEntries(
  [
    definePartner('tune', 'TUNE/HasOffers', 'offer_source', tuneSettingsSchema, ['apiKey'], createTuneConnector),
    definePartner('everflow', 'Everflow', 'offer_source', everflowSettingsSchema, ['apiKey'], createEverflowConnector),
    definePartner('trackier', 'Trackier', 'offer_source', trackierSettingsSchema, ['apiKey'], createTrackierConnector),
    definePartner('cake', 'CAKE', 'offer_source', cakeSettingsSchema, ['apiKey'], createCakeConnector),
  ].map((partner) => [partner.key, partner]),
);

export function partnerDefinition(key: string): PartnerDefinition | undefined {
  return Object.hasOwn(PARTNERS, key) ? PARTNERS[key] : undefined;
}
