import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import { UniqueViolationError, type NewOutboxEntry, type OutboxAttempt, type OutboxEntry, type OutboxKind, type OutboxRepository, type OutboxState } from '../entity-store.js';
import type { Database, OutboxAttemptTable, OutboxTable } from './database.js';

/**
 * The outbox over Kysely. Claiming is one UPDATE whose own WHERE repeats the due condition: SQLite
 * runs it under its write lock, and PostgreSQL re-checks that condition on a row another transaction
 * just claimed, so two workers never take the same row.
 */
export function createOutboxRepository(db: Kysely<Database>): OutboxRepository {
  const byId = async (id: number, now = Date.now()) => {
    const row = await db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? entryFromRow(row, now) : undefined;
  };

  return {
    async enqueue(entry) {
      const row = await db
        .insertInto('outbox')
        .values(outboxRow(entry))
        .onConflict((oc) => oc.column('dedupe_key').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (row) return { entry: entryFromRow(row, entry.now), created: true };
      const existing = await db.selectFrom('outbox').selectAll().where('dedupe_key', '=', entry.dedupeKey).executeTakeFirstOrThrow();
      return { entry: entryFromRow(existing, entry.now), created: false };
    },

    async claimDue(now, limit, leaseMs) {
      const claimToken = randomUUID();
      const rows = await db
        .updateTable('outbox')
        .set({ claim_token: claimToken, next_attempt_at: now + leaseMs, updated_at: now })
        .where('state', '=', 'pending')
        .where('next_attempt_at', '<=', now)
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('outbox')
            .select('id')
            .where('state', '=', 'pending')
            .where('next_attempt_at', '<=', now)
            .orderBy('next_attempt_at')
            .orderBy('id')
            .limit(limit),
        )
        .returningAll()
        .execute();
      return rows.map((row) => ({ ...entryFromRow(row, now), claimToken })).sort((a, b) => a.id - b.id);
    },

    async recordAttempt(claim, attempt, next) {
      return db.transaction().execute(async (trx) => {
        await trx
          .insertInto('outbox_attempts')
          .values({ outbox_id: claim.id, attempted_at: attempt.attemptedAt, status_code: attempt.statusCode, latency_ms: Math.round(attempt.latencyMs), error: attempt.error })
          .execute();
        const result = await trx
          .updateTable('outbox')
          .set({
            state: next.state,
            attempts: sql<number>`attempts + 1`,
            next_attempt_at: next.state === 'pending' ? next.nextAttemptAt : null,
            last_error: next.lastError,
            claim_token: null,
            updated_at: attempt.attemptedAt + Math.round(attempt.latencyMs),
          })
          .where('id', '=', claim.id)
          .where('claim_token', '=', claim.claimToken)
          .executeTakeFirst();
        return Number(result.numUpdatedRows) > 0;
      });
    },

    get: (id) => byId(id),

    async list({ states, campaignId, conversionId, conversionIds, beforeId, limit, offset }) {
      let query = db.selectFrom('outbox');
      if (states?.length) query = query.where('state', 'in', states);
      if (campaignId !== undefined) query = query.where('campaign_id', '=', campaignId);
      if (conversionId !== undefined) query = query.where('conversion_id', '=', conversionId);
      if (conversionIds !== undefined) {
        if (!conversionIds.length) return { items: [], total: 0 };
        query = query.where('conversion_id', 'in', conversionIds);
      }
      const rowsQuery = beforeId === undefined ? query : query.where('id', '<', beforeId);
      const [rows, count] = await Promise.all([
        rowsQuery.selectAll().orderBy('id', 'desc').limit(limit).offset(offset).execute(),
        query.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
      ]);
      const now = Date.now();
      return { items: rows.map((row) => entryFromRow(row, now)), total: Number(count.n) };
    },

    async attempts(outboxIds) {
      const byOutbox = new Map<number, OutboxAttempt[]>(outboxIds.map((id) => [id, []]));
      if (!outboxIds.length) return byOutbox;
      const rows = await db.selectFrom('outbox_attempts').selectAll().where('outbox_id', 'in', outboxIds).orderBy('id').execute();
      for (const row of rows) byOutbox.get(Number(row.outbox_id))?.push(attemptFromRow(row));
      return byOutbox;
    },

    async requeue(id, now, changes) {
      if (changes?.dedupeKey) {
        const holder = await db.selectFrom('outbox').select('id').where('dedupe_key', '=', changes.dedupeKey).where('id', '!=', id).executeTakeFirst();
        if (holder) throw new UniqueViolationError('dedupeKey');
      }
      const result = await db
        .updateTable('outbox')
        .set({
          state: 'pending',
          attempts: 0,
          next_attempt_at: now,
          claim_token: null,
          updated_at: now,
          ...(changes ? { url: changes.url, dedupe_key: changes.dedupeKey, last_error: null } : {}),
        })
        .where('id', '=', id)
        .where('state', 'in', ['failed', 'blocked'])
        .executeTakeFirst();
      return Number(result.numUpdatedRows) ? byId(id, now) : undefined;
    },
  };
}

/** A new outbox row's columns; the postback commit inserts the same row with its own statement. */
export function outboxRow(entry: NewOutboxEntry): Omit<OutboxTable, 'id'> {
  return {
    kind: entry.kind,
    conversion_id: entry.conversionId,
    campaign_id: entry.campaignId,
    traffic_channel_id: entry.trafficChannelId,
    url: entry.url,
    state: entry.state,
    attempts: 0,
    next_attempt_at: entry.state === 'pending' ? entry.now : null,
    last_error: entry.lastError,
    claim_token: null,
    dedupe_key: entry.dedupeKey,
    created_at: entry.now,
    updated_at: entry.now,
  };
}

function entryFromRow(row: Selectable<OutboxTable>, now: number): OutboxEntry {
  const nextAttemptAt = row.next_attempt_at === null ? null : Number(row.next_attempt_at);
  return {
    id: Number(row.id),
    kind: row.kind as OutboxKind,
    conversionId: row.conversion_id === null ? null : Number(row.conversion_id),
    campaignId: row.campaign_id === null ? null : Number(row.campaign_id),
    trafficChannelId: row.traffic_channel_id === null ? null : Number(row.traffic_channel_id),
    url: row.url,
    state: row.state as OutboxState,
    attempts: Number(row.attempts),
    nextAttemptAt,
    lastError: row.last_error,
    inFlight: row.claim_token !== null && nextAttemptAt !== null && nextAttemptAt > now,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function attemptFromRow(row: Selectable<OutboxAttemptTable>): OutboxAttempt {
  return {
    id: Number(row.id),
    outboxId: Number(row.outbox_id),
    attemptedAt: Number(row.attempted_at),
    statusCode: row.status_code === null ? null : Number(row.status_code),
    latencyMs: Number(row.latency_ms),
    error: row.error,
  };
}
