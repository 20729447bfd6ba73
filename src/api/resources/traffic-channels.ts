import { trafficChannelInputSchema, type TrafficChannel, type TrafficChannelInput } from '../../domain/traffic-channel.js';
import { templateCatalogue } from '../../templates/template-catalogue.js';
import { createSchemaWithTemplate, fillFromTemplate } from '../from-template.js';
import { defineResource } from '../resource.js';
import { entityMetaShape } from './entity-meta-schema.js';
import { channelApi, channelApiSchema } from '../../channels/channel-api-state.js';

export const trafficChannelResponseSchema = trafficChannelInputSchema.extend({ ...entityMetaShape, api: channelApiSchema }).meta({ id: 'TrafficChannel' });

export const trafficChannelsResource = defineResource<TrafficChannelInput, TrafficChannel>({
  path: 'traffic-channels',
  noun: 'traffic channel',
  inputSchema: trafficChannelInputSchema,
  createSchema: createSchemaWithTemplate(trafficChannelInputSchema, 'traffic-channels'),
  completeCreateBody: (body) => fillFromTemplate(body, templateCatalogue().trafficChannels, 'traffic-channels'),
  responseSchema: trafficChannelResponseSchema,
  repository: (store) => store.trafficChannels,
  present: async (channel, { store }) => ({ ...channel, api: await channelApi(store, channel.id) }),
});
