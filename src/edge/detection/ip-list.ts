import { BlockList, isIP } from 'node:net';
import { LruCache } from './lru-cache.js';

/**
 * A configured list of IP addresses and CIDR ranges (trusted proxies, datacenter ranges),
 * matched with node's BlockList so IPv4 and IPv6 ranges share one fast structure.
 */
export interface IpList {
  readonly size: number;
  has(ip: string): boolean;
}

/** Parses entries like `10.0.0.0/8`, `2001:db8::/32` or `203.0.113.7`; `label` names the setting in errors. */
export function createIpList(entries: readonly string[], label: string): IpList {
  const blockList = new BlockList();
  let size = 0;
  for (const raw of entries) {
    const entry = raw.trim();
    if (entry === '') continue;
    const slash = entry.indexOf('/');
    const address = slash === -1 ? entry : entry.slice(0, slash);
    const family = isIP(address);
    if (family === 0) {
      throw new Error(`${label}: "${raw}" is not an IP address or CIDR range`);
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (slash === -1) {
      blockList.addAddress(address, type);
    } else {
      const prefixText = entry.slice(slash + 1);
      const prefix = Number(prefixText);
      const maxPrefix = family === 4 ? 32 : 128;
      if (!/^\d{1,3}$/.test(prefixText) || prefix > maxPrefix) {
        throw new Error(`${label}: "${raw}" has an invalid prefix length (0-${maxPrefix})`);
      }
      blockList.addSubnet(address, prefix, type);
    }
    size++;
  }

  if (size === 0) return EMPTY_IP_LIST;
  // BlockList.check costs about a microsecond; the same proxies and visitors come back, so remember.
  const seen = new LruCache<string, boolean>(10_000);
  return {
    size,
    has(ip: string): boolean {
      let listed = seen.get(ip);
      if (listed === undefined) {
        const family = isIP(ip);
        listed = family !== 0 && blockList.check(ip, family === 4 ? 'ipv4' : 'ipv6');
        seen.set(ip, listed);
      }
      return listed;
    },
  };
}

// Most installations configure no list: skip the BlockList call altogether.
const EMPTY_IP_LIST: IpList = { size: 0, has: () => false };
