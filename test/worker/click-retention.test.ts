import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { refreshReportFacts } from '../../src/reports/refresh-report-facts.js';
import type { FactQuery } from '../../src/store/report-facts.js';
import { runClickRetention } from '../../src/worker/jobs/click-retention.js';
import { SCHEDULES } from '../../src/worker/schedules.js';
import { startWorker } from '../../src/worker/start-worker.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { conversionSetup, postback } from '../conversions/conversion-setup.js';

const DAY = 24 * 3_600_000;
const START = Date.parse('2026-01-01T10:00:00Z');
let clock = START;
let server: TestServer;
before(async () => {
  server = await startTestServer({ detector: 'null', now: () => clock });
});
after(() => server.close());

test('clicks past retention are deleted; reports over their days keep every number, conversions their click dimensions', async () => {
  const setup = await conversionSetup(server);
  // Two old clicks (one converts), then 100 days later a recent one.
  const old = await setup.click('ref_id=r1&sub1=zone7&sub2==HYPERLINK');
  clock += 30 * 60_000;
  await setup.click('ref_id=r2&sub1=zone8&sub2=b');
  assert.match((await postback(server, `clickid=${old.clickId}&sum=12.5`)).text, /^accepted/);
  clock = START + 100 * DAY;
  const recent = await setup.click('ref_id=r3&sub1=zone7&sub2=c');

  const report = (groupBy: FactQuery['groupBy']) =>
    server.events.reportFacts({ from: START - DAY, to: START + 101 * DAY, timeZone: 'Asia/Kathmandu', groupBy, filters: [], conversionTime: 'click' });
  await refreshReportFacts({ store: server.store, events: server.events });
  // sub2 is in no rollup: before retention it is read from raw clicks, after from the retained sums.
  const shapes: FactQuery['groupBy'][] = [['date', 'campaign'], ['sub2'], ['sub1', 'hour'], ['language', 'conversionStatus']];
  const beforeRetention = await Promise.all(shapes.map(report));
  assert.deepEqual(
    beforeRetention[1]!.map((row) => [row.key, row.clicks, row.conversions.length]).sort(),
    [[['=HYPERLINK'], 1, 1], [['b'], 1, 0], [['c'], 1, 0]],
  );

  const { deleted, before: cutoff } = await runClickRetention(server.store, server.events, 90, clock);
  assert.equal(deleted, 2);
  assert.equal(cutoff, clock - 90 * DAY);
  assert.equal(await server.events.findClick(old.clickId), undefined);
  assert.ok(await server.events.findClick(recent.clickId), 'a click inside retention stays');
  const afterRetention = await Promise.all(shapes.map(report));
  for (const [i, rows] of afterRetention.entries()) {
    const sorted = (list: typeof rows) => [...list].sort((a, b) => JSON.stringify(a.key).localeCompare(JSON.stringify(b.key)));
    assert.deepEqual(sorted(rows), sorted(beforeRetention[i]!), `report by ${shapes[i]!.join(', ')}`);
  }
  assert.equal((await runClickRetention(server.store, server.events, 90, clock)).deleted, 0, 'a second run finds nothing left');
});

test('click retention runs daily in the worker with the event store; its setting is WAYPOST_CLICK_RETENTION_DAYS', () => {
  const schedule = SCHEDULES.find((s) => s.job === 'click-retention');
  assert.ok(schedule && /^0 \d+ \d+ \* \* \*$/.test(schedule.pattern) && schedule.events);
  assert.equal(loadConfig({}).clickRetentionDays, 180);
  assert.equal(loadConfig({ WAYPOST_CLICK_RETENTION_DAYS: '30' }).clickRetentionDays, 30);
  assert.throws(() => loadConfig({ WAYPOST_CLICK_RETENTION_DAYS: '3' }), /WAYPOST_CLICK_RETENTION_DAYS="3": must be at least 7 days/);
  // Every schedule names a job the worker has (startScheduler refuses otherwise), with and without the event store.
  const logger = createLogger(loadConfig({ WAYPOST_LOG_LEVEL: 'silent' }));
  startWorker({ store: server.store, logger, events: server.events, clickRetentionDays: 30 }).stop();
  startWorker({ store: server.store, logger }).stop();
});
