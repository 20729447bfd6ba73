import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createUserAgentParser, parseUserAgent, UNKNOWN_DEVICE } from './user-agent.js';
import { UA } from './user-agents.fixture.js';

test('iPhone Safari', () => {
  assert.deepEqual({ ...parseUserAgent(UA.iphoneSafari) }, {
    deviceType: 'mobile', brand: 'Apple', model: 'iPhone', os: 'iOS', osVersion: '17.5', browser: 'Mobile Safari', browserVersion: '17.5',
  });
});

test('iPad is a tablet', () => {
  const device = parseUserAgent(UA.ipadSafari);
  assert.equal(device.deviceType, 'tablet');
  assert.equal(device.model, 'iPad');
});

test('Android Chrome with its model and maker', () => {
  assert.deepEqual({ ...parseUserAgent(UA.androidChromeSamsung) }, {
    deviceType: 'mobile', brand: 'Samsung', model: 'SM-S918B', os: 'Android', osVersion: '14', browser: 'Chrome', browserVersion: '125.0.6422.165',
  });
});

test('an in-app browser keeps its own name', () => {
  const device = parseUserAgent(UA.facebookInApp);
  assert.equal(device.browser, 'Facebook');
  assert.equal(device.brand, 'Google');
  assert.equal(device.model, 'Pixel 7');
});

test('Windows Chrome is a desktop', () => {
  assert.deepEqual({ ...parseUserAgent(UA.windowsChrome) }, {
    deviceType: 'desktop', brand: '', model: '', os: 'Windows', osVersion: '10', browser: 'Chrome', browserVersion: '126.0.0.0',
  });
  assert.equal(parseUserAgent(UA.windowsEdge).browser, 'Edge');
});

test('macOS Safari is a desktop', () => {
  assert.deepEqual({ ...parseUserAgent(UA.macSafari) }, {
    deviceType: 'desktop', brand: 'Apple', model: 'Macintosh', os: 'Mac OS', osVersion: '10.15.7', browser: 'Safari', browserVersion: '17.5',
  });
});

test('Linux Firefox is a desktop', () => {
  const device = parseUserAgent(UA.linuxFirefox);
  assert.equal(device.deviceType, 'desktop');
  assert.equal(device.os, 'Linux');
  assert.equal(device.browser, 'Firefox');
  assert.equal(device.browserVersion, '127.0');
});

test('TV, console and watch types come through', () => {
  assert.equal(parseUserAgent(UA.samsungTv).deviceType, 'smarttv');
  assert.equal(parseUserAgent(UA.playStation5).deviceType, 'console');
  assert.equal(parseUserAgent(UA.playStation5).model, 'PlayStation 5');
  assert.equal(parseUserAgent(UA.galaxyWatch).deviceType, 'wearable');
});

test('Googlebot, curl and an empty UA are unknown devices', () => {
  assert.equal(parseUserAgent(UA.googlebot).deviceType, 'unknown');
  assert.deepEqual({ ...parseUserAgent(UA.curl) }, { ...UNKNOWN_DEVICE });
  assert.equal(parseUserAgent(''), UNKNOWN_DEVICE);
});

test('the cached parser returns the same frozen object for the same UA', () => {
  const parser = createUserAgentParser({ cacheSize: 2 });
  const first = parser.parse(UA.iphoneSafari);
  assert.equal(parser.parse(UA.iphoneSafari), first);
  assert.equal(Object.isFrozen(first), true);
  parser.parse(UA.windowsChrome);
  parser.parse(UA.macSafari); // evicts the iPhone entry
  const again = parser.parse(UA.iphoneSafari);
  assert.notEqual(again, first);
  assert.deepEqual(again, first);
});
