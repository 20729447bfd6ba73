import type { IncomingHttpHeaders } from 'node:http';
import { primaryLanguage } from './accept-language.js';
import { createBotDetector } from './bot.js';
import { applyClientHints, clientHintsKey, readClientHints } from './client-hints.js';
import { clientIp, normalizeIp } from './client-ip.js';
import { connectionType, type ConnectionType } from './connection-type.js';
import { EMPTY_GEO_LOCATION, openGeoLookup, type GeoLookup, type GeoSource } from './geo.js';
import { createIpList } from './ip-list.js';
import { LruCache } from './lru-cache.js';
import { createUserAgentParser, UNKNOWN_DEVICE, type Device, type DeviceType } from './user-agent.js';

/**
 * Everything the edge knows about who clicked: flat and serialisable, strings '' when unknown
 * (never undefined) so macros and report columns need no special cases. `asn` is 0 when unknown.
 */
export interface Visitor {
  ip: string;
  /** ISO 3166-1 alpha-2, upper case. */
  country: string;
  region: string;
  city: string;
  isp: string;
  asn: number;
  deviceType: DeviceType;
  brand: string;
  model: string;
  os: string;
  osVersion: string;
  browser: string;
  browserVersion: string;
  /** Lowercase two-letter code of the preferred Accept-Language. */
  language: string;
  connectionType: ConnectionType;
  isBot: boolean;
  /** Why isBot is true ('empty user agent', 'known bot: Google', 'IP in bot list', …); '' for humans. */
  botReason: string;
}

export interface DetectInput {
  /** The socket's address (`request.socket.remoteAddress`); X-Forwarded-For is read from headers. */
  remoteAddress: string | undefined;
  headers: IncomingHttpHeaders;
}

export interface VisitorDetector {
  /** Databases in use, for the start-up log (empty for the null detector). */
  readonly geoSources: readonly GeoSource[];
  detect(input: DetectInput): Visitor;
}

export interface VisitorDetectorOptions {
  /** Own MaxMind/ip-location-db files; the packaged open databases otherwise. */
  cityDbPath?: string | readonly string[] | undefined;
  asnDbPath?: string | readonly string[] | undefined;
  /** An already opened lookup, so several detectors (or tests) share one copy of the databases. */
  geo?: GeoLookup | undefined;
  /** Load balancers and CDNs whose X-Forwarded-For is believed: IPs or CIDR ranges. */
  trustedProxies?: readonly string[] | undefined;
  /** Extra bot UA markers: substrings, or `/regex/flags`. */
  botUserAgents?: readonly string[] | undefined;
  /** Bot IPs or CIDR ranges (datacenters). */
  botIps?: readonly string[] | undefined;
  geoCacheSize?: number | undefined;
  userAgentCacheSize?: number | undefined;
}

// Longer UAs are padding or attacks; capping them bounds what one cache entry can hold.
const MAX_USER_AGENT_LENGTH = 1024;

/**
 * Builds the detector once at start-up (opening the databases takes well under a second and a few
 * hundred MB for the packaged city files). Per click, repeat IPs and UAs are answered from caches.
 */
export function createVisitorDetector(options: VisitorDetectorOptions = {}): VisitorDetector {
  const geo = options.geo ?? openGeoLookup({ cityDbPath: options.cityDbPath, asnDbPath: options.asnDbPath, cacheSize: options.geoCacheSize });
  const trustedProxies = createIpList(options.trustedProxies ?? [], 'trustedProxies');
  const bots = createBotDetector({ userAgents: options.botUserAgents, ips: options.botIps, cacheSize: options.userAgentCacheSize });
  const userAgents = createUserAgentParser({ cacheSize: options.userAgentCacheSize });
  const hinted = new LruCache<string, Device>(options.userAgentCacheSize ?? 10_000);

  const deviceOf = (userAgent: string, headers: IncomingHttpHeaders): Device => {
    const device = userAgents.parse(userAgent);
    const hintsKey = clientHintsKey(headers);
    if (hintsKey === null) return device;
    const key = `${userAgent}\n${hintsKey}`;
    let refined = hinted.get(key);
    if (refined === undefined) {
      refined = applyClientHints(device, readClientHints(headers)!);
      hinted.set(key, refined);
    }
    return refined;
  };

  return {
    geoSources: geo.sources,
    detect({ remoteAddress, headers }: DetectInput): Visitor {
      const ip = clientIp(remoteAddress, headers['x-forwarded-for'], trustedProxies);
      const userAgent = boundedUserAgent(headers['user-agent']);
      const device = deviceOf(userAgent, headers);
      const place = geo.lookup(ip);
      const bot = bots.check(userAgent, ip);
      return {
        ip,
        country: place.country,
        region: place.region,
        city: place.city,
        isp: place.isp,
        asn: place.asn,
        deviceType: device.deviceType,
        brand: device.brand,
        model: device.model,
        os: device.os,
        osVersion: device.osVersion,
        browser: device.browser,
        browserVersion: device.browserVersion,
        language: primaryLanguage(headers['accept-language']),
        connectionType: connectionType(device.deviceType, place.isp),
        isBot: bot.isBot,
        botReason: bot.reason,
      };
    },
  };
}

/**
 * A detector that knows nothing: the socket's IP and empty fields. For tests of code that needs a
 * detector but not detection, and for running without geo data.
 */
export function createNullVisitorDetector(): VisitorDetector {
  return {
    geoSources: [],
    detect({ remoteAddress }: DetectInput): Visitor {
      return {
        ip: normalizeIp(remoteAddress ?? ''),
        ...EMPTY_GEO_LOCATION,
        ...UNKNOWN_DEVICE,
        language: '',
        connectionType: 'unknown',
        isBot: false,
        botReason: '',
      };
    },
  };
}

function boundedUserAgent(header: string | undefined): string {
  if (header === undefined) return '';
  if (header.length <= MAX_USER_AGENT_LENGTH) return header;
  // Copy rather than slice: a slice would keep the whole oversized header alive in the cache.
  return Buffer.from(header.slice(0, MAX_USER_AGENT_LENGTH)).toString();
}
