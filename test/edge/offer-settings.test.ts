import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createVia } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

// The server's clock, set by each test: time targeting is tested at chosen instants, never by waiting.
let clock = Date.parse('2026-06-10T12:00:00Z');
let server: TestServer;
let channel: any;
let source: any;
before(async () => {
  server = await startTestServer({ now: () => clock, detector: 'null' });
  channel = await createVia(server, 'traffic-channels', { name: 'Channel' });
  source = await createVia(server, 'offer-sources', { name: 'Network' });
});
after(() => server.close());

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { redirect: 'manual', headers });

async function offerWith(body: object) {
  return createVia(server, 'offers', { name: `Offer ${Math.random()}`, offerSourceId: source.id, url: 'https://offer.example/?cid={clickid}&z={sub1}', ...body });
}

/** A campaign sending every visitor straight to `offer` (to the fallback URL when it is skipped). */
async function campaignFor(offer: any, extra: object = {}) {
  const campaign = await createVia(server, 'campaigns', {
    name: `Campaign ${Math.random()}`,
    trafficChannelId: channel.id,
    fallbackUrl: 'https://fallback.example/',
    funnel: { paths: [{ offers: [{ offerId: offer.id }] }] },
    ...extra,
  });
  await server.edge.snapshots.refresh();
  return campaign;
}

const hostOf = async (campaign: any) => new URL((await get(`/c/${campaign.key}`)).headers.get('location')!).host;

describe('time targeting', () => {
  test('outside its days and hours the offer is skipped like a capped one, exactly across a DST change', async () => {
    // Weekdays, 09:00–17:59 in New York; US clocks went forward on Sunday 8 March 2026.
    const offer = await offerWith({ timeTargeting: { timeZone: 'America/New_York', days: [1, 2, 3, 4, 5], hours: [9, 10, 11, 12, 13, 14, 15, 16, 17] } });
    const campaign = await campaignFor(offer);
    const at = async (iso: string) => {
      clock = Date.parse(iso);
      return hostOf(campaign);
    };
    assert.equal(await at('2026-03-06T13:59:59Z'), 'fallback.example', 'Friday 08:59 EST');
    assert.equal(await at('2026-03-06T14:00:00Z'), 'offer.example', 'Friday 09:00 EST');
    assert.equal(await at('2026-03-06T22:59:00Z'), 'offer.example', 'Friday 17:59 EST');
    assert.equal(await at('2026-03-06T23:00:00Z'), 'fallback.example', 'Friday 18:00 EST');
    assert.equal(await at('2026-03-07T15:00:00Z'), 'fallback.example', 'Saturday 10:00 EST');
    // The same UTC time of day as the first check is an hour later on the wall clock after the change.
    assert.equal(await at('2026-03-09T13:00:00Z'), 'offer.example', 'Monday 09:00 EDT');
    assert.equal(await at('2026-03-09T12:59:00Z'), 'fallback.example', 'Monday 08:59 EDT');
    assert.equal(await at('2026-03-09T21:59:00Z'), 'offer.example', 'Monday 17:59 EDT');
    assert.equal(await at('2026-03-09T22:00:00Z'), 'fallback.example', 'Monday 18:00 EDT');
  });

  test('the lander click-through skips an offer outside its hours too', async () => {
    const open = await offerWith({ url: 'https://open.example/?cid={clickid}' });
    const closed = await offerWith({ url: 'https://closed.example/?cid={clickid}', timeTargeting: { timeZone: 'UTC', hours: [3] } });
    const lander = await createVia(server, 'landers', { name: 'Lander', url: 'https://lander.example/?cid={clickid}', offerCount: 2 });
    const campaign = await createVia(server, 'campaigns', {
      name: `Lander ${Math.random()}`,
      trafficChannelId: channel.id,
      funnel: { paths: [{ landers: [{ landerId: lander.id }], offers: [{ offerId: closed.id }, { offerId: open.id }] }] },
    });
    await server.edge.snapshots.refresh();
    clock = Date.parse('2026-06-10T12:00:00Z');
    const clickId = new URL((await get(`/c/${campaign.key}`)).headers.get('location')!).searchParams.get('cid')!;
    for (let i = 0; i < 5; i++) assert.equal(new URL((await get(`/lp/click?clickid=${clickId}`)).headers.get('location')!).host, 'open.example');
    clock = Date.parse('2026-06-10T03:30:00Z');
    assert.equal(new URL((await get(`/lp/click/1?clickid=${clickId}`)).headers.get('location')!).host, 'closed.example', 'inside its hour it is offer 1 again');
  });

  test('an unknown time zone or an impossible hour is refused, naming the field', async () => {
    const zone = await server.api('POST', '/api/v1/offers', { name: 'Bad', offerSourceId: source.id, url: 'https://offer.example/', timeTargeting: { timeZone: 'Mars/Olympus_Mons' } });
    assert.equal(zone.status, 400);
    assert.equal(zone.body.error.field, 'timeTargeting.timeZone');
    assert.match(zone.body.error.message, /IANA time zone/);
    const hour = await server.api('POST', '/api/v1/offers', { name: 'Bad', offerSourceId: source.id, url: 'https://offer.example/', timeTargeting: { timeZone: 'UTC', hours: [24] } });
    assert.equal(hour.status, 400);
    assert.equal(hour.body.error.field, 'timeTargeting.hours[0]');
  });
});

describe('redirect type 200', () => {
  test('a campaign click straight to a 200 offer gets a 200 page that sends the visitor on, never a 3xx', async () => {
    clock = Date.parse('2026-06-10T12:00:00Z');
    const campaign = await campaignFor(await offerWith({ redirectType: '200' }));
    const response = await get(`/c/${campaign.key}?sub1=zone7`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('location'), null);
    assert.match(response.headers.get('content-type')!, /^text\/html/);
    assert.ok(response.headers.get('set-cookie'), 'the click cookie still goes out');
    const body = await response.text();
    const refresh = /<meta http-equiv="refresh" content="0;url=([^"]+)">/.exec(body);
    const target = new URL(refresh![1]!.replaceAll('&amp;', '&'));
    assert.equal(target.host, 'offer.example');
    assert.equal(target.searchParams.get('z'), 'zone7');
    assert.ok(await server.events.findClick(target.searchParams.get('cid')!), 'the click was recorded');
  });

  test('a 302 offer keeps the campaign’s 302; a double meta campaign stays double meta for a 200 offer', async () => {
    const plain = await campaignFor(await offerWith({ redirectType: '302' }));
    assert.equal((await get(`/c/${plain.key}`)).status, 302);
    const doubleMeta = await campaignFor(await offerWith({ redirectType: '200' }), { redirectMode: 'double_meta' });
    const response = await get(`/c/${doubleMeta.key}`);
    assert.equal(response.status, 200);
    assert.match(await response.text(), /url=\/r\?t=/);
  });

  test('the lander click-through to a 200 offer gets a 200 page too', async () => {
    const offer = await offerWith({ redirectType: '200' });
    const lander = await createVia(server, 'landers', { name: 'Lander', url: 'https://lander.example/?cid={clickid}', offerCount: 1 });
    const campaign = await createVia(server, 'campaigns', {
      name: `Lander ${Math.random()}`,
      trafficChannelId: channel.id,
      funnel: { paths: [{ landers: [{ landerId: lander.id }], offers: [{ offerId: offer.id }] }] },
    });
    await server.edge.snapshots.refresh();
    const visit = await get(`/c/${campaign.key}`);
    assert.equal(visit.status, 302, 'the lander is reached as the campaign says');
    const cookie = visit.headers.get('set-cookie')!.split(';')[0]!;
    const click = await get('/lp/click', { cookie });
    assert.equal(click.status, 200);
    assert.match(await click.text(), /content="0;url=https:\/\/offer\.example\//);
  });
});

describe('impressions', () => {
  test('an impression URL without {imp_id} is refused, naming the field', async () => {
    const response = await server.api('POST', '/api/v1/offers', {
      name: 'No imp id',
      offerSourceId: source.id,
      url: 'https://offer.example/',
      impressionsAllowed: true,
      impressionUrl: 'https://network.example/imp?offer=7',
    });
    assert.equal(response.status, 400);
    assert.equal(response.body.error.field, 'impressionUrl');
    assert.match(response.body.error.message, /\{imp_id\}/);
  });

  test('/imp/{campaign}?offer_id= counts the impression and sends the pixel on to the offer’s impression URL, {imp_id} filled', async () => {
    const offer = await offerWith({ impressionsAllowed: true, impressionUrl: 'https://network.example/imp?imp={imp_id}&c={campaign_id}&z={sub1}' });
    const campaign = await campaignFor(offer);
    const before = server.edge.buffer.stats.impressions;
    const first = await get(`/imp/${campaign.key}?offer_id=${offer.id}&sub1=zone9`);
    const second = await get(`/imp/${campaign.key}?offer_id=${offer.id}&sub1=zone9`);
    assert.equal(first.status, 302);
    const a = new URL(first.headers.get('location')!);
    const b = new URL(second.headers.get('location')!);
    assert.equal(a.host, 'network.example');
    assert.equal(a.searchParams.get('c'), String(campaign.id));
    assert.equal(a.searchParams.get('z'), 'zone9');
    assert.match(a.searchParams.get('imp')!, /^[0-9a-z]{20,}$/);
    assert.notEqual(a.searchParams.get('imp'), b.searchParams.get('imp'), 'every impression has its own id');
    assert.equal(server.edge.buffer.stats.impressions - before, 2, 'both impressions are counted');
  });

  test('an offer that does not allow impressions, or no offer_id, answers the GIF', async () => {
    const offer = await offerWith({ impressionsAllowed: false, impressionUrl: 'https://network.example/imp?imp={imp_id}' });
    const campaign = await campaignFor(offer);
    for (const path of [`/imp/${campaign.key}?offer_id=${offer.id}`, `/imp/${campaign.key}`, `/imp/${campaign.key}?offer_id=oops`]) {
      const response = await get(path);
      assert.equal(response.status, 200, path);
      assert.equal(response.headers.get('content-type'), 'image/gif');
    }
  });
});

describe('visibility', () => {
  test('offer and cap visibility are stored and returned', async () => {
    const offer = await offerWith({ visibility: 'permission', caps: { visible: false } });
    const read = await server.api('GET', `/api/v1/offers/${offer.id}`);
    assert.equal(read.body.visibility, 'permission');
    assert.equal(read.body.caps.visible, false);
    const bad = await server.api('POST', '/api/v1/offers', { name: 'Bad', offerSourceId: source.id, url: 'https://offer.example/', visibility: 'secret' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'visibility');
  });
});
