import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createLogger } from '../../src/observability/logger.js';
import { createOutboundUrlGuard } from '../../src/security/outbound-url-guard.js';
import { sendDueOutbox } from '../../src/worker/jobs/send-outbox.js';
import { startFakeTrafficChannel, type FakeTrafficChannel } from '../fakes/fake-traffic-channel.js';
import { postback } from '../conversions/conversion-setup.js';
import { createVia } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const START = Date.parse('2026-06-01T09:00:00Z');
let clock = START;
let server: TestServer;
let fake: FakeTrafficChannel;
let marked: { source: any; offer: any; campaign: any };
let ignoring: { source: any; offer: any; campaign: any };
const clicks: Record<string, string> = {};
/** Conversion time of each postback by name. */
const at: Record<string, number> = {};
/** Every answer of the admin API in this file, to look for personal data in all of them. */
const answers: string[] = [];

const PERSONAL = ['Maria', 'maria', 'Silva', '98765', 'example.com', 'Example.COM'];
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const HASHES = [sha('maria'), sha('silva'), sha('5511987654321'), sha('maria.silva@example.com')];

async function get(path: string) {
  const response = await server.api('GET', path);
  answers.push(JSON.stringify(response.body));
  return response;
}

async function ids(path: string): Promise<number[]> {
  const response = await get(path);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body.items.map((item: any) => item.id);
}

/** Every page of a cursor-paged list. */
async function allPages(path: string, limit: number): Promise<{ items: any[]; pages: number }> {
  const items: any[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const response = await get(`${path}${path.includes('?') ? '&' : '?'}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    items.push(...response.body.items);
    cursor = response.body.nextCursor;
    pages++;
    assert.ok(pages < 100);
  } while (cursor !== null);
  return { items, pages };
}

async function funnel(name: string, sourceBody: object, channelId: number) {
  const source = await createVia(server, 'offer-sources', { name: `${name} network`, defaultStatus: 'approved', ...sourceBody });
  const offer = await createVia(server, 'offers', { name: `${name} offer`, offerSourceId: source.id, url: 'https://o.example/?cid={clickid}', payoutType: 'fixed', payout: '10' });
  const campaign = await createVia(server, 'campaigns', { name: `${name} campaign`, trafficChannelId: channelId, funnel: { paths: [{ offers: [{ offerId: offer.id }] }] } });
  return { source, offer, campaign };
}

async function visit(campaign: any, refId: string): Promise<string> {
  const response = await fetch(`${server.url}/c/${campaign.key}?ref_id=${refId}`, { redirect: 'manual' });
  return new URL(response.headers.get('location')!).searchParams.get('cid')!;
}

/** A postback at `clock`, expecting its answer. */
async function fire(name: string, query: string, answer: RegExp) {
  at[name] = clock;
  const response = await postback(server, query);
  assert.match(response.text, answer, `${name}: ${query}`);
}

before(async () => {
  server = await startTestServer({ detector: 'null', now: () => clock, env: { WAYPOST_OUTBOUND_ALLOW_HOSTS: '127.0.0.1' } });
  fake = await startFakeTrafficChannel();
  const channel = await createVia(server, 'traffic-channels', {
    name: 'Zeropark',
    parameters: [{ key: 'ref_id', macro: '{cid}' }],
    postbackUrl: `${fake.url}/pb?cid={ref_id}&payout={payout}`,
    postbackStatuses: ['approved', 'pending'],
  });
  await createVia(server, 'conversion-types', { name: 'Lead' });
  await createVia(server, 'conversion-types', { name: 'Purchase' });
  marked = await funnel('Marked', {
    duplicateMode: 'create_new_marked',
    additionalParameters: [
      { param: 'fname', macro: '{first_name}', role: 'first_name' },
      { param: 'lname', macro: '{last_name}', role: 'last_name' },
      { param: 'phone', macro: '{phone}', role: 'phone' },
      { param: 'email', macro: '{email}', role: 'email' },
      { param: 'product', macro: '{product}', role: 'product_name' },
    ],
  }, channel.id);
  ignoring = await funnel('Ignoring', { duplicateMode: 'ignore' }, channel.id);
  await server.edge.snapshots.refresh();

  for (const name of ['k1', 'k2', 'k3', 'k4']) clicks[name] = await visit(marked.campaign, `zp-${name}`);
  clicks.k5 = await visit(ignoring.campaign, 'zp-k5');

  const minute = () => (clock += 60_000);
  await fire('p1', `clickid=${clicks.k1}&sum=10`, /^accepted: conversion created\n/);
  minute();
  await fire('p2', `clickid=${clicks.k1}&sum=11`, /^accepted: conversion created \(repeated\)/);
  minute();
  await fire('p3', `clickid=${clicks.k2}&type=Lead&status=pending`, /^accepted/);
  minute();
  await fire('p4', `clickid=${clicks.k3}&type=Purchase&sum=49.90&fname=Maria&lname=Silva&phone=%2B55%20(11)%2098765-4321&email=Maria.Silva@Example.COM&product=Watch`, /^accepted/);
  minute();
  await fire('p5', `clickid=${clicks.k5}&sum=5`, /^accepted/);
  minute();
  await fire('p6', `clickid=${clicks.k5}&sum=5`, /^duplicate: duplicate ignored/);
  minute();
  await fire('p7', `clickid=${'0'.repeat(29)}&sum=5`, /^rejected: unknown click id/);
  minute();
  await fire('p8', 'clickid=garbage&email=maria.silva@example.com', /^rejected/);
  minute();
  await fire('p9', `clickid=${clicks.k4}&type=Nope`, /^rejected: unknown conversion type/);
  minute();
  // Seven conversions in one millisecond: ties in time are ordered by id.
  for (let i = 0; i < 7; i++) await fire(`t${i}`, `clickid=${clicks.k4}&sum=1`, /^accepted/);
  await sendDueOutbox({ store: server.store, guard: createOutboundUrlGuard({ allowHosts: ['127.0.0.1'] }), logger: createLogger({ logLevel: 'silent' }) });
});
after(async () => {
  await fake.close();
  await server.close();
});

describe('conversion log', () => {
  test('pages through every conversion newest first (by conversion time, then id) with no duplicates or gaps', async () => {
    const { items, pages } = await allPages('/api/v1/conversions', 4);
    assert.equal(items.length, 12);
    assert.equal(pages, 3);
    const stored = await Promise.all(items.map((item) => server.store.conversions.get(item.id)));
    assert.equal(new Set(items.map((item) => item.id)).size, 12);
    const keys = stored.map((conversion) => [conversion!.convertedAt, conversion!.id] as const);
    const sorted = [...keys].sort((a, b) => b[0] - a[0] || b[1] - a[1]);
    assert.deepEqual(keys, sorted);
    assert.deepEqual(
      items.slice(0, 7).map((item) => item.id),
      [...items.slice(0, 7).map((item) => item.id)].sort((a, b) => b - a),
      'the seven conversions of one millisecond, by id',
    );
  });

  test('filters: campaign, offer, offer source, type, status, duplicate status, click, time', async () => {
    const byClick = async (name: string) => (await server.store.conversions.listByClick(clicks[name]!)).map((c) => c.id).reverse();
    const [p5] = await byClick('k5');
    const [p3] = await byClick('k2');
    const [p4] = await byClick('k3');
    const k1 = await byClick('k1');
    const k4 = await byClick('k4');
    assert.deepEqual(await ids(`/api/v1/conversions?campaignId=${ignoring.campaign.id}`), [p5]);
    assert.deepEqual(await ids(`/api/v1/conversions?offerId=${ignoring.offer.id}`), [p5]);
    assert.deepEqual(await ids(`/api/v1/conversions?offerSourceId=${ignoring.source.id}`), [p5]);
    assert.deepEqual(await ids('/api/v1/conversions?type=Lead'), [p3]);
    assert.deepEqual(await ids('/api/v1/conversions?type=lead'), [], 'types are case-sensitive');
    assert.deepEqual(await ids('/api/v1/conversions?status=pending'), [p3]);
    assert.deepEqual(await ids(`/api/v1/conversions?duplicateStatus=repeated&clickId=${clicks.k1}`), [k1[0]]);
    assert.equal((await ids('/api/v1/conversions?duplicateStatus=repeated')).length, 7);
    assert.deepEqual(await ids(`/api/v1/conversions?clickId=${clicks.k4!.toUpperCase()}`), k4);
    const range = `from=${new Date(at.p3!).toISOString()}&to=${new Date(at.p5!).toISOString()}`;
    assert.deepEqual(await ids(`/api/v1/conversions?${range}`), [p4, p3]);
    assert.deepEqual(await ids(`/api/v1/conversions?${range}&campaignId=${marked.campaign.id}&type=Purchase`), [p4]);
  });

  test('a row is the conversion with names next to ids; contact data shows only as the hashed roles', async () => {
    const response = await get(`/api/v1/conversions?clickId=${clicks.k3}`);
    const [row] = response.body.items;
    assert.equal(row.campaignName, 'Marked campaign');
    assert.equal(row.offerName, 'Marked offer');
    assert.equal(row.offerSourceName, 'Marked network');
    assert.equal(row.trafficChannelName, 'Zeropark');
    assert.equal(row.landerName, null);
    assert.equal(row.payout, 49.9);
    assert.equal(row.convertedAt, new Date(at.p4!).toISOString());
    assert.deepEqual(row.personalData, { hashedRoles: ['first_name', 'last_name', 'phone', 'email'], clear: { product_name: 'Watch' } });
  });

  test('bad parameters and cursors are 400 naming the parameter', async () => {
    const foreign = Buffer.from(JSON.stringify(['clicks', clicks.k1])).toString('base64url');
    const cases: [string, string][] = [
      ['status=won', 'status'],
      ['duplicateStatus=maybe', 'duplicateStatus'],
      ['clickId=garbage', 'clickId'],
      ['offerSourceId=-1', 'offerSourceId'],
      ['from=soon', 'from'],
      ['from=2026-06-02T00:00:00Z&to=2026-06-01T00:00:00Z', 'to'],
      ['limit=501', 'limit'],
      ['cursor=%%%', 'cursor'],
      [`cursor=${foreign}`, 'cursor'],
      [`cursor=${Buffer.from('["conversions","x",1]').toString('base64url')}`, 'cursor'],
    ];
    for (const [query, field] of cases) {
      const response = await get(`/api/v1/conversions?${query}`);
      assert.equal(response.status, 400, `${query}: ${JSON.stringify(response.body)}`);
      assert.equal(response.body.error.field, field, query);
    }
  });
});

describe('inbound postback log', () => {
  test('every postback, accepted or not, newest first, with its reason, method, source IP and masked query', async () => {
    const response = await get('/api/v1/postbacks?limit=500');
    assert.equal(response.status, 200);
    assert.equal(response.body.items.length, 16);
    assert.equal(response.body.nextCursor, null);
    const rows = response.body.items;
    assert.deepEqual(
      rows.map((row: any) => row.id),
      [...rows.map((row: any) => row.id)].sort((a: number, b: number) => b - a),
    );
    const p4 = rows.find((row: any) => row.clickId === clicks.k3);
    assert.equal(p4.outcome, 'accepted');
    assert.equal(p4.reason, 'conversion created');
    assert.equal(p4.method, 'GET');
    assert.equal(p4.sourceIp, '127.0.0.1');
    assert.equal(p4.receivedAt, new Date(at.p4!).toISOString());
    assert.equal(p4.offerSourceName, 'Marked network');
    assert.ok(p4.conversionId > 0);
    assert.match(p4.query, /email=\[removed\]/);
    assert.match(p4.query, /product=Watch/);
    const p8 = rows.find((row: any) => row.receivedAt === new Date(at.p8!).toISOString());
    assert.equal(p8.clickId, null);
    assert.match(p8.reason, /not a Waypost click id/);
  });

  test('filters: outcome, click, offer source, time', async () => {
    const receivedAt = async (query: string) => (await get(`/api/v1/postbacks?${query}`)).body.items.map((row: any) => Date.parse(row.receivedAt));
    assert.deepEqual(await receivedAt('outcome=rejected'), [at.p9, at.p8, at.p7]);
    assert.deepEqual(await receivedAt('outcome=duplicate'), [at.p6]);
    assert.deepEqual(await receivedAt(`clickId=${clicks.k5}`), [at.p6, at.p5]);
    assert.deepEqual(await receivedAt(`offerSourceId=${ignoring.source.id}`), [at.p6, at.p5]);
    assert.deepEqual(await receivedAt(`from=${new Date(at.p2!).toISOString()}&to=${new Date(at.p4!).toISOString()}`), [at.p3, at.p2]);
    assert.deepEqual(await receivedAt(`outcome=accepted&clickId=${clicks.k1}`), [at.p2, at.p1]);
  });

  test('pages by cursor with no duplicates or gaps', async () => {
    const everything = await ids('/api/v1/postbacks?limit=500');
    const { items, pages } = await allPages('/api/v1/postbacks', 5);
    assert.equal(pages, 4);
    assert.deepEqual(
      items.map((row) => row.id),
      everything,
    );
  });

  test('bad parameters and cursors are 400 naming the parameter', async () => {
    const cases: [string, string][] = [
      ['outcome=won', 'outcome'],
      ['clickId=x', 'clickId'],
      ['offerSourceId=a', 'offerSourceId'],
      ['to=tomorrow', 'to'],
      ['limit=0', 'limit'],
      ['cursor=abc', 'cursor'],
      [`cursor=${Buffer.from('["postbacks",0]').toString('base64url')}`, 'cursor'],
    ];
    for (const [query, field] of cases) {
      const response = await get(`/api/v1/postbacks?${query}`);
      assert.equal(response.status, 400, `${query}: ${JSON.stringify(response.body)}`);
      assert.equal(response.body.error.field, field, query);
    }
  });
});

describe('outgoing postbacks by cursor', () => {
  test('cursor pages match the offset list, and offset with cursor is refused', async () => {
    const all = await get('/api/v1/outgoing-postbacks?limit=500');
    assert.ok(all.body.items.length >= 5, `${all.body.items.length} outgoing postbacks`);
    assert.equal(all.body.nextCursor, null);
    const { items } = await allPages('/api/v1/outgoing-postbacks', 2);
    assert.deepEqual(
      items.map((row) => row.id),
      all.body.items.map((row: any) => row.id),
    );
    const first = await get('/api/v1/outgoing-postbacks?limit=2');
    assert.equal(first.body.total, all.body.items.length);
    const both = await get(`/api/v1/outgoing-postbacks?limit=2&offset=2&cursor=${first.body.nextCursor}`);
    assert.equal(both.status, 400);
    assert.equal(both.body.error.field, 'offset');
    const foreign = await get(`/api/v1/outgoing-postbacks?cursor=${Buffer.from('["postbacks",3]').toString('base64url')}`);
    assert.equal(foreign.status, 400);
    assert.equal(foreign.body.error.field, 'cursor');
  });
});

describe('personal data', () => {
  test('no raw contact value and no hash of one appears in any answer of the logs', async () => {
    await get('/api/v1/conversions?limit=500');
    await get('/api/v1/postbacks?limit=500');
    await get('/api/v1/clicks?limit=500');
    await get('/api/v1/outgoing-postbacks?limit=500');
    const detail = await get(`/api/v1/clicks/${clicks.k3}`);
    assert.equal(detail.status, 200);
    assert.equal(detail.body.conversions.length, 1);
    assert.deepEqual(detail.body.conversions[0].personalData.hashedRoles, ['first_name', 'last_name', 'phone', 'email']);
    assert.ok(answers.length > 20);
    for (const answer of answers) {
      for (const value of [...PERSONAL, ...HASHES]) assert.ok(!answer.includes(value), `${value} in ${answer.slice(0, 300)}`);
    }
  });
});
