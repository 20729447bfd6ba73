import type { Kysely, Selectable } from 'kysely';
import type { Conversion } from '../../domain/conversion.js';
import type { ConversionStatus } from '../../domain/conversion-status.js';
import type { PulledConversionRecord, PulledConversionRepository, PulledConversionState } from '../entity-store.js';
import { createConversionRepository } from './conversion-repository.js';
import type { Database, PulledConversionTable } from './database.js';
import { createOutboxRepository } from './outbox-repository.js';

// SQLite allows 32766 parameters a statement; lists are read in slices well below that.
const SLICE = 500;

/**
 * The pulled conversions of integrations over Kysely. A page of a pull is one transaction: the
 * conversions it creates or changes (through the conversion repository's own statements, on the
 * transaction), their channel postbacks (the outbox's), and the rows, so a pull failing on a later
 * page leaves every earlier page whole and nothing of its own.
 */
export function createPulledConversionRepository(db: Kysely<Database>): PulledConversionRepository {
  return {
    async byExternalIds(integrationId, externalIds) {
      const found = new Map<string, PulledConversionRecord>();
      for (let i = 0; i < externalIds.length; i += SLICE) {
        const rows = await db
          .selectFrom('pulled_conversions')
          .selectAll()
          .where('integration_id', '=', integrationId)
          .where('external_id', 'in', externalIds.slice(i, i + SLICE))
          .execute();
        for (const row of rows) found.set(row.external_id, recordFromRow(row));
      }
      return found;
    },

    async linkedConversionIds(conversionIds) {
      const linked = new Set<number>();
      for (let i = 0; i < conversionIds.length; i += SLICE) {
        const rows = await db.selectFrom('pulled_conversions').select('conversion_id').where('conversion_id', 'in', conversionIds.slice(i, i + SLICE)).execute();
        for (const row of rows) if (row.conversion_id !== null) linked.add(Number(row.conversion_id));
      }
      return linked;
    },

    async apply(integrationId, writes) {
      if (writes.length === 0) return { created: [], updated: [] };
      return db.transaction().execute(async (trx) => {
        // Deleted while its pull ran: rows would belong to nothing, and conversions would be made for it.
        const integration = await trx.selectFrom('integrations').select('id').where('id', '=', integrationId).executeTakeFirst();
        if (!integration) throw new Error(`integration ${integrationId} was deleted while its conversion pull ran; nothing of the page was written`);
        const conversions = createConversionRepository(trx);
        const outbox = createOutboxRepository(trx);
        const created: Conversion[] = [];
        const updated: { before: Conversion; after: Conversion }[] = [];
        for (const write of writes) {
          let record = write.record;
          let written: Conversion | undefined;
          if (write.create) {
            const { outcome, conversion } = await conversions.record(write.create.conversion, { dedupeKey: write.create.dedupeKey, onConflict: 'ignore', duplicateStatus: 'unknown' });
            record = { ...record, conversionId: conversion.id, clickId: conversion.clickId, unmatchedReason: null };
            if (outcome === 'created') created.push((written = conversion));
          } else if (write.update) {
            const before = await conversions.get(write.update.conversionId);
            written = await conversions.update(write.update.conversionId, write.update.changes);
            if (before && written) updated.push({ before, after: written });
          }
          const entry = written && write.channelPostback?.(written);
          if (entry) await outbox.enqueue(entry);
          await trx
            .insertInto('pulled_conversions')
            .values({ integration_id: integrationId, ...stateColumns(record), first_seen_at: write.seenAt, last_seen_at: write.seenAt })
            .onConflict((oc) => oc.columns(['integration_id', 'external_id']).doUpdateSet({ ...stateColumns(record), last_seen_at: write.seenAt }))
            .execute();
        }
        return { created, updated };
      });
    },

    async list({ integrationId, matched, beforeId, limit }) {
      let query = db.selectFrom('pulled_conversions').selectAll().where('integration_id', '=', integrationId);
      if (matched !== undefined) query = query.where('conversion_id', matched ? 'is not' : 'is', null);
      if (beforeId !== undefined) query = query.where('id', '<', beforeId);
      const rows = await query.orderBy('id', 'desc').limit(limit).execute();
      return rows.map(recordFromRow);
    },

    async unmatchedNotSeenSince({ integrationId, seenBefore, convertedSince, afterId, limit }) {
      const rows = await db
        .selectFrom('pulled_conversions')
        .selectAll()
        .where('integration_id', '=', integrationId)
        .where('conversion_id', 'is', null)
        .where('last_seen_at', '<', seenBefore)
        .where('converted_at', '>=', convertedSince)
        .where('id', '>', afterId)
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(recordFromRow);
    },

    async pulledTwin(clickId, offerSourceId) {
      const row = await db
        .selectFrom('pulled_conversions')
        .innerJoin('conversions', 'conversions.id', 'pulled_conversions.conversion_id')
        .select(['conversions.id', 'conversions.dedupe_key'])
        .where('conversions.click_id', '=', clickId)
        .where('conversions.offer_source_id', '=', offerSourceId)
        .where('conversions.origin', '=', 'pull')
        .where('conversions.dedupe_key', 'is not', null)
        .orderBy('conversions.id')
        .executeTakeFirst();
      return row ? { conversionId: Number(row.id), dedupeKey: row.dedupe_key! } : undefined;
    },
  };
}

function stateColumns(state: PulledConversionState) {
  return {
    external_id: state.externalId,
    status: state.status,
    partner_status: state.partnerStatus,
    payout_micros: state.payout,
    currency: state.currency,
    converted_at: state.convertedAt,
    offer_external_id: state.offerExternalId,
    transaction_id: state.transactionId,
    click_id_candidates: JSON.stringify(state.clickIdCandidates),
    click_id: state.clickId,
    conversion_id: state.conversionId,
    unmatched_reason: state.unmatchedReason,
  };
}

function recordFromRow(row: Selectable<PulledConversionTable>): PulledConversionRecord {
  return {
    id: Number(row.id),
    integrationId: Number(row.integration_id),
    externalId: row.external_id,
    status: row.status as ConversionStatus,
    partnerStatus: row.partner_status,
    payout: Number(row.payout_micros),
    currency: row.currency,
    convertedAt: Number(row.converted_at),
    offerExternalId: row.offer_external_id,
    transactionId: row.transaction_id,
    clickIdCandidates: JSON.parse(row.click_id_candidates) as PulledConversionRecord['clickIdCandidates'],
    clickId: row.click_id,
    conversionId: row.conversion_id === null ? null : Number(row.conversion_id),
    unmatchedReason: row.unmatched_reason,
    firstSeenAt: Number(row.first_seen_at),
    lastSeenAt: Number(row.last_seen_at),
  };
}
