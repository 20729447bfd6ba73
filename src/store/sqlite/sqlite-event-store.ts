import { Kysely, Migrator, SqliteDialect } from 'kysely';
import type { Click } from '../../domain/click.js';
import type { LoggedPostback, PostbackLogEntry, PostbackLogQuery, PostbackOutcome } from '../../domain/postback-log.js';
import type BetterSqlite3 from 'better-sqlite3';
import { splitCost } from '../../domain/cost-split.js';
import type { ClickCostSelection, ClickFilter, ClickPage, ConversionClick, EventBatch, EventStore } from '../event-store.js';
import { clicksMigration } from './event-migrations/0001-clicks.js';
import { reportFactsMigration } from './event-migrations/0002-report-facts.js';
import { reportRollupTiersMigration } from './event-migrations/0003-report-rollup-tiers.js';
import { blockedClicksMigration } from './event-migrations/0005-blocked-clicks.js';
import { postbackLogMigration } from './event-migrations/0004-postback-log.js';
import { conversionFactsIn } from './conversion-facts.js';
import { reportFactsIn } from './report-facts-query.js';
import { rollupMarksIn } from './report-rollups.js';
import { startRollupRunner, type RollupRunner } from './rollup-thread.js';
import { startBackgroundCheckpointer } from './background-checkpointer.js';
import { EventWriterThread } from './event-writer-thread.js';
import { ClickSpool } from './click-spool.js';
import { SpoolIngestion } from './spool-ingestion.js';
import { clickSpoolMigration } from './event-migrations/0006-click-spool.js';
import { CLICK_COLUMNS, SUBS, clickToRow } from './click-row.js';
import { openSqlite } from './open-sqlite.js';
import { withStatementCache } from './statement-cache.js';
import { clickIdLowerBound } from '../../domain/click-id.js';
import { GroupCommit } from '../sql/group-commit.js';

const POSTBACK_LOG_COLUMNS = ['received_at', 'method', 'source_ip', 'query', 'outcome', 'reason', 'click_id', 'offer_source_id', 'conversion_id'];

/**
 * The embedded-mode EventStore: clicks and the postback log in their own SQLite file, so their writes
 * never wait on the configuration database. Click batches are acknowledged once appended to a spool
 * beside the file (click-spool.ts) and stored from it by a thread of their own (EventWriterThread),
 * which writes the postback log rows too; reads that must see every acknowledged click wait until the
 * spool is stored (SpoolIngestion.caughtUp). Reads and the rarer updates use prepared statements on
 * this thread; migrations go through Kysely.
 * Rollups are summed on a thread of their own, which also copies conversion facts straight from the
 * entity store's file when `entityFile` names it; migration 0004 copies that file's old postback log.
 */
export function createSqliteEventStore(file: string, options: { entityFile?: string; spoolSegmentBytes?: number } = {}): EventStore {
  const database = openSqlite(file);
  const kysely = new Kysely<unknown>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  let statements: ReturnType<typeof prepare> | undefined;
  const writer = new EventWriterThread(file, {
    insertClick: `insert or ignore into clicks (${CLICK_COLUMNS.join(', ')}) values (${CLICK_COLUMNS.map(() => '?').join(', ')})`,
    addOfferClicks: `insert into offer_clicks_hourly (offer_id, hour, clicks) values (?, ?, ?)
       on conflict (offer_id, hour) do update set clicks = clicks + excluded.clicks`,
    addImpressions: `insert into impressions_hourly (campaign_id, hour, impressions, cost_micros) values (?, ?, ?, ?)
       on conflict (campaign_id, hour) do update set impressions = impressions + excluded.impressions, cost_micros = cost_micros + excluded.cost_micros`,
    appendPostbackLog: `insert into postback_log (${POSTBACK_LOG_COLUMNS.join(', ')}) values (${POSTBACK_LOG_COLUMNS.map(() => '?').join(', ')})`,
    createdAtIndex: CLICK_COLUMNS.indexOf('created_at'),
    offerIdIndex: CLICK_COLUMNS.indexOf('offer_id'),
  });
  const spool = new ClickSpool(`${file}-spool`, options.spoolSegmentBytes);
  const ingestion = new SpoolIngestion(spool, writer);
  /** Everything acknowledged so far is in the database. */
  const stored = () => ingestion.caughtUp();
  /** A click not found (a falsy answer) may still be in the spool: found once it is stored. */
  async function afterStored<T>(read: () => T | Promise<T>): Promise<T> {
    const value = await read();
    if (value || !ingestion.pending) return value;
    await stored();
    return read();
  }
  // No checkpoint inside the writer's commits (nor this connection's updates); the writer copies the
  // last frames between two batches when the background checkpointer asks.
  const checkpointer = startBackgroundCheckpointer(file, database, async (checkpointOnThread) => {
    if (!(await writer.checkpoint())) await checkpointOnThread();
  });

  function prepare() {
    return {
      // Values by position: better-sqlite3 building an object of ~60 named columns cost more than finding the row.
      findClick: database.prepare(`select ${CLICK_COLUMNS.join(', ')} from clicks where click_id = ?`).raw(true),
      findClickForConversion: database.prepare(`select ${CONVERSION_CLICK_COLUMNS.join(', ')} from clicks where click_id = ?`).raw(true),
      landerClick: database.prepare(
        'update clicks set lander_clicked_at = coalesce(lander_clicked_at, ?), lander_click_offer_id = ? where click_id = ?',
      ),
      recentVisitors: database.prepare(
        // Ids begin with their time: the id index finds the recent clicks without a time index.
        'select campaign_id, visitor_key, max(created_at) as last_seen from clicks where click_id >= ? group by campaign_id, visitor_key',
      ),
      offerClicks: database.prepare('select offer_id, hour, clicks from offer_clicks_hourly'),
      impressionTotals: database.prepare(
        'select coalesce(sum(impressions), 0) as impressions, coalesce(sum(cost_micros), 0) as cost from impressions_hourly where campaign_id = ?',
      ),
      setClickCost: setClickCostIn(database),
      listClicks: listClicksIn(database),
      listPostbackLog: listPostbackLogIn(database),
    };
  }
  const ready = () => (statements ??= prepare());
  // The rows of the postbacks answered together go to the writer thread in one message and one transaction.
  const postbackLog = new GroupCommit<readonly PostbackLogEntry[], void>(async (batches) => {
    await writer.appendPostbackLog(batches.flat().map(postbackLogToRow));
    return batches.map(() => ({ status: 'fulfilled', value: undefined }));
  });
  let conversionClicks: GroupCommit<string, ConversionClick | undefined> | undefined;
  // Report statements need the report tables, so they are prepared after migrations, on first use.
  let reporting: ReturnType<typeof prepareReporting> | undefined;
  const prepareReporting = () => {
    // Reports group large rollup ranges on this connection (rollups are summed on their own thread,
    // see rollup-thread.ts): sorts in memory, and a page cache that holds the rollups' upper levels.
    database.pragma('temp_store = memory');
    database.pragma('cache_size = -131072');
    return { facts: reportFactsIn(database), conversions: conversionFactsIn(database) };
  };
  const reports = () => (reporting ??= prepareReporting());
  let rollupRunner: RollupRunner | undefined;
  // Another connection cannot reach an in-memory database, so it copies through the ports.
  const entityFile = file === ':memory:' ? undefined : options.entityFile;
  const rollups = () => (rollupRunner ??= startRollupRunner(file, database, entityFile));
  let rollupMarks: ReturnType<typeof rollupMarksIn> | undefined;
  const marks = () => (rollupMarks ??= rollupMarksIn(database));

  return {
    async write(batch) {
      if (!batch.clicks.length && !batch.impressions.length) return;
      let lines = '';
      for (const click of batch.clicks) lines += `c${JSON.stringify(clickToRow(click))}\n`;
      for (const row of batch.impressions) lines += `i${JSON.stringify([row.campaignId, row.hour, row.count, row.cost])}\n`;
      spool.append(lines);
      ingestion.notify();
    },
    spoolBacklogBytes() {
      return ingestion.backlogBytes();
    },
    async recordLanderClick(clickId, offerId, at) {
      const recorded = await afterStored(() => ready().landerClick.run(at, offerId, clickId).changes > 0);
      if (recorded) marks().markLanderClick(clickId);
      return recorded;
    },
    async findClick(clickId) {
      const values = await afterStored(() => ready().findClick.get(clickId) as ClickValues | undefined);
      return values ? clickFromValues(values) : undefined;
    },
    findClickForConversion(clickId) {
      const reader = (conversionClicks ??= conversionClickReader(database, ready().findClickForConversion));
      return afterStored(() => reader.submit(clickId));
    },
    async recentVisitors(since) {
      await stored();
      return (ready().recentVisitors.all(clickIdLowerBound(since)) as { campaign_id: number; visitor_key: string; last_seen: number }[]).map((row) => ({
        campaignId: row.campaign_id,
        visitorKey: row.visitor_key,
        lastSeen: row.last_seen,
      }));
    },
    async offerClicksHourly() {
      await stored();
      return (ready().offerClicks.all() as { offer_id: number; hour: number; clicks: number }[]).map((row) => ({
        offerId: row.offer_id,
        hour: row.hour,
        clicks: row.clicks,
      }));
    },
    async impressionTotals(campaignId) {
      await stored();
      const row = ready().impressionTotals.get(campaignId) as { impressions: number; cost: number };
      return { impressions: row.impressions, cost: row.cost };
    },
    async setClickCost(selection, total) {
      await stored();
      const { clicks, previousCost, times } = ready().setClickCost(selection, total);
      marks().markHours(times);
      return { clicks, previousCost };
    },
    async listClicks(filter, page) {
      await stored();
      return ready().listClicks(filter, page);
    },
    async appendPostbackLog(entries) {
      if (entries.length) await postbackLog.submit(entries);
    },
    async listPostbackLog(query) {
      return ready().listPostbackLog(query);
    },
    async reportFacts(query) {
      await stored();
      return reports().facts(query);
    },
    async conversionFactsWatermark() {
      return reports().conversions.watermark();
    },
    async writeConversionFacts(facts, watermark) {
      // Conversion facts take dimensions from their clicks.
      await stored();
      reports().conversions.write(facts, watermark);
    },
    async writeReportEntities(entities) {
      reports().conversions.writeEntities(entities);
    },
    async refreshRollups() {
      await stored();
      await rollups().refresh();
    },
    ...(entityFile && {
      copyConversionFactsFromEntities: async (now: number) => {
        await stored();
        await rollups().copyConversionFacts!(now);
      },
    }),
    async deleteClicksBefore(before) {
      await stored();
      return rollups().deleteClicksBefore(before);
    },
    async migrate() {
      const migrator = new Migrator({
        db: kysely,
        provider: {
          getMigrations: async () => ({
            '0001-clicks': clicksMigration,
            '0002-report-facts': reportFactsMigration,
            '0003-report-rollup-tiers': reportRollupTiersMigration,
            '0004-postback-log': postbackLogMigration(entityFile),
            '0005-blocked-clicks': blockedClicksMigration,
            '0006-click-spool': clickSpoolMigration,
          }),
        },
        migrationTableName: 'waypost_migrations',
        migrationLockTableName: 'waypost_migrations_lock',
      });
      const { error, results } = await migrator.migrateToLatest();
      if (error) throw error;
      // Clicks a killed process acknowledged but had not stored yet.
      await ingestion.storeLeftovers();
      return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    },
    async ping() {
      database.prepare('select 1').get();
    },
    async close() {
      try {
        // Unless the database refuses them, in which case the spool keeps them for the next start.
        await ingestion.finish();
      } finally {
        await rollupRunner?.stop();
        await checkpointer.stop();
        await writer.stop();
        await kysely.destroy();
      }
    },
  };
}

/** Cost replacement as one transaction: the clicks are read, split over and written without a gap. */
function setClickCostIn(database: BetterSqlite3.Database) {
  const select = (subColumn: string | undefined) =>
    database.prepare(
      `select click_id, created_at, cost_micros from clicks where campaign_id = ? and created_at >= ? and created_at < ?${subColumn ? ` and ${subColumn} = ?` : ''} order by created_at, click_id`,
    );
  // Sub columns come from a fixed list, never from input, so the statement text is safe.
  const selects = new Map<string | undefined, BetterSqlite3.Statement>([[undefined, select(undefined)], ...SUBS.map((sub) => [sub, select(sub)] as const)]);
  const update = database.prepare('update clicks set cost_micros = ? where click_id = ?');
  return database.transaction((selection: ClickCostSelection, total: number) => {
    const subColumn = selection.sub ? SUBS[selection.sub.index - 1] : undefined;
    if (selection.sub && !subColumn) throw new RangeError(`no sub${selection.sub.index}; subs are sub1..sub20`);
    const parameters: (string | number)[] = [selection.campaignId, selection.from, selection.to];
    if (selection.sub) parameters.push(selection.sub.value);
    const rows = selects.get(subColumn)!.all(...parameters) as { click_id: string; created_at: number; cost_micros: number }[];
    const shares = splitCost(total, rows.length);
    let previousCost = 0;
    rows.forEach((row, i) => {
      previousCost += Number(row.cost_micros);
      update.run(shares[i]!, row.click_id);
    });
    // The click times tell the rollups which hours to sum again.
    return { clicks: rows.length, previousCost, times: rows.map((row) => row.created_at) };
  });
}

/**
 * The click log, newest first. Click ids begin with their click's time (the same millisecond as
 * `created_at`), so without a campaign the click-id index alone serves the time range, the order and
 * the cursor; with a campaign, `clicks_campaign_time` does. Either way a page reads about as many
 * index entries as it returns when the other filters match often.
 */
function listClicksIn(database: BetterSqlite3.Database) {
  const statements = new Map<string, BetterSqlite3.Statement>();
  // Ids hold 9 base32 digits of time; a bound past that range would wrap.
  const MAX_ID_TIME = 32 ** 9 - 1;
  return (filter: ClickFilter, page: ClickPage): Click[] => {
    const where: string[] = [];
    const parameters: (string | number)[] = [];
    const add = (clause: string, ...values: (string | number)[]) => {
      where.push(clause);
      parameters.push(...values);
    };
    const byCampaign = filter.campaignId !== undefined;
    if (byCampaign) {
      add('campaign_id = ?', filter.campaignId!);
      if (filter.from !== undefined) add('created_at >= ?', filter.from);
      if (filter.to !== undefined) add('created_at < ?', filter.to);
      if (page.after) add('created_at <= ? and (created_at < ? or click_id < ?)', page.after.createdAt, page.after.createdAt, page.after.clickId);
    } else {
      if (filter.from !== undefined && filter.from > 0) add('click_id >= ?', clickIdLowerBound(Math.min(filter.from, MAX_ID_TIME)));
      if (filter.to !== undefined && filter.to <= MAX_ID_TIME) add('click_id < ?', clickIdLowerBound(filter.to));
      if (page.after) add('click_id < ?', page.after.clickId);
    }
    if (filter.trafficChannelId !== undefined) add('traffic_channel_id = ?', filter.trafficChannelId);
    if (filter.offerId !== undefined) add('(offer_id = ? or lander_click_offer_id = ?)', filter.offerId, filter.offerId);
    if (filter.landerId !== undefined) add('lander_id = ?', filter.landerId);
    if (filter.country !== undefined) add('country = ?', filter.country);
    if (filter.deviceType !== undefined) add('device_type = ?', filter.deviceType);
    if (filter.isBot !== undefined) add('is_bot = ?', filter.isBot ? 1 : 0);
    if (filter.isUnique !== undefined) add('is_unique = ?', filter.isUnique ? 1 : 0);
    if (filter.refId !== undefined) add('ref_id = ?', filter.refId);
    if (filter.outcome !== undefined) add('outcome = ?', filter.outcome);
    for (const sub of filter.subs ?? []) {
      // Sub columns come from a fixed list, never from input, so the statement text is safe.
      const column = SUBS[sub.index - 1];
      if (!column) throw new RangeError(`no sub${sub.index}; subs are sub1..sub20`);
      add(`${column} = ?`, sub.value);
    }
    const text =
      `select * from clicks${where.length ? ` where ${where.join(' and ')}` : ''}` +
      ` order by ${byCampaign ? 'created_at desc, click_id desc' : 'click_id desc'} limit ?`;
    let statement = statements.get(text);
    if (!statement) {
      // One text per combination of filters in use; a handful in practice.
      if (statements.size >= 200) statements.clear();
      statements.set(text, (statement = database.prepare(text)));
    }
    return (statement.all(...parameters, page.limit) as ClickRow[]).map(clickFromRow);
  };
}

/** The postback log, newest first by id (which also pages it); the click, offer source and time filters each have an index. */
function listPostbackLogIn(database: BetterSqlite3.Database) {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return ({ limit, beforeId, outcome, clickId, offerSourceId, from, to }: PostbackLogQuery): LoggedPostback[] => {
    const where: string[] = [];
    const parameters: (string | number)[] = [];
    const add = (clause: string, value: string | number) => {
      where.push(clause);
      parameters.push(value);
    };
    if (beforeId !== undefined) add('id < ?', beforeId);
    if (outcome !== undefined) add('outcome = ?', outcome);
    if (clickId !== undefined) add('click_id = ?', clickId);
    if (offerSourceId !== undefined) add('offer_source_id = ?', offerSourceId);
    if (from !== undefined) add('received_at >= ?', from);
    if (to !== undefined) add('received_at < ?', to);
    const text = `select id, ${POSTBACK_LOG_COLUMNS.join(', ')} from postback_log${where.length ? ` where ${where.join(' and ')}` : ''} order by id desc limit ?`;
    let statement = statements.get(text);
    // One text per combination of filters: at most 64.
    if (!statement) statements.set(text, (statement = database.prepare(text)));
    return (statement.all(...parameters, limit) as PostbackLogRow[]).map((row) => ({
      id: row.id,
      receivedAt: row.received_at,
      method: row.method,
      sourceIp: row.source_ip,
      query: row.query,
      outcome: row.outcome as PostbackOutcome,
      reason: row.reason,
      clickId: row.click_id,
      offerSourceId: row.offer_source_id,
      conversionId: row.conversion_id,
    }));
  };
}

interface PostbackLogRow {
  id: number;
  received_at: number;
  method: string;
  source_ip: string;
  query: string;
  outcome: string;
  reason: string;
  click_id: string | null;
  offer_source_id: number | null;
  conversion_id: number | null;
}

function postbackLogToRow(entry: PostbackLogEntry): (string | number | null)[] {
  // POSTBACK_LOG_COLUMNS order, written out: this runs for every postback.
  return [entry.receivedAt, entry.method, entry.sourceIp, entry.query, entry.outcome, entry.reason, entry.clickId, entry.offerSourceId, entry.conversionId];
}

type ClickRow = Record<string, string | number | null>;

function clickFromRow(row: ClickRow): Click {
  return clickFromValues(CLICK_COLUMNS.map((column) => row[column] ?? null));
}

type ClickValues = (string | number | null)[];
const AT = Object.fromEntries(CLICK_COLUMNS.map((column, i) => [column, i])) as Record<string, number>;
const SUB_AT = SUBS.map((sub) => AT[sub]!);

/** A click from its column values in CLICK_COLUMNS order (findClick reads them positionally). */
function clickFromValues(values: ClickValues): Click {
  const text = (column: string) => String(values[AT[column]!] ?? '');
  const number = (column: string) => Number(values[AT[column]!]);
  const numberOrNull = (column: string) => (values[AT[column]!] === null ? null : Number(values[AT[column]!]));
  return {
    clickId: text('click_id'),
    createdAt: number('created_at'),
    campaignId: number('campaign_id'),
    trafficChannelId: number('traffic_channel_id'),
    ruleIndex: number('rule_index'),
    pathIndex: number('path_index'),
    landerId: numberOrNull('lander_id'),
    offerId: numberOrNull('offer_id'),
    outcome: text('outcome') as Click['outcome'],
    refId: text('ref_id'),
    subs: SUB_AT.map((at) => String(values[at] ?? '')),
    params: JSON.parse(text('params') || '{}'),
    cost: number('cost_micros'),
    ip: text('ip'),
    country: text('country'),
    region: text('region'),
    city: text('city'),
    isp: text('isp'),
    asn: numberOrNull('asn'),
    deviceType: text('device_type'),
    brand: text('brand'),
    model: text('model'),
    os: text('os'),
    osVersion: text('os_version'),
    browser: text('browser'),
    browserVersion: text('browser_version'),
    language: text('language'),
    connectionType: text('connection_type'),
    referrer: text('referrer'),
    referrerDomain: text('referrer_domain'),
    userAgent: text('user_agent'),
    isBot: number('is_bot') === 1,
    isUnique: number('is_unique') === 1,
    direct: number('direct') === 1,
    visitorKey: text('visitor_key'),
    landerClickedAt: numberOrNull('lander_clicked_at'),
    landerClickOfferId: numberOrNull('lander_click_offer_id'),
  };
}

// The postback's lookup reads only these: the user agent, referrer, params and IP it skips are most of a click's bytes.
const CONVERSION_CLICK_COLUMNS = [
  'created_at', 'campaign_id', 'traffic_channel_id', 'rule_index', 'path_index', 'lander_id', 'offer_id', 'lander_click_offer_id',
  'ref_id', ...SUBS, 'country', 'region', 'city', 'isp', 'device_type', 'os', 'browser', 'is_bot',
];
const SUBS_FROM = CONVERSION_CLICK_COLUMNS.indexOf('sub1');

/**
 * The postbacks that arrive together look their clicks up in one read transaction: in WAL mode each
 * lone statement begins and ends a read of its own, a third of a lookup's cost.
 */
function conversionClickReader(database: BetterSqlite3.Database, find: BetterSqlite3.Statement): GroupCommit<string, ConversionClick | undefined> {
  const readAll = database.transaction((clickIds: string[]) =>
    clickIds.map((clickId) => {
      const values = find.get(clickId) as ClickValues | undefined;
      return values ? conversionClickFromValues(values) : undefined;
    }),
  );
  return new GroupCommit(async (clickIds) => readAll.deferred(clickIds).map((value) => ({ status: 'fulfilled', value })));
}

/** findClickForConversion's positional values (CONVERSION_CLICK_COLUMNS order); keep the two in step. */
function conversionClickFromValues(v: ClickValues): ConversionClick {
  const subs: string[] = [];
  for (let i = SUBS_FROM; i < SUBS_FROM + SUBS.length; i++) subs.push(String(v[i] ?? ''));
  const after = SUBS_FROM + SUBS.length;
  return {
    createdAt: Number(v[0]),
    campaignId: Number(v[1]),
    trafficChannelId: Number(v[2]),
    ruleIndex: Number(v[3]),
    pathIndex: Number(v[4]),
    landerId: v[5] === null ? null : Number(v[5]),
    offerId: v[6] === null ? null : Number(v[6]),
    landerClickOfferId: v[7] === null ? null : Number(v[7]),
    refId: String(v[8] ?? ''),
    subs,
    country: String(v[after] ?? ''),
    region: String(v[after + 1] ?? ''),
    city: String(v[after + 2] ?? ''),
    isp: String(v[after + 3] ?? ''),
    deviceType: String(v[after + 4] ?? ''),
    os: String(v[after + 5] ?? ''),
    browser: String(v[after + 6] ?? ''),
    isBot: Number(v[after + 7]) === 1,
  };
}
