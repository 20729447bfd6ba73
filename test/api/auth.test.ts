import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createApiKey } from '../../src/api/api-keys.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

const RESOURCES = ['traffic-channels', 'offer-sources', 'offers', 'landers', 'campaigns', 'conversion-types'];

test('every resource route answers 401 without a valid key and never reaches the handler', async () => {
  const before = await server.store.landers.list({ limit: 500, offset: 0 });
  for (const path of RESOURCES) {
    for (const [method, url] of [['GET', `/api/v1/${path}`], ['POST', `/api/v1/${path}`], ['GET', `/api/v1/${path}/1`], ['PATCH', `/api/v1/${path}/1`], ['DELETE', `/api/v1/${path}/1`]] as const) {
      for (const headers of [{} as Record<string, string>, { authorization: 'Bearer wp_not_a_real_key' }, { authorization: server.adminKey }, { authorization: `Basic ${server.adminKey}` }]) {
        const response = await server.api(method, url, method === 'POST' ? { name: 'sneaky', url: 'https://x.example/' } : undefined, { 'content-type': 'application/json', ...headers });
        assert.equal(response.status, 401, `${method} ${url} with ${JSON.stringify(headers)}`);
        assert.equal(response.body.error.code, 'unauthorized');
      }
    }
  }
  const afterward = await server.store.landers.list({ limit: 500, offset: 0 });
  assert.equal(afterward.total, before.total, 'nothing was created');
});

test('keys are stored hashed, never in clear', async () => {
  const { key, secret } = await createApiKey(server.store, 'ci', 'admin');
  assert.notEqual(key.hash, secret);
  assert.equal(key.hash.length, 64);
  assert.equal(key.prefix, secret.slice(0, 10));
  const found = await server.store.apiKeys.findActiveByHash(key.hash);
  assert.equal(found?.id, key.id);
});

test('a read-only key may read but not write', async () => {
  const { secret } = await createApiKey(server.store, 'dashboard', 'read');
  const read = await server.api('GET', '/api/v1/landers', undefined, { authorization: `Bearer ${secret}` });
  assert.equal(read.status, 200);
  const write = await server.api('POST', '/api/v1/landers', { name: 'x', url: 'https://x.example/' }, { authorization: `Bearer ${secret}`, 'content-type': 'application/json' });
  assert.equal(write.status, 403);
  assert.equal(write.body.error.code, 'forbidden');
});

test('health, readiness, metrics and the API documentation need no key', async () => {
  assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  const ready = await fetch(`${server.url}/readyz`);
  assert.equal(ready.status, 200);
  assert.deepEqual(await ready.json(), { status: 'ready' });
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  assert.match(metrics, /waypost_http_requests_total/);
  assert.match(metrics, /waypost_process_resident_memory_bytes/);
  assert.equal((await fetch(`${server.url}/api/v1/openapi.json`)).status, 200);
  const docs = await fetch(`${server.url}/api/docs/`);
  assert.equal(docs.status, 200);
  assert.match(await docs.text(), /swagger/i);
});
