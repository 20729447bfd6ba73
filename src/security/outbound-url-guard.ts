import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';

/**
 * Server-side request forgery protection for every URL Waypost calls on a user's behalf (channel
 * postbacks, partner APIs): only http(s), and only to public addresses — never loopback, private,
 * carrier-grade NAT, link-local (where cloud metadata lives), multicast or reserved ranges, in IPv4
 * or IPv6, checked after DNS resolution. The caller connects to the address that was checked
 * (`pinnedLookup`), so a DNS answer that changes between the check and the connection (rebinding)
 * cannot redirect the request. Hosts the user lists in WAYPOST_OUTBOUND_ALLOW_HOSTS pass.
 */

export class OutboundUrlRefusedError extends Error {
  override name = 'OutboundUrlRefusedError';
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Host name → addresses, as getaddrinfo answers (tests pass their own). */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface CheckedOutboundUrl {
  url: URL;
  /** The host as the request must name it (Host header, TLS server name), without IPv6 brackets. */
  hostname: string;
  /** The address the connection must go to. */
  address: string;
  family: 4 | 6;
}

export interface OutboundUrlGuard {
  /** Resolves and checks; throws OutboundUrlRefusedError with a reason a person can act on. */
  check(url: string): Promise<CheckedOutboundUrl>;
}

const ALLOW_HINT = 'list the host in WAYPOST_OUTBOUND_ALLOW_HOSTS if it is meant to be reached';

export function createOutboundUrlGuard(options: { allowHosts?: readonly string[]; resolve?: HostResolver } = {}): OutboundUrlGuard {
  const allowed = new Set((options.allowHosts ?? []).map(normalizeHost).filter(Boolean));
  const resolve = options.resolve ?? systemResolver;

  return {
    async check(raw) {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        throw new OutboundUrlRefusedError('refused: not a valid URL');
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OutboundUrlRefusedError(`refused: ${url.protocol} URLs are not allowed, only http and https`);
      // WHATWG URL parsing has already turned 2130706433, 0x7f.1 and 0177.0.0.1 into 127.0.0.1.
      const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
      if (!hostname) throw new OutboundUrlRefusedError('refused: the URL has no host');
      const hostAllowed = allowed.has(normalizeHost(hostname));

      const family = isIP(hostname);
      let addresses: ResolvedAddress[];
      if (family) {
        addresses = [{ address: hostname, family: family as 4 | 6 }];
      } else {
        try {
          addresses = await resolve(hostname);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
          throw new Error(`DNS lookup of ${hostname} failed (${code})`);
        }
        if (!addresses.length) throw new Error(`DNS lookup of ${hostname} returned no address`);
      }

      if (!hostAllowed) {
        // Every answer must be public: a name that also resolves privately could be steered there.
        for (const { address } of addresses) {
          if (allowed.has(normalizeHost(address))) continue;
          const problem = nonPublicAddressReason(address);
          if (problem) {
            const via = family ? '' : `${hostname} resolves to ${address}, `;
            throw new OutboundUrlRefusedError(`refused: ${via}${family ? `${address} is ` : 'which is '}${problem}; ${ALLOW_HINT}`);
          }
        }
      }
      const chosen = addresses[0]!;
      return { url, hostname, address: chosen.address, family: chosen.family };
    },
  };
}

const systemResolver: HostResolver = async (hostname) => {
  const answers = await dnsLookup(hostname, { all: true, verbatim: true });
  return answers.map((answer) => ({ address: answer.address, family: answer.family === 6 ? 6 : 4 }));
};

/**
 * A `lookup` for http(s).request that always answers with the checked address, so the connection
 * goes where the check looked. Node 20 asks with `all: true` (happy eyeballs); both forms are served.
 */
export function pinnedLookup(checked: Pick<CheckedOutboundUrl, 'address' | 'family'>): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address: checked.address, family: checked.family }]);
    else callback(null, checked.address, checked.family);
  }) as LookupFunction;
}

/** Lower case, no brackets or trailing dot; IPv6 addresses in one canonical form. */
function normalizeHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.endsWith('.')) h = h.slice(0, -1);
  if (isIP(h) === 6) {
    const groups = ipv6Groups(h);
    if (groups) return groups.map((g) => g.toString(16)).join(':');
  }
  return h;
}

/** Why an address must not be called, or undefined when it is an ordinary public address. */
export function nonPublicAddressReason(address: string): string | undefined {
  const family = isIP(address);
  if (family === 4) return ipv4Reason(ipv4ToInt(address)!);
  if (family === 6) {
    const groups = ipv6Groups(address);
    return groups ? ipv6Reason(groups) : 'not a valid IPv6 address';
  }
  return 'not an IP address';
}

const IPV4_RANGES: [string, number, string][] = [
  ['0.0.0.0', 8, 'a "this network" address (0.0.0.0/8)'],
  ['10.0.0.0', 8, 'a private address (10.0.0.0/8)'],
  ['100.64.0.0', 10, 'a carrier-grade NAT address (100.64.0.0/10)'],
  ['127.0.0.0', 8, 'a loopback address (127.0.0.0/8)'],
  ['169.254.169.254', 32, 'the cloud metadata address (link-local 169.254.169.254)'],
  ['169.254.0.0', 16, 'a link-local address (169.254.0.0/16)'],
  ['172.16.0.0', 12, 'a private address (172.16.0.0/12)'],
  ['192.0.0.0', 24, 'a reserved address (192.0.0.0/24)'],
  ['192.0.2.0', 24, 'a documentation address (192.0.2.0/24)'],
  ['192.88.99.0', 24, 'a reserved relay address (192.88.99.0/24)'],
  ['192.168.0.0', 16, 'a private address (192.168.0.0/16)'],
  ['198.18.0.0', 15, 'a benchmarking address (198.18.0.0/15)'],
  ['198.51.100.0', 24, 'a documentation address (198.51.100.0/24)'],
  ['203.0.113.0', 24, 'a documentation address (203.0.113.0/24)'],
  ['224.0.0.0', 4, 'a multicast address (224.0.0.0/4)'],
  ['240.0.0.0', 4, 'a reserved address (240.0.0.0/4)'],
];
const IPV4_TABLE = IPV4_RANGES.map(([base, bits, reason]) => {
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { network: (ipv4ToInt(base)! & mask) >>> 0, mask, reason };
});

function ipv4Reason(value: number): string | undefined {
  for (const range of IPV4_TABLE) if (((value & range.mask) >>> 0) === range.network) return range.reason;
  return undefined;
}

function ipv4ToInt(address: string): number | undefined {
  const parts = address.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
}

function ipv6Groups(address: string): number[] | undefined {
  let text = address.toLowerCase();
  const zone = text.indexOf('%');
  if (zone !== -1) text = text.slice(0, zone);
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = ipv4ToInt(tail);
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? head.length !== 8 : missing < 0) return undefined;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...rest];
  return groups.some((g) => !Number.isInteger(g) || g < 0 || g > 0xffff) ? undefined : groups;
}

function ipv6Reason(g: number[]): string | undefined {
  const embedded = (hi: number, lo: number) => ((hi << 16) >>> 0) + lo;
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeroUpTo(8)) return 'the unspecified address (::)';
  if (zeroUpTo(7) && g[7] === 1) return 'the IPv6 loopback address (::1)';
  if (zeroUpTo(5) && g[5] === 0xffff) {
    const reason = ipv4Reason(embedded(g[6]!, g[7]!));
    return reason ? `an IPv4-mapped IPv6 address of ${reason}` : undefined;
  }
  if (zeroUpTo(6)) return 'a reserved IPv4-compatible IPv6 address (::/96)';
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) {
    const reason = ipv4Reason(embedded(g[6]!, g[7]!));
    return reason ? `a NAT64 address of ${reason}` : undefined;
  }
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return 'a local-use NAT64 address (64:ff9b:1::/48)';
  if (g[0] === 0x100 && g.slice(1, 4).every((x) => x === 0)) return 'a discard-only address (100::/64)';
  if (g[0] === 0x2001 && g[1]! < 0x200) return 'a reserved IETF protocol address (2001::/23, Teredo included)';
  if (g[0] === 0x2001 && g[1] === 0xdb8) return 'a documentation address (2001:db8::/32)';
  if (g[0] === 0x2002) {
    const reason = ipv4Reason(embedded(g[1]!, g[2]!));
    return reason ? `a 6to4 address of ${reason}` : undefined;
  }
  if (g[0] === 0x3fff && g[1]! < 0x1000) return 'a documentation address (3fff::/20)';
  if ((g[0]! & 0xfe00) === 0xfc00) return 'a unique-local (private) IPv6 address (fc00::/7)';
  if ((g[0]! & 0xffc0) === 0xfe80) return 'a link-local IPv6 address (fe80::/10)';
  if ((g[0]! & 0xffc0) === 0xfec0) return 'a site-local IPv6 address (fec0::/10)';
  if ((g[0]! & 0xff00) === 0xff00) return 'a multicast IPv6 address (ff00::/8)';
  if ((g[0]! & 0xe000) !== 0x2000) return 'a reserved IPv6 address (outside 2000::/3)';
  return undefined;
}
