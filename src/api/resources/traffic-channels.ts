import { trafficChannelInputSchema, type TrafficChannel, type TrafficChannelInput } from '../../domain/traffic-channel.js';
import { defineResource } from '../resource.js';
import { entityMetaShape } from './entity-meta-schema.js';

export const trafficChannelResponseSchema = trafficChannelInputSchema.extend(entityMetaShape).meta({ id: 'TrafficChannel' });

export const trafficChannelsResource = defineResource<TrafficChannelInput, TrafficChannel>({
  path: 'traffic-channels',
  noun: 'traffic channel',
  inputSchema: trafficChannelInputSchema,
  responseSchema: trafficChannelResponseSchema,
  repository: (store) => store.trafficChannels,
  present: (channel) => channel,
});
