import type { Logger } from 'pino';
import { setCampaignCost } from '../costs/set-campaign-cost.js';
import type { Campaign } from '../domain/campaign.js';
import { emptyRunCounts, type Integration, type IntegrationRun, type IntegrationRunTrigger } from '../domain/integration.js';
import type { Micros } from '../domain/money.js';
import { UseCaseError } from '../domain/use-case-error.js';
import type { ChannelSpend } from '../integrations/channel-connector.js';
import { ConnectorError } from '../integrations/connector.js';
import { localDate } from '../integrations/partner-wall-clock.js';
import { keepRunAlive } from '../integrations/run-heartbeat.js';
import type { ConnectorOptions } from '../integrations/partner-registry.js';
import type { CredentialCipher } from '../security/credential-cipher.js';
import type { OutboundUrlGuard } from '../security/outbound-url-guard.js';
import type { EntityStore } from '../store/entity-store.js';
import type { EventStore } from '../store/event-store.js';
import { campaignsOfChannel } from './channel-campaigns.js';
import { channelIntegration, connectChannel, recordChannelFailure, recordChannelSuccess } from './channel-integration.js';

export interface CostSyncDeps {
  store: EntityStore;
  events: EventStore;
  cipher: CredentialCipher;
  guard: OutboundUrlGuard;
  logger?: Logger | undefined;
  now?: () => number;
  /** How the connector retries a throttled or failing call (tests set no back-off). */
  http?: Pick<ConnectorOptions, 'attempts' | 'baseDelayMs'>;
}

const DAY_MS = 86_400_000;
const PAGE = 500;

/**
 * The scheduled cost sync: for each traffic channel's API integration that is not disabled, can report
 * spend and has `costSync` on, one run (see syncIntegrationCosts). Integrations run one after another;
 * one whose run is already under way is skipped.
 */
export async function syncChannelCosts(deps: CostSyncDeps, trigger: IntegrationRunTrigger = 'schedule'): Promise<IntegrationRun[]> {
  const integrations: Integration[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await deps.store.integrations.list({ kind: 'traffic_channel', statuses: ['active', 'error'], limit: PAGE, offset });
    integrations.push(...page.items);
    if (page.items.length < PAGE) break;
  }
  const runs: IntegrationRun[] = [];
  for (const integration of integrations) {
    let syncs: boolean;
    try {
      const channel = channelIntegration(integration);
      syncs = channel.settings.costSync && channel.partner.capabilities.includes('fetchSpend') && integration.trafficChannelId !== null;
    } catch (error) {
      deps.logger?.error({ integrationId: integration.id, err: error }, 'channel integration unreadable; its costs are not synced');
      continue;
    }
    if (!syncs) continue;
    try {
      runs.push(await syncIntegrationCosts(deps, integration.id, trigger));
    } catch (error) {
      if (error instanceof UseCaseError && error.code === 'conflict') deps.logger?.debug({ integrationId: integration.id, reason: error.message }, 'cost sync skipped');
      else deps.logger?.error({ integrationId: integration.id, err: error }, 'cost sync could not start');
    }
  }
  return runs;
}

/**
 * One cost sync of one channel integration, logged as a run (`cost_sync`): the channel's spend per
 * campaign and day for the last `costSyncDays` days of the channel's time zone (today included),
 * written through the cost API as whole days of that zone, for every Waypost campaign of the channel
 * linked to that channel campaign. Several Waypost campaigns linked to one channel campaign share its
 * spend in proportion to their clicks that day, so the spend is counted once. A channel row without a
 * linked campaign, or a day without clicks, is a skip with its reason.
 */
export async function syncIntegrationCosts(deps: CostSyncDeps, integrationId: number, trigger: IntegrationRunTrigger): Promise<IntegrationRun> {
  const now = deps.now ?? Date.now;
  const integration = await deps.store.integrations.get(integrationId);
  if (!integration) throw new UseCaseError('not_found', `integration ${integrationId} does not exist`, 'id');
  if (integration.kind !== 'traffic_channel' || integration.trafficChannelId === null) throw new UseCaseError('conflict', `integration ${integrationId} is not a traffic channel's API integration`, 'id');
  if (integration.status === 'disabled') throw new UseCaseError('conflict', `integration ${integrationId} is disabled: enable it to sync costs`, 'status');
  const channel = channelIntegration(integration);
  if (!channel.partner.capabilities.includes('fetchSpend')) throw new UseCaseError('conflict', `${channel.partner.label}'s API does not report spend (unsupported)`, 'id');
  const trafficChannelId = integration.trafficChannelId;

  const run = await deps.store.integrationRuns.startUnlessRunning({ integrationId, kind: 'cost_sync', trigger, startedAt: now() });
  if (!run) throw new UseCaseError('conflict', `a run of integration ${integrationId} is under way`, 'id');
  const counts = emptyRunCounts();
  // A live run beats, so the worker's recovery never takes a long sync for an abandoned one.
  const heartbeat = keepRunAlive(deps.store, run.id, now);
  const { timeZone, costSyncDays } = channel.settings;
  const today = localDate(now(), timeZone);
  const days = { from: addDays(today, -(costSyncDays - 1)), to: today };
  try {
    const { rows, skipped } = await connectChannel(deps.cipher, channel, { guard: deps.guard, ...deps.http }).fetchSpend!(days);
    counts.skips.push(...skipped);
    const linked = new Map<string, Campaign[]>();
    for (const campaign of await campaignsOfChannel(deps.store, trafficChannelId)) {
      if (campaign.channelCampaignId !== null) linked.set(campaign.channelCampaignId, [...(linked.get(campaign.channelCampaignId) ?? []), campaign]);
    }
    for (const row of mergeRows(rows)) {
      const campaigns = linked.get(row.channelCampaignId);
      if (!campaigns) {
        counts.skips.push({ externalId: row.channelCampaignId, reason: `spend of ${row.day} not written: no campaign of traffic channel ${trafficChannelId} is linked to channel campaign ${row.channelCampaignId}` });
        continue;
      }
      const written = await writeDay(deps, campaigns, row, timeZone);
      if (written) counts.costsSynced += written;
      else counts.skips.push({ externalId: row.channelCampaignId, reason: `spend of ${row.day} not written: campaign ${campaigns.map((c) => c.id).join(', ')} had no clicks that day in ${timeZone}` });
    }
    await recordChannelSuccess(deps.store, integration, now());
    return (await deps.store.integrationRuns.record(run.id, counts, { state: 'succeeded', finishedAt: now() })) ?? { ...run, ...counts, state: 'succeeded', finishedAt: now() };
  } catch (error) {
    const message = error instanceof ConnectorError ? (error.partnerMessage ?? error.message) : error instanceof Error ? error.message : String(error);
    counts.errors.push(message);
    await recordChannelFailure(deps.store, integration, `cost sync: ${message}`, now());
    deps.logger?.warn({ integrationId, runId: run.id, error: message }, 'cost sync failed');
    return (await deps.store.integrationRuns.record(run.id, counts, { state: 'failed', finishedAt: now() })) ?? { ...run, ...counts, state: 'failed', finishedAt: now() };
  } finally {
    heartbeat.stop();
  }
}

/**
 * Writes one channel campaign's spend of one day over the linked campaigns; answers how many
 * campaign days got cost (0 when none had a click that day).
 */
async function writeDay(deps: CostSyncDeps, campaigns: Campaign[], row: ChannelSpend, timeZone: string): Promise<number> {
  const range = { from: row.day, to: addDays(row.day, 1), timeZone };
  if (campaigns.length === 1) {
    const result = await setCampaignCost(deps, { campaignId: campaigns[0]!.id, ...range, cost: row.spend });
    return result.clicks > 0 ? 1 : 0;
  }
  // Their clicks that day, read by clearing their cost: every one of them is set again just below.
  const clicks: number[] = [];
  for (const campaign of campaigns) clicks.push((await setCampaignCost(deps, { campaignId: campaign.id, ...range, cost: 0 })).clicks);
  const total = clicks.reduce((sum, n) => sum + n, 0);
  if (total === 0) return 0;
  let left: Micros = row.spend;
  let written = 0;
  for (let i = 0; i < campaigns.length; i++) {
    if (clicks[i] === 0) continue;
    const last = clicks.slice(i + 1).every((n) => n === 0);
    // BigInt: a large spend in micro-units times many clicks would pass 2^53.
    const share = last ? left : Number((BigInt(row.spend) * BigInt(clicks[i]!)) / BigInt(total));
    left -= share;
    await setCampaignCost(deps, { campaignId: campaigns[i]!.id, ...range, cost: share });
    written++;
  }
  return written;
}

/** One row per channel campaign and day: a channel that splits a day (by country, device) is summed. */
function mergeRows(rows: ChannelSpend[]): ChannelSpend[] {
  const merged = new Map<string, ChannelSpend>();
  for (const row of rows) {
    const key = `${row.channelCampaignId}\u0000${row.day}`;
    const seen = merged.get(key);
    merged.set(key, seen ? { ...seen, spend: seen.spend + row.spend, clicks: seen.clicks === null || row.clicks === null ? null : seen.clicks + row.clicks } : row);
  }
  return [...merged.values()];
}

/** `2026-11-20` plus `n` days (negative goes back), as calendar days. */
function addDays(day: string, n: number): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, date) + n * DAY_MS).toISOString().slice(0, 10);
}
