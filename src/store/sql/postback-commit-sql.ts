import type { DuplicatePlan } from '../../domain/duplicate-resolution.js';
import type { Conversion, NewConversion } from '../../domain/conversion.js';
import type { NewOutboxEntry } from '../entity-store.js';
import type { ConversionTable, OutboxTable } from './database.js';
import { outboxRow } from './outbox-repository.js';

/**
 * The statements of a postback commit as plain SQL that SQLite and PostgreSQL both accept (`on conflict
 * … do nothing / do update`, `returning *`), with the dialect's placeholders. The hot path runs them
 * as prepared statements: building a 50-column insert through Kysely costs more than running it.
 * The duplicate modes mean here what they mean in the conversion repository's `record`.
 */

const SUB_COUNT = 20;
const SUBS = Array.from({ length: SUB_COUNT }, (_, i) => `sub${i + 1}`) as (keyof ConversionTable & `sub${number}`)[];
const CONVERSION_COLUMNS = [
  'click_id', 'converted_at', 'click_at', 'updated_at', 'changed_at', 'type', 'status', 'payout_micros', 'original_payout_micros',
  'original_currency', 'event_id', 'duplicate_status', 'dedupe_key', 'origin', 'postback_count', 'campaign_id',
  'traffic_channel_id', 'offer_source_id', 'offer_id', 'lander_id', 'rule_index', 'path_index', 'ref_id', ...SUBS,
  'country', 'region', 'city', 'isp', 'device_type', 'os', 'browser', 'is_bot', 'params', 'personal_data',
] as const satisfies readonly (keyof ConversionTable)[];
const OUTBOX_COLUMNS = [
  'kind', 'conversion_id', 'campaign_id', 'traffic_channel_id', 'url', 'state', 'attempts', 'next_attempt_at', 'last_error',
  'claim_token', 'dedupe_key', 'created_at', 'updated_at',
] as const satisfies readonly (keyof OutboxTable)[];

// A column added to a table and forgotten here stops the build instead of failing inserts at run time.
type Missing<Table, Listed> = Exclude<Exclude<keyof Table, 'id'>, Listed>;
const everyColumn: [Missing<ConversionTable, (typeof CONVERSION_COLUMNS)[number]>, Missing<OutboxTable, (typeof OUTBOX_COLUMNS)[number]>] extends [never, never] ? true : never = true;
void everyColumn;

export type SqlValue = string | number | null;

export interface PostbackCommitSql {
  /** `none`, and the `insert_repeated` second row; returns the id (or, with `idFromDriver`, the driver reports it). */
  insertConversion: string;
  /** `ignore` and the first row of `insert_repeated`: returns the id, or no row (no change) when the dedupe key is taken. */
  insertConversionUnlessKeyTaken: string;
  /** `edit`: the holder of the dedupe key takes the new data. */
  insertOrEditConversion: string;
  /** `increment_payout`: the holder of the dedupe key adds the new payout. */
  insertOrIncrementConversion: string;
  conversionByDedupeKey: string;
  changeConversionStatus: string;
  enqueueOutbox: string;
}

/**
 * The statements with `placeholder(i)` for the i-th parameter (0-based): `?` for SQLite, `$1`… for
 * PostgreSQL. `idFromDriver` leaves `returning id` off the plain inserts, for a driver that reports
 * the new row's id itself (SQLite's last insert rowid): SQLite stages RETURNING rows in a temporary
 * table, a tenth of the insert's cost.
 */
export function postbackCommitSql(placeholder: (index: number) => string, { idFromDriver = false } = {}): PostbackCommitSql {
  const values = (count: number) => Array.from({ length: count }, (_, i) => placeholder(i)).join(', ');
  const insert = `insert into conversions (${CONVERSION_COLUMNS.join(', ')}) values (${values(CONVERSION_COLUMNS.length)})`;
  const onDuplicate = (set: string) =>
    `${insert} on conflict (dedupe_key) do update set postback_count = conversions.postback_count + 1, updated_at = excluded.updated_at, changed_at = excluded.updated_at, ${set} returning *`;
  return {
    insertConversion: idFromDriver ? insert : `${insert} returning id`,
    insertConversionUnlessKeyTaken: `${insert} on conflict (dedupe_key) do nothing${idFromDriver ? '' : ' returning id'}`,
    insertOrEditConversion: onDuplicate(
      ['status', 'payout_micros', 'original_payout_micros', 'original_currency', 'event_id', 'params', 'personal_data'].map((column) => `${column} = excluded.${column}`).join(', '),
    ),
    insertOrIncrementConversion: onDuplicate(
      'payout_micros = conversions.payout_micros + excluded.payout_micros, original_payout_micros = conversions.original_payout_micros + excluded.original_payout_micros',
    ),
    conversionByDedupeKey: `select * from conversions where dedupe_key = ${placeholder(0)}`,
    changeConversionStatus: `update conversions set status = ${placeholder(0)}, updated_at = ${placeholder(1)}, changed_at = ${placeholder(2)} where id = ${placeholder(3)}`,
    enqueueOutbox: `insert into outbox (${OUTBOX_COLUMNS.join(', ')}) values (${values(OUTBOX_COLUMNS.length)}) on conflict (dedupe_key) do nothing`,
  };
}

/**
 * Parameters of the conversion inserts, in CONVERSION_COLUMNS order (the conversion repository's row,
 * built straight into an array: on the hot path the intermediate object cost more than the insert).
 * `repeated` gives the second row of `insert_repeated`.
 */
export function conversionParameters(c: NewConversion, plan: DuplicatePlan, repeated = false): SqlValue[] {
  const parameters: SqlValue[] = [
    c.clickId, c.convertedAt, c.clickAt, c.convertedAt, null, c.type, c.status, c.payout, c.originalPayout, c.originalCurrency, c.eventId,
    repeated ? 'repeated' : plan.duplicateStatus, repeated ? null : plan.dedupeKey, c.origin, 1, c.campaignId, c.trafficChannelId,
    c.offerSourceId, c.offerId, c.landerId, c.ruleIndex, c.pathIndex, c.refId,
  ];
  for (let i = 0; i < SUB_COUNT; i++) parameters.push(c.subs[i] ?? '');
  parameters.push(c.country, c.region, c.city, c.isp, c.deviceType, c.os, c.browser, c.isBot ? 1 : 0, JSON.stringify(c.params), JSON.stringify(c.personalData));
  return parameters;
}

/** The conversion a plain insert stored, without reading it back: what `conversionFromRow` would give. */
export function insertedConversion(id: number, c: NewConversion, plan: DuplicatePlan, repeated = false): Conversion {
  // Spelled out: spreading the new conversion into a literal with overrides cost microseconds a postback.
  return {
    id,
    clickId: c.clickId,
    convertedAt: c.convertedAt,
    clickAt: c.clickAt,
    updatedAt: c.convertedAt,
    type: c.type,
    status: c.status,
    payout: c.payout,
    originalPayout: c.originalPayout,
    originalCurrency: c.originalCurrency,
    eventId: c.eventId,
    duplicateStatus: repeated ? 'repeated' : plan.duplicateStatus,
    origin: c.origin,
    postbackCount: 1,
    campaignId: c.campaignId,
    trafficChannelId: c.trafficChannelId,
    offerSourceId: c.offerSourceId,
    offerId: c.offerId,
    landerId: c.landerId,
    ruleIndex: c.ruleIndex,
    pathIndex: c.pathIndex,
    refId: c.refId,
    subs: c.subs.length === SUB_COUNT ? c.subs : Array.from({ length: SUB_COUNT }, (_, i) => c.subs[i] ?? ''),
    country: c.country,
    region: c.region,
    city: c.city,
    isp: c.isp,
    deviceType: c.deviceType,
    os: c.os,
    browser: c.browser,
    isBot: c.isBot,
    params: c.params,
    personalData: c.personalData,
  };
}

export function outboxParameters(entry: NewOutboxEntry): SqlValue[] {
  const row = outboxRow(entry);
  return OUTBOX_COLUMNS.map((column) => row[column]);
}
