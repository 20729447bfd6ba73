import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { clicksMigration } from '../../src/store/sqlite/event-migrations/0001-clicks.js';
import { reportFactsMigration } from '../../src/store/sqlite/event-migrations/0002-report-facts.js';
import { reportRollupTiersMigration } from '../../src/store/sqlite/event-migrations/0003-report-rollup-tiers.js';
import { postbackLogMigration } from '../../src/store/sqlite/event-migrations/0004-postback-log.js';
import { createSqliteEventStore } from '../../src/store/sqlite/sqlite-event-store.js';
import { CLICK_COLUMNS, clickToRow } from '../../src/store/sqlite/click-row.js';
import { makeClick, subs } from '../support/click-fixture.js';

const HOUR = 3_600_000;

test('upgrading to blocked clicks marks the hours of stored blocked clicks to be summed again, and reports count them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'waypost-blocked-'));
  const file = join(dir, 'events.db');
  try {
    // events.db as it was before 0005.
    const old = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new BetterSqlite3(file) }) });
    const migrations = { '0001-clicks': clicksMigration, '0002-report-facts': reportFactsMigration, '0003-report-rollup-tiers': reportRollupTiersMigration, '0004-postback-log': postbackLogMigration(undefined) };
    const migrator = new Migrator({ db: old, provider: { getMigrations: async () => migrations }, migrationTableName: 'waypost_migrations', migrationLockTableName: 'waypost_migrations_lock' });
    assert.equal((await migrator.migrateToLatest()).error, undefined);
    await old.destroy();
    const at = Date.parse('2026-10-28T10:20:00Z');
    // Clicks stored as the writer stored them then.
    const before = new BetterSqlite3(file);
    const insert = before.prepare(`insert into clicks (${CLICK_COLUMNS.join(', ')}) values (${CLICK_COLUMNS.map(() => '?').join(', ')})`);
    insert.run(clickToRow(makeClick({ campaignId: 1, createdAt: at, outcome: 'blocked', subs: subs({ 1: 'z' }) })));
    insert.run(clickToRow(makeClick({ campaignId: 1, createdAt: at + 60_000, subs: subs({ 1: 'y' }) })));
    before.close();

    const events = createSqliteEventStore(file);
    try {
      assert.deepEqual(await events.migrate(), ['0005-blocked-clicks', '0006-click-spool']);
      const raw = new BetterSqlite3(file, { readonly: true });
      const dirty = (raw.prepare('select hour from rollup_dirty_hours').all() as { hour: number }[]).map((row) => row.hour);
      raw.close();
      assert.deepEqual(dirty, [at - (at % HOUR)], "the blocked click's hour is summed again");
      await events.refreshRollups();
      const rows = await events.reportFacts({ from: at - HOUR, to: at + HOUR, timeZone: 'UTC', groupBy: ['sub1'], filters: [], conversionTime: 'click' });
      assert.deepEqual(
        rows.map((row) => [row.key[0], row.clicks, row.blockedClicks]).sort(),
        [
          ['y', 1, 0],
          ['z', 1, 1],
        ],
      );
    } finally {
      await events.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
