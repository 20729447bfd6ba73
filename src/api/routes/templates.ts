import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { offerSourceInputSchema, renderOfferSourcePostbackUrl } from '../../domain/offer-source.js';
import { channelTemplateShape, type ChannelTemplate } from '../../templates/channel-template.js';
import { offerSourceTemplateShape, type OfferSourceTemplate } from '../../templates/offer-source-template.js';
import { templateCatalogue } from '../../templates/template-catalogue.js';
import { ApiError } from '../api-error.js';
import { errorResponses } from '../error-schema.js';
import { security, type AdminRouteDeps } from './route-deps.js';

const channelTemplateResponseSchema = z.object(channelTemplateShape).meta({ id: 'TrafficChannelTemplate' });
const offerSourceTemplateResponseSchema = z
  .object({
    ...offerSourceTemplateShape,
    postbackUrl: z.string().describe("the ready postback URL to paste into the network, on this tracker's base URL"),
  })
  .meta({ id: 'OfferSourceTemplate' });

const keyParamsSchema = z.object({ key: z.string().max(64) });
const tags = ['templates'];

/**
 * The template catalogue (`templates/` at the repository root): read-only, for choosing a template
 * before `POST /traffic-channels` or `/offer-sources` with `fromTemplate`. Loading it here makes a
 * broken template file stop start-up instead of failing a user later.
 */
export function templateRoutes(app: FastifyInstance, { config }: AdminRouteDeps): void {
  const catalogue = templateCatalogue();
  const routes = app.withTypeProvider<ZodTypeProvider>();

  const presentOfferSource = (template: OfferSourceTemplate) => {
    const source = offerSourceInputSchema.parse({ name: template.name, templateKey: template.key, ...template.fields });
    return { ...template, postbackUrl: renderOfferSourcePostbackUrl(config.baseUrl, source) };
  };
  const find = <T>(templates: ReadonlyMap<string, T>, key: string, noun: string): T => {
    const template = templates.get(key);
    if (!template) throw new ApiError('not_found', `there is no ${noun} template "${key}"`, 'key');
    return template;
  };

  routes.get('/templates/traffic-channels', {
    schema: { tags, security, summary: 'List traffic channel templates', response: { 200: z.object({ items: z.array(channelTemplateResponseSchema) }), ...errorResponses } },
    handler: async () => ({ items: [...catalogue.trafficChannels.values()] }),
  });
  routes.get('/templates/traffic-channels/:key', {
    schema: { tags, security, summary: 'Get a traffic channel template', params: keyParamsSchema, response: { 200: channelTemplateResponseSchema, ...errorResponses } },
    handler: async (request): Promise<ChannelTemplate> => find(catalogue.trafficChannels, request.params.key, 'traffic channel'),
  });
  routes.get('/templates/offer-sources', {
    schema: { tags, security, summary: 'List offer source templates', response: { 200: z.object({ items: z.array(offerSourceTemplateResponseSchema) }), ...errorResponses } },
    handler: async () => ({ items: [...catalogue.offerSources.values()].map(presentOfferSource) }),
  });
  routes.get('/templates/offer-sources/:key', {
    schema: { tags, security, summary: 'Get an offer source template', params: keyParamsSchema, response: { 200: offerSourceTemplateResponseSchema, ...errorResponses } },
    handler: async (request) => presentOfferSource(find(catalogue.offerSources, request.params.key, 'offer source')),
  });
}
