import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createVia } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
const WINDOWS_CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
const US_IP = '8.8.8.8';
const DE_IP = '46.4.0.1';

let server: TestServer;
let channel: any;
let source: any;

before(async () => {
  // Loopback is the trusted proxy here, so tests can present any client IP through X-Forwarded-For.
  server = await startTestServer({ env: { WAYPOST_TRUSTED_PROXIES: '127.0.0.1,::1', WAYPOST_BOT_USER_AGENTS: 'SneakyScraper' } });
  channel = await createVia(server, 'traffic-channels', {
    name: 'Zeropark',
    parameters: [{ key: 'ref_id', macro: '{cid}' }, { key: 'sub1', macro: '{target}' }, { key: 'cost', macro: '{visit_cost}' }, { key: 'zone', macro: '{zone}' }],
  });
  source = await createVia(server, 'offer-sources', { name: 'Network' });
});
after(() => server.close());

async function offer(name: string, url: string, extra: object = {}) {
  return createVia(server, 'offers', { name, offerSourceId: source.id, url, ...extra });
}

async function campaign(funnel: object, extra: object = {}) {
  const created = await createVia(server, 'campaigns', { name: `C${Math.random()}`, trafficChannelId: channel.id, costValue: '0.05', funnel, ...extra });
  await server.edge.snapshots.refresh();
  return created;
}

async function click(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}${path}`, { redirect: 'manual', headers: { 'user-agent': WINDOWS_CHROME, 'x-forwarded-for': US_IP, ...headers } });
  return { status: response.status, location: response.headers.get('location') ?? '', cookie: response.headers.get('set-cookie') ?? '', body: await response.text(), type: response.headers.get('content-type') ?? '' };
}

const clickIdOf = (location: string) => new URL(location).searchParams.get('cid')!;

describe('GET /c/{campaign}', () => {
  test('redirects with 302 to the offer, sets the click cookie and records the click with the channel parameters', async () => {
    const o = await offer('Direct', 'https://offer.example/land?cid={clickid}&zone={sub1}');
    const c = await campaign({ paths: [{ offers: [{ offerId: o.id }] }] });
    const response = await click(`/c/${c.key}?ref_id=ZP-123&sub1=site%20one&cost=0.0123&zone=77&unrelated=x`, { referer: 'https://news.example/article?id=5' });
    assert.equal(response.status, 302);
    const location = new URL(response.location);
    assert.equal(location.origin + location.pathname, 'https://offer.example/land');
    assert.equal(location.searchParams.get('zone'), 'site one');
    const clickId = location.searchParams.get('cid')!;
    assert.match(clickId, /^[0-9a-z]{29}$/);
    assert.match(response.cookie, new RegExp(`^wp_cid=${clickId}; Path=/; Max-Age=\\d+; HttpOnly; SameSite=Lax$`));

    const stored = await server.events.findClick(clickId);
    assert.ok(stored, 'the click is in the store before the redirect is sent');
    assert.equal(stored.campaignId, c.id);
    assert.equal(stored.trafficChannelId, channel.id);
    assert.equal(stored.offerId, o.id);
    assert.equal(stored.refId, 'ZP-123');
    assert.equal(stored.subs[0], 'site one');
    assert.deepEqual(stored.params, { zone: '77' }, 'parameters the channel maps are kept; others are not');
    assert.equal(stored.cost, 12_300, 'the cost the channel passed wins over the CPC value');
    assert.equal(stored.country, 'US');
    assert.equal(stored.deviceType, 'desktop');
    assert.equal(stored.os, 'Windows');
    assert.equal(stored.browser, 'Chrome');
    assert.equal(stored.referrerDomain, 'news.example');
    assert.equal(stored.isBot, false);
    assert.equal(stored.outcome, 'routed');
  });

  test('CPC campaigns cost their value per click when the channel passes no cost', async () => {
    const o = await offer('CPC', 'https://cpc.example/?cid={clickid}');
    const c = await campaign({ paths: [{ offers: [{ offerId: o.id }] }] }, { costModel: 'cpc', costValue: '0.042' });
    const { location } = await click(`/c/${c.key}`);
    assert.equal((await server.events.findClick(clickIdOf(location)))!.cost, 42_000);
    const cpm = await campaign({ paths: [{ offers: [{ offerId: o.id }] }] }, { costModel: 'cpm', costValue: '2' });
    const second = await click(`/c/${cpm.key}?cost=1.5`);
    assert.equal((await server.events.findClick(clickIdOf(second.location)))!.cost, 0, 'CPM cost accrues on impressions, not clicks');
  });

  test('rules: first match wins, values OR inside a condition, conditions AND across; no match goes to the default paths', async () => {
    const us = await offer('US mobile', 'https://us.example/?cid={clickid}');
    const de = await offer('DE', 'https://de.example/?cid={clickid}');
    const bots = await offer('Bots', 'https://bots.example/?cid={clickid}');
    const rest = await offer('Rest', 'https://rest.example/?cid={clickid}');
    const c = await campaign({
      rules: [
        { name: 'bots', conditions: [{ field: 'bot', op: 'in', values: ['true'] }], paths: [{ offers: [{ offerId: bots.id }] }] },
        {
          name: 'US or CA on mobile',
          conditions: [{ field: 'country', op: 'in', values: ['US', 'CA'] }, { field: 'device_type', op: 'in', values: ['mobile'] }],
          paths: [{ offers: [{ offerId: us.id }] }],
        },
        { name: 'Germany, sub1 not spam', conditions: [{ field: 'country', op: 'in', values: ['DE'] }, { field: 'sub1', op: 'not_in', values: ['spam'] }], paths: [{ offers: [{ offerId: de.id }] }] },
      ],
      paths: [{ offers: [{ offerId: rest.id }] }],
    });
    const host = async (headers: Record<string, string>, query = '') => new URL((await click(`/c/${c.key}${query}`, headers)).location).host;
    assert.equal(await host({ 'user-agent': IPHONE, 'x-forwarded-for': US_IP }), 'us.example');
    assert.equal(await host({ 'user-agent': WINDOWS_CHROME, 'x-forwarded-for': US_IP }), 'rest.example', 'AND: desktop fails the device condition');
    assert.equal(await host({ 'user-agent': IPHONE, 'x-forwarded-for': DE_IP }), 'de.example');
    assert.equal(await host({ 'user-agent': IPHONE, 'x-forwarded-for': DE_IP }, '?sub1=spam'), 'rest.example');
    assert.equal(await host({ 'user-agent': GOOGLEBOT, 'x-forwarded-for': US_IP }), 'bots.example', 'the bot rule comes first');
    assert.equal(await host({ 'user-agent': `Mozilla/5.0 SneakyScraper/1.0`, 'x-forwarded-for': DE_IP }), 'bots.example', 'user-added bot markers count');
  });

  test('weights: the observed split over many clicks follows the path and offer weights', async () => {
    const a = await offer('A', 'https://a.example/?cid={clickid}');
    const b = await offer('B', 'https://b.example/?cid={clickid}');
    const zero = await offer('Zero', 'https://zero.example/?cid={clickid}');
    const c = await campaign({ paths: [{ offers: [{ offerId: a.id, weight: 70 }, { offerId: b.id, weight: 30 }, { offerId: zero.id, weight: 0 }] }] });
    const counts: Record<string, number> = {};
    const total = 1500;
    for (let i = 0; i < total; i += 50) {
      const batch = await Promise.all(Array.from({ length: 50 }, () => click(`/c/${c.key}`)));
      for (const r of batch) counts[new URL(r.location).host] = (counts[new URL(r.location).host] ?? 0) + 1;
    }
    const shareA = (counts['a.example'] ?? 0) / total;
    assert.ok(Math.abs(shareA - 0.7) < 0.05, `A got ${(shareA * 100).toFixed(1)} % of ${total}`);
    assert.equal(counts['zero.example'] ?? 0, 0, 'weight 0 is never chosen');
    assert.equal((counts['a.example'] ?? 0) + (counts['b.example'] ?? 0), total);
  });

  test('every macro is substituted, URL-encoded, into the offer URL', async () => {
    const subs = Array.from({ length: 20 }, (_, i) => `s${i + 1}={sub${i + 1}}`).join('&');
    const o = await offer('Macros', `https://m.example/?cid={clickid}&camp={campaign_id}&cname={campaign_name}&oid={offer_id}&lid={lander_id}&ref={ref_id}&${subs}&cost={cost}&country={country}&region={region}&city={city}&isp={isp}&device={device}&os={os}&browser={browser}&ip={ip}&ua={user_agent}&referrer={referrer}&ts={timestamp}&unknown={not_a_macro}`);
    const c = await campaign({ paths: [{ offers: [{ offerId: o.id }] }] }, { name: 'Spring & Summer sale' });
    const query = Array.from({ length: 20 }, (_, i) => `sub${i + 1}=v${i + 1}%20%26x`).join('&');
    const before = Math.floor(Date.now() / 1000);
    const { location } = await click(`/c/${c.key}?ref_id=r%2B1&cost=0.5&${query}`, { 'user-agent': IPHONE, referer: 'https://ref.example/p?q=1' });
    const p = new URL(location).searchParams;
    assert.match(p.get('cid')!, /^[0-9a-z]{29}$/);
    assert.equal(p.get('camp'), String(c.id));
    assert.equal(p.get('cname'), 'Spring & Summer sale');
    assert.equal(p.get('oid'), String(o.id));
    assert.equal(p.get('lid'), '');
    assert.equal(p.get('ref'), 'r+1');
    for (let i = 1; i <= 20; i++) assert.equal(p.get(`s${i}`), `v${i} &x`);
    assert.equal(p.get('cost'), '0.5');
    assert.equal(p.get('country'), 'US');
    assert.equal(p.get('region'), 'California');
    assert.equal(p.get('city'), 'Mountain View');
    assert.equal(p.get('isp'), 'Google LLC');
    assert.equal(p.get('device'), 'mobile');
    assert.equal(p.get('os'), 'iOS');
    assert.equal(p.get('browser'), 'Mobile Safari');
    assert.equal(p.get('ip'), US_IP);
    assert.equal(p.get('ua'), IPHONE);
    assert.equal(p.get('referrer'), 'https://ref.example/p?q=1');
    assert.ok(Number(p.get('ts')) >= before && Number(p.get('ts')) <= before + 5);
    assert.ok(location.includes('unknown={not_a_macro}'), 'an unknown macro is left visible, not dropped');
  });

  test('meta refresh and double meta refresh answer a page instead of a 302', async () => {
    const o = await offer('Meta', 'https://meta.example/?cid={clickid}&a=1');
    const meta = await campaign({ paths: [{ offers: [{ offerId: o.id }] }] }, { redirectMode: 'meta' });
    const page = await click(`/c/${meta.key}`);
    assert.equal(page.status, 200);
    assert.match(page.type, /text\/html/);
    const target = /content="0;url=([^"]+)"/.exec(page.body)![1]!.replace(/&amp;/g, '&');
    assert.match(target, /^https:\/\/meta\.example\/\?cid=[0-9a-z]{29}&a=1$/);
    assert.match(page.body, /<meta name="referrer" content="no-referrer">/);
    assert.match(page.cookie, /^wp_cid=/);

    const double = await campaign({ paths: [{ offers: [{ offerId: o.id }] }] }, { redirectMode: 'double_meta' });
    const first = await click(`/c/${double.key}`);
    const hop = /content="0;url=([^"]+)"/.exec(first.body)![1]!.replace(/&amp;/g, '&');
    assert.match(hop, /^\/r\?t=/, 'the first page refreshes to Waypost itself, hiding the traffic source');
    const second = await click(hop);
    assert.equal(second.status, 200);
    const finalTarget = /content="0;url=([^"]+)"/.exec(second.body)![1]!.replace(/&amp;/g, '&');
    assert.match(finalTarget, /^https:\/\/meta\.example\/\?cid=[0-9a-z]{29}&a=1$/);
    // Change the first character of the signature: unlike the last one, all of its bits count.
    const dot = hop.lastIndexOf('.');
    const tampered = await click(`${hop.slice(0, dot + 1)}${hop[dot + 1] === 'A' ? 'B' : 'A'}${hop.slice(dot + 2)}`);
    assert.equal(tampered.status, 404, '/r is not an open redirect');
    assert.equal((await click('/r?t=aHR0cHM6Ly9ldmlsLmV4YW1wbGU.AAAA')).status, 404);
  });

  test('bot and geo detection on known IPs and user agents', async () => {
    const o = await offer('Detect', 'https://d.example/?cid={clickid}');
    const c = await campaign({ paths: [{ offers: [{ offerId: o.id }] }] });
    const bot = await server.events.findClick(clickIdOf((await click(`/c/${c.key}`, { 'user-agent': GOOGLEBOT })).location));
    assert.equal(bot!.isBot, true);
    const de = await server.events.findClick(clickIdOf((await click(`/c/${c.key}`, { 'x-forwarded-for': DE_IP, 'user-agent': IPHONE, 'accept-language': 'de-DE,de;q=0.9,en;q=0.8' })).location));
    assert.equal(de!.country, 'DE');
    assert.equal(de!.deviceType, 'mobile');
    assert.equal(de!.brand, 'Apple');
    assert.equal(de!.language, 'de');
    assert.equal(de!.isBot, false);
    const empty = await server.events.findClick(clickIdOf((await click(`/c/${c.key}`, { 'user-agent': '' })).location));
    assert.equal(empty!.isBot, true, 'an empty user agent is a bot');
  });

  test('unique clicks: the same visitor within the window is not unique; another visitor is', async () => {
    const o = await offer('Unique', 'https://u.example/?cid={clickid}');
    const c = await campaign({ paths: [{ offers: [{ offerId: o.id }] }] }, { uniquenessWindowHours: 24 });
    const visitor = { 'x-forwarded-for': '81.2.69.142', 'user-agent': IPHONE };
    const first = await server.events.findClick(clickIdOf((await click(`/c/${c.key}`, visitor)).location));
    const again = await server.events.findClick(clickIdOf((await click(`/c/${c.key}`, visitor)).location));
    const other = await server.events.findClick(clickIdOf((await click(`/c/${c.key}`, { ...visitor, 'user-agent': WINDOWS_CHROME })).location));
    assert.deepEqual([first!.isUnique, again!.isUnique, other!.isUnique], [true, false, true]);
  });

  test('fallback: unknown campaign gets a plain 404 page; all offers capped or paused goes to the fallback URL', async () => {
    const unknown = await click('/c/doesnotexist');
    assert.equal(unknown.status, 404);
    assert.match(unknown.type, /text\/html/);
    assert.ok(!unknown.body.includes('"error"') && !unknown.body.includes('    at '));

    const capped = await offer('Capped', 'https://capped.example/?cid={clickid}', { caps: { unit: 'clicks', daily: 2, timeZone: 'America/New_York' } });
    const paused = await offer('Paused', 'https://paused.example/?cid={clickid}', { status: 'paused' });
    const c = await campaign({ paths: [{ offers: [{ offerId: capped.id }, { offerId: paused.id }] }] }, { fallbackUrl: 'https://fallback.example/home' });
    const hosts = [];
    for (let i = 0; i < 4; i++) hosts.push(new URL((await click(`/c/${c.key}`)).location).host);
    assert.deepEqual(hosts, ['capped.example', 'capped.example', 'fallback.example', 'fallback.example']);
    const fallbackClick = await click(`/c/${c.key}`);
    assert.match(fallbackClick.cookie, /^wp_cid=/, 'a fallback visit is still a recorded click');

    const noFallback = await campaign({ paths: [{ offers: [{ offerId: paused.id }] }] });
    const page = await click(`/c/${noFallback.key}`);
    assert.equal(page.status, 404);
    assert.match(page.type, /text\/html/);

    const pausedCampaign = await campaign({ paths: [{ offers: [{ offerId: capped.id }] }] }, { status: 'paused', fallbackUrl: 'https://paused-campaign.example/' });
    assert.equal(new URL((await click(`/c/${pausedCampaign.key}`)).location).host, 'paused-campaign.example');
  });

  test('a change made through the API is served within a second', async () => {
    const first = await offer('First', 'https://first.example/?cid={clickid}');
    const second = await offer('Second', 'https://second.example/?cid={clickid}');
    const c = await campaign({ paths: [{ offers: [{ offerId: first.id }] }] });
    assert.equal(new URL((await click(`/c/${c.key}`)).location).host, 'first.example');
    const patched = await server.api('PATCH', `/api/v1/campaigns/${c.id}`, { funnel: { paths: [{ offers: [{ offerId: second.id }] }] } });
    assert.equal(patched.status, 200);
    const deadline = Date.now() + 1000;
    let host = '';
    while (Date.now() < deadline && host !== 'second.example') {
      await new Promise((resolve) => setTimeout(resolve, 50));
      host = new URL((await click(`/c/${c.key}`)).location).host;
    }
    assert.equal(host, 'second.example');
  });

  test('malformed input gets a redirect or a 4xx, never a crash', async () => {
    const o = await offer('Robust', 'https://robust.example/?cid={clickid}&s={sub1}');
    const c = await campaign({ paths: [{ offers: [{ offerId: o.id }] }] });
    const long = await click(`/c/${c.key}?sub1=${'x'.repeat(10_000)}`);
    assert.equal(long.status, 302);
    assert.equal((await server.events.findClick(clickIdOf(long.location)))!.subs[0]!.length, 500, 'overlong values are cut, not refused');

    const badUtf8 = await click(`/c/${c.key}?sub1=%FF%FE%80&ref_id=%E2%28%A1`);
    assert.equal(badUtf8.status, 302);
    const repeated = await click(`/c/${c.key}?sub1=a&sub1=b&cost=-5&cost=abc`);
    assert.equal(repeated.status, 302);
    const huge = await fetch(`${server.url}/c/${c.key}?${'a=b&'.repeat(20_000)}`, { redirect: 'manual' }).catch(() => undefined);
    assert.ok(!huge || (huge.status >= 400 && huge.status < 500), `huge query answered ${huge?.status}`);
    const weirdKey = await click(`/c/${'%00%ff'.repeat(50)}`);
    assert.ok(weirdKey.status === 404 || weirdKey.status === 400, String(weirdKey.status));
    const longKey = await click(`/c/${'k'.repeat(5000)}`);
    assert.ok(longKey.status >= 400 && longKey.status < 500, String(longKey.status));
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200, 'the server is still up');
  });
});
