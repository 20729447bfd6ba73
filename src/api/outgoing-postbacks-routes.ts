import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../config.js';
import { rerenderBlockedChannelPostback } from '../conversions/channel-postback-queue.js';
import { OUTBOX_STATES, UniqueViolationError, type EntityStore, type OutboxAttempt, type OutboxEntry, type OutboxState } from '../store/entity-store.js';
import { ApiError } from './api-error.js';
import { cursorId, cursorKind } from './cursor-page.js';
import { errorResponses } from './error-schema.js';
import { idParamsSchema } from './list-query.js';
import { optionalId } from './resources/entity-meta-schema.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const attemptSchema = z
  .object({
    attemptedAt: z.string(),
    statusCode: z.number().int().nullable().describe('the HTTP status; null when no answer came (network error, timeout, refused URL)'),
    latencyMs: z.number().int(),
    error: z.string().nullable(),
  })
  .meta({ id: 'OutgoingPostbackAttempt' });

export const outgoingPostbackSchema = z
  .object({
    id: z.number().int(),
    kind: z.enum(['channel_postback']),
    conversionId: z.number().int().nullable(),
    campaignId: z.number().int().nullable(),
    trafficChannelId: z.number().int().nullable(),
    url: z.string(),
    state: z.enum(OUTBOX_STATES).describe('pending (queued or waiting for a retry), sent, failed (after the last attempt or an answer retrying cannot change), blocked (not sendable as configured: see lastError)'),
    inFlight: z.boolean().describe('a worker is sending it right now'),
    attemptCount: z.number().int().describe('attempts since it was last queued'),
    nextAttemptAt: z.string().nullable(),
    lastError: z.string().nullable().describe("the last attempt's error, or why it is blocked"),
    createdAt: z.string(),
    updatedAt: z.string(),
    attempts: z.array(attemptSchema).describe('every attempt, oldest first'),
  })
  .meta({ id: 'OutgoingPostback' });

const outgoingCursor = cursorKind(
  'outgoing-postbacks',
  (entry: OutboxEntry) => [entry.id],
  ([id]) => cursorId(id),
);

const listQuerySchema = z.object({
  state: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return undefined;
      const states = value.split(',').map((s) => s.trim());
      const unknown = states.find((s) => !(OUTBOX_STATES as readonly string[]).includes(s));
      if (unknown !== undefined) {
        ctx.addIssue({ code: 'custom', message: `unknown state "${unknown}"; use ${OUTBOX_STATES.join(', ')}` });
        return z.NEVER;
      }
      return states as OutboxState[];
    })
    .describe('comma-separated states to include; default all'),
  campaignId: optionalId,
  conversionId: optionalId,
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0).describe('rows to skip; use cursor instead to page through a list that grows'),
  cursor: outgoingCursor.query,
});

const listResponse = z.object({
  items: z.array(outgoingPostbackSchema),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
  nextCursor: z.string().nullable().describe('pass as `cursor` for the rows after this page; null on the last page'),
});

export function presentOutgoingPostback(entry: OutboxEntry, attempts: OutboxAttempt[]): z.input<typeof outgoingPostbackSchema> {
  return {
    id: entry.id,
    kind: entry.kind,
    conversionId: entry.conversionId,
    campaignId: entry.campaignId,
    trafficChannelId: entry.trafficChannelId,
    url: entry.url,
    state: entry.state,
    inFlight: entry.inFlight,
    attemptCount: entry.attempts,
    nextAttemptAt: iso(entry.nextAttemptAt),
    lastError: entry.lastError,
    createdAt: iso(entry.createdAt)!,
    updatedAt: iso(entry.updatedAt)!,
    attempts: attempts.map((a) => ({ attemptedAt: iso(a.attemptedAt)!, statusCode: a.statusCode, latencyMs: a.latencyMs, error: a.error })),
  };
}

/**
 * Outgoing postbacks (the outbox): what was sent to traffic channels, what waits for a retry, what
 * failed or is blocked and why, with every attempt; and a retry for the failed and blocked ones.
 */
export function registerOutgoingPostbackRoutes(app: FastifyInstance, store: EntityStore, config: Config): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['outgoing postback'];
  const security = [{ apiKey: [] }];

  routes.get('/outgoing-postbacks', {
    schema: { tags, security, summary: 'List outgoing postbacks, newest first, with their attempts (paged by offset or by cursor)', querystring: listQuerySchema, response: { 200: listResponse, ...errorResponses } },
    handler: async (request) => {
      const { state, campaignId, conversionId, limit, offset, cursor } = request.query;
      if (cursor !== undefined && offset !== 0) throw new ApiError('validation_error', 'offset: use either offset or cursor, not both', 'offset');
      const found = await store.outbox.list({ states: state, campaignId, conversionId, beforeId: cursor, limit: limit + 1, offset });
      const attempts = await store.outbox.attempts(found.items.slice(0, limit).map((entry) => entry.id));
      const page = outgoingCursor.page(found.items, limit, (entry) => presentOutgoingPostback(entry, attempts.get(entry.id) ?? []));
      return { ...page, total: found.total, limit, offset };
    },
  });

  routes.post('/outgoing-postbacks/:id/retry', {
    schema: {
      tags,
      security,
      summary: 'Send a failed outgoing postback again (a new round of attempts); a blocked one is first rendered again from the current campaign and channel settings',
      params: idParamsSchema,
      response: { 200: outgoingPostbackSchema, ...errorResponses },
    },
    handler: async (request) => {
      const { id } = request.params;
      const entry = await store.outbox.get(id);
      if (!entry) throw new ApiError('not_found', `outgoing postback ${id} does not exist`, 'id');
      let requeued: OutboxEntry | undefined;
      if (entry.state === 'failed') {
        requeued = await store.outbox.requeue(id, Date.now());
      } else if (entry.state === 'blocked') {
        const rendered = await rerenderBlockedChannelPostback(store, entry, config.accountCurrency);
        if (!rendered.ok) throw new ApiError('conflict', `outgoing postback ${id} is still blocked: ${rendered.reason}`, 'id');
        try {
          requeued = await store.outbox.requeue(id, Date.now(), { url: rendered.url, dedupeKey: rendered.dedupeKey });
        } catch (error) {
          // The same URL is already queued or sent for this conversion (another row holds its key).
          if (!(error instanceof UniqueViolationError)) throw error;
          throw new ApiError('conflict', `outgoing postback ${id}: the same postback for this conversion is already queued or sent`, 'id');
        }
      } else {
        const why = entry.state === 'sent' ? 'was already sent' : 'is already queued';
        throw new ApiError('conflict', `outgoing postback ${id} ${why}; only failed or blocked ones can be retried`, 'id');
      }
      if (!requeued) throw new ApiError('conflict', `outgoing postback ${id} changed meanwhile; reload and try again`, 'id');
      const attempts = await store.outbox.attempts([id]);
      return presentOutgoingPostback(requeued, attempts.get(id) ?? []);
    },
  });
}
