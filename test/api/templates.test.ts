import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createApiKey } from '../../src/api/api-keys.js';
import { campaignBody, createVia } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
before(async () => {
  server = await startTestServer({ detector: 'null' });
});
after(() => server.close());

const CHANNELS = ['tonic', 'propellerads', 'zeropark', 'exoclick', 'trafficstars', 'rollerads', 'taboola', 'outbrain', 'mgid', 'facebook', 'google', 'tiktok'];
const SOURCES = ['cartpanda', 'tune', 'everflow', 'trackier', 'cake', 'clickbank', 'digistore24', 'maxbounty', 'affise'];

test('the catalogue lists every required traffic channel and offer source template, to a read-only key too', async () => {
  const { secret } = await createApiKey(server.store, 'dashboard', 'read');
  const headers = { authorization: `Bearer ${secret}` };
  const channels = await server.api('GET', '/api/v1/templates/traffic-channels', undefined, headers);
  assert.equal(channels.status, 200, JSON.stringify(channels.body));
  const channelKeys = channels.body.items.map((item: any) => item.key);
  for (const key of CHANNELS) assert.ok(channelKeys.includes(key), `traffic channel template ${key} is listed`);

  const sources = await server.api('GET', '/api/v1/templates/offer-sources', undefined, headers);
  assert.equal(sources.status, 200, JSON.stringify(sources.body));
  const sourceKeys = sources.body.items.map((item: any) => item.key);
  for (const key of SOURCES) assert.ok(sourceKeys.includes(key), `offer source template ${key} is listed`);
  for (const item of sources.body.items) assert.ok(item.postbackUrl.startsWith('http://track.test/postback?clickid='), `${item.key} has a ready postback URL`);
});

test('one traffic channel template shows its parameters, postback URL and the values each campaign must fill', async () => {
  const exo = await server.api('GET', '/api/v1/templates/traffic-channels/exoclick');
  assert.equal(exo.status, 200, JSON.stringify(exo.body));
  assert.equal(exo.body.name, 'ExoClick');
  assert.deepEqual(exo.body.fields.parameters.find((p: any) => p.key === 'ref_id'), { key: 'ref_id', macro: '{conversions_tracking}', label: 'ExoClick conversion tracking id' });
  assert.match(exo.body.fields.postbackUrl, /goal=\{goal\}&tag=\{ref_id\}/);
  assert.deepEqual(exo.body.campaignValues.map((value: any) => [value.name, value.required]), [['goal', true]]);
  assert.ok(exo.body.sources.length > 0);

  const missing = await server.api('GET', '/api/v1/templates/traffic-channels/no-such-channel');
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error.field, 'key');
});

test("one offer source template shows the network's macros, status names and ready postback URL", async () => {
  const cartpanda = await server.api('GET', '/api/v1/templates/offer-sources/cartpanda');
  assert.equal(cartpanda.status, 200, JSON.stringify(cartpanda.body));
  assert.equal(
    cartpanda.body.postbackUrl,
    'http://track.test/postback?clickid={cid}&sum={total_price}&fname={first_name}&lname={last_name}&phone={phone_number}&email={email}&contentid={product_id}&product={product_name}',
  );
  assert.deepEqual(cartpanda.body.offerUrl, { parameter: 'cid', example: 'https://STORE.mycartpanda.com/PROMOLINK?cid={clickid}' });

  const affise = await server.api('GET', '/api/v1/templates/offer-sources/affise');
  assert.equal(affise.body.fields.statusMapping['3'], 'declined');
  assert.match(affise.body.postbackUrl, /status=\{status\}/);
});

test('a traffic channel created fromTemplate gets every field the template defines', async () => {
  const template = (await server.api('GET', '/api/v1/templates/traffic-channels/zeropark')).body;
  const created = await server.api('POST', '/api/v1/traffic-channels', { fromTemplate: 'zeropark' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.name, 'Zeropark');
  assert.equal(created.body.templateKey, 'zeropark');
  assert.deepEqual(created.body.parameters, template.fields.parameters);
  assert.equal(created.body.postbackUrl, template.fields.postbackUrl);
  assert.equal(created.body.costModel, template.fields.costModel);
  assert.equal(created.body.fromTemplate, undefined, 'fromTemplate is not stored');

  const stored = await server.store.trafficChannels.get(created.body.id);
  assert.deepEqual(stored?.parameters, template.fields.parameters);
});

test('fields given in the body win over the template', async () => {
  const created = await server.api('POST', '/api/v1/traffic-channels', {
    fromTemplate: 'propellerads',
    name: 'Propeller push',
    costModel: 'cpm',
    parameters: [{ key: 'ref_id', macro: '${SUBID}' }],
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.name, 'Propeller push');
  assert.equal(created.body.costModel, 'cpm');
  assert.deepEqual(created.body.parameters, [{ key: 'ref_id', macro: '${SUBID}' }], 'a given list replaces the template list whole');
  assert.match(created.body.postbackUrl, /^https:\/\/ad\.propellerads\.com\/conversion\.php\?aid=REPLACE/, 'fields not given come from the template');

  const source = await server.api('POST', '/api/v1/offer-sources', { fromTemplate: 'tune', postbackMacros: { clickid: '{aff_click_id}' }, defaultStatus: 'pending' });
  assert.equal(source.status, 201, JSON.stringify(source.body));
  assert.equal(source.body.name, 'TUNE / HasOffers');
  assert.equal(source.body.defaultStatus, 'pending');
  assert.equal(source.body.postbackUrl, 'http://track.test/postback?clickid={aff_click_id}');
});

test('an offer source created fromTemplate has the template postback URL and status names', async () => {
  const created = await server.api('POST', '/api/v1/offer-sources', { fromTemplate: 'trackier', name: 'Trackier network' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.templateKey, 'trackier');
  assert.deepEqual(created.body.statusMapping, { approved: 'approved', pending: 'pending', cancelled: 'declined', rejected: 'declined' });
  const template = (await server.api('GET', '/api/v1/templates/offer-sources/trackier')).body;
  assert.equal(created.body.postbackUrl, template.postbackUrl);
});

test("a campaign on a channel from the ExoClick template asks for the goal until it has one, then its postback is ready", async () => {
  const channel = await createVia(server, 'traffic-channels', { fromTemplate: 'exoclick' });
  const source = await createVia(server, 'offer-sources', { fromTemplate: 'cartpanda' });
  const offer = await createVia(server, 'offers', { name: 'Watch', offerSourceId: source.id, url: 'https://store.example/?cid={clickid}' });
  const campaign = await createVia(server, 'campaigns', campaignBody({ channelId: channel.id, offerIds: [offer.id] }));
  assert.equal(campaign.channelPostback.ready, false);
  assert.ok(campaign.channelPostback.problems.some((problem: string) => problem.includes('goal')), JSON.stringify(campaign.channelPostback));
  assert.match(campaign.clickUrl, /ref_id=\{conversions_tracking\}/);

  const patched = await server.api('PATCH', `/api/v1/campaigns/${campaign.id}`, { postbackValues: { goal: 'a1b2' } });
  assert.equal(patched.status, 200, JSON.stringify(patched.body));
  assert.equal(patched.body.channelPostback.ready, true, JSON.stringify(patched.body.channelPostback));
  assert.match(patched.body.channelPostback.previewUrl, /^http:\/\/main\.exoclick\.com\/tag\.php\?goal=a1b2&tag=/);
});

test('an unknown template key answers 400 naming fromTemplate, and nothing is created', async () => {
  const before = await server.api('GET', '/api/v1/traffic-channels?limit=500');
  for (const [path, body] of [
    ['traffic-channels', { fromTemplate: 'no-such-channel', name: 'X' }],
    ['offer-sources', { fromTemplate: 'no-such-network' }],
    ['traffic-channels', { fromTemplate: 7, name: 'X' }],
  ] as const) {
    const answer = await server.api('POST', `/api/v1/${path}`, body);
    assert.equal(answer.status, 400, JSON.stringify(answer.body));
    assert.equal(answer.body.error.code, 'validation_error');
    assert.equal(answer.body.error.field, 'fromTemplate');
  }
  const after = await server.api('GET', '/api/v1/traffic-channels?limit=500');
  assert.equal(after.body.total, before.body.total);
});

test('without fromTemplate a name is still required, and a template value made invalid by the body is rejected by field', async () => {
  const nameless = await server.api('POST', '/api/v1/traffic-channels', { costModel: 'cpc' });
  assert.equal(nameless.status, 400);
  assert.equal(nameless.body.error.field, 'name');

  const duplicate = await server.api('POST', '/api/v1/traffic-channels', { fromTemplate: 'tonic', parameters: [{ key: 'sub1', macro: '[a]' }, { key: 'sub1', macro: '[b]' }] });
  assert.equal(duplicate.status, 400);
  assert.equal(duplicate.body.error.field, 'parameters[1].key');
});

test('the OpenAPI document describes the template routes and fromTemplate', async () => {
  const doc = (await server.api('GET', '/api/v1/openapi.json')).body;
  for (const path of ['/api/v1/templates/traffic-channels', '/api/v1/templates/traffic-channels/{key}', '/api/v1/templates/offer-sources', '/api/v1/templates/offer-sources/{key}']) {
    assert.ok(doc.paths[path]?.get, `${path} is documented`);
  }
  for (const path of ['/api/v1/traffic-channels', '/api/v1/offer-sources']) {
    const body = doc.paths[path].post.requestBody.content['application/json'].schema;
    const properties = body.properties ?? doc.components.schemas[body.$ref?.split('/').pop()]?.properties;
    assert.ok(properties?.fromTemplate, `${path} POST documents fromTemplate`);
  }
});
