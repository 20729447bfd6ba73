import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { timeZoneSchema } from '../../domain/entity.js';
import { formatMoney } from '../../domain/money.js';
import { clickJourney, journeyReport } from '../../journeys/customer-journey.js';
import { errorResponses } from '../error-schema.js';
import { optionalId } from '../resources/entity-meta-schema.js';
import { clickStore, iso, security, type AdminRouteDeps } from './route-deps.js';

const clickJourneySchema = z
  .object({
    click: z.object({
      clickId: z.string(),
      createdAt: z.string(),
      campaignId: z.number().int(),
      trafficChannelId: z.number().int(),
      offerId: z.number().int().nullable(),
      landerId: z.number().int().nullable(),
      landerClickedAt: z.string().nullable(),
      country: z.string(),
      deviceType: z.string(),
      os: z.string(),
      browser: z.string(),
    }),
    journeyTypes: z.array(z.string()).describe('the conversion types marked "shown in customer journey"'),
    steps: z.array(
      z.object({
        conversionId: z.number().int(),
        type: z.string(),
        status: z.string(),
        payout: z.number(),
        at: z.string(),
        secondsSinceClick: z.number(),
      }),
    ),
  })
  .meta({ id: 'ClickJourney' });

const reportQuerySchema = z.object({
  from: z.string().min(1).max(40).describe('clicks made from this time (inclusive): a wall-clock time in timeZone or an ISO instant'),
  to: z.string().min(1).max(40).describe('clicks made before this time (exclusive)'),
  timeZone: timeZoneSchema.default('UTC'),
  campaignId: optionalId,
});

const journeyReportSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    timeZone: z.string(),
    campaignId: z.number().int().nullable(),
    journeyTypes: z.array(z.string()),
    clicks: z.number().int().describe('clicks of the range that reached at least one journey type'),
    types: z.array(z.object({ type: z.string(), clicks: z.number().int() })).describe('per type: the clicks that reached it'),
    paths: z.array(z.object({ steps: z.array(z.string()), clicks: z.number().int() })).describe('per order of types (each type at its first occurrence): the clicks that took it'),
    transitions: z
      .array(z.object({ from: z.string().nullable().describe('null: the click'), to: z.string(), clicks: z.number().int(), medianSeconds: z.number() }))
      .describe('per consecutive pair of steps: the median time between them'),
  })
  .meta({ id: 'JourneyReport' });

const tags = ['customer journey'];

/** The customer journey of one click, and the journey report over the clicks of a period. */
export function journeyRoutes(app: FastifyInstance, deps: AdminRouteDeps): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get('/clicks/:clickId/journey', {
    schema: {
      tags,
      security,
      summary: "A click's customer journey: the click, then its conversions of the journey types in time order",
      params: z.object({ clickId: z.string().min(1).max(64) }),
      response: { 200: clickJourneySchema, ...errorResponses },
    },
    handler: async (request) => {
      const { click, steps, journeyTypes } = await clickJourney({ store: deps.store, events: clickStore(deps) }, request.params.clickId);
      return {
        click: { ...click, createdAt: iso(click.createdAt), landerClickedAt: click.landerClickedAt === null ? null : iso(click.landerClickedAt) },
        journeyTypes,
        steps: steps.map((step) => ({
          conversionId: step.id,
          type: step.type!,
          status: step.status,
          payout: formatMoney(step.payout),
          at: iso(step.convertedAt),
          secondsSinceClick: (step.convertedAt - click.createdAt) / 1000,
        })),
      };
    },
  });

  routes.get('/journeys', {
    schema: {
      tags,
      security,
      summary: 'Journey report: how many clicks reached each journey type, in which order, and the median time between steps',
      querystring: reportQuerySchema,
      response: { 200: journeyReportSchema, ...errorResponses },
    },
    handler: async (request) => {
      const report = await journeyReport({ store: deps.store }, request.query);
      return { ...report, from: iso(report.from), to: iso(report.to) };
    },
  });
}
