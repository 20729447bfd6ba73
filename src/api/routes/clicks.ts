import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CLICK_OUTCOMES, SUB_COUNT, type Click } from '../../domain/click.js';
import { clickIdTime, isClickIdShaped } from '../../domain/click-id.js';
import { clickDetail } from '../../journeys/click-detail.js';
import { clickResponseSchema, presentClick } from '../click-presenter.js';
import { conversionResponseSchema, presentConversion } from '../conversion-presenter.js';
import { cursorKind, cursorPageSchema, pageLimitSchema } from '../cursor-page.js';
import { entityNames } from '../entity-names.js';
import { errorResponses } from '../error-schema.js';
import { booleanQuery, checkTimeRange, instantQuery } from '../log-query.js';
import { outgoingPostbackSchema, presentOutgoingPostback } from '../outgoing-postbacks-routes.js';
import { optionalId } from '../resources/entity-meta-schema.js';
import { clickStore, security, type AdminRouteDeps } from './route-deps.js';

// The click id is the whole sort key: it begins with the click's time.
const clickCursor = cursorKind(
  'clicks',
  (click: Click) => [click.clickId],
  ([id]) => {
    const at = isClickIdShaped(id) ? clickIdTime(id) : null;
    return at === null ? undefined : { createdAt: at.getTime(), clickId: id as string };
  },
);

const SUB_NAMES = Array.from({ length: SUB_COUNT }, (_, i) => `sub${i + 1}`);
const subFilters = Object.fromEntries(SUB_NAMES.map((name) => [name, z.string().max(500).optional().describe(`exact value of ${name}`)]));

const clickListQuerySchema = z
  .object({
    from: instantQuery.optional().describe('clicks made at or after this ISO instant'),
    to: instantQuery.optional().describe('clicks made before this ISO instant'),
    campaignId: optionalId,
    trafficChannelId: optionalId,
    offerId: optionalId.describe('the offer the click was sent to, directly or from the lander'),
    landerId: optionalId,
    country: z
      .string()
      .regex(/^[A-Za-z]{2}$/, 'must be a two-letter country code such as US')
      .transform((code) => code.toUpperCase())
      .optional(),
    deviceType: z.string().min(1).max(40).optional().describe('desktop, mobile, tablet, …'),
    isBot: booleanQuery.optional(),
    isUnique: booleanQuery.optional(),
    refId: z.string().max(500).optional().describe("exact value of the traffic channel's click id"),
    ...subFilters,
    outcome: z.enum(CLICK_OUTCOMES).optional(),
    limit: pageLimitSchema,
    cursor: clickCursor.query,
  })
  .superRefine(checkTimeRange);

const clickDetailSchema = z
  .object({
    click: clickResponseSchema,
    conversions: z.array(conversionResponseSchema).describe('every conversion of the click, of every type, oldest first'),
    outgoingPostbacks: z.array(outgoingPostbackSchema).describe("the postbacks to the traffic channel for those conversions, with every attempt, oldest first"),
  })
  .meta({ id: 'ClickDetail' });

const tags = ['clicks'];

/** The click log, and one click with everything that followed it. */
export function clickRoutes(app: FastifyInstance, deps: AdminRouteDeps): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get('/clicks', {
    schema: {
      tags,
      security,
      summary: 'The click log: clicks matching the filters, newest first, paged by cursor',
      querystring: clickListQuerySchema,
      response: { 200: cursorPageSchema(clickResponseSchema), ...errorResponses },
    },
    handler: async (request) => {
      const { limit, cursor, from, to, campaignId, trafficChannelId, offerId, landerId, country, deviceType, isBot, isUnique, refId, outcome } = request.query;
      const values = request.query as Record<string, unknown>;
      const subs = SUB_NAMES.flatMap((name, i) => {
        const value = values[name];
        return typeof value === 'string' ? [{ index: i + 1, value }] : [];
      });
      const filter = { from, to, campaignId, trafficChannelId, offerId, landerId, country, deviceType, isBot, isUnique, refId, outcome, subs };
      const clicks = await clickStore(deps).listClicks(filter, { limit: limit + 1, after: cursor });
      const names = await entityNames(deps);
      return clickCursor.page(clicks, limit, (click) => presentClick(click, names, deps.config.accountCurrency));
    },
  });

  routes.get('/clicks/:clickId', {
    schema: {
      tags,
      security,
      summary: 'A click with its lander click, its conversions and its postbacks to the traffic channel',
      params: z.object({ clickId: z.string().min(1).max(64) }),
      response: { 200: clickDetailSchema, ...errorResponses },
    },
    handler: async (request) => {
      const detail = await clickDetail({ store: deps.store, events: clickStore(deps) }, request.params.clickId);
      const names = await entityNames(deps);
      return {
        click: presentClick(detail.click, names, deps.config.accountCurrency),
        conversions: detail.conversions.map((conversion) => presentConversion(conversion, deps.config.accountCurrency)),
        outgoingPostbacks: detail.outgoingPostbacks.map(({ entry, attempts }) => presentOutgoingPostback(entry, attempts)),
      };
    },
  });
}
