import { sql, type Kysely, type Migration } from 'kysely';
import { ALL_DIMENSION_COLUMNS, ENTITY_ID_COLUMNS } from '../report-columns.js';

const SUB_COLUMNS = Array.from({ length: 20 }, (_, i) => `sub${i + 1} text not null`).join(', ');
const MEASURES = 'clicks integer not null, unique_clicks integer not null, lander_clicks integer not null, bot_clicks integer not null, cost_micros integer not null';
const columnType = (column: string) => (ENTITY_ID_COLUMNS.has(column) || column.endsWith('_index') ? 'integer' : 'text');

/**
 * What reports read besides raw clicks: conversions copied from the entity store (keyed by conversion
 * id, so a copy is an upsert), the entity maps clicks lack, the rollups' refresh state (their tables
 * come in 0003), and `clicks_retained`: every dimension of clicks deleted by retention, summed
 * by quarter hour, so reports over deleted hours keep their numbers.
 */
export const reportFactsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    // Click-only dimensions (brand … referrer_domain) are NULL while unknown: the click was gone when copied.
    await sql
      .raw(
        `create table conversion_facts (
  id integer primary key,
  click_id text not null,
  click_at integer not null,
  converted_at integer not null,
  updated_at integer not null,
  type text,
  status text not null,
  payout_micros integer not null,
  campaign_id integer not null,
  traffic_channel_id integer not null,
  offer_source_id integer not null,
  offer_id integer not null,
  lander_id integer not null,
  rule_index integer not null,
  path_index integer not null,
  ref_id text not null,
  ${SUB_COLUMNS},
  country text not null,
  region text not null,
  city text not null,
  isp text not null,
  device_type text not null,
  os text not null,
  browser text not null,
  brand text,
  model text,
  os_version text,
  browser_version text,
  language text,
  connection_type text,
  referrer_domain text
)`,
      )
      .execute(db);
    await sql`create index conversion_facts_click_time on conversion_facts (click_at)`.execute(db);
    await sql`create index conversion_facts_time on conversion_facts (converted_at)`.execute(db);
    await sql`create table report_offers (offer_id integer primary key, offer_source_id integer not null)`.execute(db);
    await sql`create table report_campaigns (campaign_id integer primary key, traffic_channel_id integer not null)`.execute(db);
    // Named counters: the last click rowid rolled up, the conversion copy's watermark.
    await sql`create table report_state (name text primary key, value integer not null) without rowid`.execute(db);
    // UTC hours whose rolled-up clicks changed (cost, lander click) and must be summed again.
    await sql`create table rollup_dirty_hours (hour integer primary key) without rowid`.execute(db);
    const retained = ALL_DIMENSION_COLUMNS.map((c) => `${c} ${columnType(c)} not null`).join(', ');
    await sql.raw(`create table clicks_retained (bucket integer not null, ${retained}, ${MEASURES})`).execute(db);
    await sql`create index clicks_retained_bucket on clicks_retained (bucket)`.execute(db);
  },
};
