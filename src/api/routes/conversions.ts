import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MAX_UPLOAD_ROWS, readConversionCsv } from '../../conversions/conversion-csv.js';
import { updateConversion } from '../../conversions/update-conversion.js';
import { uploadConversions } from '../../conversions/upload-conversions.js';
import { conversionStatusSchema } from '../../domain/conversion-status.js';
import { currencySchema, nonNegativeMoneySchema } from '../../domain/money.js';
import { ApiError } from '../api-error.js';
import { conversionResponseSchema, presentConversion } from '../conversion-presenter.js';
import { errorResponses } from '../error-schema.js';
import { idParamsSchema } from '../list-query.js';
import { conversionPath, security, type AdminRouteDeps } from './route-deps.js';

const UPLOAD_BODY_LIMIT = 10 * 1024 * 1024;

// Rows are loosely typed on purpose: a wrong value (a negative payout, an unknown click) is reported
// for its row while the other rows land; only a body that is not rows at all is refused whole.
const text = (max: number) => z.string().max(max).nullish();
const uploadRowSchema = z
  .object({
    clickId: text(200).describe('the Waypost click id: creates a conversion as a postback would'),
    conversionId: z.union([z.number().int(), z.string().max(40)]).nullish().describe('an existing conversion: changes its status and/or payout'),
    type: text(100).describe('conversion type (case-sensitive)'),
    status: text(40).describe("approved, pending, declined, other, or the offer source's own status names"),
    payout: z.union([z.number(), z.string().max(40)]).nullish().describe('decimal, at most 6 decimals; in currency'),
    currency: text(10).describe("ISO 4217; default the offer's currency (new conversions) or the account currency (changes)"),
    eventId: text(200),
  })
  .strict();

const uploadBodySchema = z
  .object({ conversions: z.array(uploadRowSchema).min(1, 'send at least one row').max(MAX_UPLOAD_ROWS, `at most ${MAX_UPLOAD_ROWS} rows per upload`) })
  .strict()
  .describe('JSON rows; or send text/csv with a header row of the same field names (clickId, conversionId, type, status, payout, currency, eventId)');

const uploadResultSchema = z
  .object({
    rows: z.array(
      z.object({
        row: z.number().int().describe('1-based; in a CSV, the first line after the header is row 1'),
        outcome: z.enum(['created', 'updated', 'duplicate', 'rejected']),
        reason: z.string(),
        conversionId: z.number().int().optional(),
      }),
    ),
    totals: z.object({ rows: z.number().int(), created: z.number().int(), updated: z.number().int(), duplicate: z.number().int(), rejected: z.number().int() }),
  })
  .meta({ id: 'ConversionUploadResult' });

const patchBodySchema = z
  .object({
    status: conversionStatusSchema.optional(),
    payout: nonNegativeMoneySchema.optional().describe('in currency; at most 6 decimals'),
    currency: currencySchema.optional().describe('what payout is in; default the account currency'),
  })
  .strict();

const tags = ['conversions'];

/**
 * Conversion upload (JSON or CSV, by click id, through the postback path), corrections of status and
 * payout, and a conversion by id.
 */
export function conversionRoutes(app: FastifyInstance, deps: AdminRouteDeps): void {
  // A CSV upload becomes the same rows a JSON upload sends, so one schema validates both.
  app.addContentTypeParser(['text/csv', 'application/csv'], { parseAs: 'string', bodyLimit: UPLOAD_BODY_LIMIT }, (_request, body, done) => {
    try {
      done(null, { conversions: readConversionCsv(body as string) });
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const present = (conversion: Parameters<typeof presentConversion>[0]) => presentConversion(conversion, deps.config.accountCurrency);

  routes.post('/conversions', {
    bodyLimit: UPLOAD_BODY_LIMIT,
    schema: {
      tags,
      security,
      summary: 'Upload conversions (JSON or CSV): new ones by click id, changes by conversion id; answered row by row',
      description:
        'Each row with a clickId goes through the same path as a postback (type, status mapping, currency, duplicate mode, postback log) with origin "upload"; ' +
        "the API key replaces the offer source's token and IP allowlist. A row with a conversionId changes that conversion's status and/or payout. " +
        'A bad row is answered in `rows` with outcome "rejected" and never stops the others. Send `Content-Type: text/csv` with a header row to upload a CSV; ' +
        'a CSV whose structure is broken (a line with more values than columns, an unclosed quote, an unknown column) is refused whole with 400.',
      consumes: ['application/json', 'text/csv'],
      body: uploadBodySchema,
      response: { 200: uploadResultSchema, ...errorResponses },
    },
    handler: async (request) => uploadConversions(conversionPath(deps), request.body.conversions, { sourceIp: request.ip }),
  });

  routes.get('/conversions/:id', {
    schema: { tags, security, summary: 'Get a conversion', params: idParamsSchema, response: { 200: conversionResponseSchema, ...errorResponses } },
    handler: async (request) => {
      const conversion = await deps.store.conversions.get(request.params.id);
      if (!conversion) throw new ApiError('not_found', `conversion ${request.params.id} does not exist`, 'id');
      return present(conversion);
    },
  });

  routes.patch('/conversions/:id', {
    schema: {
      tags,
      security,
      summary: "Change a conversion's status and/or payout",
      params: idParamsSchema,
      body: patchBodySchema,
      response: { 200: conversionResponseSchema, ...errorResponses },
    },
    handler: async (request) => present(await updateConversion(conversionPath(deps), request.params.id, request.body)),
  });
}
