import type { Integration, IntegrationRun, IntegrationRunCounts } from '../domain/integration.js';
import { UseCaseError } from '../domain/use-case-error.js';
import type { CredentialCipher } from '../security/credential-cipher.js';
import type { OutboundUrlGuard } from '../security/outbound-url-guard.js';
import type { EntityStore } from '../store/entity-store.js';
import { ConnectorError, type PartnerConnector } from './connector.js';
import { openCredentials } from './integration-credentials.js';
import { partnerDefinition } from './partner-registry.js';

/**
 * What every kind of integration run (offer import, conversion pull) shares: the checks before it
 * starts, the connector it talks through, how it ends, and what a partner's failure or success does
 * to the integration's status.
 */
export interface IntegrationRunDeps {
  store: EntityStore;
  cipher: CredentialCipher;
  guard: OutboundUrlGuard;
  now?: () => number;
}

/**
 * The integration, if a run of `purpose` (`import offers`, `pull conversions`) may start for it: it
 * exists (404), feeds an offer source that is not archived and is not disabled (409).
 */
export async function loadRunnableIntegration(deps: IntegrationRunDeps, integrationId: number, purpose: string): Promise<Integration & { offerSourceId: number }> {
  const integration = await deps.store.integrations.get(integrationId);
  if (!integration) throw new UseCaseError('not_found', `integration ${integrationId} does not exist`, 'id');
  const { offerSourceId } = integration;
  if (integration.kind !== 'offer_source' || offerSourceId === null) throw new UseCaseError('conflict', `integration ${integrationId} has no offer source, so it cannot ${purpose}`, 'id');
  if (integration.status === 'disabled') throw new UseCaseError('conflict', `integration ${integrationId} is disabled: enable it to ${purpose}`, 'status');
  if (!(await deps.store.offerSources.existing([offerSourceId])).has(offerSourceId)) {
    throw new UseCaseError('conflict', `offer source ${offerSourceId} is archived: integration ${integrationId} cannot ${purpose} for it`, 'offerSourceId');
  }
  return { ...integration, offerSourceId };
}

/** The partner's connector with the integration's settings and opened credentials. */
export function connectIntegration(deps: IntegrationRunDeps, integration: Integration): PartnerConnector {
  const partner = partnerDefinition(integration.partner);
  if (!partner) throw new Error(`no connector for partner "${integration.partner}" in this version of Waypost`);
  const credentials = openCredentials(deps.cipher, integration.sealedCredentials);
  if (!credentials) throw new Error('the stored credentials cannot be opened with the current secret key (WAYPOST_SECRET_KEY or secret.key changed); set them again');
  return partner.connect({ ...integration.settings, ...credentials }, { guard: deps.guard });
}

/** Why a run stopped, in the partner's own words when it gave some. */
export function runFailureMessage(error: unknown): string {
  return error instanceof ConnectorError ? (error.partnerMessage ?? error.message) : error instanceof Error ? error.message : String(error);
}

/** Ends the run with its counts; the run as the store answers it (or as it would be, if the row went with its integration). */
export async function finishRun(deps: IntegrationRunDeps, run: IntegrationRun, counts: IntegrationRunCounts, state: 'succeeded' | 'failed'): Promise<IntegrationRun> {
  const finished = await deps.store.integrationRuns.record(run.id, counts, { state, finishedAt: runClock(deps)() });
  return finished ?? { ...run, ...counts, state, finishedAt: runClock(deps)() };
}

/** A successful run ends an `error` status, as a successful connection test does. */
export async function markPartnerReachable(deps: IntegrationRunDeps, id: number): Promise<void> {
  const latest = await deps.store.integrations.get(id);
  if (latest?.status === 'error') await deps.store.integrations.update(id, { status: 'active', lastError: null }, runClock(deps)());
}

/** A partner's failure becomes the integration's last error (and status `error`, unless it is disabled). */
export async function markPartnerFailed(deps: IntegrationRunDeps, id: number, message: string): Promise<void> {
  const latest = await deps.store.integrations.get(id);
  if (!latest) return;
  const at = runClock(deps)();
  await deps.store.integrations.update(id, { lastError: { message, at }, ...(latest.status === 'active' && { status: 'error' }) }, at);
}

export function runClock(deps: Pick<IntegrationRunDeps, 'now'>): () => number {
  return deps.now ?? Date.now;
}
