import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeClick } from '../../../test/support/click-fixture.js';
import BetterSqlite3 from 'better-sqlite3';
import { createSqliteEventStore } from './sqlite-event-store.js';

const START = Date.parse('2026-03-10T12:00:00Z');
const HOUR = 3_600_000;

/** A migrated event store on a file of its own, removed after the test. */
async function eventFile(t: TestContext) {
  const dir = mkdtempSync(join(tmpdir(), 'waypost-rollups-'));
  const file = join(dir, 'events.db');
  const events = createSqliteEventStore(file);
  await events.migrate();
  t.after(async () => {
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { file, events };
}

test('two stores summing the rollups of one file at the same moment count every click once', async (t) => {
  const { file, events: first } = await eventFile(t);
  const second = createSqliteEventStore(file);
  t.after(() => second.close());

  // 9 000 clicks over two hours, campaigns 1, 2, 3 in turn: several slices, so the two refreshers'
  // transactions interleave.
  const clicks = Array.from({ length: 9_000 }, (_, i) => makeClick({ campaignId: (i % 3) + 1, createdAt: START + Math.floor((i * 2 * HOUR) / 9_000), cost: 1_000 }));
  for (let i = 0; i < clicks.length; i += 1_000) await first.write({ clicks: clicks.slice(i, i + 1_000), impressions: [] });

  await Promise.all([first.refreshRollups(), second.refreshRollups(), first.refreshRollups(), second.refreshRollups()]);

  const rows = await second.reportFacts({ from: START, to: START + 2 * HOUR, timeZone: 'UTC', groupBy: ['campaign'], filters: [], conversionTime: 'click' });
  assert.deepEqual(
    rows.map((row) => [row.key, row.clicks, row.cost]).sort((a, b) => Number(a[0]) - Number(b[0])),
    [
      [[1], 3_000, 3_000_000],
      [[2], 3_000, 3_000_000],
      [[3], 3_000, 3_000_000],
    ],
  );
});

test('a lander click on a click a refresh has begun to read marks its hour to be summed again', async (t) => {
  const { file, events } = await eventFile(t);
  const [read, unread] = [makeClick({ campaignId: 1, createdAt: START }), makeClick({ campaignId: 1, createdAt: START + HOUR })];
  await events.write({ clicks: [read!, unread!], impressions: [] });

  // What a refresh does before it reads clicks 1..1 (nothing is rolled up yet).
  const raw = new BetterSqlite3(file);
  t.after(() => raw.close());
  raw.prepare("insert into report_state (name, value) values ('click_rowid_reading', 1)").run();
  await events.recordLanderClick(read!.clickId, 7, START + 1_000);
  await events.recordLanderClick(unread!.clickId, 7, START + HOUR + 1_000);

  // The click being read: its slice may have missed the change, so its hour is summed again. The
  // other is read after the change, by a later slice.
  assert.deepEqual(raw.prepare('select hour from rollup_dirty_hours').pluck().all(), [START]);
});
