import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyClientHints, readClientHints } from './client-hints.js';
import { parseUserAgent } from './user-agent.js';
import { UA } from './user-agents.fixture.js';

const WINDOWS_11_HINTS = {
  'sec-ch-ua': '"Not/A)Brand";v="8", "Chromium";v="126", "Google Chrome";v="126"',
  'sec-ch-ua-full-version-list': '"Not/A)Brand";v="8.0.0.0", "Chromium";v="126.0.6478.127", "Google Chrome";v="126.0.6478.127"',
  'sec-ch-ua-mobile': '?0',
  'sec-ch-ua-platform': '"Windows"',
  'sec-ch-ua-platform-version': '"15.0.0"',
};

test('no hint headers means no hints', () => {
  assert.equal(readClientHints({ 'user-agent': UA.macSafari, accept: '*/*' }), null);
});

test('hints are unquoted and the brand list parsed', () => {
  const hints = readClientHints(WINDOWS_11_HINTS);
  assert.ok(hints);
  assert.equal(hints.platform, 'Windows');
  assert.equal(hints.platformVersion, '15.0.0');
  assert.equal(hints.mobile, false);
  assert.equal(hints.fullVersions, true);
  assert.deepEqual(hints.brands, [
    { brand: 'Not/A)Brand', version: '8.0.0.0' },
    { brand: 'Chromium', version: '126.0.6478.127' },
    { brand: 'Google Chrome', version: '126.0.6478.127' },
  ]);
});

test('platform version 13 or more turns the frozen "Windows 10" into Windows 11, with the full Chrome version', () => {
  const device = applyClientHints(parseUserAgent(UA.windowsChrome), readClientHints(WINDOWS_11_HINTS)!);
  assert.deepEqual({ ...device }, {
    deviceType: 'desktop', brand: '', model: '', os: 'Windows', osVersion: '11', browser: 'Chrome', browserVersion: '126.0.6478.127',
  });
});

test('platform version 1-10 stays Windows 10', () => {
  const hints = readClientHints({ ...WINDOWS_11_HINTS, 'sec-ch-ua-platform-version': '"10.0.0"' })!;
  assert.equal(applyClientHints(parseUserAgent(UA.windowsChrome), hints).osVersion, '10');
});

test('the reduced Android UA gets the real model, maker and Android version', () => {
  const hints = readClientHints({
    'sec-ch-ua': '"Chromium";v="126", "Google Chrome";v="126", "Not-A.Brand";v="99"',
    'sec-ch-ua-mobile': '?1',
    'sec-ch-ua-platform': '"Android"',
    'sec-ch-ua-platform-version': '"14.0.0"',
    'sec-ch-ua-model': '"SM-S918B"',
  })!;
  const device = applyClientHints(parseUserAgent(UA.androidChromeReduced), hints);
  assert.deepEqual({ ...device }, {
    deviceType: 'mobile', brand: 'Samsung', model: 'SM-S918B', os: 'Android', osVersion: '14', browser: 'Chrome', browserVersion: '126.0.0.0',
  });
});

test('"desktop site" on an Android phone is not counted as a desktop', () => {
  const linuxUa = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
  const hints = readClientHints({ 'sec-ch-ua-platform': '"Android"', 'sec-ch-ua-mobile': '?0' })!;
  const device = applyClientHints(parseUserAgent(linuxUa), hints);
  assert.equal(device.os, 'Android');
  assert.equal(device.deviceType, 'tablet');
});

test('macOS version from hints replaces the frozen 10.15.7', () => {
  const macChrome = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
  const hints = readClientHints({ 'sec-ch-ua-platform': '"macOS"', 'sec-ch-ua-platform-version': '"14.5.0"' })!;
  const device = applyClientHints(parseUserAgent(macChrome), hints);
  assert.equal(device.os, 'Mac OS');
  assert.equal(device.osVersion, '14.5');
});

test('a browser the UA hides behind "Chrome" is named by the hints', () => {
  const hints = readClientHints({ 'sec-ch-ua': '"Not/A)Brand";v="8", "Chromium";v="126", "Brave";v="126"' })!;
  const device = applyClientHints(parseUserAgent(UA.windowsChrome), hints);
  assert.equal(device.browser, 'Brave');
  assert.equal(device.browserVersion, '126');
});

test('an in-app browser keeps its name over the WebView brand', () => {
  const hints = readClientHints({ 'sec-ch-ua': '"Chromium";v="116", "Android WebView";v="116", "Not)A;Brand";v="24"', 'sec-ch-ua-mobile': '?1', 'sec-ch-ua-platform': '"Android"' })!;
  const device = applyClientHints(parseUserAgent(UA.facebookInApp), hints);
  assert.equal(device.browser, 'Facebook');
  assert.equal(device.model, 'Pixel 7');
});

test('hints that add nothing return the same object', () => {
  const device = parseUserAgent(UA.windowsChrome);
  const hints = readClientHints({ 'sec-ch-ua-platform': '"Windows"', 'sec-ch-ua-mobile': '?0' })!;
  assert.equal(applyClientHints(device, hints), device);
});
