import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createApiKey } from '../../src/api/api-keys.js';
import { queueChannelPostback } from '../../src/conversions/channel-postback-queue.js';
import { createLogger } from '../../src/observability/logger.js';
import { createOutboundUrlGuard } from '../../src/security/outbound-url-guard.js';
import { sendDueOutbox } from '../../src/worker/jobs/send-outbox.js';
import { startFakeTrafficChannel, type FakeTrafficChannel } from '../fakes/fake-traffic-channel.js';
import { recordConversion } from '../support/conversions.js';
import { createVia } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let fake: FakeTrafficChannel;
let channel: any;
let offerId: number;

before(async () => {
  server = await startTestServer({ detector: 'null', env: { WAYPOST_OUTBOUND_ALLOW_HOSTS: '127.0.0.1' } });
  fake = await startFakeTrafficChannel();
  channel = await createVia(server, 'traffic-channels', {
    name: 'PropellerAds',
    parameters: [{ key: 'ref_id', macro: '${SUBID}' }],
    postbackUrl: `${fake.url}/conversion.php?aid=REPLACE&visitor_id={ref_id}&payout={payout}`,
    postbackStatuses: ['approved'],
    postbackTypes: ['Sale', null],
    postbackPayoutPercent: 90,
  });
  const source = await createVia(server, 'offer-sources', { name: 'Network' });
  offerId = (await createVia(server, 'offers', { name: 'Offer', offerSourceId: source.id, url: 'https://o.example/?cid={clickid}' })).id;
});
after(async () => {
  await fake.close();
  await server.close();
});

const campaignBody = (changes: object = {}) => ({
  name: 'Push US',
  trafficChannelId: channel.id,
  funnel: { rules: [], paths: [{ weight: 100, offers: [{ offerId, weight: 100 }] }] },
  ...changes,
});

async function conversionFor(campaign: any, changes: object = {}) {
  const conversion = await recordConversion(server.store, { campaignId: campaign.id, trafficChannelId: channel.id, ...changes });
  const stored = (await server.store.campaigns.get(campaign.id))!;
  const storedChannel = await server.store.trafficChannels.get(channel.id);
  return { conversion, result: await queueChannelPostback(server.store, { conversion, campaign: stored, channel: storedChannel, conversionType: undefined, accountCurrency: server.config.accountCurrency }) };
}

const send = () => sendDueOutbox({ store: server.store, guard: createOutboundUrlGuard({ allowHosts: server.config.outbound.allowHosts }), logger: createLogger({ logLevel: 'silent' }) });

test('traffic channels keep the types sent to them; campaigns keep their override', async () => {
  assert.deepEqual(channel.postbackTypes, ['Sale', null]);
  const campaign = await createVia(server, 'campaigns', campaignBody({ channelPostback: { statuses: ['approved', 'pending'], payoutPercent: 50 } }));
  assert.deepEqual(
    { enabled: campaign.channelPostback.enabled, statuses: campaign.channelPostback.statuses, types: campaign.channelPostback.types, payoutPercent: campaign.channelPostback.payoutPercent },
    { enabled: true, statuses: ['approved', 'pending'], types: null, payoutPercent: 50 },
  );
  const patched = await server.api('PATCH', `/api/v1/campaigns/${campaign.id}`, { channelPostback: { enabled: false } });
  assert.equal(patched.status, 200);
  assert.equal(patched.body.channelPostback.enabled, false);
  assert.equal(patched.body.channelPostback.statuses, null, 'a PATCH replaces the whole override');
  const bad = await server.api('POST', '/api/v1/campaigns', campaignBody({ channelPostback: { statuses: ['paid'] } }));
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, 'channelPostback.statuses[0]');
});

test('REPLACE left: the campaign shows the problem, the postback is blocked; filling the value and retrying sends it', async () => {
  const created = await createVia(server, 'campaigns', campaignBody());
  assert.equal(created.channelPostback.ready, false);
  assert.deepEqual(created.channelPostback.problems, ["aid is REPLACE in the traffic channel's postback URL: set aid in the campaign's postback values"]);
  assert.match(created.channelPostback.previewUrl, /aid=REPLACE&visitor_id=channel-click-123&payout=2\.25$/);

  const { result, conversion } = await conversionFor(created, { refId: 'pa-555', payout: 10_000_000 });
  assert.equal(result.outcome, 'blocked');
  const blocked = await server.api('GET', `/api/v1/outgoing-postbacks?state=blocked&campaignId=${created.id}`);
  assert.equal(blocked.status, 200);
  assert.equal(blocked.body.total, 1);
  const row = blocked.body.items[0];
  assert.equal(row.conversionId, conversion.id);
  assert.equal(row.state, 'blocked');
  assert.equal(row.lastError, "aid is REPLACE in the traffic channel's postback URL: set aid in the campaign's postback values");
  assert.deepEqual(row.attempts, []);

  const still = await server.api('POST', `/api/v1/outgoing-postbacks/${row.id}/retry`);
  assert.equal(still.status, 409);
  assert.match(still.body.error.message, /is still blocked: aid is REPLACE/);
  assert.equal(still.body.error.field, 'id');

  const fixed = await server.api('PATCH', `/api/v1/campaigns/${created.id}`, { postbackValues: { aid: '8812' } });
  assert.deepEqual({ ready: fixed.body.channelPostback.ready, problems: fixed.body.channelPostback.problems }, { ready: true, problems: [] });

  const retried = await server.api('POST', `/api/v1/outgoing-postbacks/${row.id}/retry`);
  assert.equal(retried.status, 200, JSON.stringify(retried.body));
  assert.equal(retried.body.state, 'pending');
  assert.equal(retried.body.url, `${fake.url}/conversion.php?aid=8812&visitor_id=pa-555&payout=9`);
  await send();
  const sent = await server.api('GET', `/api/v1/outgoing-postbacks?campaignId=${created.id}`);
  assert.equal(sent.body.items[0].state, 'sent');
  assert.equal(sent.body.items[0].attempts.length, 1);
  assert.equal(sent.body.items[0].attempts[0].statusCode, 200);
  assert.equal(typeof sent.body.items[0].attempts[0].latencyMs, 'number');
  assert.deepEqual(fake.hits.map((hit) => hit.query), [{ aid: '8812', visitor_id: 'pa-555', payout: '9' }]);

  const again = await server.api('POST', `/api/v1/outgoing-postbacks/${row.id}/retry`);
  assert.equal(again.status, 409);
  assert.match(again.body.error.message, /was already sent/);
});

test('a failed postback can be retried: a new round of attempts, the earlier ones kept', async () => {
  fake.reset();
  const campaign = await createVia(server, 'campaigns', campaignBody({ name: 'Retry me', postbackValues: { aid: '1' } }));
  await conversionFor(campaign, { refId: 'retry-1' });
  fake.alwaysAnswer(404);
  await send();
  const failed = (await server.api('GET', `/api/v1/outgoing-postbacks?state=failed&campaignId=${campaign.id}`)).body.items[0];
  assert.equal(failed.lastError, 'HTTP 404: unknown postback endpoint');
  assert.equal(failed.attemptCount, 1);

  fake.reset();
  const retried = await server.api('POST', `/api/v1/outgoing-postbacks/${failed.id}/retry`);
  assert.equal(retried.status, 200);
  assert.equal(retried.body.state, 'pending');
  assert.equal(retried.body.attemptCount, 0);
  await send();
  const sent = (await server.api('GET', `/api/v1/outgoing-postbacks?campaignId=${campaign.id}`)).body.items[0];
  assert.equal(sent.state, 'sent');
  assert.deepEqual(sent.attempts.map((a: any) => a.statusCode), [404, 200]);
  assert.equal(fake.hits.length, 1);
});

test('the list pages newest first and filters; unknown ids and states are answered clearly', async () => {
  const campaign = await createVia(server, 'campaigns', campaignBody({ name: 'Paged', postbackValues: { aid: '2' } }));
  for (let i = 0; i < 3; i++) await conversionFor(campaign, { refId: `page-${i}` });
  const first = await server.api('GET', `/api/v1/outgoing-postbacks?campaignId=${campaign.id}&limit=2`);
  const second = await server.api('GET', `/api/v1/outgoing-postbacks?campaignId=${campaign.id}&limit=2&offset=2`);
  assert.equal(first.body.total, 3);
  assert.deepEqual([...first.body.items, ...second.body.items].map((item: any) => new URL(item.url).searchParams.get('visitor_id')), ['page-2', 'page-1', 'page-0']);
  assert.equal((await server.api('GET', '/api/v1/outgoing-postbacks?state=pending,sent&limit=500')).status, 200);

  const badState = await server.api('GET', '/api/v1/outgoing-postbacks?state=lost');
  assert.equal(badState.status, 400);
  assert.match(badState.body.error.message, /unknown state "lost"/);
  const missing = await server.api('POST', '/api/v1/outgoing-postbacks/999999/retry');
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error.field, 'id');
  const pending = first.body.items[0];
  const notYet = await server.api('POST', `/api/v1/outgoing-postbacks/${pending.id}/retry`);
  assert.equal(notYet.status, 409);
  assert.match(notYet.body.error.message, /is already queued/);
});

test('the outgoing postbacks need an API key, and a read-only key cannot retry', async () => {
  assert.equal((await server.api('GET', '/api/v1/outgoing-postbacks', undefined, {})).status, 401);
  const { secret } = await createApiKey(server.store, 'reader', 'read');
  const reader = { authorization: `Bearer ${secret}` };
  assert.equal((await server.api('GET', '/api/v1/outgoing-postbacks', undefined, reader)).status, 200);
  assert.equal((await server.api('POST', '/api/v1/outgoing-postbacks/1/retry', undefined, reader)).status, 403);
  const document: any = await (await fetch(`${server.url}/api/v1/openapi.json`)).json();
  assert.deepEqual(document.paths['/api/v1/outgoing-postbacks'].get.security, [{ apiKey: [] }]);
  assert.ok(document.paths['/api/v1/outgoing-postbacks/{id}/retry'].post.responses['409']);
});
