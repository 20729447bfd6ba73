import { emptyRunCounts, type Integration, type IntegrationRun, type IntegrationRunCounts, type IntegrationRunTrigger } from '../domain/integration.js';
import type { Offer, OfferInput } from '../domain/offer.js';
import { UseCaseError } from '../domain/use-case-error.js';
import { ConnectorError, type ImportedOffer } from './connector.js';
import { filterImportedOffer } from './filter-imported-offer.js';
import { readImportSettings, type ImportSettings } from './import-settings.js';
import { connectIntegration, finishRun, loadRunnableIntegration, markPartnerFailed, markPartnerReachable, runClock, runFailureMessage, type IntegrationRunDeps } from './integration-run.js';
import { mapImportedOffer, offerChanged, refreshOffer, type MappingContext } from './map-imported-offer.js';
import { keepRunAlive } from './run-heartbeat.js';
import type { CurrencyConverter } from '../conversions/currency-rates.js';

export interface ImportDeps extends IntegrationRunDeps {
  /** The stored rates: a partner's money caps are enforced in the account currency. */
  currency: CurrencyConverter;
}

export interface StartedImport {
  /** The run as started (`running`). */
  run: IntegrationRun;
  /** Resolves with the finished run, `succeeded` or `failed`; never rejects for a partner's or the import's failure. */
  done: Promise<IntegrationRun>;
}

/**
 * Starts an offer import of one integration: its pages are fetched (the run's counts grow as they
 * come), filtered and mapped, then written in one transaction, so a refresh failing on any page or at
 * the write leaves the previous offers as they were. Refused (409) while a run of the integration is
 * under way, and for a disabled integration.
 */
export async function startOfferImport(deps: ImportDeps, integrationId: number, trigger: IntegrationRunTrigger): Promise<StartedImport> {
  const integration = await loadRunnableIntegration(deps, integrationId, 'import offers');
  const run = await deps.store.integrationRuns.startUnlessRunning({ integrationId, kind: 'offer_import', trigger, startedAt: runClock(deps)() });
  if (!run) throw new UseCaseError('conflict', `a run of integration ${integrationId} is already under way`, 'id');
  return { run, done: runImport(deps, integration, run) };
}

async function runImport(deps: ImportDeps, integration: Integration, run: IntegrationRun): Promise<IntegrationRun> {
  const heartbeat = keepRunAlive(deps.store, run.id, runClock(deps));
  try {
    return await importPages(deps, integration, run);
  } finally {
    heartbeat.stop();
  }
}

async function importPages(deps: ImportDeps, integration: Integration, run: IntegrationRun): Promise<IntegrationRun> {
  const counts = emptyRunCounts();
  try {
    const settings = readImportSettings(integration.settings);
    const offers = await fetchAllOffers(deps, integration, run, counts);
    const source = await deps.store.offerSources.get(integration.offerSourceId!);
    const context: MappingContext = {
      integrationId: integration.id,
      offerSourceId: integration.offerSourceId!,
      sourceCurrency: source?.currency ?? 'USD',
      toAccount: await deps.currency.converter(),
    };
    const candidates = await deps.store.importedOffers.candidates(integration.id, context.offerSourceId);
    const plan = planImport(offers, settings, context, candidates, counts);
    await deps.store.importedOffers.apply(integration.id, plan);
    counts.offersCreated = plan.create.length;
    counts.offersUpdated = plan.update.length;
    await markPartnerReachable(deps, integration.id);
    return await finishRun(deps, run, counts, 'succeeded');
  } catch (error) {
    const message = runFailureMessage(error);
    counts.errors.push(message);
    // Nothing was written: the counts of a failed run say what was fetched, not what changed.
    counts.offersCreated = 0;
    counts.offersUpdated = 0;
    try {
      if (error instanceof ConnectorError) await markPartnerFailed(deps, integration.id, message);
      return await finishRun(deps, run, counts, 'failed');
    } catch {
      // The store itself failed (closing process): the run stays `running` until the worker's recovery marks it.
      return { ...run, ...counts, state: 'failed', finishedAt: runClock(deps)() };
    }
  }
}

async function fetchAllOffers(deps: ImportDeps, integration: Integration, run: IntegrationRun, counts: IntegrationRunCounts): Promise<ImportedOffer[]> {
  const connector = connectIntegration(deps, integration);
  const offers: ImportedOffer[] = [];
  for await (const page of connector.fetchOffers()) {
    offers.push(...page.offers);
    counts.offersFetched += page.offers.length + page.skipped.length;
    counts.offersSkipped += page.skipped.length;
    counts.skips.push(...page.skipped);
    // Progress, visible in the run log while a long import runs.
    await deps.store.integrationRuns.record(run.id, counts);
  }
  return offers;
}

/** What the import writes: each offer matched by the partner's id to the one it imported before, if any. */
function planImport(offers: ImportedOffer[], settings: ImportSettings, context: MappingContext, candidates: Offer[], counts: IntegrationRunCounts) {
  const mine = new Map<string, Offer>();
  const others = new Map<string, Offer>();
  for (const offer of candidates) {
    if (offer.externalId === null) continue;
    // A link to this integration wins; an unlinked offer of the source (a deleted integration's) is taken over.
    if (offer.integrationId === context.integrationId && offer.offerSourceId === context.offerSourceId) mine.set(offer.externalId, offer);
    else if (offer.integrationId === null && offer.offerSourceId === context.offerSourceId) {
      if (!mine.has(offer.externalId)) mine.set(offer.externalId, offer);
    } else if (offer.offerSourceId === context.offerSourceId) others.set(offer.externalId, offer);
  }
  const create: OfferInput[] = [];
  const update: { id: number; input: OfferInput }[] = [];
  const seen = new Set<string>();
  const skip = (externalId: string, reason: string) => {
    counts.offersSkipped++;
    counts.skips.push({ externalId, reason });
  };
  for (const offer of offers) {
    if (seen.has(offer.externalId)) {
      skip(offer.externalId, 'sent twice in one import');
      continue;
    }
    seen.add(offer.externalId);
    const filtered = filterImportedOffer(offer, settings);
    if (filtered) {
      skip(offer.externalId, filtered);
      continue;
    }
    const mapped = mapImportedOffer(offer, settings, context);
    if ('skip' in mapped) {
      skip(offer.externalId, mapped.skip);
      continue;
    }
    const taken = others.get(offer.externalId);
    if (taken) {
      skip(offer.externalId, `offer ${taken.id} of the same offer source already has this partner id (integration ${taken.integrationId})`);
      continue;
    }
    const existing = mine.get(offer.externalId);
    if (!existing) create.push(mapped.input);
    else if (existing.status === 'archived') skip(offer.externalId, `offer ${existing.id} is archived in Waypost`);
    else {
      const next = refreshOffer(existing, mapped.input, settings);
      // Taking over an unlinked offer is an update even when nothing else changes: it gets its link.
      if (existing.integrationId !== context.integrationId || offerChanged(existing, next)) update.push({ id: existing.id, input: next });
    }
  }
  return { create, update };
}
