import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config.js';
import { CurrencyConverter } from '../../src/conversions/currency-rates.js';
import { localDateTime } from '../../src/integrations/partner-wall-clock.js';
import { createLogger } from '../../src/observability/logger.js';
import { createOutboundUrlGuard } from '../../src/security/outbound-url-guard.js';
import { pullDueConversions, type ScheduledPullDeps } from '../../src/worker/jobs/pull-due-conversions.js';
import { SCHEDULES } from '../../src/worker/schedules.js';
import { startFakeTuneServer, type FakeTuneServer } from '../fakes/tune-server.js';
import { createTuneIntegration } from '../support/tune-integration.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const MINUTE = 60_000;
const logger = createLogger(loadConfig({ WAYPOST_LOG_LEVEL: 'silent' }));

describe('scheduled conversion pulls in the worker', () => {
  let server: TestServer;
  const fakes: FakeTuneServer[] = [];
  let deps: Omit<ScheduledPullDeps, 'now'>;

  before(async () => {
    server = await startTestServer({ detector: 'null', env: { WAYPOST_OUTBOUND_ALLOW_HOSTS: '127.0.0.1' } });
    deps = {
      store: server.store,
      cipher: server.cipher,
      guard: createOutboundUrlGuard({ allowHosts: server.config.outbound.allowHosts }),
      events: server.events,
      currency: new CurrencyConverter(server.store, server.config.accountCurrency),
      logger,
    };
  });
  after(async () => {
    await server.close();
    await Promise.all(fakes.map((fake) => fake.close()));
  });

  /** A fresh fake network with one conversion, its offer source and integration with the given pull settings. */
  async function setup(pull: Record<string, unknown> = {}) {
    const tune = await startFakeTuneServer({
      conversions: [{ 'Stat.id': '1', 'Stat.datetime': localDateTime(Date.now() - MINUTE, 'UTC'), 'Stat.ad_id': '102abc', 'Stat.conversion_status': 'approved', 'Stat.payout': '3.00000' }],
    });
    fakes.push(tune);
    const { integrationId } = await createTuneIntegration(server, tune, { label: fakes.length, settings: { pull } });
    return { tune, id: integrationId };
  }

  async function pullsOf(integrationId: number): Promise<{ trigger: string; state: string; conversionsPulled: number }[]> {
    const runs = await server.store.integrationRuns.list(integrationId, { limit: 50, offset: 0 });
    return runs.items.filter((run) => run.kind === 'conversion_pull');
  }

  it('is on the worker every minute, with the partners’ credentials and the click store', () => {
    const schedule = SCHEDULES.find((entry) => entry.job === 'pull-due-conversions');
    assert.ok(schedule, 'scheduled');
    assert.equal(schedule.pattern, '30 * * * * *');
    assert.deepEqual([schedule.credentials, schedule.events], [true, true]);
  });

  it('pulls each integration at its frequency: at once when never pulled, then only once the frequency has passed', async () => {
    const { id } = await setup({ frequencyMinutes: 60 });
    const start = Date.now();
    const first = await pullDueConversions({ ...deps, now: () => start });
    assert.deepEqual(first.filter((run) => run.integrationId === id).map((run) => [run.kind, run.trigger, run.state, run.conversionsPulled]), [['conversion_pull', 'schedule', 'succeeded', 1]]);

    await pullDueConversions({ ...deps, now: () => start + 30 * MINUTE });
    assert.equal((await pullsOf(id)).length, 1, 'not due half an hour later');

    await pullDueConversions({ ...deps, now: () => start + 61 * MINUTE });
    assert.equal((await pullsOf(id)).length, 2, 'due once the hour has passed');
    const [record] = await server.store.pulledConversions.list({ integrationId: id, limit: 10 });
    assert.equal(record?.unmatchedReason, 'Stat.ad_id "102abc" is not a Waypost click id', 'the same conversion, kept once');
  });

  it('a manual pull counts: the next scheduled one waits its frequency from it', async () => {
    const { id } = await setup({ frequencyMinutes: 120 });
    const manual = await server.api('POST', `/api/v1/integrations/${id}/pull-conversions?wait=true`);
    assert.equal(manual.body.state, 'succeeded');
    await pullDueConversions({ ...deps, now: () => Date.now() + 60 * MINUTE });
    assert.deepEqual((await pullsOf(id)).map((run) => run.trigger), ['manual']);
  });

  it('skips integrations whose pull is not enabled, and disabled integrations', async () => {
    const off = await setup({ enabled: false });
    const disabled = await setup();
    assert.equal((await server.api('POST', `/api/v1/integrations/${disabled.id}/disable`)).status, 200);
    await pullDueConversions({ ...deps, now: () => Date.now() });
    assert.deepEqual(await pullsOf(off.id), []);
    assert.deepEqual(await pullsOf(disabled.id), []);
    assert.equal(off.tune.requests.length + disabled.tune.requests.length, 0);
  });

  it('never starts beside a run of the same integration (an offer import under way)', async () => {
    const { tune, id } = await setup();
    const importing = await server.store.integrationRuns.start({ integrationId: id, kind: 'offer_import', trigger: 'manual', startedAt: Date.now() });
    await pullDueConversions({ ...deps, now: () => Date.now() });
    assert.deepEqual(await pullsOf(id), []);
    assert.equal(tune.requests.length, 0);

    await server.store.integrationRuns.record(importing.id, importing, { state: 'succeeded', finishedAt: Date.now() });
    await pullDueConversions({ ...deps, now: () => Date.now() });
    assert.equal((await pullsOf(id)).length, 1, 'due at the next tick once the import is over');
  });
});
