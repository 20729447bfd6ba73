import { isIP, isIPv4 } from 'node:net';
import type { IpList } from './ip-list.js';

/**
 * The visitor's IP address. X-Forwarded-For is believed only when the connecting address is a
 * trusted proxy, and then only up to the first hop that is not itself trusted: every entry left of
 * that hop was written by someone we cannot vouch for, so a spoofed header cannot pick its own IP.
 */
export function clientIp(
  remoteAddress: string | undefined,
  xForwardedFor: string | readonly string[] | undefined,
  trustedProxies: IpList,
): string {
  const remote = normalizeIp(remoteAddress ?? '');
  if (remote === '' || trustedProxies.size === 0 || xForwardedFor === undefined) return remote;
  if (!trustedProxies.has(remote)) return remote;

  const header = typeof xForwardedFor === 'string' ? xForwardedFor : xForwardedFor.join(',');
  let nearest = remote;
  let end = header.length;
  while (end > 0) {
    const start = header.lastIndexOf(',', end - 1);
    const hop = normalizeIp(header.slice(start + 1, end));
    // A malformed hop ends the chain: nothing beyond it can be trusted.
    if (hop === '') return nearest;
    if (!trustedProxies.has(hop)) return hop;
    nearest = hop;
    end = start === -1 ? 0 : start;
  }
  return nearest;
}

/**
 * Canonical text form for comparisons, caches and storage: `::ffff:1.2.3.4` becomes `1.2.3.4`,
 * IPv6 is lowercased, and the port or brackets some proxies add (`1.2.3.4:5678`, `[::1]:443`) are
 * dropped. Returns '' for anything that is not an IP address.
 */
export function normalizeIp(raw: string): string {
  let ip = raw.trim();
  if (ip === '') return '';
  if (ip.charCodeAt(0) === 91 /* [ */) {
    const close = ip.indexOf(']');
    if (close === -1) return '';
    ip = ip.slice(1, close);
  } else {
    const colon = ip.indexOf(':');
    if (colon !== -1 && colon === ip.lastIndexOf(':') && ip.indexOf('.') !== -1) ip = ip.slice(0, colon);
  }

  const family = isIP(ip);
  if (family === 4) return ip;
  if (family === 0) return '';
  const lower = ip.toLowerCase();
  if (lower.startsWith('::ffff:')) {
    const v4 = lower.slice(7);
    if (isIPv4(v4)) return v4;
  }
  return lower;
}
