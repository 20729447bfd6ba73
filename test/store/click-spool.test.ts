import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { clickToRow } from '../../src/store/sqlite/click-row.js';
import { createSqliteEventStore } from '../../src/store/sqlite/sqlite-event-store.js';
import { makeClick, subs } from '../support/click-fixture.js';

const AT = Date.parse('2026-11-20T09:15:00Z');
const HOUR = AT - (AT % 3_600_000);

/** A pid no process has: the owner of a killed process's spool segment. */
function deadPid(): number {
  for (let pid = 4_000_000; ; pid--) {
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return pid;
    }
  }
}

async function withDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'waypost-spool-'));
  try {
    await run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('clicks are readable as soon as they are acknowledged: lookups, the click log, impressions and lander clicks wait for the spool', async () => {
  await withDir(async (dir) => {
    const events = createSqliteEventStore(join(dir, 'events.db'));
    try {
      await events.migrate();
      const clicks = Array.from({ length: 50 }, (_, i) => makeClick({ campaignId: 4, createdAt: AT + i, offerId: 9, subs: subs({ 1: `zone-${i}` }) }));
      // Each write returns once its lines are in the spool; nothing here waits for the writer thread.
      await events.write({ clicks: clicks.slice(0, 25), impressions: [{ campaignId: 4, hour: HOUR, count: 3, cost: 300 }] });
      await events.write({ clicks: clicks.slice(25), impressions: [] });
      assert.equal((await events.findClick(clicks[49]!.clickId))?.subs[0], 'zone-49');
      assert.equal((await events.findClickForConversion(clicks[10]!.clickId))?.subs[0], 'zone-10');
      assert.equal(await events.recordLanderClick(clicks[30]!.clickId, 9, AT + 1_000), true);
      assert.equal(await events.findClick('1zzzzzzzzunknownclickid000000'), undefined);
      assert.equal((await events.listClicks({ campaignId: 4 }, { limit: 100 })).length, 50);
      assert.deepEqual(await events.impressionTotals(4), { impressions: 3, cost: 300 });
      assert.deepEqual(await events.offerClicksHourly(), [{ offerId: 9, hour: HOUR, clicks: 50 }]);
    } finally {
      await events.close();
    }
    assert.deepEqual(readdirSync(join(dir, 'events.db-spool')), [], 'a clean stop stores the spool and deletes it');
  });
});

test("a killed process's spool is stored once at the next start: from where it was stored up to, without the line a crash cut short", async () => {
  await withDir(async (dir) => {
    const file = join(dir, 'events.db');
    const first = createSqliteEventStore(file);
    await first.migrate();
    await first.close();

    const clicks = [0, 1, 2].map((i) => makeClick({ campaignId: 5, createdAt: AT + i, offerId: 7 }));
    const lines = [...clicks.map((click) => `c${JSON.stringify(clickToRow(click))}\n`), `i${JSON.stringify([5, HOUR, 4, 800])}\n`];
    const name = `000001764000000-${deadPid()}-abcdef-000000.spool`;
    mkdirSync(join(dir, 'events.db-spool'));
    // The killed process had stored the first click (and moved the segment's stored length with it)
    // and was writing another when it died.
    writeFileSync(join(dir, 'events.db-spool', name), `${lines.join('')}c["${'1'.repeat(20)}`);
    const raw = new BetterSqlite3(file);
    raw.prepare(`insert into clicks (click_id, created_at, campaign_id, traffic_channel_id, rule_index, path_index, offer_id, outcome, ref_id, params, cost_micros, ip, country, region, city, isp, device_type, brand, model, os, os_version, browser, browser_version, language, connection_type, referrer, referrer_domain, user_agent, is_bot, is_unique, direct, visitor_key)
      values (?, ?, 5, 1, -1, 0, 7, 'routed', '', '{}', 0, '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', 0, 1, 0, 'v')`).run(clicks[0]!.clickId, clicks[0]!.createdAt);
    raw.prepare('insert into offer_clicks_hourly (offer_id, hour, clicks) values (7, ?, 1)').run(HOUR);
    raw.prepare('insert into spool_segments (name, bytes) values (?, ?)').run(name, Buffer.byteLength(lines[0]!));
    raw.close();

    const events = createSqliteEventStore(file);
    try {
      assert.deepEqual(await events.migrate(), []);
      assert.equal((await events.listClicks({ campaignId: 5 }, { limit: 10 })).length, 3);
      assert.deepEqual(await events.offerClicksHourly(), [{ offerId: 7, hour: HOUR, clicks: 3 }], 'each click counted once');
      assert.deepEqual(await events.impressionTotals(5), { impressions: 4, cost: 800 });
      assert.equal(existsSync(join(dir, 'events.db-spool', name)), false, 'the stored segment is deleted');
      const check = new BetterSqlite3(file, { readonly: true });
      assert.equal(check.prepare('select count(*) from spool_segments').pluck().get(), 0);
      check.close();
    } finally {
      await events.close();
    }
  });
});

test('the spool moves to a new segment past its size, and each full segment is deleted once stored', async () => {
  await withDir(async (dir) => {
    const events = createSqliteEventStore(join(dir, 'events.db'), { spoolSegmentBytes: 4_096 });
    const spoolDir = join(dir, 'events.db-spool');
    try {
      await events.migrate();
      const clicks = Array.from({ length: 200 }, (_, i) => makeClick({ campaignId: 6, createdAt: AT + i }));
      for (let i = 0; i < clicks.length; i += 10) await events.write({ clicks: clicks.slice(i, i + 10), impressions: [] });
      assert.equal((await events.listClicks({ campaignId: 6 }, { limit: 500 })).length, 200);
      // Only the segment still being appended to is left.
      assert.equal(readdirSync(spoolDir).length, 1, readdirSync(spoolDir).join(', '));
    } finally {
      await events.close();
    }
    assert.deepEqual(readdirSync(spoolDir), []);
  });
});

test('the backlog is what the spool holds and the database does not yet: it grows while the database is locked and is 0 once stored', async () => {
  await withDir(async (dir) => {
    const file = join(dir, 'events.db');
    const events = createSqliteEventStore(file);
    try {
      await events.migrate();
      assert.equal(events.spoolBacklogBytes(), 0);
      // Another connection holds the write lock: the writer thread waits, the edge does not.
      const blocker = new BetterSqlite3(file);
      blocker.exec('begin immediate');
      const clicks = Array.from({ length: 20 }, (_, i) => makeClick({ campaignId: 8, createdAt: AT + i }));
      await events.write({ clicks, impressions: [] });
      const expected = clicks.reduce((bytes, click) => bytes + Buffer.byteLength(`c${JSON.stringify(clickToRow(click))}\n`), 0);
      assert.equal(events.spoolBacklogBytes(), expected);
      blocker.exec('commit');
      blocker.close();
      assert.equal((await events.listClicks({ campaignId: 8 }, { limit: 50 })).length, 20);
      assert.equal(events.spoolBacklogBytes(), 0);
    } finally {
      await events.close();
    }
  });
});
