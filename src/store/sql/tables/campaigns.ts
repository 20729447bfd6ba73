import { DEFAULT_CAMPAIGN_CHANNEL_POSTBACK, type Campaign, type CampaignInput } from '../../../domain/campaign.js';
import type { EntityTable } from '../entity-table.js';
import { metaFromRow } from '../entity-table.js';

export const campaignsTable: EntityTable<'campaigns', CampaignInput & { key?: string }, Campaign> = {
  name: 'campaigns',
  toColumns: (input) => ({
    ...(input.key === undefined ? {} : { key: input.key }),
    name: input.name,
    traffic_channel_id: input.trafficChannelId,
    cost_model: input.costModel,
    cost_value_micros: input.costValue,
    redirect_mode: input.redirectMode,
    fallback_url: input.fallbackUrl,
    tracking_domain: input.trackingDomain,
    time_zone: input.timeZone,
    uniqueness_window_hours: input.uniquenessWindowHours,
    funnel: JSON.stringify(input.funnel),
    settings: JSON.stringify({
      postbackValues: input.postbackValues,
      channelPostback: input.channelPostback,
      channelCampaignId: input.channelCampaignId,
      blockedPlacements: input.blockedPlacements,
    }),
  }) as ReturnType<EntityTable<'campaigns', CampaignInput, Campaign>['toColumns']>,
  fromRow: (row) => {
    const settings = JSON.parse(row.settings);
    return {
      ...metaFromRow(row),
      key: row.key,
      name: row.name,
      trafficChannelId: Number(row.traffic_channel_id),
      costModel: row.cost_model,
      costValue: Number(row.cost_value_micros),
      redirectMode: row.redirect_mode,
      funnel: JSON.parse(row.funnel),
      fallbackUrl: row.fallback_url,
      trackingDomain: row.tracking_domain,
      timeZone: row.time_zone,
      uniquenessWindowHours: Number(row.uniqueness_window_hours),
      postbackValues: settings.postbackValues,
      // Rows written before the setting existed inherit everything from the channel.
      channelPostback: { ...DEFAULT_CAMPAIGN_CHANNEL_POSTBACK, ...settings.channelPostback },
      // Rows written before the channel API link and placement blocks existed have neither.
      channelCampaignId: settings.channelCampaignId ?? null,
      blockedPlacements: settings.blockedPlacements ?? [],
    } as Campaign;
  },
  filters: { trafficChannelId: 'traffic_channel_id' },
  uniqueFields: { key: 'key' },
};
