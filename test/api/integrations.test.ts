import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createApiKey } from '../../src/api/api-keys.js';
import { loadConfig } from '../../src/config.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createCredentialCipher } from '../../src/security/credential-cipher.js';
import { loadOrCreateSecretKey } from '../../src/security/secret-key.js';
import { buildServer } from '../../src/server.js';
import { createSqliteEntityStore } from '../../src/store/sqlite/sqlite-entity-store.js';
import { startFakeTuneServer, type FakeTuneOffer, type FakeTuneServer } from '../fakes/tune-server.js';
import { createVia } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

function offer(id: number, approved = true): FakeTuneOffer {
  return {
    Offer: { id: String(id), name: `Offer ${id}`, preview_url: `https://store.example/${id}`, default_payout: '2.00', payout_type: 'cpa_flat', status: 'active', is_expired: '0', currency: null },
    approved,
  };
}

describe('integrations API over real HTTP against the fake TUNE server', () => {
  let server: TestServer;
  let tune: FakeTuneServer;
  let offerSourceId: number;
  const tuneBody = () => ({
    partner: 'tune',
    name: 'Acme network',
    offerSourceId,
    settings: { api: 'affiliate', networkId: 'acme', baseUrl: tune.url },
    credentials: { apiKey: tune.affiliateKey },
  });

  before(async () => {
    tune = await startFakeTuneServer({ offers: [offer(1), offer(2), offer(3), offer(4, false)] });
    server = await startTestServer({ detector: 'null', env: { WAYPOST_OUTBOUND_ALLOW_HOSTS: '127.0.0.1' } });
    offerSourceId = (await createVia(server, 'offer-sources', { fromTemplate: 'tune', name: 'Acme (TUNE)' })).id;
  });
  after(async () => {
    await server.close();
    await tune.close();
  });

  it('creates an integration whose credentials are encrypted at rest and shown only masked', async () => {
    const created = await createVia(server, 'integrations', tuneBody());
    assert.equal(created.kind, 'offer_source');
    assert.equal(created.partner, 'tune');
    assert.equal(created.offerSourceId, offerSourceId);
    assert.equal(created.status, 'active');
    assert.deepEqual(created.credentials, { apiKey: `••••${tune.affiliateKey.slice(-4)}` });
    assert.equal(created.credentialsReadable, true);
    assert.equal(created.settings.networkId, 'acme');
    assert.equal(created.settings.messageIdField, 'aff_sub', "the partner's defaults are filled in");
    assert.equal(created.settings.apiKey, undefined, 'a credential is never a plain setting');
    assert.deepEqual(created.connection, { state: 'untested', checkedAt: null, message: null, connectedAt: null, offersVisible: null });

    for (const path of [`/api/v1/integrations/${created.id}`, '/api/v1/integrations']) {
      const read = await server.api('GET', path);
      assert.equal(read.status, 200);
      assert.ok(!JSON.stringify(read.body).includes(tune.affiliateKey), `${path} shows the key in clear`);
    }

    // Every byte SQLite wrote (the database, its WAL and shared memory): the key is not there in clear.
    const files = readdirSync(server.dataDir).filter((name) => name.startsWith('waypost.db'));
    assert.ok(files.includes('waypost.db'));
    let nameSeen = false;
    for (const name of files) {
      const bytes = readFileSync(join(server.dataDir, name));
      assert.equal(bytes.indexOf(tune.affiliateKey), -1, `${name} holds the API key in clear`);
      nameSeen ||= bytes.indexOf('Acme network') !== -1;
    }
    assert.ok(nameSeen, 'the files read hold the new row (its name is there)');
    const stored = await server.store.integrations.get(created.id);
    assert.match(stored!.sealedCredentials, /^v1\./);
  });

  it('answers 400 naming the field for bad settings, missing credentials, an unknown partner or offer source', async () => {
    const cases: [unknown, string][] = [
      [{ ...tuneBody(), settings: { api: 'affiliate', networkId: 'acme corp!' } }, 'settings.networkId'],
      [{ ...tuneBody(), settings: { api: 'sideways', networkId: 'acme' } }, 'settings.api'],
      [{ ...tuneBody(), settings: { api: 'affiliate', networkId: 'acme', networkID: 'acme' } }, 'settings.networkID'],
      [{ ...tuneBody(), settings: { api: 'affiliate', networkId: 'acme', import: { payoutRatio: 1, nope: true } } }, 'settings.import.nope'],
      [{ ...tuneBody(), credentials: {} }, 'credentials.apiKey'],
      [{ ...tuneBody(), partner: 'nonesuch' }, 'partner'],
      [{ ...tuneBody(), kind: 'traffic_channel' }, 'kind'],
      [{ ...tuneBody(), offerSourceId: 9999 }, 'offerSourceId'],
      [{ ...tuneBody(), offerSourceId: undefined }, 'offerSourceId'],
    ];
    for (const [body, field] of cases) {
      const response = await server.api('POST', '/api/v1/integrations', body);
      assert.equal(response.status, 400, JSON.stringify(response.body));
      assert.equal(response.body.error.code, 'validation_error');
      assert.equal(response.body.error.field, field, JSON.stringify(response.body));
    }
    const partner = await server.api('POST', '/api/v1/integrations', { ...tuneBody(), partner: 'nonesuch' });
    assert.match(partner.body.error.message, /tune/, 'the message names the partners there are');
  });

  it('test-connection makes a real call: offers visible on success, connected state and time', async () => {
    const created = await createVia(server, 'integrations', tuneBody());
    tune.requests.length = 0;
    const response = await server.api('POST', `/api/v1/integrations/${created.id}/test-connection`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(response.body.ok, true);
    assert.equal(response.body.offersVisible, 3, 'the three approved offers');
    assert.match(response.body.message, /3 offers visible/);
    assert.equal(tune.requests.length, 1);
    assert.equal(tune.requests[0]!.params.api_key, tune.affiliateKey, 'the stored key, decrypted, went to the partner');

    const { integration } = response.body;
    assert.equal(integration.status, 'active');
    assert.equal(integration.connection.state, 'connected');
    assert.equal(integration.connection.offersVisible, 3);
    assert.ok(Date.parse(integration.connection.connectedAt) > Date.now() - 60_000);
    assert.deepEqual((await server.api('GET', `/api/v1/integrations/${created.id}`)).body.connection, integration.connection);
  });

  it("test-connection failure answers the partner's message and sets status error; a later success clears it", async () => {
    const created = await createVia(server, 'integrations', { ...tuneBody(), credentials: { apiKey: 'wrong-key-0000000000' } });
    const failed = await server.api('POST', `/api/v1/integrations/${created.id}/test-connection`);
    assert.equal(failed.status, 200);
    assert.equal(failed.body.ok, false);
    assert.equal(failed.body.message, 'API key is invalid.');
    assert.equal(failed.body.retryable, false);
    assert.equal(failed.body.integration.status, 'error');
    assert.equal(failed.body.integration.lastError.message, 'API key is invalid.');
    assert.equal(failed.body.integration.connection.state, 'failed');
    assert.equal(failed.body.integration.connection.connectedAt, null);

    const fixed = await server.api('PATCH', `/api/v1/integrations/${created.id}`, { credentials: { apiKey: tune.affiliateKey } });
    assert.equal(fixed.status, 200, JSON.stringify(fixed.body));
    assert.equal(fixed.body.credentials.apiKey, `••••${tune.affiliateKey.slice(-4)}`);
    const passed = await server.api('POST', `/api/v1/integrations/${created.id}/test-connection`);
    assert.equal(passed.body.ok, true);
    assert.equal(passed.body.integration.status, 'active');
    assert.equal(passed.body.integration.lastError, null);
  });

  it('PATCH merges settings over the stored ones and checks them whole; partner and kind stay', async () => {
    const created = await createVia(server, 'integrations', tuneBody());
    const changed = await server.api('PATCH', `/api/v1/integrations/${created.id}`, { name: 'Renamed', settings: { pageSize: 100 } });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal(changed.body.name, 'Renamed');
    assert.equal(changed.body.settings.pageSize, 100);
    assert.equal(changed.body.settings.networkId, 'acme', 'a setting left out keeps its value');
    assert.equal(changed.body.credentials.apiKey, created.credentials.apiKey);
    await server.api('PATCH', `/api/v1/integrations/${created.id}`, { settings: { pull: { frequencyMinutes: 120 } } });
    const pull = await server.api('PATCH', `/api/v1/integrations/${created.id}`, { settings: { pull: { lookbackDays: 3 } } });
    assert.equal(pull.status, 200, JSON.stringify(pull.body));
    assert.deepEqual([pull.body.settings.pull.lookbackDays, pull.body.settings.pull.frequencyMinutes], [3, 120], 'a pull setting left out keeps its value');

    const bad = await server.api('PATCH', `/api/v1/integrations/${created.id}`, { settings: { pageSize: 0 } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'settings.pageSize');
    const unknown = await server.api('PATCH', `/api/v1/integrations/${created.id}`, { settings: { networkID: 'acme' } });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error.field, 'settings.networkID');
    const partner = await server.api('PATCH', `/api/v1/integrations/${created.id}`, { partner: 'everflow' });
    assert.equal(partner.status, 400);
    assert.equal(partner.body.error.field, 'partner');
  });

  it('disable and enable set the status; a disabled integration stays disabled when a test fails', async () => {
    const created = await createVia(server, 'integrations', tuneBody());
    const disabled = await server.api('POST', `/api/v1/integrations/${created.id}/disable`);
    assert.equal(disabled.status, 200);
    assert.equal(disabled.body.status, 'disabled');
    const listed = await server.api('GET', '/api/v1/integrations?status=disabled');
    assert.deepEqual(listed.body.items.map((i: { id: number }) => i.id), [created.id]);

    await server.api('PATCH', `/api/v1/integrations/${created.id}`, { credentials: { apiKey: 'wrong-key-0000000000' } });
    const failed = await server.api('POST', `/api/v1/integrations/${created.id}/test-connection`);
    assert.equal(failed.body.ok, false);
    assert.equal(failed.body.integration.status, 'disabled');
    assert.equal(failed.body.integration.lastError.message, 'API key is invalid.');

    const enabled = await server.api('POST', `/api/v1/integrations/${created.id}/enable`);
    assert.equal(enabled.body.status, 'active');
    assert.equal((await server.api('POST', '/api/v1/integrations/99999/enable')).status, 404);
  });

  it('lists the run log newest first, paged, with counts, errors and skip reasons', async () => {
    const created = await createVia(server, 'integrations', tuneBody());
    const runs = server.store.integrationRuns;
    const first = await runs.start({ integrationId: created.id, kind: 'offer_import', trigger: 'manual', startedAt: Date.parse('2026-01-01T10:00:00Z') });
    await runs.record(
      first.id,
      { offersFetched: 4, offersCreated: 2, offersUpdated: 1, offersSkipped: 1, conversionsPulled: 0, costsSynced: 0, errors: [], skips: [{ externalId: '539', reason: 'the offer has no name' }] },
      { state: 'succeeded', finishedAt: Date.parse('2026-01-01T10:00:05Z') },
    );
    const second = await runs.start({ integrationId: created.id, kind: 'conversion_pull', trigger: 'schedule', startedAt: Date.parse('2026-01-01T11:00:00Z') });
    await runs.record(second.id, { offersFetched: 0, offersCreated: 0, offersUpdated: 0, offersSkipped: 0, conversionsPulled: 0, costsSynced: 0, errors: ['API key is invalid.'], skips: [] }, { state: 'failed', finishedAt: Date.parse('2026-01-01T11:00:01Z') });
    const third = await runs.start({ integrationId: created.id, kind: 'offer_import', trigger: 'schedule', startedAt: Date.parse('2026-01-01T12:00:00Z') });
    await runs.record(third.id, { offersFetched: 500, offersCreated: 0, offersUpdated: 0, offersSkipped: 0, conversionsPulled: 0, costsSynced: 0, errors: [], skips: [] });

    const page1 = await server.api('GET', `/api/v1/integrations/${created.id}/runs?limit=2`);
    assert.equal(page1.status, 200, JSON.stringify(page1.body));
    assert.equal(page1.body.total, 3);
    assert.deepEqual(page1.body.items.map((r: { id: number }) => r.id), [third.id, second.id]);
    assert.deepEqual(
      { state: page1.body.items[0].state, finishedAt: page1.body.items[0].finishedAt, offersFetched: page1.body.items[0].offersFetched },
      { state: 'running', finishedAt: null, offersFetched: 500 },
      'a run under way shows its progress',
    );
    assert.deepEqual(page1.body.items[1].errors, ['API key is invalid.']);

    const page2 = await server.api('GET', `/api/v1/integrations/${created.id}/runs?limit=2&offset=2`);
    assert.deepEqual(page2.body.items, [
      {
        id: first.id,
        integrationId: created.id,
        kind: 'offer_import',
        trigger: 'manual',
        state: 'succeeded',
        startedAt: '2026-01-01T10:00:00.000Z',
        finishedAt: '2026-01-01T10:00:05.000Z',
        offersFetched: 4,
        offersCreated: 2,
        offersUpdated: 1,
        offersSkipped: 1,
        conversionsPulled: 0,
        costsSynced: 0,
        errors: [],
        skips: [{ externalId: '539', reason: 'the offer has no name' }],
      },
    ]);
    assert.equal((await server.api('GET', '/api/v1/integrations/99999/runs')).status, 404);
  });

  it('delete removes the integration and its run log and keeps the offer source and its offers', async () => {
    const created = await createVia(server, 'integrations', tuneBody());
    const kept = await createVia(server, 'offers', { name: 'Imported earlier', offerSourceId, url: 'https://acme.go2cloud.org/aff_c?offer_id=1&aff_sub={clickid}' });
    await server.store.integrationRuns.start({ integrationId: created.id, kind: 'offer_import', trigger: 'manual', startedAt: Date.now() });

    const deleted = await server.api('DELETE', `/api/v1/integrations/${created.id}`);
    assert.equal(deleted.status, 204);
    assert.equal((await server.api('GET', `/api/v1/integrations/${created.id}`)).status, 404);
    assert.equal((await server.api('POST', `/api/v1/integrations/${created.id}/enable`)).status, 404, 'a deleted integration cannot come back');
    assert.equal((await server.store.integrationRuns.list(created.id, { limit: 10, offset: 0 })).total, 0);
    assert.equal((await server.api('DELETE', `/api/v1/integrations/${created.id}`)).status, 404);
    assert.equal((await server.api('GET', `/api/v1/offers/${kept.id}`)).body.status, 'active');
    assert.equal((await server.api('GET', `/api/v1/offer-sources/${offerSourceId}`)).status, 200);
  });

  it('read-only keys may list integrations but not create or test them', async () => {
    const { secret } = await createApiKey(server.store, 'reader', 'read');
    const headers = { authorization: `Bearer ${secret}`, 'content-type': 'application/json' };
    assert.equal((await server.api('GET', '/api/v1/integrations', undefined, { authorization: `Bearer ${secret}` })).status, 200);
    assert.equal((await server.api('POST', '/api/v1/integrations', tuneBody(), headers)).status, 403);
    const created = await createVia(server, 'integrations', tuneBody());
    assert.equal((await server.api('POST', `/api/v1/integrations/${created.id}/test-connection`, undefined, headers)).status, 403);
  });
});

describe('integration credentials in the logs', () => {
  it('no log line, at trace level and unredacted, carries a credential in clear', async () => {
    const tune = await startFakeTuneServer({ offers: [offer(1)] });
    const dataDir = mkdtempSync(join(tmpdir(), 'waypost-integration-logs-'));
    const lines: string[] = [];
    // A logger without redaction: what reaches it is what Waypost chose to log.
    const logger = pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) });
    const config = loadConfig({ WAYPOST_DATA_DIR: dataDir, WAYPOST_ROLES: 'api', WAYPOST_OUTBOUND_ALLOW_HOSTS: '127.0.0.1' });
    const store = createSqliteEntityStore(join(dataDir, 'waypost.db'));
    await store.migrate();
    const { secret } = await createApiKey(store, 'admin', 'admin');
    const cipher = createCredentialCipher(loadOrCreateSecretKey(dataDir, undefined).key);
    const app = await buildServer(config, { store, logger, metrics: createMetrics(), cipher });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`http://127.0.0.1:${port}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${secret}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as any };
    };
    try {
      const source = await call('POST', '/offer-sources', { name: 'Acme' });
      const wrongKey = 'wrong-key-0000000000';
      const created = await call('POST', '/integrations', { partner: 'tune', name: 'Acme', offerSourceId: source.body.id, settings: { api: 'affiliate', networkId: 'acme', baseUrl: tune.url }, credentials: { apiKey: tune.affiliateKey } });
      assert.equal(created.status, 201);
      const id = created.body.id;
      assert.equal((await call('POST', `/integrations/${id}/test-connection`)).body.ok, true);
      tune.failPage(1, { kind: 'http', status: 500 });
      assert.equal((await call('POST', `/integrations/${id}/test-connection`)).body.ok, false);
      tune.reset();
      await call('PATCH', `/integrations/${id}`, { credentials: { apiKey: wrongKey } });
      assert.equal((await call('POST', `/integrations/${id}/test-connection`)).body.message, 'API key is invalid.');
      await call('POST', '/integrations', { partner: 'tune', name: 'Bad', offerSourceId: 9999, settings: { api: 'affiliate', networkId: 'acme' }, credentials: { apiKey: tune.affiliateKey } });

      assert.ok(lines.length >= 6, `the admin requests were logged (${lines.length} lines)`);
      for (const key of [tune.affiliateKey, wrongKey]) {
        assert.deepEqual(lines.filter((line) => line.includes(key)), [], `a log line carries ${key}`);
      }
    } finally {
      await app.close();
      await store.close();
      await tune.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
