import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { POSTBACK_OUTCOMES, type LoggedPostback } from '../../domain/postback-log.js';
import { cursorId, cursorKind, cursorPageSchema, pageLimitSchema } from '../cursor-page.js';
import { entityNames } from '../entity-names.js';
import { errorResponses } from '../error-schema.js';
import { checkTimeRange, clickIdQuery, instantQuery } from '../log-query.js';
import { optionalId } from '../resources/entity-meta-schema.js';
import { clickStore, iso, security, type AdminRouteDeps } from './route-deps.js';

const postbackCursor = cursorKind(
  'postbacks',
  (entry: LoggedPostback) => [entry.id],
  ([id]) => cursorId(id),
);

const postbackListQuerySchema = z
  .object({
    outcome: z.enum(POSTBACK_OUTCOMES).optional(),
    clickId: clickIdQuery.optional(),
    offerSourceId: optionalId,
    from: instantQuery.optional().describe('postbacks received at or after this ISO instant'),
    to: instantQuery.optional().describe('postbacks received before this ISO instant'),
    limit: pageLimitSchema,
    cursor: postbackCursor.query,
  })
  .superRefine(checkTimeRange);

const loggedPostbackSchema = z
  .object({
    id: z.number().int(),
    receivedAt: z.string(),
    method: z.string().describe('GET or POST; upload rows show as UPLOAD'),
    sourceIp: z.string().describe('the address the postback came from'),
    query: z.string().describe('the parameters as received, contact data and the token replaced by [removed]'),
    outcome: z.enum(POSTBACK_OUTCOMES),
    reason: z.string().describe('what happened, in words a person can act on'),
    clickId: z.string().nullable().describe('null when the postback had no (well-formed) click id'),
    offerSourceId: z.number().int().nullable(),
    offerSourceName: z.string().nullable(),
    conversionId: z.number().int().nullable().describe('the conversion it created or changed'),
  })
  .meta({ id: 'LoggedPostback' });

/** `GET /postbacks`: every inbound postback (and pixel and upload row), accepted or not, newest first. */
export function postbackLogRoutes(app: FastifyInstance, deps: AdminRouteDeps): void {
  app.withTypeProvider<ZodTypeProvider>().get('/postbacks', {
    schema: {
      tags: ['postback log'],
      security,
      summary: 'The inbound postback log with outcomes and reasons, newest first, paged by cursor',
      querystring: postbackListQuerySchema,
      response: { 200: cursorPageSchema(loggedPostbackSchema), ...errorResponses },
    },
    handler: async (request) => {
      const { limit, cursor, ...filter } = request.query;
      const entries = await clickStore(deps).listPostbackLog({ ...filter, beforeId: cursor, limit: limit + 1 });
      const names = await entityNames(deps);
      return postbackCursor.page(entries, limit, (entry) => ({
        ...entry,
        receivedAt: iso(entry.receivedAt),
        offerSourceName: names.offerSource(entry.offerSourceId),
      }));
    },
  });
}
