import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { campaignBody, createFunnelEntities, createVia } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

test('DELETE archives: the entity stays readable, leaves default lists, and can be listed on request', async () => {
  const lander = await createVia(server, 'landers', { name: 'Old lander', url: 'https://old.example/' });
  const archived = await server.api('DELETE', `/api/v1/landers/${lander.id}`);
  assert.equal(archived.body.status, 'archived');

  const read = await server.api('GET', `/api/v1/landers/${lander.id}`);
  assert.equal(read.status, 200);
  assert.equal(read.body.status, 'archived');

  const defaultList = await server.api('GET', '/api/v1/landers');
  assert.ok(!defaultList.body.items.some((l: any) => l.id === lander.id));
  const archivedList = await server.api('GET', '/api/v1/landers?status=archived');
  assert.deepEqual(archivedList.body.items.map((l: any) => l.id), [lander.id]);

  const again = await server.api('DELETE', `/api/v1/landers/${lander.id}`);
  assert.equal(again.status, 200, 'archiving twice is harmless');
  assert.equal(again.body.archivedAt, archived.body.archivedAt, 'the first archive time is kept');
});

test('an archived entity can no longer change', async () => {
  const type = await createVia(server, 'conversion-types', { name: 'Deposit' });
  await server.api('DELETE', `/api/v1/conversion-types/${type.id}`);
  const patch = await server.api('PATCH', `/api/v1/conversion-types/${type.id}`, { showInJourney: true });
  assert.equal(patch.status, 409);
  assert.equal(patch.body.error.field, 'status');
});

test('new references to archived entities are refused, while existing ones keep working', async () => {
  const refs = await createFunnelEntities(server);
  const campaign = await createVia(server, 'campaigns', campaignBody({ channelId: refs.channel.id, offerIds: [refs.offerA.id, refs.offerB.id] }));

  await server.api('DELETE', `/api/v1/offers/${refs.offerB.id}`);
  const stillThere = await server.api('GET', `/api/v1/campaigns/${campaign.id}`);
  assert.equal(stillThere.status, 200, 'history and existing campaigns still resolve');

  const refused = await server.api('POST', '/api/v1/campaigns', campaignBody({ channelId: refs.channel.id, offerIds: [refs.offerB.id] }));
  assert.equal(refused.status, 400);
  assert.equal(refused.body.error.field, 'funnel.rules[0].paths[0].offers[0].offerId');

  await server.api('DELETE', `/api/v1/offer-sources/${refs.source.id}`);
  const offer = await server.api('POST', '/api/v1/offers', { name: 'X', offerSourceId: refs.source.id, url: 'https://x.example/' });
  assert.equal(offer.status, 400);
  assert.equal(offer.body.error.field, 'offerSourceId');
});

test('unknown ids answer 404 on every verb', async () => {
  for (const method of ['GET', 'PATCH', 'DELETE']) {
    const response = await server.api(method, '/api/v1/campaigns/31337', method === 'PATCH' ? { name: 'x' } : undefined);
    assert.equal(response.status, 404, method);
    assert.equal(response.body.error.field, 'id');
  }
});
