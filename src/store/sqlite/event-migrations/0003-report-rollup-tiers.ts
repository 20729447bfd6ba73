import { sql, type Kysely, type Migration } from 'kysely';
import { CONVERSION_BASES, ENTITY_ID_COLUMNS, ROLLUPS, TIERS, conversionTable, trafficTable } from '../report-columns.js';

const columnType = (column: string) => (ENTITY_ID_COLUMNS.has(column) || column.endsWith('_index') ? 'integer' : 'text');
const TRAFFIC_MEASURES = 'clicks integer not null, unique_clicks integer not null, lander_clicks integer not null, bot_clicks integer not null, cost_micros integer not null';

/**
 * The rollup tables at every tier (report-columns.ts), for traffic and for conversions in both time
 * bases, and the conversion hours to sum again. Rollups of an earlier layout are dropped and the
 * refresh state reset, so the next refresh builds every table from the clicks and conversion facts.
 */
export const reportRollupTiersMigration: Migration = {
  async up(db: Kysely<unknown>) {
    // The 0002 layout and any earlier build of this one.
    for (const name of ['campaign', 'funnel', 'geo']) {
      for (const tier of ['q', 'd']) await sql.raw(`drop table if exists rollup_${name}_${tier}`).execute(db);
    }
    for (const rollup of ROLLUPS) {
      for (const tier of TIERS) {
        await sql.raw(`drop table if exists ${trafficTable(rollup, tier)}`).execute(db);
        for (const basis of CONVERSION_BASES) await sql.raw(`drop table if exists ${conversionTable(rollup, basis.name, tier)}`).execute(db);
      }
    }
    for (const rollup of ROLLUPS) {
      const columns = rollup.columns.map((c) => `${c} ${columnType(c)} not null`).join(', ');
      const key = rollup.columns.join(', ');
      for (const tier of TIERS) {
        await sql
          .raw(`create table ${trafficTable(rollup, tier)} (bucket integer not null, ${columns}, ${TRAFFIC_MEASURES}, primary key (bucket, ${key})) without rowid`)
          .execute(db);
        for (const basis of CONVERSION_BASES) {
          await sql
            .raw(
              `create table ${conversionTable(rollup, basis.name, tier)} (bucket integer not null, ${columns}, type text not null, status text not null,
  conversions integer not null, revenue_micros integer not null, primary key (bucket, ${key}, type, status)) without rowid`,
            )
            .execute(db);
        }
      }
    }
    await sql`create table if not exists conversion_dirty_hours (basis text not null, hour integer not null, primary key (basis, hour)) without rowid`.execute(db);
    await sql`delete from report_state where name = 'click_rowid'`.execute(db);
    await sql`delete from rollup_dirty_hours`.execute(db);
    for (const basis of CONVERSION_BASES) {
      await sql
        .raw(`insert or ignore into conversion_dirty_hours (basis, hour) select distinct '${basis.name}', ${basis.column} - ${basis.column} % 3600000 from conversion_facts`)
        .execute(db);
    }
  },
};
