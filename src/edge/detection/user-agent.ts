import UAParser from 'ua-parser-js';
import { LruCache } from './lru-cache.js';

export type DeviceType = 'desktop' | 'mobile' | 'tablet' | 'smarttv' | 'console' | 'wearable' | 'embedded' | 'unknown';

/** What a user agent says about the device; '' where it says nothing. Names are ua-parser-js 1.x's. */
export interface Device {
  readonly deviceType: DeviceType;
  readonly brand: string;
  readonly model: string;
  readonly os: string;
  readonly osVersion: string;
  readonly browser: string;
  readonly browserVersion: string;
}

export interface UserAgentParser {
  /** Same UA → same (frozen) object while it stays in the cache. */
  parse(userAgent: string): Device;
}

export const UNKNOWN_DEVICE: Device = Object.freeze({
  deviceType: 'unknown',
  brand: '',
  model: '',
  os: '',
  osVersion: '',
  browser: '',
  browserVersion: '',
});

// ua-parser-js reports no device type for computers; these OS names mean one.
const DESKTOP_OS = new Set([
  'Windows', 'Mac OS', 'macOS', 'Linux', 'Ubuntu', 'Kubuntu', 'Xubuntu', 'Debian', 'Fedora', 'Mint', 'Arch',
  'CentOS', 'RedHat', 'SUSE', 'Gentoo', 'Slackware', 'Mandriva', 'Mageia', 'Manjaro', 'Deepin', 'elementary OS',
  'PCLinuxOS', 'Linpus', 'VectorLinux', 'Zenwalk', 'GNU', 'Chromium OS', 'Chrome OS', 'FreeBSD', 'OpenBSD',
  'NetBSD', 'DragonFly', 'Solaris', 'Unix', 'AIX', 'Haiku', 'BeOS', 'OS/2', 'Plan9', 'Minix', 'Hurd',
  'Amiga OS', 'Morph OS', 'RISC OS',
]);

// Handset systems whose UA sometimes omits the device type.
const MOBILE_OS = new Set(['Android', 'iOS', 'Windows Phone', 'Windows Mobile', 'BlackBerry', 'Symbian', 'KAIOS', 'Firefox OS', 'Sailfish', 'HarmonyOS']);

const DEVICE_TYPES = new Set<string>(['mobile', 'tablet', 'smarttv', 'console', 'wearable', 'embedded']);

// One parser instance is reused: ua-parser-js keeps no state beyond the UA being parsed.
const parser = new UAParser();

/** Uncached parse; the edge goes through createUserAgentParser. */
export function parseUserAgent(userAgent: string): Device {
  if (userAgent === '') return UNKNOWN_DEVICE;
  const result = parser.setUA(userAgent).getResult();
  const os = result.os.name ?? '';
  const rawType = result.device.type ?? '';
  const deviceType: DeviceType = DEVICE_TYPES.has(rawType)
    ? (rawType as DeviceType)
    : DESKTOP_OS.has(os)
      ? 'desktop'
      : MOBILE_OS.has(os)
        ? 'mobile'
        : 'unknown';
  return Object.freeze({
    deviceType,
    brand: result.device.vendor ?? '',
    model: result.device.model ?? '',
    os,
    osVersion: result.os.version ?? '',
    browser: result.browser.name ?? '',
    browserVersion: result.browser.version ?? '',
  });
}

export function createUserAgentParser(options: { cacheSize?: number | undefined } = {}): UserAgentParser {
  const cache = new LruCache<string, Device>(options.cacheSize ?? 10_000);
  return {
    parse(userAgent: string): Device {
      let device = cache.get(userAgent);
      if (device === undefined) {
        device = parseUserAgent(userAgent);
        cache.set(userAgent, device);
      }
      return device;
    },
  };
}
