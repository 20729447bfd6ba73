import type BetterSqlite3 from 'better-sqlite3';
import type { ConversionFact, ConversionFactsWatermark, ReportEntities } from '../report-facts.js';
import { HOUR_MS } from './report-columns.js';

const SUBS = Array.from({ length: 20 }, (_, i) => `sub${i + 1}`);
/** The fact's own columns, as the conversion has them (missing entity ids kept as 0). */
export const FACT_COLUMNS = [
  'id', 'click_id', 'click_at', 'converted_at', 'updated_at', 'type', 'status', 'payout_micros', 'campaign_id', 'traffic_channel_id',
  'offer_source_id', 'offer_id', 'lander_id', 'rule_index', 'path_index', 'ref_id', ...SUBS, 'country', 'region', 'city', 'isp',
  'device_type', 'os', 'browser',
];
/** Dimensions only the click has, read from it while it is stored. */
export const CLICK_ONLY_COLUMNS = ['brand', 'model', 'os_version', 'browser_version', 'language', 'connection_type', 'referrer_domain'];

/** An upsert's conflict clause: the fact's columns replaced, a click's kept once the click is gone. */
export const FACT_UPSERT_CONFLICT = `on conflict (id) do update set ${[
  ...FACT_COLUMNS.filter((c) => c !== 'id').map((c) => `${c} = excluded.${c}`),
  ...CLICK_ONLY_COLUMNS.map((c) => `${c} = coalesce(excluded.${c}, ${c})`),
].join(', ')}`;

/**
 * The conversion copy in events.db: an upsert by conversion id, taking the dimensions only the click
 * has from the click while it is stored (once retention deleted it, a later copy keeps what an earlier
 * one found). The watermark moves in the same transaction, so a crash never skips or half-copies.
 */
export function conversionFactsIn(database: BetterSqlite3.Database) {
  const columns = [...FACT_COLUMNS, ...CLICK_ONLY_COLUMNS];
  const upsert = database.prepare(
    `insert into conversion_facts (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')}) ${FACT_UPSERT_CONFLICT}`,
  );
  const clickDimensions = database.prepare(`select ${CLICK_ONLY_COLUMNS.join(', ')} from clicks where click_id = ?`).raw();
  const previous = database.prepare('select click_at, converted_at from conversion_facts where id = ?').raw();
  const markHour = database.prepare('insert or ignore into conversion_dirty_hours (basis, hour) values (?, ?)');
  // The rollups sum again every hour a changed conversion was or is counted in, in both time bases.
  const mark = (clickAt: number, convertedAt: number) => {
    markHour.run('click', clickAt - (clickAt % HOUR_MS));
    markHour.run('postback', convertedAt - (convertedAt % HOUR_MS));
  };
  const state = database.prepare('select value from report_state where name = ?').pluck();
  const setState = database.prepare('insert into report_state (name, value) values (?, ?) on conflict (name) do update set value = excluded.value');

  const setWatermark = (watermark: ConversionFactsWatermark) => {
    setState.run('conversion_updated_at', watermark.updatedAt);
    setState.run('conversion_id', watermark.id);
    setState.run('conversion_max_id', watermark.maxId);
  };

  const write = database.transaction((facts: readonly ConversionFact[], watermark: ConversionFactsWatermark) => {
    for (const fact of facts) {
      const before = previous.get(fact.id) as [number, number] | undefined;
      if (before) mark(before[0], before[1]);
      mark(fact.clickAt, fact.convertedAt);
      const fromClick = (clickDimensions.get(fact.clickId) as (string | null)[] | undefined) ?? CLICK_ONLY_COLUMNS.map(() => null);
      upsert.run(
        fact.id, fact.clickId, fact.clickAt, fact.convertedAt, fact.updatedAt, fact.type, fact.status, fact.payout, fact.campaignId,
        fact.trafficChannelId, fact.offerSourceId ?? 0, fact.offerId ?? 0, fact.landerId ?? 0, fact.ruleIndex, fact.pathIndex, fact.refId,
        ...SUBS.map((_, i) => fact.subs[i] ?? ''), fact.country, fact.region, fact.city, fact.isp, fact.deviceType, fact.os, fact.browser,
        ...fromClick,
      );
    }
    setWatermark(watermark);
  });

  const replaceOffers = database.prepare('insert into report_offers (offer_id, offer_source_id) values (?, ?) on conflict (offer_id) do update set offer_source_id = excluded.offer_source_id');
  const replaceCampaigns = database.prepare(
    'insert into report_campaigns (campaign_id, traffic_channel_id) values (?, ?) on conflict (campaign_id) do update set traffic_channel_id = excluded.traffic_channel_id',
  );
  const writeEntities = database.transaction((entities: ReportEntities) => {
    for (const offer of entities.offers) replaceOffers.run(offer.id, offer.offerSourceId);
    for (const campaign of entities.campaigns) replaceCampaigns.run(campaign.id, campaign.trafficChannelId);
  });

  return {
    watermark(): ConversionFactsWatermark | null {
      const updatedAt = state.get('conversion_updated_at') as number | undefined;
      if (updatedAt === undefined) return null;
      return { updatedAt: Number(updatedAt), id: Number(state.get('conversion_id') ?? 0), maxId: Number(state.get('conversion_max_id') ?? 0) };
    },
    // Immediate: the worker's refresh and the one a report runs first may copy at the same moment.
    write: write.immediate,
    /** Inside a transaction that wrote facts: how far they reach. */
    setWatermark,
    writeEntities: writeEntities.immediate,
  };
}
