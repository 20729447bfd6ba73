import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { setCampaignCost } from '../../costs/set-campaign-cost.js';
import { timeZoneSchema } from '../../domain/entity.js';
import { formatMoney, nonNegativeMoneySchema } from '../../domain/money.js';
import { errorResponses } from '../error-schema.js';
import { clickStore, iso, security, type AdminRouteDeps } from './route-deps.js';

const timeSchema = z.string().min(1).max(40).describe('a wall-clock time in timeZone (2026-11-20T00:00, or 2026-11-20 for midnight) or an ISO instant with Z or an offset');

const costBodySchema = z
  .object({
    campaignId: z.number().int().positive(),
    from: timeSchema.describe('start of the range, inclusive; ' + timeSchema.description),
    to: timeSchema.describe('end of the range, exclusive; ' + timeSchema.description),
    timeZone: timeZoneSchema.optional().describe("IANA zone the wall-clock times are in; default the campaign's time zone"),
    cost: nonNegativeMoneySchema.describe('the total cost of the matching clicks, in the account currency; it replaces their cost'),
    sub: z
      .object({
        name: z.string().regex(/^sub([1-9]|1[0-9]|20)$/, 'must be sub1 .. sub20'),
        value: z.string().max(500),
      })
      .strict()
      .optional()
      .describe('only the clicks whose sub parameter has this value (a placement or zone)'),
  })
  .strict();

const costResultSchema = z
  .object({
    campaignId: z.number().int(),
    timeZone: z.string(),
    from: z.string().describe('the range start as a UTC instant'),
    to: z.string(),
    sub: z.object({ name: z.string(), value: z.string() }).nullable(),
    clicks: z.number().int().describe('clicks whose cost was replaced'),
    previousCost: z.number().describe('what those clicks cost before'),
    appliedCost: z.number().describe('the cost spread over them (the whole cost, or 0 when no click matched)'),
    rejectedCost: z.number().describe('the cost that found no click and was not applied'),
    note: z.string(),
  })
  .meta({ id: 'CostUpdate' });

/** `POST /costs`: the cost of a campaign (or one placement) for a period, spread over its clicks. */
export function costRoutes(app: FastifyInstance, deps: AdminRouteDeps): void {
  app.withTypeProvider<ZodTypeProvider>().post('/costs', {
    schema: {
      tags: ['costs'],
      security,
      summary: "Set a campaign's cost for a time range (optionally one sub value), spread exactly over its clicks",
      description:
        'The cost replaces the cost of every click of the campaign made in [from, to) — only those whose sub has the given value when `sub` is set — ' +
        'split in micro-units so the clicks add up to exactly `cost`. When no click matches, nothing changes and the answer is still 200, ' +
        'with `clicks: 0`, the cost under `rejectedCost` and a note.',
      body: costBodySchema,
      response: { 200: costResultSchema, ...errorResponses },
    },
    handler: async (request) => {
      const result = await setCampaignCost({ store: deps.store, events: clickStore(deps) }, request.body);
      return {
        ...result,
        from: iso(result.from),
        to: iso(result.to),
        previousCost: formatMoney(result.previousCost),
        appliedCost: formatMoney(result.appliedCost),
        rejectedCost: formatMoney(result.rejectedCost),
      };
    },
  });
}
