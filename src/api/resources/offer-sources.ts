import { z } from 'zod';
import { offerSourceInputSchema, renderOfferSourcePostbackUrl, type OfferSource, type OfferSourceInput } from '../../domain/offer-source.js';
import { templateCatalogue } from '../../templates/template-catalogue.js';
import { createSchemaWithTemplate, fillFromTemplate } from '../from-template.js';
import { defineResource } from '../resource.js';
import { entityMetaShape } from './entity-meta-schema.js';

export const offerSourceResponseSchema = offerSourceInputSchema
  .extend({ ...entityMetaShape, postbackUrl: z.string().describe('paste this into the network as its postback URL') })
  .meta({ id: 'OfferSource' });

export const offerSourcesResource = defineResource<OfferSourceInput, OfferSource>({
  path: 'offer-sources',
  noun: 'offer source',
  inputSchema: offerSourceInputSchema,
  createSchema: createSchemaWithTemplate(offerSourceInputSchema, 'offer-sources'),
  completeCreateBody: (body) => fillFromTemplate(body, templateCatalogue().offerSources, 'offer-sources'),
  responseSchema: offerSourceResponseSchema,
  repository: (store) => store.offerSources,
  present: (source, { config }) => ({ ...source, postbackUrl: renderOfferSourcePostbackUrl(config.baseUrl, source) }),
});
