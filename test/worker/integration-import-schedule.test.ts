import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../src/config.js';
import { CurrencyConverter } from '../../src/conversions/currency-rates.js';
import type { IntegrationRun } from '../../src/domain/integration.js';
import { ABANDONED_RUN_REASON, failAbandonedRuns, keepRunAlive } from '../../src/integrations/run-heartbeat.js';
import { createLogger } from '../../src/observability/logger.js';
import { createCredentialCipher } from '../../src/security/credential-cipher.js';
import { createOutboundUrlGuard } from '../../src/security/outbound-url-guard.js';
import { loadOrCreateSecretKey } from '../../src/security/secret-key.js';
import { importDueOffers } from '../../src/worker/jobs/import-due-offers.js';
import { SCHEDULES } from '../../src/worker/schedules.js';
import { startWorker } from '../../src/worker/start-worker.js';
import { startFakeTuneServer, type FakeTuneOffer, type FakeTuneServer } from '../fakes/tune-server.js';
import { createTuneIntegration } from '../support/tune-integration.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const MINUTE = 60_000;
const logger = createLogger(loadConfig({ WAYPOST_LOG_LEVEL: 'silent' }));

function tuneOffer(id: number): FakeTuneOffer {
  return { Offer: { id: String(id), name: `Offer ${id}`, preview_url: `https://store.example/${id}`, default_payout: '10.00', payout_type: 'cpa_flat', status: 'active', is_expired: '0', currency: null } };
}

describe('scheduled offer imports in the worker', () => {
  let server: TestServer;
  const fakes: FakeTuneServer[] = [];
  let deps: Parameters<typeof importDueOffers>[0];

  before(async () => {
    server = await startTestServer({ detector: 'null', env: { WAYPOST_OUTBOUND_ALLOW_HOSTS: '127.0.0.1' } });
    const cipher = createCredentialCipher(loadOrCreateSecretKey(server.config.dataDir, server.config.secretKey).key);
    deps = { store: server.store, cipher, guard: createOutboundUrlGuard({ allowHosts: server.config.outbound.allowHosts }), currency: new CurrencyConverter(server.store, server.config.accountCurrency), logger };
  });
  after(async () => {
    await server.close();
    await Promise.all(fakes.map((fake) => fake.close()));
  });

  /** A fresh fake network, offer source and integration (three offers, one per page). */
  async function setup(options: { status?: 'active' | 'disabled'; frequencyMinutes?: number } = {}) {
    const tune = await startFakeTuneServer({ offers: [tuneOffer(1), tuneOffer(2), tuneOffer(3)] });
    fakes.push(tune);
    const { integrationId, offerSourceId } = await createTuneIntegration(server, tune, {
      label: fakes.length,
      settings: { pageSize: 1, import: { frequencyMinutes: options.frequencyMinutes ?? 60 } },
      status: options.status ?? 'active',
    });
    return { tune, id: integrationId, offerSourceId };
  }

  /** A run row as another (or a dead) process left it: started `startedAt`, finished unless `running`. */
  async function pastRun(integrationId: number, startedAt: number, running = false): Promise<IntegrationRun> {
    const run = await server.store.integrationRuns.start({ integrationId, kind: 'offer_import', trigger: 'schedule', startedAt });
    if (running) return run;
    return (await server.store.integrationRuns.record(run.id, { ...run, offersFetched: 3 }, { state: 'succeeded', finishedAt: startedAt + 1000 }))!;
  }

  async function runsOf(integrationId: number): Promise<any[]> {
    const response = await server.api('GET', `/api/v1/integrations/${integrationId}/runs?limit=50`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body.items;
  }

  async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
      await sleep(20);
    }
  }

  it('is on the worker every minute', () => {
    const schedule = SCHEDULES.find((entry) => entry.job === 'import-due-offers');
    assert.equal(schedule?.pattern, '0 * * * * *');
  });

  it('imports an integration whose frequency has elapsed since its last run started, and one never imported, but not one imported recently', async () => {
    const overdue = await setup();
    const fresh = await setup();
    const never = await setup({ frequencyMinutes: 15 });
    await pastRun(overdue.id, Date.now() - 61 * MINUTE);
    await pastRun(fresh.id, Date.now() - 10 * MINUTE);

    const runs = await importDueOffers(deps);

    const byIntegration = new Map(runs.map((run) => [run.integrationId, run]));
    assert.equal(byIntegration.get(overdue.id)?.state, 'succeeded');
    assert.equal(byIntegration.get(overdue.id)?.trigger, 'schedule');
    assert.equal(byIntegration.get(overdue.id)?.offersCreated, 3);
    assert.equal(byIntegration.get(never.id)?.offersCreated, 3);
    assert.equal(byIntegration.has(fresh.id), false, 'started 10 minutes ago with a 60-minute frequency: not due');
    assert.equal((await runsOf(fresh.id)).length, 1);
    // Oldest first: the never-imported integration before the overdue one.
    assert.ok(runs.findIndex((run) => run.integrationId === never.id) < runs.findIndex((run) => run.integrationId === overdue.id));

    // Now all three are fresh: the next tick starts nothing for them.
    const again = await importDueOffers(deps);
    assert.deepEqual(
      again.filter((run) => [overdue.id, fresh.id, never.id].includes(run.integrationId)),
      [],
    );
  });

  it('never runs a disabled integration, nor one whose offer source is archived', async () => {
    const disabled = await setup({ status: 'disabled' });
    const disabledLater = await setup();
    const archivedSource = await setup();
    await pastRun(disabledLater.id, Date.now() - 3 * 60 * MINUTE);
    assert.equal((await server.api('POST', `/api/v1/integrations/${disabledLater.id}/disable`)).status, 200);
    assert.equal((await server.api('DELETE', `/api/v1/offer-sources/${archivedSource.offerSourceId}`)).status, 200);

    const runs = await importDueOffers(deps);

    for (const { id } of [disabled, disabledLater, archivedSource]) {
      assert.equal(runs.some((run) => run.integrationId === id), false, `integration ${id} ran`);
    }
    assert.equal((await runsOf(disabled.id)).length, 0);
    assert.equal((await runsOf(disabledLater.id)).length, 1);
    assert.equal((await runsOf(archivedSource.id)).length, 0);
    assert.equal(disabled.tune.requests.length + disabledLater.tune.requests.length + archivedSource.tune.requests.length, 0, 'no partner was called');
  });

  it('marks failed, when the worker starts, a run left running by a process that stopped, and a manual refresh then works', async () => {
    const crashed = await setup();
    const elsewhere = await setup();
    const dead = await pastRun(crashed.id, Date.now() - 20 * MINUTE, true);
    // Started as long ago, but its process is alive and beating (another worker or API process).
    const live = await pastRun(elsewhere.id, Date.now() - 20 * MINUTE, true);
    await server.store.integrationRuns.beat(live.id, Date.now());
    assert.equal((await server.api('POST', `/api/v1/integrations/${crashed.id}/refresh`)).status, 409, 'blocked by the dead run');

    const worker = startWorker({ store: server.store, logger, config: server.config, cipher: server.cipher });
    await worker.recovery;
    await worker.stop();

    const failed = await server.store.integrationRuns.get(dead.id);
    assert.equal(failed?.state, 'failed');
    assert.deepEqual(failed?.errors, [ABANDONED_RUN_REASON]);
    assert.ok(failed!.finishedAt! >= Date.now() - MINUTE);
    assert.equal((await server.store.integrationRuns.get(live.id))?.state, 'running', 'a live run in another process is left alone');

    const refreshed = await server.api('POST', `/api/v1/integrations/${crashed.id}/refresh?wait=true`);
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    assert.equal(refreshed.body.state, 'succeeded');
    assert.equal(refreshed.body.offersCreated, 3);
    assert.equal((await server.api('POST', `/api/v1/integrations/${elsewhere.id}/refresh`)).status, 409, 'the live run still holds its integration');
    await server.store.integrationRuns.record(live.id, live, { state: 'succeeded', finishedAt: Date.now() });
  });

  it('keeps a long run alive with its heartbeat, so recovery leaves it running', async () => {
    const slow = await setup();
    const run = await pastRun(slow.id, Date.now() - 20 * MINUTE, true);
    const heartbeat = keepRunAlive(server.store, run.id, Date.now, 10);
    try {
      // Several beats (every 10 ms here, every 30 s in production) since its start 20 minutes ago.
      await sleep(60);
      assert.deepEqual((await failAbandonedRuns(server.store, Date.now())).filter((failed) => failed.id === run.id), []);
      assert.equal((await server.store.integrationRuns.get(run.id))?.state, 'running');
    } finally {
      heartbeat.stop();
    }
    await server.store.integrationRuns.record(run.id, run, { state: 'succeeded', finishedAt: Date.now() });
  });

  it("shows a long import's counts in the run log while it runs (page 2 slow at the partner), and refuses a manual refresh meanwhile (409)", { timeout: 20_000 }, async () => {
    const slow = await setup();
    const release = slow.tune.holdPage(2);
    const tick = importDueOffers(deps);

    const during = await waitFor(() => runsOf(slow.id), (runs) => runs[0]?.offersFetched === 1, 'page 1 counted');
    assert.equal(during.length, 1);
    assert.equal(during[0].state, 'running');
    assert.equal(during[0].trigger, 'schedule');
    assert.equal(during[0].finishedAt, null);

    const refused = await server.api('POST', `/api/v1/integrations/${slow.id}/refresh`);
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'conflict');

    release();
    const runs = await tick;
    const finished = runs.find((run) => run.integrationId === slow.id);
    assert.equal(finished?.state, 'succeeded');
    assert.equal(finished?.offersFetched, 3);
    assert.equal((await runsOf(slow.id)).length, 1, 'the refused refresh left no run');
  });

  it('starts no second run of an integration whose run is under way: a manual refresh, or a run of another live process', { timeout: 20_000 }, async () => {
    const manual = await setup();
    await pastRun(manual.id, Date.now() - 2 * 60 * MINUTE);
    const release = manual.tune.holdPage(2);
    assert.equal((await server.api('POST', `/api/v1/integrations/${manual.id}/refresh`)).status, 202);
    // Due by its frequency, but another process (a worker elsewhere) is running it and beating.
    const elsewhere = await setup();
    const other = await pastRun(elsewhere.id, Date.now() - 2 * 60 * MINUTE, true);
    await server.store.integrationRuns.beat(other.id, Date.now());

    const runs = await importDueOffers(deps);

    assert.equal(runs.some((run) => run.integrationId === manual.id || run.integrationId === elsewhere.id), false);
    assert.equal(elsewhere.tune.requests.length, 0, 'the partner was not called a second time');
    assert.equal((await server.store.integrationRuns.get(other.id))?.state, 'running');
    release();
    const done = await waitFor(() => runsOf(manual.id), (items) => items[0]?.state !== 'running', 'the manual run to finish');
    assert.deepEqual(
      done.map((run) => [run.trigger, run.state]),
      [
        ['manual', 'succeeded'],
        ['schedule', 'succeeded'],
      ],
    );
    await server.store.integrationRuns.record(other.id, other, { state: 'succeeded', finishedAt: Date.now() });
  });
});
