import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

/** Routes as Fastify prints them: a tree whose lines hold a path segment and its methods. */
function appRoutes(): { path: string; method: string }[] {
  const routes: { path: string; method: string }[] = [];
  const parents: string[] = [];
  for (const line of server.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^(.*?)[└├]── (\S+)(?: \(([^)]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    parents.length = depth;
    const path = parents.join('') + match[2]!;
    parents.push(match[2]!);
    for (const method of match[3]?.split(', ') ?? []) routes.push({ path, method });
  }
  return routes;
}

test('every route in the app appears in /api/v1/openapi.json', async () => {
  const document: any = await (await fetch(`${server.url}/api/v1/openapi.json`)).json();
  assert.equal(document.openapi, '3.0.3');
  const documented = new Set<string>();
  for (const [path, operations] of Object.entries<Record<string, unknown>>(document.paths)) {
    for (const method of Object.keys(operations)) documented.add(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
  }
  // HEAD routes are Fastify's automatic twins of GET routes; the UI's static files are not API routes.
  const routes = appRoutes().filter((r) => r.method !== 'HEAD' && !r.path.startsWith('/api/docs'));
  assert.ok(routes.length >= 30, `found ${routes.length} routes`);
  const missing = routes.filter((r) => !documented.has(`${r.method} ${r.path}`));
  assert.deepEqual(missing, []);
});

test('the document describes request bodies, errors and the API key', async () => {
  const document: any = await (await fetch(`${server.url}/api/v1/openapi.json`)).json();
  const create = document.paths['/api/v1/campaigns'].post;
  const body = create.requestBody.content['application/json'].schema;
  assert.ok(body.properties.funnel, 'the campaign body documents its funnel');
  assert.ok(body.required.includes('trafficChannelId'));
  assert.ok(create.responses['201'], 'created response');
  assert.ok(create.responses['400'], 'validation error response');
  assert.deepEqual(create.security, [{ apiKey: [] }]);
  assert.equal(document.components.securitySchemes.apiKey.scheme, 'bearer');
});
