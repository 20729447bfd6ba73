import type { Kysely } from 'kysely';
import type { PostbackLogEntry, PostbackLogRepository, PostbackOutcome } from '../entity-store.js';
import type { Database, PostbackLogTable } from './database.js';

export function createPostbackLogRepository(db: Kysely<Database>): PostbackLogRepository {
  return {
    async append(entry) {
      const row = await db
        .insertInto('postback_log')
        .values(postbackLogRow(entry))
        .returning('id')
        .executeTakeFirstOrThrow();
      return Number(row.id);
    },
    async list({ limit, beforeId, outcome, clickId, offerSourceId, from, to }) {
      let query = db.selectFrom('postback_log').selectAll().orderBy('id', 'desc').limit(limit);
      if (beforeId !== undefined) query = query.where('id', '<', beforeId);
      if (outcome !== undefined) query = query.where('outcome', '=', outcome);
      if (clickId !== undefined) {
        // Rows with a conversion are found through it (see migration 0006), the others by their own index.
        query = query.where((eb) =>
          eb.or([
            eb.and([eb('click_id', '=', clickId), eb('conversion_id', 'is', null)]),
            eb.and([eb('conversion_id', 'is not', null), eb('conversion_id', 'in', eb.selectFrom('conversions').select('id').where('click_id', '=', clickId))]),
          ]),
        );
      }
      if (offerSourceId !== undefined) query = query.where('offer_source_id', '=', offerSourceId);
      if (from !== undefined) query = query.where('received_at', '>=', from);
      if (to !== undefined) query = query.where('received_at', '<', to);
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

/** A log entry's columns (the postback commit writes the same values with its own statement). */
function postbackLogRow(entry: PostbackLogEntry): Omit<PostbackLogTable, 'id'> {
  return {
    received_at: entry.receivedAt,
    method: entry.method,
    source_ip: entry.sourceIp,
    query: entry.query,
    outcome: entry.outcome,
    reason: entry.reason,
    click_id: entry.clickId,
    offer_source_id: entry.offerSourceId,
    conversion_id: entry.conversionId,
  };
}
