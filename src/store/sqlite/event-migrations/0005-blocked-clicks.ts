import { sql, type Kysely, type Migration } from 'kysely';
import { ROLLUPS, TIERS, trafficTable } from '../report-columns.js';

const HOUR_MS = 3_600_000;

/**
 * Blocked clicks (a blocked placement's clicks sent to the fallback) become a traffic measure beside
 * bot clicks. The rollups and the retained clicks gain the column; the hours whose stored clicks hold
 * a blocked one are summed again from them at the next refresh. Clicks retention already deleted were
 * kept without their outcome: their hours count no blocked click.
 */
export const blockedClicksMigration: Migration = {
  async up(db: Kysely<unknown>) {
    const tables = ['clicks_retained', ...ROLLUPS.flatMap((rollup) => TIERS.map((tier) => trafficTable(rollup, tier)))];
    for (const table of tables) await sql.raw(`alter table ${table} add column blocked_clicks integer not null default 0`).execute(db);
    await sql
      .raw(`insert or ignore into rollup_dirty_hours (hour) select distinct created_at - created_at % ${HOUR_MS} from clicks where outcome = 'blocked'`)
      .execute(db);
  },
};
