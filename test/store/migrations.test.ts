import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { createSqliteEntityStore } from '../../src/store/sqlite/sqlite-entity-store.js';
import { allMigrations } from '../../src/store/sql/migrations/index.js';
import { sqliteDialect } from '../../src/store/sqlite/sqlite-dialect.js';

const ALL = Object.keys(allMigrations(sqliteDialect));

test('migrations applied twice are a no-op and keep the data', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'waypost-migrate-'));
  const file = join(dir, 'waypost.db');
  try {
    const first = createSqliteEntityStore(file);
    assert.ok(ALL.length >= 2 && ALL[0] === '0001-entities');
    assert.deepEqual(await first.migrate(), ALL);
    await first.landers.create({ name: 'Kept', url: 'https://kept.example/', offerCount: 1, notes: '', status: 'active' });
    assert.deepEqual(await first.migrate(), [], 'second run in the same process applies nothing');
    await first.close();

    const second = createSqliteEntityStore(file);
    assert.deepEqual(await second.migrate(), [], 'a restart applies nothing');
    const landers = await second.landers.list({ limit: 10, offset: 0 });
    assert.deepEqual(landers.items.map((l) => l.name), ['Kept']);
    await second.close();

    const raw = new BetterSqlite3(file, { readonly: true });
    const recorded = raw.prepare('select name from waypost_migrations').all() as { name: string }[];
    assert.deepEqual(recorded.map((r) => r.name).sort(), [...ALL].sort());
    assert.equal((raw.pragma('journal_mode', { simple: true }) as string).toLowerCase(), 'wal');
    raw.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every write bumps the configuration version the edge watches', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'waypost-version-'));
  const store = createSqliteEntityStore(join(dir, 'waypost.db'));
  try {
    await store.migrate();
    const v0 = await store.configurationVersion();
    const lander = await store.landers.create({ name: 'L', url: 'https://l.example/', offerCount: 1, notes: '', status: 'active' });
    const v1 = await store.configurationVersion();
    await store.landers.update(lander.id, { name: 'L2', url: 'https://l.example/', offerCount: 1, notes: '', status: 'paused' });
    const v2 = await store.configurationVersion();
    await store.landers.archive(lander.id);
    const v3 = await store.configurationVersion();
    assert.ok(v0 < v1 && v1 < v2 && v2 < v3, `${v0} ${v1} ${v2} ${v3}`);
    await store.maintain();
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
