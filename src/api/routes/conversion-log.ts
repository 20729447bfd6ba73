import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { conversionStatusSchema } from '../../domain/conversion-status.js';
import { DUPLICATE_STATUSES, type Conversion } from '../../domain/conversion.js';
import { conversionResponseSchema, presentConversion } from '../conversion-presenter.js';
import { cursorId, cursorKind, cursorPageSchema, pageLimitSchema } from '../cursor-page.js';
import { entityNames } from '../entity-names.js';
import { errorResponses } from '../error-schema.js';
import { checkTimeRange, clickIdQuery, instantQuery } from '../log-query.js';
import { optionalId } from '../resources/entity-meta-schema.js';
import { security, type AdminRouteDeps } from './route-deps.js';

const conversionCursor = cursorKind(
  'conversions',
  (conversion: Conversion) => [conversion.convertedAt, conversion.id],
  ([at, id]) => {
    const convertedAt = typeof at === 'number' && Number.isSafeInteger(at) && at >= 0 ? at : undefined;
    const conversionId = cursorId(id);
    return convertedAt === undefined || conversionId === undefined ? undefined : { convertedAt, id: conversionId };
  },
);

const conversionListQuerySchema = z
  .object({
    from: instantQuery.optional().describe('conversions made at or after this ISO instant'),
    to: instantQuery.optional().describe('conversions made before this ISO instant'),
    campaignId: optionalId,
    offerId: optionalId,
    offerSourceId: optionalId,
    type: z.string().min(1).max(100).optional().describe('conversion type name (case-sensitive)'),
    status: conversionStatusSchema.optional(),
    duplicateStatus: z.enum(DUPLICATE_STATUSES).optional(),
    clickId: clickIdQuery.optional(),
    limit: pageLimitSchema,
    cursor: conversionCursor.query,
  })
  .superRefine(checkTimeRange);

const conversionLogItemSchema = conversionResponseSchema
  .extend({
    campaignName: z.string().nullable(),
    trafficChannelName: z.string().nullable(),
    offerSourceName: z.string().nullable(),
    offerName: z.string().nullable(),
    landerName: z.string().nullable(),
  })
  .meta({ id: 'ConversionLogItem' });

/** `GET /conversions`: the conversion log, newest first. Contact data shows only as the roles that were hashed. */
export function conversionLogRoutes(app: FastifyInstance, deps: AdminRouteDeps): void {
  app.withTypeProvider<ZodTypeProvider>().get('/conversions', {
    schema: {
      tags: ['conversions'],
      security,
      summary: 'The conversion log: conversions matching the filters, newest first (by conversion time), paged by cursor',
      querystring: conversionListQuerySchema,
      response: { 200: cursorPageSchema(conversionLogItemSchema), ...errorResponses },
    },
    handler: async (request) => {
      const { limit, cursor, ...filter } = request.query;
      const conversions = await deps.store.conversions.list(filter, { limit: limit + 1, after: cursor });
      const names = await entityNames(deps);
      return conversionCursor.page(conversions, limit, (conversion) => ({
        ...presentConversion(conversion, deps.config.accountCurrency),
        campaignName: names.campaign(conversion.campaignId),
        trafficChannelName: names.trafficChannel(conversion.trafficChannelId),
        offerSourceName: names.offerSource(conversion.offerSourceId),
        offerName: names.offer(conversion.offerId),
        landerName: names.lander(conversion.landerId),
      }));
    },
  });
}
