import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runInNewContext } from 'node:vm';
import { createVia } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let channel: any;
let offers: any[];
let lander: any;

before(async () => {
  server = await startTestServer();
  channel = await createVia(server, 'traffic-channels', { name: 'PropellerAds', parameters: [{ key: 'ref_id', macro: '${SUBID}' }, { key: 'sub1', macro: '${zoneid}' }] });
  const source = await createVia(server, 'offer-sources', { name: 'Network' });
  offers = [];
  for (const name of ['one', 'two', 'three']) {
    offers.push(await createVia(server, 'offers', { name, offerSourceId: source.id, url: `https://${name}.example/?cid={clickid}&lp={lander_id}&z={sub1}` }));
  }
  lander = await createVia(server, 'landers', { name: 'Quiz', url: 'https://lander.example/quiz?cid={clickid}&zone={sub1}', offerCount: 3 });
});
after(() => server.close());

async function campaignWithLander(extra: object = {}) {
  const created = await createVia(server, 'campaigns', {
    name: `Lander ${Math.random()}`,
    trafficChannelId: channel.id,
    funnel: { paths: [{ landers: [{ landerId: lander.id }], offers: offers.map((o, i) => ({ offerId: o.id, weight: i === 2 ? 0 : 50 })) }] },
    ...extra,
  });
  await server.edge.snapshots.refresh();
  return created;
}

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { redirect: 'manual', headers });

describe('lander clicks', () => {
  test('the visitor goes to the lander first, then /lp/click/{n} sends them to offer n of the path', async () => {
    const campaign = await campaignWithLander();
    const visit = await get(`/c/${campaign.key}?sub1=zone9`);
    const landerUrl = new URL(visit.headers.get('location')!);
    assert.equal(landerUrl.host, 'lander.example');
    assert.equal(landerUrl.searchParams.get('zone'), 'zone9');
    const clickId = landerUrl.searchParams.get('cid')!;
    const cookie = visit.headers.get('set-cookie')!.split(';')[0]!;
    const recorded = await server.events.findClick(clickId);
    assert.equal(recorded!.landerId, lander.id);
    assert.equal(recorded!.offerId, null, 'the offer is chosen at the lander click');

    const second = await get('/lp/click/2', { cookie });
    assert.equal(second.status, 302);
    const offerUrl = new URL(second.headers.get('location')!);
    assert.equal(offerUrl.host, 'two.example');
    assert.equal(offerUrl.searchParams.get('cid'), clickId, 'the same click continues to the offer');
    assert.equal(offerUrl.searchParams.get('lp'), String(lander.id));
    assert.equal(offerUrl.searchParams.get('z'), 'zone9');

    const updated = await server.events.findClick(clickId);
    assert.ok(updated!.landerClickedAt, 'the lander click is recorded on the click');
    assert.equal(updated!.landerClickOfferId, offers[1].id);

    const first = await get(`/lp/click/1?clickid=${clickId}`);
    assert.equal(new URL(first.headers.get('location')!).host, 'one.example', 'the clickid parameter works without the cookie');
  });

  test('without n, or with n pointing at a weight-0 offer, the offer is a weighted choice among eligible ones', async () => {
    const campaign = await campaignWithLander();
    const visit = await get(`/c/${campaign.key}`);
    const clickId = new URL(visit.headers.get('location')!).searchParams.get('cid')!;
    const hosts = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const response = await get(i % 2 ? `/lp/click?clickid=${clickId}` : `/lp/click/3?clickid=${clickId}`);
      hosts.add(new URL(response.headers.get('location')!).host);
    }
    assert.deepEqual([...hosts].sort(), ['one.example', 'two.example']);
  });

  test('an unknown or malformed click id gets a plain page, not an error', async () => {
    for (const path of ['/lp/click', '/lp/click/1?clickid=0000000000000000000000000000z', '/lp/click/abc?clickid=%FF', `/lp/click/2?clickid=${'x'.repeat(5000)}`]) {
      const response = await get(path, { cookie: 'wp_cid=garbage' });
      assert.equal(response.status, 404, path);
      assert.match(response.headers.get('content-type')!, /text\/html/);
    }
  });

  test('a paused offer behind the lander falls back to the campaign fallback URL', async () => {
    const campaign = await createVia(server, 'campaigns', {
      name: 'Lander fallback',
      trafficChannelId: channel.id,
      fallbackUrl: 'https://fallback.example/',
      funnel: { paths: [{ landers: [{ landerId: lander.id }], offers: [{ offerId: offers[2].id }] }] },
    });
    await server.edge.snapshots.refresh();
    const clickId = new URL((await get(`/c/${campaign.key}`)).headers.get('location')!).searchParams.get('cid')!;
    await server.api('PATCH', `/api/v1/offers/${offers[2].id}`, { status: 'paused' });
    await server.edge.snapshots.refresh();
    const response = await get(`/lp/click/1?clickid=${clickId}`);
    assert.equal(new URL(response.headers.get('location')!).host, 'fallback.example');
    await server.api('PATCH', `/api/v1/offers/${offers[2].id}`, { status: 'active' });
  });
});

describe('impressions', () => {
  test('/imp/{campaign} counts an impression, returns a 1×1 GIF, and CPM cost accrues per impression', async () => {
    const campaign = await campaignWithLander({ costModel: 'cpm', costValue: '2.50' });
    for (let i = 0; i < 4; i++) {
      const response = await get(`/imp/${campaign.key}`);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'image/gif');
      const gif = Buffer.from(await response.arrayBuffer());
      assert.equal(gif.subarray(0, 6).toString('latin1'), 'GIF89a');
      assert.equal(gif.readUInt16LE(6), 1);
      assert.equal(gif.readUInt16LE(8), 1);
    }
    assert.deepEqual(await server.events.impressionTotals(campaign.id), { impressions: 4, cost: 10_000 }, '4 × 2.50 / 1000');
    const unknown = await get('/imp/nosuchcampaign');
    assert.equal(unknown.status, 200, 'an unknown campaign still gets its pixel');
    assert.equal(unknown.headers.get('content-type'), 'image/gif');
  });
});

describe('direct tracking', () => {
  test('/v/{campaign} records a click from the page parameters and referrer, with CORS for the lander', async () => {
    const campaign = await campaignWithLander();
    const response = await get(`/v/${campaign.key}?ref_id=abc&sub1=z7&wp_referrer=${encodeURIComponent('https://search.example/?q=x')}`, { origin: 'https://lander.example' });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('access-control-allow-origin'), 'https://lander.example');
    assert.equal(response.headers.get('access-control-allow-credentials'), 'true');
    const { clickId } = (await response.json()) as { clickId: string };
    const click = await server.events.findClick(clickId);
    assert.equal(click!.direct, true);
    assert.equal(click!.refId, 'abc');
    assert.equal(click!.subs[0], 'z7');
    assert.equal(click!.referrerDomain, 'search.example');
    assert.match(response.headers.get('set-cookie')!, new RegExp(`^wp_cid=${clickId};`));
    assert.equal((await get('/v/unknown')).status, 404);
  });

  test('t.js records the visit once, sets the cookie, exposes the click id and rewrites offer links', async () => {
    const campaign = await campaignWithLander();
    const script = await (await get('/t.js')).text();
    const run = async (pageUrl: string, cookie = '') => {
      const links = [
        { attrs: { 'data-waypost-offer': '2' } as Record<string, string>, href: 'https://lander.example/#buy' },
        { attrs: {} as Record<string, string>, href: `${server.url}/lp/click/1` },
      ];
      const documentStub = {
        currentScript: { src: `${server.url}/t.js`, getAttribute: (name: string) => (name === 'data-campaign' ? campaign.key : null) },
        cookie,
        referrer: 'https://social.example/post/1',
        readyState: 'complete',
        querySelectorAll: () => links.map((l) => ({ getAttribute: (n: string) => l.attrs[n] ?? null, get href() { return l.href; }, set href(v: string) { l.href = v; } })),
        addEventListener: () => undefined,
      };
      const windowStub: Record<string, unknown> = { dispatchEvent: () => undefined };
      const fetched: string[] = [];
      const context = {
        document: documentStub,
        window: windowStub,
        location: new URL(pageUrl),
        URL,
        URLSearchParams,
        fetch: (url: string, init: RequestInit) => {
          fetched.push(url);
          return fetch(url, init);
        },
      };
      runInNewContext(script, context);
      for (let i = 0; i < 100 && !windowStub.waypost; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      return { waypost: windowStub.waypost as { clickId: string } | undefined, cookie: documentStub.cookie, links, fetched };
    };

    const first = await run('https://lander.example/page?ref_id=r1&sub1=s1');
    assert.ok(first.waypost, 'window.waypost is set');
    const clickId = first.waypost.clickId;
    assert.match(clickId, /^[0-9a-z]{29}$/);
    assert.equal(first.fetched.length, 1);
    const recorded = await server.events.findClick(clickId);
    assert.equal(recorded!.direct, true);
    assert.equal(recorded!.refId, 'r1');
    assert.equal(recorded!.referrer, 'https://social.example/post/1');
    assert.match(first.cookie, new RegExp(`^wp_cid=${clickId};`));
    assert.equal(first.links[0]!.href, `${server.url}/lp/click/2?clickid=${clickId}`);
    assert.equal(first.links[1]!.href, `${server.url}/lp/click/1?clickid=${clickId}`);

    const returning = await run('https://lander.example/page', `wp_cid=${clickId}`);
    assert.equal(returning.fetched.length, 0, 'a returning visitor is not counted twice');
    assert.equal(returning.waypost!.clickId, clickId);
    const redirected = await run(`https://lander.example/page?clickid=${clickId}`);
    assert.equal(redirected.fetched.length, 0, 'a visitor who came through /c keeps that click');

    const offer = await get(new URL(first.links[0]!.href).pathname + new URL(first.links[0]!.href).search);
    assert.equal(new URL(offer.headers.get('location')!).host, 'two.example');
  });
});
