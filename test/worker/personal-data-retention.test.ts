import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { runPersonalDataRetention } from '../../src/worker/jobs/personal-data-retention.js';
import { SCHEDULES } from '../../src/worker/schedules.js';
import { startWorker } from '../../src/worker/start-worker.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { conversionSetup, postback } from '../conversions/conversion-setup.js';

const DAY = 24 * 3_600_000;
let clock = Date.parse('2026-01-01T00:00:00Z');
let server: TestServer;
before(async () => {
  server = await startTestServer({ detector: 'null', now: () => clock });
});
after(() => server.close());

test('personal data of conversions older than the retention setting is deleted; the conversions stay', async () => {
  const setup = await conversionSetup(server, { additionalParameters: [{ param: 'email', macro: '{email}', role: 'email' }, { param: 'product', macro: '{product}', role: 'product_name' }] });
  const old = await setup.click();
  await postback(server, `clickid=${old.clickId}&email=old@example.com&product=Watch`);
  clock += 89 * DAY;
  const recent = await setup.click();
  await postback(server, `clickid=${recent.clickId}&email=new@example.com&product=Band`);
  const [oldBefore] = await server.store.conversions.listByClick(old.clickId);
  assert.ok(oldBefore!.personalData.hashed.email, 'the postback kept the hashed email');

  // 90 days and a minute after the first conversion: only that one is past a 90-day retention.
  const { cleared } = await runPersonalDataRetention(server.store, 90, oldBefore!.convertedAt + 90 * DAY + 60_000);
  assert.equal(cleared, 1);
  const [oldAfter] = await server.store.conversions.listByClick(old.clickId);
  assert.deepEqual(oldAfter!.personalData, { hashed: {}, clear: {} });
  assert.equal(oldAfter!.payout, oldBefore!.payout, 'the conversion itself stays');
  const [recentAfter] = await server.store.conversions.listByClick(recent.clickId);
  assert.ok(recentAfter!.personalData.hashed.email);
  assert.equal(recentAfter!.personalData.clear.product_name, 'Band');

  const shown = await server.api('GET', `/api/v1/conversions/${oldAfter!.id}`);
  assert.deepEqual(shown.body.personalData, { hashedRoles: [], clear: {} });
  assert.equal((await runPersonalDataRetention(server.store, 90, clock + 365 * DAY)).cleared, 1, 'a second run clears only what is left');
});

test('the retention runs daily in the worker, and its setting is read from WAYPOST_PERSONAL_DATA_RETENTION_DAYS', () => {
  assert.ok(SCHEDULES.some((schedule) => schedule.job === 'personal-data-retention' && /^0 \d+ \d+ \* \* \*$/.test(schedule.pattern)));
  assert.equal(loadConfig({}).personalDataRetentionDays, 90);
  assert.equal(loadConfig({ WAYPOST_PERSONAL_DATA_RETENTION_DAYS: '30' }).personalDataRetentionDays, 30);
  assert.throws(() => loadConfig({ WAYPOST_PERSONAL_DATA_RETENTION_DAYS: '0' }), /WAYPOST_PERSONAL_DATA_RETENTION_DAYS="0"/);
  assert.throws(() => loadConfig({ WAYPOST_PERSONAL_DATA_RETENTION_DAYS: 'forever' }), /WAYPOST_PERSONAL_DATA_RETENTION_DAYS/);
  // Every schedule names a job the worker has (startScheduler refuses otherwise).
  const worker = startWorker({ store: server.store, logger: createLogger(loadConfig({ WAYPOST_LOG_LEVEL: 'silent' })), personalDataRetentionDays: 30 });
  worker.stop();
});
