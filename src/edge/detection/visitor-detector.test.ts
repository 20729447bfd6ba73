import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openGeoLookup, type GeoLookup } from './geo.js';
import { UA } from './user-agents.fixture.js';
import { createNullVisitorDetector, createVisitorDetector, type Visitor } from './visitor-detector.js';

describe('createVisitorDetector', () => {
  // The packaged databases are opened once and shared, as an application would.
  let geo: GeoLookup;
  before(() => {
    geo = openGeoLookup();
  });

  test('an iPhone behind our load balancer, on Vodafone in Germany', () => {
    const detector = createVisitorDetector({ geo, trustedProxies: ['10.0.0.0/8'] });
    const visitor = detector.detect({
      remoteAddress: '::ffff:10.1.2.3',
      headers: { 'user-agent': UA.iphoneSafari, 'x-forwarded-for': '92.72.0.1', 'accept-language': 'de-DE,de;q=0.9,en;q=0.8' },
    });
    assert.deepEqual(visitor, {
      ip: '92.72.0.1',
      country: 'DE',
      region: 'Hesse',
      city: 'Frankfurt am Main',
      isp: 'Vodafone GmbH',
      asn: 3209,
      deviceType: 'mobile',
      brand: 'Apple',
      model: 'iPhone',
      os: 'iOS',
      osVersion: '17.5',
      browser: 'Mobile Safari',
      browserVersion: '17.5',
      language: 'de',
      connectionType: 'mobile',
      isBot: false,
      botReason: '',
    } satisfies Visitor);
  });

  test('Windows 11 Chrome from client hints, on 8.8.8.8', () => {
    const detector = createVisitorDetector({ geo });
    const visitor = detector.detect({
      remoteAddress: '8.8.8.8',
      headers: {
        'user-agent': UA.windowsChrome,
        'sec-ch-ua': '"Not/A)Brand";v="8", "Chromium";v="126", "Google Chrome";v="126"',
        'sec-ch-ua-full-version-list': '"Not/A)Brand";v="8.0.0.0", "Chromium";v="126.0.6478.127", "Google Chrome";v="126.0.6478.127"',
        'sec-ch-ua-mobile': '?0',
        'sec-ch-ua-platform': '"Windows"',
        'sec-ch-ua-platform-version': '"15.0.0"',
        'accept-language': 'en-US,en;q=0.9',
      },
    });
    assert.equal(visitor.country, 'US');
    assert.equal(visitor.asn, 15169);
    assert.equal(visitor.isp, 'Google LLC');
    assert.equal(visitor.deviceType, 'desktop');
    assert.equal(visitor.os, 'Windows');
    assert.equal(visitor.osVersion, '11');
    assert.equal(visitor.browser, 'Chrome');
    assert.equal(visitor.browserVersion, '126.0.6478.127');
    assert.equal(visitor.language, 'en');
    assert.equal(visitor.connectionType, 'broadband');
    assert.equal(visitor.isBot, false);
  });

  test('the reduced Android UA with hints gives the real phone, on T-Mobile US', () => {
    const detector = createVisitorDetector({ geo });
    const visitor = detector.detect({
      remoteAddress: '172.56.0.1',
      headers: {
        'user-agent': UA.androidChromeReduced,
        'sec-ch-ua': '"Chromium";v="126", "Google Chrome";v="126", "Not-A.Brand";v="99"',
        'sec-ch-ua-mobile': '?1',
        'sec-ch-ua-platform': '"Android"',
        'sec-ch-ua-platform-version': '"14.0.0"',
        'sec-ch-ua-model': '"Pixel 8"',
      },
    });
    assert.equal(visitor.country, 'US');
    assert.equal(visitor.isp, 'T-Mobile USA, Inc.');
    assert.equal(visitor.brand, 'Google');
    assert.equal(visitor.model, 'Pixel 8');
    assert.equal(visitor.osVersion, '14');
    assert.equal(visitor.connectionType, 'mobile');
  });

  test('a spoofed X-Forwarded-For from an untrusted address is ignored', () => {
    const detector = createVisitorDetector({ geo, trustedProxies: ['10.0.0.0/8'] });
    const visitor = detector.detect({ remoteAddress: '81.2.69.142', headers: { 'user-agent': UA.macSafari, 'x-forwarded-for': '8.8.8.8' } });
    assert.equal(visitor.ip, '81.2.69.142');
    assert.equal(visitor.country, 'GB');
    assert.equal(visitor.city, 'London');
    assert.equal(visitor.deviceType, 'desktop');
  });

  test('IPv6 visitors are located', () => {
    const detector = createVisitorDetector({ geo });
    const visitor = detector.detect({ remoteAddress: '2001:4860:4860::8888', headers: { 'user-agent': UA.linuxFirefox } });
    assert.equal(visitor.ip, '2001:4860:4860::8888');
    assert.equal(visitor.asn, 15169);
  });

  test('Googlebot, curl and an empty UA are bots', () => {
    const detector = createVisitorDetector({ geo });
    const googlebot = detector.detect({ remoteAddress: '66.249.66.1', headers: { 'user-agent': UA.googlebot } });
    assert.equal(googlebot.isBot, true);
    assert.equal(googlebot.botReason, 'known bot: Google');
    assert.equal(googlebot.asn, 15169);
    assert.equal(detector.detect({ remoteAddress: '203.0.113.1', headers: { 'user-agent': UA.curl } }).isBot, true);
    const empty = detector.detect({ remoteAddress: '203.0.113.1', headers: {} });
    assert.equal(empty.isBot, true);
    assert.equal(empty.botReason, 'empty user agent');
    assert.equal(empty.deviceType, 'unknown');
  });

  test("the user's bot lists apply", () => {
    const detector = createVisitorDetector({ geo, botUserAgents: ['HeadlessChrome'], botIps: ['1.1.1.0/24'] });
    const headless = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0.0.0 Safari/537.36';
    assert.equal(detector.detect({ remoteAddress: '81.2.69.142', headers: { 'user-agent': headless } }).botReason, 'user bot list: "HeadlessChrome"');
    const fromDatacenter = detector.detect({ remoteAddress: '1.1.1.1', headers: { 'user-agent': UA.windowsChrome } });
    assert.equal(fromDatacenter.isBot, true);
    assert.equal(fromDatacenter.botReason, 'IP in bot list');
    assert.equal(detector.detect({ remoteAddress: '81.2.69.142', headers: { 'user-agent': UA.windowsChrome } }).isBot, false);
  });

  test('a private address has no place and an unknown connection', () => {
    const detector = createVisitorDetector({ geo });
    const visitor = detector.detect({ remoteAddress: '192.168.1.10', headers: { 'user-agent': UA.iphoneSafari } });
    assert.equal(visitor.country, '');
    assert.equal(visitor.isp, '');
    assert.equal(visitor.asn, 0);
    assert.equal(visitor.connectionType, 'unknown');
  });

  test('repeat clicks give equal, independent, JSON-safe visitors', () => {
    const detector = createVisitorDetector({ geo });
    const input = { remoteAddress: '1.1.1.1', headers: { 'user-agent': UA.androidChromeSamsung, 'sec-ch-ua-mobile': '?1' } };
    const first = detector.detect(input);
    const second = detector.detect(input);
    assert.notEqual(first, second);
    assert.deepEqual(first, second);
    assert.deepEqual(JSON.parse(JSON.stringify(first)), first);
    for (const [field, value] of Object.entries(first)) assert.notEqual(value, undefined, field);
  });

  test('an oversized UA is capped before it is cached', () => {
    const detector = createVisitorDetector({ geo });
    const visitor = detector.detect({ remoteAddress: '1.1.1.1', headers: { 'user-agent': UA.windowsChrome + ' x'.repeat(5000) } });
    assert.equal(visitor.browser, 'Chrome');
  });

  test('geoSources reports the databases in use', () => {
    const detector = createVisitorDetector({ geo });
    assert.equal(detector.geoSources, geo.sources);
    assert.equal(detector.geoSources.length, 4);
  });

  test('invalid configuration fails at construction', () => {
    assert.throws(() => createVisitorDetector({ geo, trustedProxies: ['10.0.0.0/40'] }), /trustedProxies/);
    assert.throws(() => createVisitorDetector({ geo, botIps: ['nope'] }), /botIps/);
    assert.throws(() => createVisitorDetector({ cityDbPath: '/nonexistent/GeoIP2-City.mmdb' }), /\/nonexistent\/GeoIP2-City\.mmdb/);
  });
});

test('the null detector returns the socket IP and empty fields', () => {
  const detector = createNullVisitorDetector();
  assert.deepEqual(detector.detect({ remoteAddress: '::ffff:203.0.113.5', headers: { 'user-agent': UA.iphoneSafari, 'x-forwarded-for': '8.8.8.8' } }), {
    ip: '203.0.113.5',
    country: '',
    region: '',
    city: '',
    isp: '',
    asn: 0,
    deviceType: 'unknown',
    brand: '',
    model: '',
    os: '',
    osVersion: '',
    browser: '',
    browserVersion: '',
    language: '',
    connectionType: 'unknown',
    isBot: false,
    botReason: '',
  } satisfies Visitor);
  assert.deepEqual(detector.geoSources, []);
});
