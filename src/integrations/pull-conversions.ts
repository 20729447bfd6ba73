import type { CurrencyConverter } from '../conversions/currency-rates.js';
import { emptyRunCounts, type Integration, type IntegrationRun, type IntegrationRunTrigger } from '../domain/integration.js';
import type { Conversion } from '../domain/conversion.js';
import { UseCaseError } from '../domain/use-case-error.js';
import type { EventStore } from '../store/event-store.js';
import { ConnectorError, type PulledConversion } from './connector.js';
import { connectIntegration, finishRun, loadRunnableIntegration, markPartnerFailed, markPartnerReachable, runClock, runFailureMessage, type IntegrationRunDeps } from './integration-run.js';
import { createPulledConversionMatcher, type PulledItem } from './match-pulled-conversions.js';
import { readPullSettings } from './pull-settings.js';
import { keepRunAlive } from './run-heartbeat.js';

export interface PullDeps extends IntegrationRunDeps {
  /** Where the clicks that pulled conversions name are found. */
  events: Pick<EventStore, 'findClickForConversion'>;
  /** Converts the partner's payouts into the account currency. */
  currency: CurrencyConverter;
  /** The edge's offer caps, when this process serves the edge: pulled conversions count at once. */
  offerCaps?: PulledConversionCounter | undefined;
}

/** What the offer caps need to hear of conversions a pull created or changed. */
export interface PulledConversionCounter {
  changeConversion(offerId: number, at: number, before: CapCounted | undefined, after: CapCounted | undefined): void;
}
type CapCounted = Pick<Conversion, 'status' | 'payout'>;

export interface StartedPull {
  /** The run as started (`running`). */
  run: IntegrationRun;
  /** Resolves with the finished run, `succeeded` or `failed`; never rejects for a partner's or the pull's failure. */
  done: Promise<IntegrationRun>;
}

const DAY = 86_400_000;
/** Unmatched conversions older than this are no longer tried again once the partner stops sending them. */
const RETRY_DAYS = 30;
const RETRY_BATCH = 200;

/**
 * Starts a conversion pull of one integration (seed 004, any partner with a connector): the
 * conversions of the last `pull.lookbackDays` days, page by page, each matched to its click and
 * written as that page's one transaction, so a pull failing midway keeps what its earlier pages
 * recorded and nothing half-written. Then the unmatched conversions the partner no longer sends are
 * tried again (their click may have arrived since). Refused (409) while a run of the integration is
 * under way, and for a disabled integration or one without an offer source.
 */
export async function startConversionPull(deps: PullDeps, integrationId: number, trigger: IntegrationRunTrigger): Promise<StartedPull> {
  const integration = await loadRunnableIntegration(deps, integrationId, 'pull conversions');
  const run = await deps.store.integrationRuns.startUnlessRunning({ integrationId, kind: 'conversion_pull', trigger, startedAt: runClock(deps)() });
  if (!run) throw new UseCaseError('conflict', `a run of integration ${integrationId} is already under way`, 'id');
  return { run, done: runPull(deps, integration, run) };
}

async function runPull(deps: PullDeps, integration: Integration & { offerSourceId: number }, run: IntegrationRun): Promise<IntegrationRun> {
  const heartbeat = keepRunAlive(deps.store, run.id, runClock(deps));
  try {
    return await pullPages(deps, integration, run);
  } finally {
    heartbeat.stop();
  }
}

async function pullPages(deps: PullDeps, integration: Integration & { offerSourceId: number }, run: IntegrationRun): Promise<IntegrationRun> {
  const counts = emptyRunCounts();
  const now = runClock(deps);
  try {
    const settings = readPullSettings(integration.settings);
    const connector = connectIntegration(deps, integration);
    const matcher = createPulledConversionMatcher(deps, integration, connector.conversionClickIdFields);
    const to = now();
    for await (const page of connector.fetchConversions({ from: new Date(to - settings.lookbackDays * DAY), to: new Date(to) })) {
      counts.conversionsPulled += page.conversions.length;
      counts.skips.push(...page.skipped);
      const seenAt = now();
      countTowardCaps(deps, await deps.store.pulledConversions.apply(integration.id, await matcher.plan(page.conversions.map((conversion) => fromPartner(conversion, seenAt)), counts)));
      // Progress, visible in the run log while a long pull runs.
      await deps.store.integrationRuns.record(run.id, counts);
    }
    await markPartnerReachable(deps, integration.id);

    for (let afterId = 0; ; ) {
      const stale = await deps.store.pulledConversions.unmatchedNotSeenSince({ integrationId: integration.id, seenBefore: run.startedAt, convertedSince: to - RETRY_DAYS * DAY, afterId, limit: RETRY_BATCH });
      if (stale.length === 0) break;
      // Their own time stays: they were not sent again, only matched again.
      const retry = stale.map(({ id: _id, integrationId: _integration, clickId: _click, conversionId: _conversion, unmatchedReason: _reason, firstSeenAt: _first, lastSeenAt, ...item }) => ({ ...item, seenAt: lastSeenAt }));
      countTowardCaps(deps, await deps.store.pulledConversions.apply(integration.id, await matcher.plan(retry, counts)));
      afterId = stale.at(-1)!.id;
    }
    return await finishRun(deps, run, counts, 'succeeded');
  } catch (error) {
    const message = runFailureMessage(error);
    counts.errors.push(message);
    try {
      if (error instanceof ConnectorError) await markPartnerFailed(deps, integration.id, message);
      return await finishRun(deps, run, counts, 'failed');
    } catch {
      // The store itself failed (closing process): the run stays `running` until the worker's recovery marks it.
      return { ...run, ...counts, state: 'failed', finishedAt: now() };
    }
  }
}

/** Conversions a page created or changed, told to the offer caps as a postback's would be. */
function countTowardCaps(deps: PullDeps, { created, updated }: Awaited<ReturnType<PullDeps['store']['pulledConversions']['apply']>>): void {
  const caps = deps.offerCaps;
  if (!caps) return;
  for (const conversion of created) if (conversion.offerId !== null) caps.changeConversion(conversion.offerId, conversion.convertedAt, undefined, conversion);
  for (const { before, after } of updated) if (after.offerId !== null) caps.changeConversion(after.offerId, after.convertedAt, before, after);
}

function fromPartner(conversion: PulledConversion, seenAt: number): PulledItem {
  return {
    externalId: conversion.externalId,
    status: conversion.status,
    partnerStatus: conversion.partnerStatus,
    payout: conversion.payout,
    currency: conversion.currency,
    convertedAt: conversion.at.getTime(),
    offerExternalId: conversion.offerExternalId,
    transactionId: conversion.transactionId,
    clickIdCandidates: conversion.clickIdCandidates,
    seenAt,
  };
}
