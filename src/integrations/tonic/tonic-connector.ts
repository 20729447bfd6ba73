import type { ChannelCallResult, ChannelCampaign, ChannelCapability, ChannelConnector, ChannelSpend } from '../channel-connector.js';
import { ConnectorError, failedConnectionCheck, type ConnectionCheck, type SkippedRecord } from '../connector.js';
import { isRecord, readFlag, readInteger, readList, readMoney, readText } from '../wire-values.js';
import { TONIC_ADVERTISER_API } from './advertiser-endpoints.js';
import { createTonicClient, type TonicClient, type TonicClientOptions } from './client.js';
import { tonicSettingsSchema, type TonicSettingsInput } from './tonic-settings.js';

/** Tonic's advertiser API can do all of it: campaign status and `source_ids` are campaign fields. */
export const TONIC_CAPABILITIES: readonly ChannelCapability[] = ['listCampaigns', 'pauseCampaign', 'resumeCampaign', 'blockPlacement', 'unblockPlacement', 'fetchSpend'];

const PARTNER = 'tonic';

/** The fields of Tonic's detailed campaign object the actions read. */
interface TonicCampaignState {
  status: string | null;
  /** true: only traffic from `sourceIds` is allowed; false: traffic from `sourceIds` is forbidden. */
  whitelisting: boolean;
  sourceIds: string[];
}

/**
 * Tonic as a traffic channel, through its advertiser API (reference §4.2): a login with the account's
 * email and password gives a token sent as `api-key`; pausing a campaign sets its `status` to
 * `paused`; a placement is a source id, blocked by adding it to the campaign's `source_ids` with
 * `whitelisting: false` (or, on a campaign that whitelists, by taking it off the list).
 */
export function createTonicConnector(input: TonicSettingsInput, options: TonicClientOptions): ChannelConnector {
  const settings = tonicSettingsSchema.parse(input);
  const client = createTonicClient(settings, options);

  const readCampaign = async (id: string): Promise<TonicCampaignState> => {
    const body = await client.request({ endpoint: TONIC_ADVERTISER_API.getCampaign, id, what: `campaign ${id}` });
    const campaign = isRecord(body) && isRecord(body.campaign) ? body.campaign : body;
    if (!isRecord(campaign)) throw unexpected(`campaign ${id}`, 'a campaign object');
    return {
      status: readText(campaign.status),
      whitelisting: readFlag(campaign.whitelisting) ?? false,
      sourceIds: readList(campaign.source_ids).flatMap((value) => readText(value) ?? []),
    };
  };

  const edit = async (id: string, changes: Record<string, unknown>, what: string): Promise<string> => {
    const body = await client.request({ endpoint: TONIC_ADVERTISER_API.editCampaign, id, body: changes, what: `campaign ${id} (${what})` });
    return describeAnswer(body);
  };

  const setStatus = async (id: string, status: 'active' | 'paused'): Promise<ChannelCallResult> => {
    const current = await readCampaign(id);
    if (current.status === status) return { outcome: 'unchanged', response: `Tonic campaign ${id} already was ${status}` };
    const answer = await edit(id, { status }, `status ${status}`);
    return { outcome: 'done', response: `Tonic campaign ${id} status ${current.status ?? 'unknown'} → ${status}${answer}` };
  };

  /** Sets whether the source may send traffic: blocking takes it off a whitelist or puts it on a blacklist. */
  const setSourceAllowed = async (id: string, sourceId: string, allowed: boolean): Promise<ChannelCallResult> => {
    const current = await readCampaign(id);
    const listed = current.sourceIds.includes(sourceId);
    // On a whitelist a source is allowed when listed; on a blacklist when not.
    const shouldList = current.whitelisting === allowed;
    const list = current.whitelisting ? 'whitelist' : 'blacklist';
    if (listed === shouldList) {
      return { outcome: 'unchanged', response: `source ${sourceId} already ${allowed ? 'allowed' : 'blocked'} on Tonic campaign ${id} (${list} of ${current.sourceIds.length})` };
    }
    if (current.whitelisting && !shouldList && current.sourceIds.length === 1) {
      // An empty whitelist's meaning is not documented; it must not turn into "every source".
      throw new ConnectorError({
        partner: PARTNER,
        message: `source ${sourceId} is the only one whitelisted on Tonic campaign ${id}; taking it off would leave an empty whitelist, so pause the campaign instead`,
        retryable: false,
      });
    }
    const sourceIds = shouldList ? [...current.sourceIds, sourceId] : current.sourceIds.filter((value) => value !== sourceId);
    const answer = await edit(id, { source_ids: sourceIds, whitelisting: current.whitelisting }, `source_ids ${shouldList ? '+' : '-'}${sourceId}`);
    const change = shouldList ? 'added to' : 'removed from';
    return { outcome: 'done', response: `source ${sourceId} ${change} the ${list} of Tonic campaign ${id} (whitelisting ${current.whitelisting}, now ${sourceIds.length} source ids)${answer}` };
  };

  return {
    partner: PARTNER,
    capabilities: TONIC_CAPABILITIES,

    async testConnection(): Promise<ConnectionCheck> {
      try {
        await client.login();
        const campaigns = await listCampaigns(client);
        const n = campaigns.length;
        return { ok: true, offersVisible: null, message: `Tonic advertiser API answered: logged in as ${settings.email}, ${n} campaign${n === 1 ? '' : 's'} visible` };
      } catch (error) {
        return failedConnectionCheck(error);
      }
    },

    listCampaigns: () => listCampaigns(client),
    pauseCampaign: (id) => setStatus(id, 'paused'),
    resumeCampaign: (id) => setStatus(id, 'active'),
    blockPlacement: (id, sourceId) => setSourceAllowed(id, sourceId, false),
    unblockPlacement: (id, sourceId) => setSourceAllowed(id, sourceId, true),

    async fetchSpend(days) {
      const body = await client.request({ endpoint: TONIC_ADVERTISER_API.statistics, query: { from: days.from, to: days.to }, what: `statistics ${days.from}..${days.to}` });
      const rows = Array.isArray(body) ? body : isRecord(body) ? readList(body.data ?? body.statistics ?? body.rows) : null;
      if (rows === null) throw unexpected('statistics', 'a list of rows');
      const spend: ChannelSpend[] = [];
      const skipped: SkippedRecord[] = [];
      for (const row of rows) {
        const mapped = mapSpendRow(row);
        if ('spend' in mapped) spend.push(mapped.spend);
        else skipped.push(mapped.skipped);
      }
      return { rows: spend, skipped };
    },
  };
}

async function listCampaigns(client: TonicClient): Promise<ChannelCampaign[]> {
  const body = await client.request({ endpoint: TONIC_ADVERTISER_API.listCampaigns, what: 'campaigns' });
  const records = Array.isArray(body) ? body : isRecord(body) ? readList(body.campaigns ?? body.data) : null;
  if (records === null) throw unexpected('campaigns', 'a list of campaigns');
  return records.flatMap((record): ChannelCampaign[] => {
    if (!isRecord(record)) return [];
    // Compact objects say campaignId/name, detailed ones campaign_id/campaign_name.
    const id = readText(record.campaignId ?? record.campaign_id ?? record.id);
    if (id === null) return [];
    const partnerStatus = readText(record.status);
    const status = partnerStatus === 'active' || partnerStatus === 'paused' || partnerStatus === 'archived' ? partnerStatus : 'other';
    return [{ id, name: readText(record.name ?? record.campaign_name) ?? id, status, partnerStatus }];
  });
}

/** A statistics row: numbers as strings ("36.50", "1200"); spend is `cost` (or `spend`). */
function mapSpendRow(row: unknown): { spend: ChannelSpend } | { skipped: SkippedRecord } {
  if (!isRecord(row)) return { skipped: { externalId: null, reason: 'a statistics row that is not an object' } };
  const campaignId = readText(row.campaign_id ?? row.campaignId);
  const day = readText(row.date ?? row.day)?.slice(0, 10) ?? null;
  const spend = readMoney(row.cost ?? row.spend);
  if (campaignId === null) return { skipped: { externalId: null, reason: 'a statistics row without campaign_id' } };
  if (day === null || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return { skipped: { externalId: campaignId, reason: `a statistics row without a readable date (${String(row.date ?? '')})` } };
  if (spend === null || spend < 0) return { skipped: { externalId: campaignId, reason: `the statistics row of ${day} has no readable cost (${String(row.cost ?? row.spend ?? '')})` } };
  return { spend: { channelCampaignId: campaignId, day, spend, clicks: readInteger(row.clicks) } };
}

/** Tonic's answer to an edit, when it says more than the campaign itself. */
function describeAnswer(body: unknown): string {
  if (isRecord(body)) {
    const message = readText(body.message) ?? readText(body.status);
    if (message) return `; Tonic: ${message}`;
  }
  return '';
}

function unexpected(what: string, expected: string): ConnectorError {
  return new ConnectorError({ partner: PARTNER, message: `Tonic answered ${what} without ${expected}`, retryable: false });
}
