import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../src/observability/logger.js';
import { createOutboundUrlGuard } from '../../src/security/outbound-url-guard.js';
import { sendDueOutbox } from '../../src/worker/jobs/send-outbox.js';
import { startFakeTrafficChannel, type FakeTrafficChannel } from '../fakes/fake-traffic-channel.js';
import { postback } from '../conversions/conversion-setup.js';
import { createVia } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const DESKTOP = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36';
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
const US_IP = '8.8.8.8';
const GB_IP = '81.2.69.160';

let clock = Date.parse('2026-03-01T00:00:00Z');
let server: TestServer;
let fake: FakeTrafficChannel;
let channel: any;
let channel2: any;
let offerA: any;
let offerB: any;
let lander: any;
let landerCampaign: any;
let directCampaign: any;
let pausedCampaign: any;
let pagingCampaign: any;

before(async () => {
  server = await startTestServer({ now: () => clock, env: { WAYPOST_TRUSTED_PROXIES: '127.0.0.1', WAYPOST_OUTBOUND_ALLOW_HOSTS: '127.0.0.1' } });
  fake = await startFakeTrafficChannel();
  channel = await createVia(server, 'traffic-channels', {
    name: 'Zeropark',
    parameters: [
      { key: 'ref_id', macro: '{cid}' },
      { key: 'sub1', macro: '{zone}' },
      { key: 'sub2', macro: '{site}' },
    ],
    postbackUrl: `${fake.url}/pb?cid={ref_id}&payout={payout}&type={type}`,
    postbackTypes: [],
  });
  channel2 = await createVia(server, 'traffic-channels', { name: 'PropellerAds', parameters: [{ key: 'ref_id', macro: '${SUBID}' }] });
  const source = await createVia(server, 'offer-sources', { name: 'Network', defaultStatus: 'approved' });
  offerA = await createVia(server, 'offers', { name: 'Offer A', offerSourceId: source.id, url: 'https://a.example/?cid={clickid}', payoutType: 'fixed', payout: '10' });
  offerB = await createVia(server, 'offers', { name: 'Offer B', offerSourceId: source.id, url: 'https://b.example/?cid={clickid}', payoutType: 'fixed', payout: '20' });
  lander = await createVia(server, 'landers', { name: 'Quiz lander', url: 'https://lp.example/?cid={clickid}', offerCount: 2 });
  await createVia(server, 'conversion-types', { name: 'Purchase', sendToChannel: true });
  landerCampaign = await createVia(server, 'campaigns', {
    name: 'Quiz US',
    trafficChannelId: channel.id,
    costModel: 'cpc',
    costValue: 0.05,
    funnel: { paths: [{ landers: [{ landerId: lander.id }], offers: [{ offerId: offerA.id }, { offerId: offerB.id }] }] },
  });
  directCampaign = await createVia(server, 'campaigns', { name: 'Direct', trafficChannelId: channel2.id, funnel: { paths: [{ offers: [{ offerId: offerB.id }] }] } });
  pausedCampaign = await createVia(server, 'campaigns', {
    name: 'Paused',
    trafficChannelId: channel.id,
    fallbackUrl: 'https://fallback.example/',
    funnel: { paths: [{ offers: [{ offerId: offerA.id }] }] },
  });
  assert.equal((await server.api('PATCH', `/api/v1/campaigns/${pausedCampaign.id}`, { status: 'paused' })).status, 200);
  pagingCampaign = await createVia(server, 'campaigns', { name: 'Paging', trafficChannelId: channel.id, funnel: { paths: [{ offers: [{ offerId: offerA.id }] }] } });
  await server.edge.snapshots.refresh();
});
after(async () => {
  await fake.close();
  await server.close();
});

/** A real visit to the campaign URL; the click id comes back in the click cookie. */
async function visit(campaign: any, query = '', visitor: { ip?: string; ua?: string } = {}): Promise<string> {
  const response = await fetch(`${server.url}/c/${campaign.key}?${query}`, {
    redirect: 'manual',
    headers: { 'user-agent': visitor.ua ?? DESKTOP, 'x-forwarded-for': visitor.ip ?? US_IP },
  });
  assert.ok(response.status === 302 || response.status === 200, `visit answered ${response.status}`);
  const clickId = /wp_cid=([0-9a-z]+)/.exec(response.headers.get('set-cookie') ?? '')?.[1];
  assert.ok(clickId, 'the visit set the click cookie');
  return clickId;
}

async function clickIds(query: string): Promise<string[]> {
  const response = await server.api('GET', `/api/v1/clicks?${query}`);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body.items.map((click: any) => click.clickId);
}

/** Every page of a cursor-paged list, following nextCursor to the end. */
async function allPages(path: string, limit: number): Promise<{ items: any[]; pages: number }> {
  const items: any[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const response = await server.api('GET', `${path}${separator}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.ok(response.body.items.length <= limit);
    items.push(...response.body.items);
    cursor = response.body.nextCursor;
    pages++;
    assert.ok(pages < 100, 'paging ends');
  } while (cursor !== null);
  return { items, pages };
}

const byIdDescending = (ids: string[]) => [...ids].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));

describe('click log paging', () => {
  const made: string[] = [];
  let windowFrom = '';
  let windowTo = '';

  before(async () => {
    clock = Date.parse('2026-03-01T00:00:00Z');
    windowFrom = new Date(clock).toISOString();
    // Three clicks share each millisecond: the order must still be total and the cursor exact.
    for (let i = 0; i < 130; i++) {
      clock = Date.parse('2026-03-01T00:00:00Z') + Math.floor(i / 3) * 1000;
      made.push(await visit(pagingCampaign, `ref_id=p-${i}`));
    }
    windowTo = new Date(clock + 1).toISOString();
  });

  test('pages through more clicks than one page by campaign: newest first, no duplicates, no gaps', async () => {
    const { items, pages } = await allPages(`/api/v1/clicks?campaignId=${pagingCampaign.id}`, 50);
    assert.equal(pages, 3);
    assert.deepEqual(
      items.map((click) => click.clickId),
      byIdDescending(made),
    );
    const times = items.map((click) => Date.parse(click.createdAt));
    assert.ok(times.every((time, i) => i === 0 || time <= times[i - 1]!), 'newest first');
  });

  test('pages the same way over a time range without a campaign (the click-id order)', async () => {
    const { items, pages } = await allPages(`/api/v1/clicks?from=${windowFrom}&to=${windowTo}`, 50);
    assert.equal(pages, 3);
    assert.deepEqual(
      items.map((click) => click.clickId),
      byIdDescending(made),
    );
  });

  test('a page of exactly the remaining rows ends with nextCursor null', async () => {
    const response = await server.api('GET', `/api/v1/clicks?campaignId=${pagingCampaign.id}&limit=130`);
    assert.equal(response.body.items.length, 130);
    assert.equal(response.body.nextCursor, null);
    const first = await server.api('GET', `/api/v1/clicks?campaignId=${pagingCampaign.id}`);
    assert.equal(first.body.items.length, 50, 'the default limit is 50');
  });

  test('clicks arriving between pages neither repeat nor shift the rows of the next page', async () => {
    const first = await server.api('GET', `/api/v1/clicks?campaignId=${pagingCampaign.id}&limit=40`);
    clock += 5000;
    made.push(await visit(pagingCampaign, 'ref_id=late'));
    const second = await server.api('GET', `/api/v1/clicks?campaignId=${pagingCampaign.id}&limit=40&cursor=${first.body.nextCursor}`);
    const expected = byIdDescending(made.slice(0, 130));
    assert.deepEqual(
      [...first.body.items, ...second.body.items].map((click: any) => click.clickId),
      expected.slice(0, 80),
    );
    const fresh = await server.api('GET', `/api/v1/clicks?campaignId=${pagingCampaign.id}&limit=1`);
    assert.equal(fresh.body.items[0].clickId, made.at(-1), 'a new first page starts with the new click');
  });
});

describe('click log filters', () => {
  const at: Record<string, number> = {};
  const ids: Record<string, string> = {};
  const window = () => `from=2026-04-01T00:00:00Z&to=2026-04-02T00:00:00Z`;

  before(async () => {
    const step = async (name: string, make: () => Promise<string>) => {
      clock = Date.parse('2026-04-01T10:00:00Z') + Object.keys(ids).length * 60_000;
      at[name] = clock;
      ids[name] = await make();
    };
    await step('c1', () => visit(landerCampaign, 'ref_id=r-1&sub1=zone-7&sub2=site-a', { ip: US_IP, ua: DESKTOP }));
    await step('c2', () => visit(landerCampaign, 'ref_id=r-2&sub1=zone-8', { ip: GB_IP, ua: IPHONE }));
    await step('c3', () => visit(directCampaign, 'ref_id=r-3', { ip: US_IP, ua: GOOGLEBOT }));
    await step('c4', () => visit(pausedCampaign, 'ref_id=r-4', { ip: US_IP, ua: DESKTOP }));
    await step('c5', () => visit(landerCampaign, 'ref_id=r-5&sub1=zone-8', { ip: US_IP, ua: DESKTOP }));
    // c1's visitor goes from the lander to its second offer.
    clock = at.c1! + 30_000;
    const through = await fetch(`${server.url}/lp/click/2?clickid=${ids.c1}`, { redirect: 'manual' });
    assert.equal(through.status, 302);
    assert.match(through.headers.get('location')!, /^https:\/\/b\.example\//);
  });

  const expect = async (query: string, names: string[]) => {
    assert.deepEqual(await clickIds(`${window()}&${query}`), names.map((name) => ids[name]), query);
  };

  test('without filters: every click of the range, newest first', async () => {
    await expect('', ['c5', 'c4', 'c3', 'c2', 'c1']);
  });

  test('by campaign, traffic channel, lander and offer (directly or through the lander)', async () => {
    await expect(`campaignId=${landerCampaign.id}`, ['c5', 'c2', 'c1']);
    await expect(`trafficChannelId=${channel2.id}`, ['c3']);
    await expect(`landerId=${lander.id}`, ['c5', 'c2', 'c1']);
    await expect(`offerId=${offerB.id}`, ['c3', 'c1']);
    await expect(`offerId=${offerA.id}`, []); // c4's paused campaign sent it to the fallback URL
  });

  test('by country, device type, bot flag, uniqueness and outcome', async () => {
    await expect('country=gb', ['c2']);
    await expect('country=US', ['c5', 'c4', 'c3', 'c1']);
    await expect('deviceType=mobile', ['c2']);
    await expect('isBot=true', ['c3']);
    await expect('isBot=false', ['c5', 'c4', 'c2', 'c1']);
    await expect('isUnique=false', ['c5']);
    await expect('outcome=fallback', ['c4']);
    await expect('outcome=routed', ['c5', 'c3', 'c2', 'c1']);
  });

  test("by the channel's click id and sub values, exactly", async () => {
    await expect('refId=r-1', ['c1']);
    await expect('refId=r-', []);
    await expect('sub1=zone-8', ['c5', 'c2']);
    await expect('sub1=zone-7&sub2=site-a', ['c1']);
    await expect('sub1=zone-7&sub2=site-b', []);
  });

  test('filters combine, with a campaign and without', async () => {
    await expect(`campaignId=${landerCampaign.id}&country=GB`, ['c2']);
    await expect(`campaignId=${landerCampaign.id}&sub1=zone-8&isUnique=false`, ['c5']);
    await expect('country=US&isBot=false&outcome=routed', ['c5', 'c1']);
  });

  test('from is inclusive and to exclusive, with and without a campaign', async () => {
    const range = `from=${new Date(at.c2!).toISOString()}&to=${new Date(at.c5!).toISOString()}`;
    assert.deepEqual(await clickIds(range), [ids.c4, ids.c3, ids.c2]);
    assert.deepEqual(await clickIds(`${range}&campaignId=${landerCampaign.id}`), [ids.c2]);
    assert.deepEqual(await clickIds(`from=2026-04-01T10:02:00%2B00:00&to=2026-04-01T12:03:30%2B02:00&campaignId=${directCampaign.id}`), [ids.c3], 'offsets are understood');
  });

  test('a row shows money as decimals, times as ISO instants, and names next to ids', async () => {
    const response = await server.api('GET', `/api/v1/clicks?${window()}&refId=r-1`);
    const click = response.body.items[0];
    assert.equal(click.clickId, ids.c1);
    assert.equal(click.createdAt, new Date(at.c1!).toISOString());
    assert.equal(click.campaignId, landerCampaign.id);
    assert.equal(click.campaignName, 'Quiz US');
    assert.equal(click.trafficChannelName, 'Zeropark');
    assert.equal(click.landerName, 'Quiz lander');
    assert.equal(click.offerId, null, 'a lander click chooses the offer later');
    assert.deepEqual(click.landerClick, { at: new Date(at.c1! + 30_000).toISOString(), offerId: offerB.id, offerName: 'Offer B' });
    assert.equal(click.cost, 0.05);
    assert.equal(click.currency, 'USD');
    assert.deepEqual(click.subs, { sub1: 'zone-7', sub2: 'site-a' });
    assert.equal(click.country, 'US');
    assert.equal(click.outcome, 'routed');
  });
});

describe('click detail', () => {
  test('the click, its lander click, its conversions of every type, and its postbacks to the channel with attempts', async () => {
    clock = Date.parse('2026-05-01T08:00:00Z');
    const clickId = await visit(landerCampaign, 'ref_id=zp-900&sub1=z1');
    clock += 20_000;
    const through = await fetch(`${server.url}/lp/click/1?clickid=${clickId}`, { redirect: 'manual' });
    assert.match(through.headers.get('location')!, /^https:\/\/a\.example\//);
    clock += 60_000;
    assert.equal((await postback(server, `clickid=${clickId}&sum=12.5`)).text, 'accepted: conversion created\n');
    clock += 60_000;
    assert.equal((await postback(server, `clickid=${clickId}&type=Purchase&sum=30`)).text, 'accepted: conversion created\n');
    await sendDueOutbox({ store: server.store, guard: createOutboundUrlGuard({ allowHosts: ['127.0.0.1'] }), logger: createLogger({ logLevel: 'silent' }) });

    const response = await server.api('GET', `/api/v1/clicks/${clickId}`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const { click, conversions, outgoingPostbacks } = response.body;
    assert.equal(click.clickId, clickId);
    assert.equal(click.refId, 'zp-900');
    assert.deepEqual(click.landerClick, { at: new Date(Date.parse('2026-05-01T08:00:20Z')).toISOString(), offerId: offerA.id, offerName: 'Offer A' });
    assert.deepEqual(
      conversions.map((c: any) => [c.type, c.payout, c.status, c.convertedAt]),
      [
        [null, 12.5, 'approved', '2026-05-01T08:01:20.000Z'],
        ['Purchase', 30, 'approved', '2026-05-01T08:02:20.000Z'],
      ],
    );
    assert.equal(conversions[0].offerId, offerA.id);
    assert.equal(outgoingPostbacks.length, 2);
    assert.deepEqual(
      outgoingPostbacks.map((p: any) => [p.conversionId, p.state, p.attempts.length, p.attempts[0]?.statusCode]),
      [
        [conversions[0].id, 'sent', 1, 200],
        [conversions[1].id, 'sent', 1, 200],
      ],
    );
    assert.match(outgoingPostbacks[1].url, /cid=zp-900&payout=30&type=Purchase$/);

    const upper = await server.api('GET', `/api/v1/clicks/${clickId.toUpperCase()}`);
    assert.equal(upper.status, 200, 'an upper-cased click id is the same click');
    const journey = await server.api('GET', `/api/v1/clicks/${clickId}/journey`);
    assert.equal(journey.status, 200, 'the journey route stays');
  });

  test('a click with nothing after it has empty lists and no lander click', async () => {
    clock = Date.parse('2026-05-02T08:00:00Z');
    const clickId = await visit(directCampaign, 'ref_id=x');
    const response = await server.api('GET', `/api/v1/clicks/${clickId}`);
    assert.equal(response.status, 200);
    assert.equal(response.body.click.offerName, 'Offer B');
    assert.equal(response.body.click.landerClick, null);
    assert.deepEqual(response.body.conversions, []);
    assert.deepEqual(response.body.outgoingPostbacks, []);
  });

  test('an unknown click id is 404 and a malformed one 400, both naming clickId', async () => {
    const unknown = await server.api('GET', `/api/v1/clicks/${'0'.repeat(29)}`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.field, 'clickId');
    for (const bad of ['nope', 'l'.repeat(29), '0'.repeat(30)]) {
      const malformed = await server.api('GET', `/api/v1/clicks/${bad}`);
      assert.equal(malformed.status, 400, bad);
      assert.equal(malformed.body.error.field, 'clickId');
    }
  });
});

describe('click log parameters', () => {
  const cursorOf = (parts: unknown) => Buffer.from(JSON.stringify(parts)).toString('base64url');

  test('bad parameters are answered 400 naming the parameter', async () => {
    const cases: [string, string][] = [
      ['limit=0', 'limit'],
      ['limit=501', 'limit'],
      ['limit=ten', 'limit'],
      ['from=yesterday', 'from'],
      ['to=2026-13-01T00:00:00Z', 'to'],
      ['from=2026-04-02T00:00:00Z&to=2026-04-01T00:00:00Z', 'to'],
      ['campaignId=abc', 'campaignId'],
      ['offerId=0', 'offerId'],
      ['isBot=yes', 'isBot'],
      ['isUnique=1', 'isUnique'],
      ['country=USA', 'country'],
      ['outcome=lost', 'outcome'],
      [`sub3=${'x'.repeat(501)}`, 'sub3'],
    ];
    for (const [query, field] of cases) {
      const response = await server.api('GET', `/api/v1/clicks?${query}`);
      assert.equal(response.status, 400, `${query}: ${JSON.stringify(response.body)}`);
      assert.equal(response.body.error.field, field, query);
      assert.equal(response.body.error.code, 'validation_error');
    }
  });

  test('a malformed or foreign cursor is 400 naming cursor', async () => {
    for (const cursor of ['!!!', 'bm90IGpzb24', cursorOf({ id: 1 }), cursorOf(['clicks', 'nope']), cursorOf(['clicks', 42]), cursorOf(['conversions', 1, 2]), cursorOf(['postbacks', 5])]) {
      const response = await server.api('GET', `/api/v1/clicks?cursor=${cursor}`);
      assert.equal(response.status, 400, cursor);
      assert.equal(response.body.error.field, 'cursor');
      assert.match(response.body.error.message, /^cursor: /);
    }
  });

  test('the log and the detail are documented and need the API key', async () => {
    const document: any = await (await fetch(`${server.url}/api/v1/openapi.json`)).json();
    assert.ok(document.paths['/api/v1/clicks'].get.parameters.some((p: any) => p.name === 'sub20'));
    assert.deepEqual(document.paths['/api/v1/clicks/{clickId}'].get.security, [{ apiKey: [] }]);
    const anonymous = await fetch(`${server.url}/api/v1/clicks`);
    assert.equal(anonymous.status, 401);
  });
});
