import type { z } from 'zod';
import type { Integration, IntegrationKind, IntegrationRun } from '../domain/integration.js';
import { fieldPath, UseCaseError } from '../domain/use-case-error.js';
import type { CredentialCipher } from '../security/credential-cipher.js';
import type { OutboundUrlGuard } from '../security/outbound-url-guard.js';
import type { EntityStore, Page } from '../store/entity-store.js';
import { ConnectorError, type ConnectionCheck } from './connector.js';
import { openCredentials, sealCredentials, type Credentials } from './integration-credentials.js';
import { integrationPartnerDefinition, type IntegrationPartnerDefinition } from './partner-registry.js';

export interface IntegrationDeps {
  store: EntityStore;
  cipher: CredentialCipher;
  guard: OutboundUrlGuard;
  now?: () => number;
}

export interface NewIntegrationRequest {
  partner: string;
  kind: IntegrationKind;
  name: string;
  offerSourceId?: number | undefined;
  trafficChannelId?: number | undefined;
  settings: Record<string, unknown>;
  credentials: Record<string, unknown>;
  status: 'active' | 'disabled';
}

export interface IntegrationChangeRequest {
  name?: string | undefined;
  offerSourceId?: number | undefined;
  trafficChannelId?: number | undefined;
  /** Fields of the partner's settings; fields left out keep their value. */
  settings?: Record<string, unknown> | undefined;
  /** Credential fields to replace; fields left out keep their stored value. */
  credentials?: Record<string, unknown> | undefined;
}

// A person waits on the answer, so one try and a short timeout instead of an import's patient retries.
const TEST_CONNECTION = { timeoutMs: 15_000, attempts: 1 };

export async function createIntegration(deps: IntegrationDeps, request: NewIntegrationRequest): Promise<Integration> {
  const partner = knownPartner(request.partner);
  const settings = parseOrThrow(partner.settingsSchema, request.settings, 'settings');
  const credentials = parseOrThrow(partner.credentialsSchema, request.credentials, 'credentials') as Credentials;
  const offerSourceId = await checkOfferSource(deps, partner.kind, request.offerSourceId);
  const trafficChannelId = await checkTrafficChannel(deps, partner.kind, request.trafficChannelId);
  return deps.store.integrations.create(
    { kind: partner.kind, partner: partner.key, name: request.name, offerSourceId, trafficChannelId, settings, sealedCredentials: sealCredentials(deps.cipher, credentials), status: request.status },
    now(deps),
  );
}

export async function getIntegration(deps: Pick<IntegrationDeps, 'store'>, id: number): Promise<Integration> {
  const integration = await deps.store.integrations.get(id);
  if (!integration) throw new UseCaseError('not_found', `integration ${id} does not exist`, 'id');
  return integration;
}

/** Settings and credentials are merged over the stored ones and checked whole by the partner's schema. */
export async function changeIntegration(deps: IntegrationDeps, id: number, request: IntegrationChangeRequest): Promise<Integration> {
  const current = await getIntegration(deps, id);
  const partner = knownPartner(current.partner, 'id');
  const changes: Parameters<EntityStore['integrations']['update']>[1] = {};
  if (request.name !== undefined) changes.name = request.name;
  if (request.offerSourceId !== undefined) changes.offerSourceId = await checkOfferSource(deps, partner.kind, request.offerSourceId);
  if (request.trafficChannelId !== undefined && request.trafficChannelId !== current.trafficChannelId) {
    changes.trafficChannelId = await checkTrafficChannel(deps, partner.kind, request.trafficChannelId);
  }
  if (request.settings !== undefined) {
    const merged = { ...current.settings, ...request.settings };
    // Import and pull settings are merged one level down too, so changing a filter keeps the other settings.
    for (const group of ['import', 'pull']) {
      const given = request.settings[group];
      const stored = current.settings[group];
      if (isPlainObject(given) && isPlainObject(stored)) merged[group] = { ...stored, ...given };
    }
    changes.settings = parseOrThrow(partner.settingsSchema, merged, 'settings');
  }
  if (request.credentials !== undefined) {
    const stored = openCredentials(deps.cipher, current.sealedCredentials);
    const given = { ...(stored ?? {}), ...request.credentials };
    if (!stored && partner.credentialFields.some((field) => !(field in request.credentials!))) {
      throw new UseCaseError('validation_error', 'credentials: the stored credentials cannot be opened with the current secret key; send every credential field again', 'credentials');
    }
    changes.sealedCredentials = sealCredentials(deps.cipher, parseOrThrow(partner.credentialsSchema, given, 'credentials') as Credentials);
  }
  const updated = await deps.store.integrations.update(id, changes, now(deps));
  if (!updated) throw new UseCaseError('not_found', `integration ${id} does not exist`, 'id');
  return updated;
}

/**
 * One real call through the partner's connector. Success marks the integration connected (and ends an
 * `error` status); failure records the partner's message as the last error and, unless the
 * integration is disabled, sets status `error`.
 */
export async function testIntegrationConnection(deps: IntegrationDeps, id: number): Promise<{ check: ConnectionCheck; integration: Integration }> {
  const integration = await getIntegration(deps, id);
  const partner = knownPartner(integration.partner, 'id');
  const check = await checkConnection(deps, partner, integration);
  const at = now(deps);
  // The call took a while: the status may have been changed meanwhile (disabled), so decide on the latest.
  const latest = await getIntegration(deps, id);
  const { connection } = latest;
  const changed = await deps.store.integrations.update(
    id,
    check.ok
      ? {
          connection: { checkedAt: at, ok: true, message: check.message, connectedAt: at, offersVisible: check.offersVisible },
          ...(latest.status === 'error' && { status: 'active', lastError: null }),
        }
      : {
          connection: { ...connection, checkedAt: at, ok: false, message: check.message },
          lastError: { message: check.message, at },
          ...(latest.status === 'active' && { status: 'error' }),
        },
    at,
  );
  return { check, integration: changed ?? latest };
}

async function checkConnection(deps: IntegrationDeps, partner: IntegrationPartnerDefinition, integration: Integration): Promise<ConnectionCheck> {
  const credentials = openCredentials(deps.cipher, integration.sealedCredentials);
  if (!credentials) {
    return { ok: false, message: 'the stored credentials cannot be opened with the current secret key (WAYPOST_SECRET_KEY or secret.key changed); set them again', retryable: false };
  }
  try {
    const connector = partner.connect({ ...integration.settings, ...credentials }, { guard: deps.guard, ...TEST_CONNECTION });
    return await connector.testConnection();
  } catch (error) {
    if (error instanceof ConnectorError) return { ok: false, message: error.partnerMessage ?? error.message, retryable: error.retryable };
    throw error;
  }
}

/** `active` again (from `disabled` or `error`); the last error stays on record until a success clears it. */
export async function enableIntegration(deps: IntegrationDeps, id: number): Promise<Integration> {
  await getIntegration(deps, id);
  return (await deps.store.integrations.update(id, { status: 'active' }, now(deps)))!;
}

/** Nothing runs for a disabled integration until it is enabled. */
export async function disableIntegration(deps: IntegrationDeps, id: number): Promise<Integration> {
  await getIntegration(deps, id);
  return (await deps.store.integrations.update(id, { status: 'disabled' }, now(deps)))!;
}

/** Removes the integration, its sealed credentials and its run log; the offers it imported stay. */
export async function deleteIntegration(deps: Pick<IntegrationDeps, 'store'>, id: number): Promise<void> {
  if (!(await deps.store.integrations.delete(id))) throw new UseCaseError('not_found', `integration ${id} does not exist`, 'id');
}

export async function listIntegrationRuns(deps: Pick<IntegrationDeps, 'store'>, id: number, page: { limit: number; offset: number }): Promise<Page<IntegrationRun>> {
  await getIntegration(deps, id);
  return deps.store.integrationRuns.list(id, page);
}

function knownPartner(key: string, field = 'partner'): IntegrationPartnerDefinition {
  const partner = integrationPartnerDefinition(key);
  if (!partner) throw new UseCaseError(field === 'partner' ? 'validation_error' : 'conflict', `no connector for partner "${key}" in this version of Waypost`, field);
  return partner;
}

/** A channel's API integration needs its traffic channel, live, and one integration per channel (its actions and costs go through it). */
async function checkTrafficChannel(deps: Pick<IntegrationDeps, 'store'>, kind: IntegrationKind, trafficChannelId: number | undefined): Promise<number | null> {
  if (kind !== 'traffic_channel') return null;
  if (trafficChannelId === undefined) throw new UseCaseError('validation_error', "trafficChannelId: a traffic channel's API integration needs the traffic channel it acts for", 'trafficChannelId');
  const found = await deps.store.trafficChannels.existing([trafficChannelId]);
  if (!found.has(trafficChannelId)) throw new UseCaseError('validation_error', `traffic channel ${trafficChannelId} does not exist or is archived`, 'trafficChannelId');
  const taken = await deps.store.integrations.list({ kind: 'traffic_channel', trafficChannelId, limit: 1, offset: 0 });
  if (taken.items[0]) throw new UseCaseError('conflict', `traffic channel ${trafficChannelId} already has an API integration (${taken.items[0].id}); change or delete that one`, 'trafficChannelId');
  return trafficChannelId;
}

async function checkOfferSource(deps: Pick<IntegrationDeps, 'store'>, kind: IntegrationKind, offerSourceId: number | undefined): Promise<number | null> {
  if (kind !== 'offer_source') return null;
  if (offerSourceId === undefined) throw new UseCaseError('validation_error', 'offerSourceId: an offer-source integration needs the offer source it feeds', 'offerSourceId');
  const found = await deps.store.offerSources.existing([offerSourceId]);
  if (!found.has(offerSourceId)) throw new UseCaseError('validation_error', `offer source ${offerSourceId} does not exist or is archived`, 'offerSourceId');
  return offerSourceId;
}

/** The schema's output, or a 400 naming the first bad field under `prefix` (`settings.networkId`). */
function parseOrThrow(schema: z.ZodType, value: unknown, prefix: string): Record<string, unknown> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data as Record<string, unknown>;
  const issue = parsed.error.issues[0]!;
  // An unknown field is named itself, not its parent object.
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
  const field = fieldPath([prefix, ...(path as (string | number)[])]);
  throw new UseCaseError('validation_error', `${field}: ${issue.message}`, field);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function now(deps: Pick<IntegrationDeps, 'now'>): number {
  return deps.now?.() ?? Date.now();
}
