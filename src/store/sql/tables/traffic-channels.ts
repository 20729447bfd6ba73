import type { TrafficChannel, TrafficChannelInput } from '../../../domain/traffic-channel.js';
import type { EntityTable } from '../entity-table.js';
import { metaFromRow } from '../entity-table.js';

export const trafficChannelsTable: EntityTable<'traffic_channels', TrafficChannelInput, TrafficChannel> = {
  name: 'traffic_channels',
  toColumns: (input) => ({
    name: input.name,
    template_key: input.templateKey,
    cost_model: input.costModel,
    currency: input.currency,
    postback_url: input.postbackUrl,
    settings: JSON.stringify({
      parameters: input.parameters,
      postbackStatuses: input.postbackStatuses,
      postbackPayoutPercent: input.postbackPayoutPercent,
      postbackTypes: input.postbackTypes,
    }),
  }),
  fromRow: (row) => {
    const settings = JSON.parse(row.settings);
    return {
      ...metaFromRow(row),
      name: row.name,
      templateKey: row.template_key,
      parameters: settings.parameters,
      costModel: row.cost_model as TrafficChannel['costModel'],
      currency: row.currency,
      postbackUrl: row.postback_url,
      postbackStatuses: settings.postbackStatuses,
      postbackPayoutPercent: settings.postbackPayoutPercent,
      postbackTypes: settings.postbackTypes ?? [],
    } as TrafficChannel;
  },
  filters: {},
  uniqueFields: {},
};
