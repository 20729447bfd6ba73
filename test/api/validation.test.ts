import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { campaignBody, createFunnelEntities, createVia } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let refs: Awaited<ReturnType<typeof createFunnelEntities>>;
before(async () => {
  server = await startTestServer();
  refs = await createFunnelEntities(server);
});
after(() => server.close());

async function expectError(method: string, path: string, body: unknown, status: number, field: string | undefined, code: string) {
  const response = await server.api(method, path, body);
  assert.equal(response.status, status, JSON.stringify(response.body));
  assert.equal(response.body.error.code, code);
  assert.equal(response.body.error.field, field);
  assert.equal(typeof response.body.error.message, 'string');
  assert.ok(!JSON.stringify(response.body).includes('    at '), 'no stack trace in an error body');
  return response.body.error;
}

test('an offer URL that is not http(s) is refused, naming the field', async () => {
  for (const url of ['ftp://files.example/offer', 'javascript:alert(1)', 'not a url', '/relative/path']) {
    await expectError('POST', '/api/v1/offers', { name: 'Bad', offerSourceId: refs.source.id, url }, 400, 'url', 'validation_error');
  }
});

test('a campaign whose funnel references a missing offer is refused with the exact path', async () => {
  const body = campaignBody({ channelId: refs.channel.id, offerIds: [refs.offerA.id, 999_999] });
  const error = await expectError('POST', '/api/v1/campaigns', body, 400, 'funnel.rules[0].paths[0].offers[1].offerId', 'validation_error');
  assert.match(error.message, /offer 999999 does not exist/);
});

test('a campaign with a missing lander or traffic channel is refused', async () => {
  const withLander = campaignBody({ channelId: refs.channel.id, offerIds: [refs.offerA.id], landerId: 424_242 });
  await expectError('POST', '/api/v1/campaigns', withLander, 400, 'funnel.rules[0].paths[0].landers[0].landerId', 'validation_error');
  await expectError('POST', '/api/v1/campaigns', campaignBody({ channelId: 777, offerIds: [refs.offerA.id] }), 400, 'trafficChannelId', 'validation_error');
});

test('a funnel condition on an unknown field or with a malformed range is refused', async () => {
  const body = campaignBody({ channelId: refs.channel.id, offerIds: [refs.offerA.id] });
  body.funnel.rules[0]!.conditions = [{ field: 'shoe_size', op: 'in', values: ['42'] }];
  await expectError('POST', '/api/v1/campaigns', body, 400, 'funnel.rules[0].conditions[0].field', 'validation_error');
  body.funnel.rules[0]!.conditions = [{ field: 'hour', op: 'between', values: ['9'] }];
  await expectError('POST', '/api/v1/campaigns', body, 400, 'funnel.rules[0].conditions[0].values', 'validation_error');
  body.funnel.rules[0]!.conditions = [{ field: 'hour', op: 'in', values: ['25'] }];
  const error = await expectError('POST', '/api/v1/campaigns', body, 400, 'funnel.rules[0].conditions[0].values', 'validation_error');
  assert.match(error.message, /"25" is not an hour from 0 to 23/);
  body.funnel.rules[0]!.conditions = [{ field: 'country', op: 'between', values: ['A', 'Z'] }];
  await expectError('POST', '/api/v1/campaigns', body, 400, 'funnel.rules[0].conditions[0].values', 'validation_error');
});

test('conversion type names are unique and case-sensitive', async () => {
  await createVia(server, 'conversion-types', { name: 'Lead' });
  const lower = await createVia(server, 'conversion-types', { name: 'lead' });
  assert.equal(lower.name, 'lead', '"Lead" and "lead" are two types');
  const error = await expectError('POST', '/api/v1/conversion-types', { name: 'Lead' }, 409, 'name', 'conflict');
  assert.match(error.message, /already taken/);
  const renamed = await server.api('PATCH', `/api/v1/conversion-types/${lower.id}`, { name: 'Lead' });
  assert.equal(renamed.status, 409);
  assert.equal(renamed.body.error.field, 'name');
});

test('wrong types, unknown enum values and missing fields name the field', async () => {
  await expectError('POST', '/api/v1/landers', { url: 'https://x.example/' }, 400, 'name', 'validation_error');
  await expectError('POST', '/api/v1/campaigns', { ...campaignBody({ channelId: refs.channel.id, offerIds: [refs.offerA.id] }), redirectMode: '307' }, 400, 'redirectMode', 'validation_error');
  await expectError('POST', '/api/v1/campaigns', { ...campaignBody({ channelId: refs.channel.id, offerIds: [refs.offerA.id] }), costValue: '1.1234567' }, 400, 'costValue', 'validation_error');
  await expectError('POST', '/api/v1/campaigns', { ...campaignBody({ channelId: refs.channel.id, offerIds: [refs.offerA.id] }), timeZone: 'Mars/Olympus' }, 400, 'timeZone', 'validation_error');
  await expectError('POST', '/api/v1/offers', { name: 'X', offerSourceId: 'one', url: 'https://x.example/' }, 400, 'offerSourceId', 'validation_error');
  await expectError('POST', '/api/v1/offer-sources', { name: 'X', ipAllowlist: ['10.0.0.0/99'] }, 400, 'ipAllowlist[0]', 'validation_error');
  await expectError('POST', '/api/v1/traffic-channels', { name: 'X', parameters: [{ key: 'sub1', macro: '{a}' }, { key: 'sub1', macro: '{b}' }] }, 400, 'parameters[1].key', 'validation_error');
  await expectError('PATCH', `/api/v1/landers/${refs.lander.id}`, { colour: 'blue' }, 400, 'colour', 'validation_error');
  await expectError('PATCH', `/api/v1/landers/${refs.lander.id}`, { status: 'archived' }, 400, 'status', 'validation_error');
});

test('malformed requests get a JSON error, not a crash', async () => {
  const badJson = await server.api('POST', '/api/v1/landers', '{"name": "x",', { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' });
  assert.equal(badJson.status, 400);
  assert.equal(badJson.body.error.code, 'validation_error');
  assert.equal(badJson.body.error.field, 'body');

  // Sent by many clients on every POST: an empty JSON body is no body.
  const json = { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' };
  const emptyNeeded = await server.api('POST', '/api/v1/landers', '', json);
  assert.equal(emptyNeeded.status, 400, 'a route that needs a body still says so');
  assert.equal(emptyNeeded.body.error.field, 'body');
  const lander = await server.api('POST', '/api/v1/landers', { name: 'Empty-body check', url: 'https://lander.example/' });
  const archived = await server.api('DELETE', `/api/v1/landers/${lander.body.id}`, '', json);
  assert.ok(archived.status < 300, `a bodyless action with the header is served (${archived.status} ${JSON.stringify(archived.body)})`);
  const proto = await server.api('POST', '/api/v1/landers', '{"__proto__": {"x": 1}, "name": "p"}', json);
  assert.equal(proto.status, 400, 'prototype poisoning is still refused');

  const badId = await server.api('GET', '/api/v1/offers/abc');
  assert.equal(badId.status, 400);
  assert.equal(badId.body.error.field, 'id');

  const missing = await server.api('GET', '/api/v1/offers/987654');
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error.code, 'not_found');

  const badList = await server.api('GET', '/api/v1/offers?limit=100000');
  assert.equal(badList.status, 400);
  assert.equal(badList.body.error.field, 'limit');

  const badStatus = await server.api('GET', '/api/v1/offers?status=deleted');
  assert.equal(badStatus.status, 400);
  assert.equal(badStatus.body.error.field, 'status');

  const huge = await server.api('POST', '/api/v1/landers', JSON.stringify({ name: 'x', url: 'https://x.example/', notes: 'n'.repeat(2 * 1024 * 1024) }), {
    authorization: `Bearer ${server.adminKey}`,
    'content-type': 'application/json',
  });
  assert.equal(huge.status, 413);
  assert.equal(huge.body.error.code, 'payload_too_large');

  const unknownRoute = await server.api('GET', '/api/v1/no-such-thing');
  assert.equal(unknownRoute.status, 404);
  assert.equal(unknownRoute.body.error.code, 'not_found');
});
