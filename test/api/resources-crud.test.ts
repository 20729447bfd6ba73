import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { campaignBody, channelBody, createFunnelEntities, createVia } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let refs: Awaited<ReturnType<typeof createFunnelEntities>>;
before(async () => {
  server = await startTestServer();
  refs = await createFunnelEntities(server);
});
after(() => server.close());

/** Each resource with a valid body, a change to PATCH, and what the change must show. */
const cases = () => [
  { path: 'traffic-channels', body: { ...channelBody, name: 'Zeropark' }, patch: { name: 'Zeropark EU', costModel: 'cpm' }, check: (e: any) => e.costModel === 'cpm' && e.parameters.length === 3 },
  { path: 'offer-sources', body: { name: 'Everflow network', statusMapping: { '1': 'approved', '2': 'pending' }, defaultStatus: 'pending' }, patch: { defaultStatus: 'declined' }, check: (e: any) => e.defaultStatus === 'declined' && e.statusMapping['2'] === 'pending' },
  { path: 'offers', body: { name: 'Offer C', offerSourceId: refs.source.id, url: 'https://c.example/?cid={clickid}', payoutType: 'fixed', payout: '3.10' }, patch: { payout: 4.2 }, check: (e: any) => e.payout === 4.2 && e.payoutType === 'fixed' },
  { path: 'landers', body: { name: 'Quiz lander', url: 'https://quiz.example/' }, patch: { offerCount: 3 }, check: (e: any) => e.offerCount === 3 && e.url === 'https://quiz.example/' },
  { path: 'campaigns', body: campaignBody({ channelId: refs.channel.id, offerIds: [refs.offerA.id, refs.offerB.id], landerId: refs.lander.id }), patch: { redirectMode: 'double_meta', costValue: '0.075' }, check: (e: any) => e.redirectMode === 'double_meta' && e.costValue === 0.075 && e.funnel.rules.length === 1 },
  { path: 'conversion-types', body: { name: 'Upsell', duplicateMode: 'increment_payout' }, patch: { showInJourney: true }, check: (e: any) => e.showInJourney === true && e.duplicateMode === 'increment_payout' },
];

describe('every resource supports list, create, read, update and archive', () => {
  for (const path of ['traffic-channels', 'offer-sources', 'offers', 'landers', 'campaigns', 'conversion-types']) {
    test(path, async () => {
      const { body, patch, check } = cases().find((c) => c.path === path)!;
      const created = await createVia(server, path, body);
      assert.equal(typeof created.id, 'number');
      assert.equal(created.status, 'active');
      assert.equal(created.archivedAt, null);

      const read = await server.api('GET', `/api/v1/${path}/${created.id}`);
      assert.equal(read.status, 200);
      assert.deepEqual(read.body, created);

      const listed = await server.api('GET', `/api/v1/${path}?limit=500`);
      assert.equal(listed.status, 200);
      assert.ok(listed.body.items.some((item: any) => item.id === created.id));
      assert.equal(listed.body.total, listed.body.items.length);

      const patched = await server.api('PATCH', `/api/v1/${path}/${created.id}`, patch);
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      assert.ok(check(patched.body), `PATCH did not take: ${JSON.stringify(patched.body)}`);
      assert.equal(patched.body.name, (patch as any).name ?? body.name, 'fields left out of a PATCH keep their value');

      const archived = await server.api('DELETE', `/api/v1/${path}/${created.id}`);
      assert.equal(archived.status, 200);
      assert.equal(archived.body.status, 'archived');
      assert.ok(archived.body.archivedAt);
    });
  }
});

test('money is exact: decimals go in and come out unchanged', async () => {
  const offer = await createVia(server, 'offers', { name: 'Decimal', offerSourceId: refs.source.id, url: 'https://d.example/', payoutType: 'fixed', payout: '0.000001' });
  assert.equal(offer.payout, 0.000001);
  const row = await server.store.offers.get(offer.id);
  assert.equal(row?.payout, 1, 'stored as integer micro-units');
});

test('lists page and filter', async () => {
  for (let i = 0; i < 5; i++) await createVia(server, 'landers', { name: `Paged lander ${i}`, url: `https://p${i}.example/` });
  const first = await server.api('GET', '/api/v1/landers?search=paged&limit=2&offset=0');
  const second = await server.api('GET', '/api/v1/landers?search=PAGED&limit=2&offset=2');
  assert.equal(first.body.total, 5);
  assert.equal(first.body.items.length, 2);
  assert.equal(second.body.items.length, 2);
  assert.notDeepEqual(first.body.items.map((l: any) => l.id), second.body.items.map((l: any) => l.id));

  const otherSource = await createVia(server, 'offer-sources', { name: 'Other network' });
  await createVia(server, 'offers', { name: 'Only offer of other', offerSourceId: otherSource.id, url: 'https://o.example/' });
  const filtered = await server.api('GET', `/api/v1/offers?offerSourceId=${otherSource.id}`);
  assert.deepEqual(filtered.body.items.map((o: any) => o.name), ['Only offer of other']);

  const paused = await createVia(server, 'landers', { name: 'Paused lander', url: 'https://x.example/', status: 'paused' });
  const onlyPaused = await server.api('GET', '/api/v1/landers?status=paused');
  assert.deepEqual(onlyPaused.body.items.map((l: any) => l.id), [paused.id]);
});

test('a campaign shows the click URL with its channel parameters', async () => {
  const campaign = await createVia(server, 'campaigns', campaignBody({ channelId: refs.channel.id, offerIds: [refs.offerA.id] }));
  assert.match(campaign.key, /^[a-z2-9]{8}$/);
  assert.equal(campaign.clickUrl, `http://track.test/c/${campaign.key}?ref_id=\${SUBID}&sub1=\${zoneid}&cost=\${cost}`);

  const withDomain = await server.api('PATCH', `/api/v1/campaigns/${campaign.id}`, { trackingDomain: 'go.buyer.example' });
  assert.equal(withDomain.body.clickUrl.split('?')[0], `http://go.buyer.example/c/${campaign.key}`);
});

test('an offer source shows the postback URL to paste into the network', async () => {
  const source = await createVia(server, 'offer-sources', {
    name: 'Cartpanda store',
    postbackMacros: { clickid: '{cid}', sum: '{total_price}' },
    additionalParameters: [
      { param: 'fname', macro: '{first_name}', role: 'first_name' },
      { param: 'email', macro: '{email}', role: 'email' },
    ],
  });
  assert.equal(source.postbackUrl, 'http://track.test/postback?clickid={cid}&sum={total_price}&fname={first_name}&email={email}');
});
