import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type Migration } from 'kysely';
import { createSqliteEntityStore } from '../../src/store/sqlite/sqlite-entity-store.js';
import { allMigrations } from '../../src/store/sql/migrations/index.js';
import { sqliteDialect } from '../../src/store/sqlite/sqlite-dialect.js';

const SUBS = Array.from({ length: 20 }, (_, i) => `sub${i + 1}`);

test('upgrading to the change index marks the conversions changed before it, and later changes are found through it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'waypost-change-index-'));
  const file = join(dir, 'waypost.db');
  try {
    // The schema as it was before 0015, with a conversion never changed and one a status update moved.
    const before = Object.fromEntries(Object.entries(allMigrations(sqliteDialect)).filter(([name]) => name < '0015'));
    const old = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new BetterSqlite3(file) }) });
    const migrator = new Migrator({ db: old, provider: { getMigrations: async () => before as Record<string, Migration> }, migrationTableName: 'waypost_migrations', migrationLockTableName: 'waypost_migrations_lock' });
    assert.equal((await migrator.migrateToLatest()).error, undefined);
    await old.destroy();
    const raw = new BetterSqlite3(file);
    const columns = ['click_id', 'converted_at', 'click_at', 'updated_at', 'status', 'payout_micros', 'original_payout_micros', 'original_currency', 'duplicate_status', 'origin', 'postback_count', 'campaign_id', 'traffic_channel_id', 'rule_index', 'path_index', 'ref_id', ...SUBS, 'country', 'region', 'city', 'isp', 'device_type', 'os', 'browser', 'is_bot', 'params', 'personal_data'];
    const insert = raw.prepare(`insert into conversions (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`);
    const row = (clickId: string, convertedAt: number, updatedAt: number) => [clickId, convertedAt, convertedAt - 1000, updatedAt, 'approved', 1_000_000, 1_000_000, 'USD', 'unknown', 'postback', 1, 1, 1, 0, 0, '', ...SUBS.map(() => ''), 'US', '', '', '', 'desktop', '', '', 0, '{}', '{"hashed":{},"clear":{}}'];
    const untouched = Number(insert.run(row('1m8500000000000000000000aaaaa', 5_000, 5_000)).lastInsertRowid);
    const changed = Number(insert.run(row('1m8500000000000000000000bbbbb', 6_000, 9_000)).lastInsertRowid);
    raw.close();

    const store = createSqliteEntityStore(file);
    try {
      assert.deepEqual(await store.migrate(), ['0015-conversion-change-index']);
      assert.deepEqual((await store.conversions.listChangedSince({ updatedAt: 0, id: 0 }, 10)).map((c) => c.id), [changed], 'only the conversion changed before the upgrade');
      await store.conversions.update(untouched, { status: 'declined' });
      const changes = await store.conversions.listChangedSince({ updatedAt: 9_000, id: changed }, 10);
      assert.deepEqual(changes.map((c) => [c.id, c.status]), [[untouched, 'declined']], 'a change after the upgrade is found past the cursor');
      assert.deepEqual((await store.conversions.listAfterId(0, 10)).map((c) => c.id), [untouched, changed], 'new conversions are still read by id');
    } finally {
      await store.close();
    }
    const check = new BetterSqlite3(file, { readonly: true });
    const indexes = (check.prepare("select name from sqlite_master where type = 'index' and tbl_name = 'conversions'").all() as { name: string }[]).map((r) => r.name);
    assert.ok(indexes.includes('conversions_changed') && !indexes.includes('conversions_updated'), indexes.join(', '));
    const plan = check.prepare('explain query plan select id from conversions where changed_at is not null and (changed_at, id) > (?, ?) order by changed_at, id').all(0, 0) as { detail: string }[];
    assert.match(plan.map((p) => p.detail).join(' '), /USING (COVERING )?INDEX conversions_changed/);
    check.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
