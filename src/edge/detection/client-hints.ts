import type { IncomingHttpHeaders } from 'node:http';
import { parseUserAgent, type Device } from './user-agent.js';

/**
 * User-agent client hints (Sec-CH-UA-*). Chromium freezes parts of its User-Agent string
 * (Windows 11 reports "Windows NT 10.0", Android reports model "K" and version "10"), so when the
 * browser sends hints they are the better source. Values are structured-field strings, unquoted here.
 */
export interface ClientHints {
  readonly platform: string;
  readonly platformVersion: string;
  /** `?1` → true, `?0` → false, absent → undefined. */
  readonly mobile: boolean | undefined;
  readonly model: string;
  /** From Sec-CH-UA-Full-Version-List, else Sec-CH-UA (major versions only). */
  readonly brands: readonly BrandVersion[];
  /** Whether `brands` came from the full version list. */
  readonly fullVersions: boolean;
}

export interface BrandVersion {
  readonly brand: string;
  readonly version: string;
}

/**
 * The raw hint headers joined, or null when there are none: a cache key that costs one string
 * concatenation, so a repeat visitor's hints are never re-parsed.
 */
export function clientHintsKey(headers: IncomingHttpHeaders): string | null {
  const platform = header(headers, 'sec-ch-ua-platform');
  const platformVersion = header(headers, 'sec-ch-ua-platform-version');
  const mobile = header(headers, 'sec-ch-ua-mobile');
  const model = header(headers, 'sec-ch-ua-model');
  const brands = header(headers, 'sec-ch-ua-full-version-list') ?? header(headers, 'sec-ch-ua');
  if (platform === undefined && platformVersion === undefined && mobile === undefined && model === undefined && brands === undefined) {
    return null;
  }
  return `${platform ?? ''}\n${platformVersion ?? ''}\n${mobile ?? ''}\n${model ?? ''}\n${brands ?? ''}`;
}

/** The hints present on a request, or null when it carries none (Safari, Firefox, bots). */
export function readClientHints(headers: IncomingHttpHeaders): ClientHints | null {
  const platform = header(headers, 'sec-ch-ua-platform');
  const platformVersion = header(headers, 'sec-ch-ua-platform-version');
  const mobileHeader = header(headers, 'sec-ch-ua-mobile');
  const model = header(headers, 'sec-ch-ua-model');
  const fullVersionList = header(headers, 'sec-ch-ua-full-version-list');
  const brandList = fullVersionList === undefined ? header(headers, 'sec-ch-ua') : fullVersionList;
  if (
    platform === undefined &&
    platformVersion === undefined &&
    mobileHeader === undefined &&
    model === undefined &&
    brandList === undefined
  ) {
    return null;
  }
  const mobile = mobileHeader === undefined ? undefined : mobileHeader.trim() === '?1';
  return {
    platform: unquote(platform),
    platformVersion: unquote(platformVersion),
    mobile,
    model: unquote(model),
    brands: parseBrandList(brandList ?? ''),
    fullVersions: fullVersionList !== undefined,
  };
}

// Sec-CH-UA-Platform names → the names ua-parser-js uses for the same systems.
const PLATFORM_OS: Record<string, string> = {
  Windows: 'Windows',
  macOS: 'Mac OS',
  Android: 'Android',
  iOS: 'iOS',
  Linux: 'Linux',
  'Chrome OS': 'Chromium OS',
  'Chromium OS': 'Chromium OS',
  Fuchsia: 'Fuchsia',
};

// Brand names that only say "some Chromium": the UA's more specific name (Facebook, Instagram…) wins.
const GENERIC_BROWSERS = new Set(['', 'Chrome', 'Chromium', 'Chrome WebView', 'Chrome Headless', 'Mobile Chrome']);

// Hint brand names that ua-parser-js spells differently; other brands keep their own name.
const HINT_BROWSER: Record<string, string> = {
  'Google Chrome': 'Chrome',
  'Microsoft Edge': 'Edge',
  'Android WebView': 'Chrome WebView',
  YaBrowser: 'Yandex',
};

/** The device as refined by the hints; the input is returned unchanged when they add nothing. */
export function applyClientHints(device: Device, hints: ClientHints): Device {
  let { deviceType, brand, model, os, osVersion, browser, browserVersion } = device;

  const hintedOs = PLATFORM_OS[hints.platform];
  if (hintedOs !== undefined) {
    if (hintedOs !== os) {
      os = hintedOs;
      osVersion = '';
    }
    if (hints.platformVersion !== '') osVersion = platformVersionName(hintedOs, hints.platformVersion, osVersion);
  }

  if (deviceType === 'desktop' || deviceType === 'unknown') {
    // Android sends ?0 from tablets and from phones in "desktop site" mode; neither is a computer.
    if (hints.mobile === true) deviceType = 'mobile';
    else if (os === 'Android' || os === 'iOS') deviceType = hints.mobile === false ? 'tablet' : 'mobile';
  }

  if (hints.model !== '' && hints.model !== model) {
    model = hints.model;
    brand = brandOfModel(hints.model) || brand;
  }

  const hinted = pickBrand(hints.brands);
  if (hinted !== undefined) {
    const hintedName = HINT_BROWSER[hinted.brand] ?? hinted.brand;
    if (hintedName !== browser && GENERIC_BROWSERS.has(browser)) {
      browser = hintedName;
      browserVersion = hinted.version;
    } else if (hintedName === browser && hints.fullVersions && hinted.version !== '') {
      // The UA carries only the major version ("126.0.0.0"); the full list has the real one.
      browserVersion = hinted.version;
    }
  }

  if (
    deviceType === device.deviceType &&
    brand === device.brand &&
    model === device.model &&
    os === device.os &&
    osVersion === device.osVersion &&
    browser === device.browser &&
    browserVersion === device.browserVersion
  ) {
    return device;
  }
  return Object.freeze({ deviceType, brand, model, os, osVersion, browser, browserVersion });
}

function platformVersionName(os: string, platformVersion: string, uaVersion: string): string {
  if (os === 'Windows') {
    // Microsoft's mapping: platform version 13+ is Windows 11, 1-10 is Windows 10, 0 is 7/8/8.1 (keep the UA's).
    const major = Number.parseInt(platformVersion, 10);
    if (major >= 13) return '11';
    if (major >= 1) return '10';
    return uaVersion;
  }
  return platformVersion.replace(/(\.0)+$/, '');
}

// The model alone names the maker for ua-parser-js when framed as an Android UA (SM-… → Samsung).
function brandOfModel(model: string): string {
  return parseUserAgent(`Mozilla/5.0 (Linux; Android 14; ${model}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36`).brand;
}

/** The most specific real brand: not a GREASE entry ("Not-A.Brand"), Chromium only if alone. */
function pickBrand(brands: readonly BrandVersion[]): BrandVersion | undefined {
  let chromium: BrandVersion | undefined;
  for (const entry of brands) {
    if (/not.?a.?brand/i.test(entry.brand)) continue;
    if (entry.brand === 'Chromium') {
      chromium = entry;
      continue;
    }
    return entry;
  }
  return chromium;
}

function parseBrandList(list: string): BrandVersion[] {
  const brands: BrandVersion[] = [];
  for (const match of list.matchAll(/"((?:[^"\\]|\\.)*)"\s*;\s*v\s*=\s*"((?:[^"\\]|\\.)*)"/g)) {
    brands.push({ brand: unescape(match[1] ?? ''), version: unescape(match[2] ?? '') });
  }
  return brands;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function unquote(value: string | undefined): string {
  if (value === undefined) return '';
  const trimmed = value.trim();
  if (trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')) return unescape(trimmed.slice(1, -1));
  return trimmed;
}

function unescape(value: string): string {
  return value.includes('\\') ? value.replace(/\\(.)/g, '$1') : value;
}
