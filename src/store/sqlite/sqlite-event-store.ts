import { Kysely, Migrator, SqliteDialect } from 'kysely';
import type { Click } from '../../domain/click.js';
import type BetterSqlite3 from 'better-sqlite3';
import { splitCost } from '../../domain/cost-split.js';
import type { ClickCostSelection, ClickFilter, ClickPage, EventBatch, EventStore } from '../event-store.js';
import { clicksMigration } from './event-migrations/0001-clicks.js';
import { EventWriterThread } from './event-writer-thread.js';
import { openSqlite } from './open-sqlite.js';
import { withStatementCache } from './statement-cache.js';
import { clickIdLowerBound } from '../../domain/click-id.js';

const SUBS = Array.from({ length: 20 }, (_, i) => `sub${i + 1}`);

const CLICK_COLUMNS = [
  'click_id', 'created_at', 'campaign_id', 'traffic_channel_id', 'rule_index', 'path_index', 'lander_id', 'offer_id', 'outcome',
  'ref_id', ...SUBS, 'params', 'cost_micros', 'ip', 'country', 'region', 'city', 'isp', 'asn', 'device_type', 'brand', 'model',
  'os', 'os_version', 'browser', 'browser_version', 'language', 'connection_type', 'referrer', 'referrer_domain', 'user_agent',
  'is_bot', 'is_unique', 'direct', 'visitor_key', 'lander_clicked_at', 'lander_click_offer_id',
];

/**
 * The embedded-mode EventStore: clicks in their own SQLite file, so click writes never wait on the
 * configuration database. Click batches are written by a thread of their own (EventWriterThread);
 * reads and the rarer updates use prepared statements on this thread; migrations go through Kysely.
 */
export function createSqliteEventStore(file: string): EventStore {
  const database = openSqlite(file);
  const kysely = new Kysely<unknown>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  let statements: ReturnType<typeof prepare> | undefined;
  const writer = new EventWriterThread(file, {
    insertClick: `insert or ignore into clicks (${CLICK_COLUMNS.join(', ')}) values (${CLICK_COLUMNS.map(() => '?').join(', ')})`,
    addOfferClicks: `insert into offer_clicks_hourly (offer_id, hour, clicks) values (?, ?, ?)
       on conflict (offer_id, hour) do update set clicks = clicks + excluded.clicks`,
    addImpressions: `insert into impressions_hourly (campaign_id, hour, impressions, cost_micros) values (?, ?, ?, ?)
       on conflict (campaign_id, hour) do update set impressions = impressions + excluded.impressions, cost_micros = cost_micros + excluded.cost_micros`,
    createdAtIndex: CLICK_COLUMNS.indexOf('created_at'),
    offerIdIndex: CLICK_COLUMNS.indexOf('offer_id'),
  });

  function prepare() {
    return {
      findClick: database.prepare('select * from clicks where click_id = ?'),
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
    };
  }
  const ready = () => (statements ??= prepare());

  return {
    async write(batch) {
      if (!batch.clicks.length && !batch.impressions.length) return;
      await writer.write(
        batch.clicks.map(clickToRow),
        batch.impressions.map((row) => [row.campaignId, row.hour, row.count, row.cost]),
      );
    },
    async recordLanderClick(clickId, offerId, at) {
      return ready().landerClick.run(at, offerId, clickId).changes > 0;
    },
    async findClick(clickId) {
      const row = ready().findClick.get(clickId) as ClickRow | undefined;
      return row ? clickFromRow(row) : undefined;
    },
    async recentVisitors(since) {
      return (ready().recentVisitors.all(clickIdLowerBound(since)) as { campaign_id: number; visitor_key: string; last_seen: number }[]).map((row) => ({
        campaignId: row.campaign_id,
        visitorKey: row.visitor_key,
        lastSeen: row.last_seen,
      }));
    },
    async offerClicksHourly() {
      return (ready().offerClicks.all() as { offer_id: number; hour: number; clicks: number }[]).map((row) => ({
        offerId: row.offer_id,
        hour: row.hour,
        clicks: row.clicks,
      }));
    },
    async impressionTotals(campaignId) {
      const row = ready().impressionTotals.get(campaignId) as { impressions: number; cost: number };
      return { impressions: row.impressions, cost: row.cost };
    },
    async setClickCost(selection, total) {
      return ready().setClickCost(selection, total);
    },
    async listClicks(filter, page) {
      return ready().listClicks(filter, page);
    },
    async migrate() {
      const migrator = new Migrator({
        db: kysely,
        provider: { getMigrations: async () => ({ '0001-clicks': clicksMigration }) },
        migrationTableName: 'waypost_migrations',
        migrationLockTableName: 'waypost_migrations_lock',
      });
      const { error, results } = await migrator.migrateToLatest();
      if (error) throw error;
      return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    },
    async ping() {
      database.prepare('select 1').get();
    },
    async close() {
      await writer.stop();
      await kysely.destroy();
    },
  };
}

/** Cost replacement as one transaction: the clicks are read, split over and written without a gap. */
function setClickCostIn(database: BetterSqlite3.Database) {
  const select = (subColumn: string | undefined) =>
    database.prepare(
      `select click_id, cost_micros from clicks where campaign_id = ? and created_at >= ? and created_at < ?${subColumn ? ` and ${subColumn} = ?` : ''} order by created_at, click_id`,
    );
  // Sub columns come from a fixed list, never from input, so the statement text is safe.
  const selects = new Map<string | undefined, BetterSqlite3.Statement>([[undefined, select(undefined)], ...SUBS.map((sub) => [sub, select(sub)] as const)]);
  const update = database.prepare('update clicks set cost_micros = ? where click_id = ?');
  return database.transaction((selection: ClickCostSelection, total: number) => {
    const subColumn = selection.sub ? SUBS[selection.sub.index - 1] : undefined;
    if (selection.sub && !subColumn) throw new RangeError(`no sub${selection.sub.index}; subs are sub1..sub20`);
    const parameters: (string | number)[] = [selection.campaignId, selection.from, selection.to];
    if (selection.sub) parameters.push(selection.sub.value);
    const rows = selects.get(subColumn)!.all(...parameters) as { click_id: string; cost_micros: number }[];
    const shares = splitCost(total, rows.length);
    let previousCost = 0;
    rows.forEach((row, i) => {
      previousCost += Number(row.cost_micros);
      update.run(shares[i]!, row.click_id);
    });
    return { clicks: rows.length, previousCost };
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

type ClickRow = Record<string, string | number | null>;

function clickToRow(click: Click): (string | number | null)[] {
  return [
    click.clickId, click.createdAt, click.campaignId, click.trafficChannelId, click.ruleIndex, click.pathIndex, click.landerId,
    click.offerId, click.outcome, click.refId, ...SUBS.map((_, i) => click.subs[i] ?? ''), JSON.stringify(click.params), click.cost,
    click.ip, click.country, click.region, click.city, click.isp, click.asn, click.deviceType, click.brand, click.model, click.os,
    click.osVersion, click.browser, click.browserVersion, click.language, click.connectionType, click.referrer, click.referrerDomain,
    click.userAgent, click.isBot ? 1 : 0, click.isUnique ? 1 : 0, click.direct ? 1 : 0, click.visitorKey, click.landerClickedAt,
    click.landerClickOfferId,
  ];
}

function clickFromRow(row: ClickRow): Click {
  const text = (column: string) => String(row[column] ?? '');
  const numberOrNull = (column: string) => (row[column] === null ? null : Number(row[column]));
  return {
    clickId: text('click_id'),
    createdAt: Number(row.created_at),
    campaignId: Number(row.campaign_id),
    trafficChannelId: Number(row.traffic_channel_id),
    ruleIndex: Number(row.rule_index),
    pathIndex: Number(row.path_index),
    landerId: numberOrNull('lander_id'),
    offerId: numberOrNull('offer_id'),
    outcome: text('outcome') as Click['outcome'],
    refId: text('ref_id'),
    subs: SUBS.map(text),
    params: JSON.parse(text('params') || '{}'),
    cost: Number(row.cost_micros),
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
    isBot: Number(row.is_bot) === 1,
    isUnique: Number(row.is_unique) === 1,
    direct: Number(row.direct) === 1,
    visitorKey: text('visitor_key'),
    landerClickedAt: numberOrNull('lander_clicked_at'),
    landerClickOfferId: numberOrNull('lander_click_offer_id'),
  };
}
