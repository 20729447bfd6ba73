import { sql, type Kysely, type Selectable } from 'kysely';
import type { Conversion, NewConversion } from '../../domain/conversion.js';
import type { ConversionStatus } from '../../domain/conversion-status.js';
import type { DuplicatePlan, RecordOutcome } from '../../domain/duplicate-resolution.js';
import type { ConversionRepository } from '../entity-store.js';
import type { ConversionTable, Database } from './database.js';

type SubColumn = keyof ConversionTable & `sub${number}`;
const SUBS = Array.from({ length: 20 }, (_, i) => `sub${i + 1}`) as SubColumn[];
const EMPTY_PERSONAL_DATA = JSON.stringify({ hashed: {}, clear: {} });
const RETENTION_SLICE = 5_000;

/**
 * Conversions over Kysely. Every duplicate mode is one statement (or two, for "new or repeated"),
 * decided by the unique `dedupe_key`: `on conflict do nothing / do update` is atomic in SQLite and
 * PostgreSQL alike, so no read-then-write race exists.
 */
export function createConversionRepository(db: Kysely<Database>): ConversionRepository {
  const byId = async (id: number) => {
    const row = await db.selectFrom('conversions').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? conversionFromRow(row) : undefined;
  };

  return {
    async record(conversion, plan) {
      const row = { ...conversionToRow(conversion), dedupe_key: plan.dedupeKey, duplicate_status: plan.duplicateStatus, postback_count: 1, updated_at: conversion.convertedAt, changed_at: null };
      const insert = db.insertInto('conversions').values(row);
      const created = (stored: Selectable<ConversionTable>) => ({ outcome: 'created' as const, conversion: conversionFromRow(stored) });
      switch (plan.onConflict) {
        case 'none':
          return created(await insert.returningAll().executeTakeFirstOrThrow());
        case 'ignore': {
          const stored = await insert.onConflict((oc) => oc.column('dedupe_key').doNothing()).returningAll().executeTakeFirst();
          if (stored) return created(stored);
          const existing = await db.selectFrom('conversions').selectAll().where('dedupe_key', '=', plan.dedupeKey).executeTakeFirstOrThrow();
          return { outcome: 'ignored', conversion: conversionFromRow(existing) };
        }
        case 'insert_repeated': {
          const first = await insert.onConflict((oc) => oc.column('dedupe_key').doNothing()).returningAll().executeTakeFirst();
          return created(first ?? (await db.insertInto('conversions').values({ ...row, dedupe_key: null, duplicate_status: 'repeated' }).returningAll().executeTakeFirstOrThrow()));
        }
        case 'edit':
        case 'increment_payout': {
          const editing = plan.onConflict === 'edit';
          // Read before the edit replaces status and payout, which the offer caps counted.
          const before = editing ? await db.selectFrom('conversions').select(['status', 'payout_micros']).where('dedupe_key', '=', plan.dedupeKey).executeTakeFirst() : undefined;
          const stored = await insert
            .onConflict((oc) =>
              oc.column('dedupe_key').doUpdateSet((eb) => ({
                postback_count: sql<number>`conversions.postback_count + 1`,
                updated_at: eb.ref('excluded.updated_at'),
                changed_at: eb.ref('excluded.updated_at'),
                ...(editing
                  ? {
                      status: eb.ref('excluded.status'),
                      payout_micros: eb.ref('excluded.payout_micros'),
                      original_payout_micros: eb.ref('excluded.original_payout_micros'),
                      original_currency: eb.ref('excluded.original_currency'),
                      event_id: eb.ref('excluded.event_id'),
                      params: eb.ref('excluded.params'),
                      personal_data: eb.ref('excluded.personal_data'),
                    }
                  : {
                      payout_micros: sql<number>`conversions.payout_micros + excluded.payout_micros`,
                      original_payout_micros: sql<number>`conversions.original_payout_micros + excluded.original_payout_micros`,
                    }),
              })),
            )
            .returningAll()
            .executeTakeFirstOrThrow();
          const outcome: RecordOutcome = Number(stored.postback_count) === 1 ? 'created' : editing ? 'edited' : 'incremented';
          const previous = outcome === 'edited' && before ? { status: before.status as ConversionStatus, payout: Number(before.payout_micros) } : undefined;
          return { outcome, conversion: conversionFromRow(stored), ...(previous ? { previous } : {}) };
        }
      }
    },

    get: byId,

    async offerConversionsHourly() {
      const rows = await db
        .selectFrom('conversions')
        .select((eb) => [
          'offer_id',
          sql<number>`converted_at - (converted_at % 3600000)`.as('hour'),
          eb.fn.countAll<number>().as('conversions'),
          // What approved-type and payout caps count (offer-caps.ts).
          sql<number>`sum(case when status = 'approved' then 1 else 0 end)`.as('approved'),
          sql<number>`sum(payout_micros)`.as('payout'),
          sql<number>`sum(case when status = 'approved' then payout_micros else 0 end)`.as('approved_payout'),
        ])
        .where('offer_id', 'is not', null)
        .groupBy(['offer_id', sql`converted_at - (converted_at % 3600000)`])
        .execute();
      return rows.map((row) => ({
        offerId: Number(row.offer_id),
        hour: Number(row.hour),
        conversions: Number(row.conversions),
        approved: Number(row.approved),
        payout: Number(row.payout),
        approvedPayout: Number(row.approved_payout),
      }));
    },

    async listByClick(clickId) {
      const rows = await db.selectFrom('conversions').selectAll().where('click_id', '=', clickId).orderBy('converted_at').orderBy('id').execute();
      return rows.map(conversionFromRow);
    },

    async update(id, changes) {
      const now = Date.now();
      const set: Partial<Record<keyof ConversionTable, unknown>> = { updated_at: now, changed_at: now };
      if (changes.status !== undefined) set.status = changes.status;
      if (changes.payout !== undefined) set.payout_micros = changes.payout;
      if (changes.originalPayout !== undefined) set.original_payout_micros = changes.originalPayout;
      if (changes.originalCurrency !== undefined) set.original_currency = changes.originalCurrency;
      const result = await db.updateTable('conversions').set(set as never).where('id', '=', id).executeTakeFirst();
      return Number(result.numUpdatedRows) ? byId(id) : undefined;
    },

    async journeyEvents({ clickFrom, clickTo, types, campaignId }) {
      if (types.length === 0) return [];
      // A conversion never precedes its click, so the converted_at bound lets the time index narrow the scan.
      let query = db
        .selectFrom('conversions')
        .select(['id', 'click_id', 'click_at', 'converted_at', 'type'])
        .where('converted_at', '>=', clickFrom)
        .where('click_at', '>=', clickFrom)
        .where('click_at', '<', clickTo)
        .where('type', 'in', types);
      if (campaignId !== undefined) query = query.where('campaign_id', '=', campaignId);
      const rows = await query.orderBy('click_id').orderBy('converted_at').orderBy('id').execute();
      return rows.map((row) => ({ id: Number(row.id), clickId: row.click_id, clickAt: Number(row.click_at), at: Number(row.converted_at), type: row.type! }));
    },

    async clearPersonalData(before) {
      // In slices, so a first run over years of conversions never holds the write lock for long.
      let cleared = 0;
      for (;;) {
        const ids = db
          .selectFrom('conversions')
          .select('id')
          .where('converted_at', '<', before)
          .where('personal_data', '!=', EMPTY_PERSONAL_DATA)
          .limit(RETENTION_SLICE);
        const result = await db.updateTable('conversions').set({ personal_data: EMPTY_PERSONAL_DATA }).where('id', 'in', ids).executeTakeFirst();
        const changed = Number(result.numUpdatedRows);
        cleared += changed;
        if (changed < RETENTION_SLICE) return cleared;
      }
    },

    async listAfterId(id, limit) {
      const rows = await db.selectFrom('conversions').selectAll().where('id', '>', id).orderBy('id').limit(limit).execute();
      return rows.map(conversionFromRow);
    },

    async listChangedSince(after, limit) {
      // Keyset order over conversions_changed: equal times are told apart by id, so none is skipped.
      // A row-value comparison, which the index seeks to; SQLite scanned the index from its start for
      // the equivalent `a > x or (a = x and b > y)`, so each page cost more than the one before. The
      // `is not null` lets the planner use the partial index.
      const rows = await db
        .selectFrom('conversions')
        .selectAll()
        .where('changed_at', 'is not', null)
        .where((eb) => eb(eb.refTuple('changed_at', 'id'), '>', eb.tuple(after.updatedAt, after.id)))
        .orderBy('changed_at')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(conversionFromRow);
    },

    async list(filter, page) {
      // (converted_at, id) is what conversions_time and conversions_campaign_time hold (the id rides
      // along in every index), so the order and the cursor need no sort over the whole range.
      let query = db.selectFrom('conversions').selectAll();
      if (filter.from !== undefined) query = query.where('converted_at', '>=', filter.from);
      if (filter.to !== undefined) query = query.where('converted_at', '<', filter.to);
      if (filter.campaignId !== undefined) query = query.where('campaign_id', '=', filter.campaignId);
      if (filter.offerId !== undefined) query = query.where('offer_id', '=', filter.offerId);
      if (filter.offerSourceId !== undefined) query = query.where('offer_source_id', '=', filter.offerSourceId);
      if (filter.type !== undefined) query = query.where('type', '=', filter.type);
      if (filter.status !== undefined) query = query.where('status', '=', filter.status);
      if (filter.duplicateStatus !== undefined) query = query.where('duplicate_status', '=', filter.duplicateStatus);
      if (filter.clickId !== undefined) query = query.where('click_id', '=', filter.clickId);
      const after = page.after;
      if (after) {
        query = query
          .where('converted_at', '<=', after.convertedAt)
          .where((eb) => eb.or([eb('converted_at', '<', after.convertedAt), eb('id', '<', after.id)]));
      }
      const rows = await query.orderBy('converted_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
      return rows.map(conversionFromRow);
    },
  };

}

function conversionToRow(c: NewConversion): Omit<ConversionTable, 'id' | 'dedupe_key' | 'duplicate_status' | 'postback_count' | 'updated_at' | 'changed_at'> {
  const subs = Object.fromEntries(SUBS.map((name, i) => [name, c.subs[i] ?? ''])) as Record<SubColumn, string>;
  return {
    click_id: c.clickId,
    converted_at: c.convertedAt,
    click_at: c.clickAt,
    type: c.type,
    status: c.status,
    payout_micros: c.payout,
    original_payout_micros: c.originalPayout,
    original_currency: c.originalCurrency,
    event_id: c.eventId,
    origin: c.origin,
    campaign_id: c.campaignId,
    traffic_channel_id: c.trafficChannelId,
    offer_source_id: c.offerSourceId,
    offer_id: c.offerId,
    lander_id: c.landerId,
    rule_index: c.ruleIndex,
    path_index: c.pathIndex,
    ref_id: c.refId,
    ...subs,
    country: c.country,
    region: c.region,
    city: c.city,
    isp: c.isp,
    device_type: c.deviceType,
    os: c.os,
    browser: c.browser,
    is_bot: c.isBot ? 1 : 0,
    params: JSON.stringify(c.params),
    personal_data: JSON.stringify(c.personalData),
  };
}

export function conversionFromRow(row: Selectable<ConversionTable>): Conversion {
  return {
    id: Number(row.id),
    clickId: row.click_id,
    convertedAt: Number(row.converted_at),
    clickAt: Number(row.click_at),
    updatedAt: Number(row.updated_at),
    type: row.type,
    status: row.status as Conversion['status'],
    payout: Number(row.payout_micros),
    originalPayout: Number(row.original_payout_micros),
    originalCurrency: row.original_currency,
    eventId: row.event_id,
    duplicateStatus: row.duplicate_status as Conversion['duplicateStatus'],
    origin: row.origin as Conversion['origin'],
    postbackCount: Number(row.postback_count),
    campaignId: Number(row.campaign_id),
    trafficChannelId: Number(row.traffic_channel_id),
    offerSourceId: row.offer_source_id === null ? null : Number(row.offer_source_id),
    offerId: row.offer_id === null ? null : Number(row.offer_id),
    landerId: row.lander_id === null ? null : Number(row.lander_id),
    ruleIndex: Number(row.rule_index),
    pathIndex: Number(row.path_index),
    refId: row.ref_id,
    subs: SUBS.map((name) => row[name]),
    country: row.country,
    region: row.region,
    city: row.city,
    isp: row.isp,
    deviceType: row.device_type,
    os: row.os,
    browser: row.browser,
    isBot: Number(row.is_bot) === 1,
    params: JSON.parse(row.params),
    personalData: JSON.parse(row.personal_data),
  };
}
