import { campaignsResource } from './campaigns.js';
import { conversionTypesResource } from './conversion-types.js';
import { landersResource } from './landers.js';
import { offerSourcesResource } from './offer-sources.js';
import { offersResource } from './offers.js';
import { rulesResource } from './rules.js';
import { trafficChannelsResource } from './traffic-channels.js';

/** Every entity the admin API serves with list/create/read/update/archive. */
export const resources = [
  trafficChannelsResource,
  offerSourcesResource,
  offersResource,
  landersResource,
  campaignsResource,
  conversionTypesResource,
  rulesResource,
] as const;
