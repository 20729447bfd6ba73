import type { Kysely } from 'kysely';
import type { PostbackLogRepository, PostbackOutcome } from '../entity-store.js';
import type { Database } from './database.js';

export function createPostbackLogRepository(db: Kysely<Database>): PostbackLogRepository {
  return {
    async append(entry) {
      const row = await db
        .insertInto('postback_log')
        .values({
          received_at: entry.receivedAt,
          method: entry.method,
          source_ip: entry.sourceIp,
          query: entry.query,
          outcome: entry.outcome,
          reason: entry.reason,
          click_id: entry.clickId,
          offer_source_id: entry.offerSourceId,
          conversion_id: entry.conversionId,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return Number(row.id);
    },
    async list({ limit, beforeId }) {
      let query = db.selectFrom('postback_log').selectAll().orderBy('id', 'desc').limit(limit);
      if (beforeId !== undefined) query = query.where('id', '<', beforeId);
      return (await query.execute()).map((row) => ({
        id: Number(row.id),
        receivedAt: Number(row.received_at),
        method: row.method,
        sourceIp: row.source_ip,
        query: row.query,
        outcome: row.outcome as PostbackOutcome,
        reason: row.reason,
        clickId: row.click_id,
        offerSourceId: row.offer_source_id === null ? null : Number(row.offer_source_id),
        conversionId: row.conversion_id === null ? null : Number(row.conversion_id),
      }));
    },
  };
}
