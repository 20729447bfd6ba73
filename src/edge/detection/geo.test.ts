import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { EMPTY_GEO_LOCATION, openGeoLookup, type GeoLookup } from './geo.js';

describe('packaged databases (DB-IP Lite City + ip-location-db ASN)', () => {
  let geo: GeoLookup;
  before(() => {
    geo = openGeoLookup();
  });

  test('8.8.8.8 is Google in the US', () => {
    const place = geo.lookup('8.8.8.8');
    assert.equal(place.country, 'US');
    assert.equal(place.region, 'California');
    assert.equal(place.city, 'Mountain View');
    assert.equal(place.asn, 15169);
    assert.equal(place.isp, 'Google LLC');
  });

  test('1.1.1.1 is Cloudflare', () => {
    const place = geo.lookup('1.1.1.1');
    assert.equal(place.country, 'AU');
    assert.equal(place.asn, 13335);
    assert.equal(place.isp, 'Cloudflare, Inc.');
  });

  test('81.2.69.142 is London, GB', () => {
    const place = geo.lookup('81.2.69.142');
    assert.equal(place.country, 'GB');
    assert.equal(place.region, 'England');
    assert.equal(place.city, 'London');
    assert.equal(place.asn, 20712);
  });

  test('a Deutsche Telekom address is in Germany', () => {
    const place = geo.lookup('91.0.0.1');
    assert.equal(place.country, 'DE');
    assert.equal(place.asn, 3320);
    assert.equal(place.isp, 'Deutsche Telekom AG');
    assert.notEqual(place.city, '');
  });

  test('IPv6 addresses are looked up in the IPv6 files', () => {
    const google = geo.lookup('2001:4860:4860::8888');
    assert.match(google.country, /^[A-Z]{2}$/);
    assert.equal(google.asn, 15169);
    assert.equal(google.isp, 'Google LLC');
    const telekom = geo.lookup('2003::1');
    assert.equal(telekom.country, 'DE');
    assert.equal(telekom.asn, 3320);
  });

  test('the 70 MB IPv6 city file is read at the first IPv6 lookup, not at start or for IPv4 visitors', () => {
    const fresh = openGeoLookup();
    const opened = process.memoryUsage().arrayBuffers;
    assert.equal(fresh.lookup('81.2.69.142').country, 'GB');
    assert.equal(fresh.lookup('10.0.0.1'), EMPTY_GEO_LOCATION);
    const afterIpv4 = process.memoryUsage().arrayBuffers;
    assert.ok(afterIpv4 - opened < 10 * 1024 * 1024, `IPv4 lookups read ${afterIpv4 - opened} bytes`);
    assert.equal(fresh.lookup('2003::1').country, 'DE');
    assert.ok(process.memoryUsage().arrayBuffers - afterIpv4 > 60 * 1024 * 1024, 'the IPv6 file is read now');
    assert.deepEqual(fresh.sources, geo.sources);
  });

  test('private, loopback and malformed addresses are unknown', () => {
    assert.equal(geo.lookup('10.0.0.1'), EMPTY_GEO_LOCATION);
    assert.equal(geo.lookup('::1'), EMPTY_GEO_LOCATION);
    assert.equal(geo.lookup(''), EMPTY_GEO_LOCATION);
    assert.equal(geo.lookup('not an ip'), EMPTY_GEO_LOCATION);
    assert.equal(geo.lookup('fe80::1%eth0'), EMPTY_GEO_LOCATION);
  });

  test('a repeated IP returns the cached object', () => {
    const first = geo.lookup('5.9.0.1');
    assert.equal(geo.lookup('5.9.0.1'), first);
    assert.equal(Object.isFrozen(first), true);
  });

  test('sources name each file, its build date and the attribution it needs', () => {
    const roles = geo.sources.map((source) => `${source.role}:${source.format}`);
    assert.deepEqual(roles, ['city:mmdb', 'city:mmdb', 'asn:csv', 'asn:csv']);
    for (const source of geo.sources) {
      assert.equal(source.packaged, true);
      assert.ok(!Number.isNaN(Date.parse(source.buildDate)), source.buildDate);
      assert.ok(source.buildDate >= '2024-01-01', source.buildDate);
    }
    assert.match(geo.sources[0]!.name, /^@ip-location-db\/dbip-city-mmdb@\S+ \(city ipv4\)$/);
    assert.match(geo.sources[0]!.attribution, /DB-IP/);
    assert.match(geo.sources[2]!.name, /^@ip-location-db\/asn@/);
    assert.match(geo.sources[2]!.attribution, /RouteViews/);
  });
});

describe("the user's own files", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'waypost-geo-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('MaxMind-shaped City and ISP databases are read', () => {
    const cityPath = join(dir, 'GeoIP2-City-Test.mmdb');
    const ispPath = join(dir, 'GeoIP2-ISP-Test.mmdb');
    writeFileSync(
      cityPath,
      writeMmdb('GeoIP2-City', [
        [
          '81.2.69.0/24',
          {
            city: { geoname_id: 2643743, names: { en: 'London', de: 'London' } },
            country: { geoname_id: 2635167, iso_code: 'GB', names: { en: 'United Kingdom' } },
            subdivisions: [{ geoname_id: 6269131, iso_code: 'ENG', names: { en: 'England' } }],
          },
        ],
        ['2a02:c7f::/32', { country: { iso_code: 'GB', names: { en: 'United Kingdom' } } }],
      ]),
    );
    writeFileSync(
      ispPath,
      writeMmdb('GeoIP2-ISP', [
        ['81.2.69.0/24', { autonomous_system_number: 20712, autonomous_system_organization: 'Andrews & Arnold Ltd', isp: 'Andrews & Arnold', organization: 'A&A' }],
      ]),
    );
    const geo = openGeoLookup({ cityDbPath: cityPath, asnDbPath: ispPath });
    assert.deepEqual({ ...geo.lookup('81.2.69.142') }, { country: 'GB', region: 'England', city: 'London', isp: 'Andrews & Arnold', asn: 20712 });
    assert.deepEqual({ ...geo.lookup('2a02:c7f:1::1') }, { country: 'GB', region: '', city: '', isp: '', asn: 0 });
    assert.equal(geo.lookup('8.8.8.8'), EMPTY_GEO_LOCATION);
    assert.deepEqual(
      geo.sources.map((source) => [source.role, source.name, source.packaged, source.buildDate]),
      [
        ['city', 'GeoIP2-City', false, '2026-01-02T03:04:05.000Z'],
        ['asn', 'GeoIP2-ISP', false, '2026-01-02T03:04:05.000Z'],
      ],
    );
  });

  test('a GeoLite2-ASN database (gzipped, as downloaded) gives the AS organisation as ISP', () => {
    const cityPath = join(dir, 'city.mmdb');
    const asnPath = join(dir, 'GeoLite2-ASN.mmdb.gz');
    writeFileSync(cityPath, writeMmdb('GeoLite2-City', [['8.8.8.0/24', { country: { iso_code: 'US' } }]]));
    writeFileSync(asnPath, gzipSync(writeMmdb('GeoLite2-ASN', [['8.8.8.0/24', { autonomous_system_number: 15169, autonomous_system_organization: 'GOOGLE' }]])));
    const geo = openGeoLookup({ cityDbPath: cityPath, asnDbPath: asnPath });
    assert.deepEqual({ ...geo.lookup('8.8.8.8') }, { country: 'US', region: '', city: '', isp: 'GOOGLE', asn: 15169 });
  });

  test('ip-location-db ASN CSV files are accepted, quotes included', () => {
    const cityPath = join(dir, 'city-flat.mmdb');
    const v4Path = join(dir, 'asn-ipv4.csv');
    const v6Path = join(dir, 'asn-ipv6-num.csv');
    writeFileSync(cityPath, writeMmdb('city ipv4', [['203.0.113.0/24', { country_code: 'NL', state1: 'North Holland', city: 'Amsterdam' }]]));
    writeFileSync(v4Path, '203.0.113.0,203.0.113.127,64500,"Example ""Mobile"", B.V."\n203.0.113.128,203.0.113.255,64501,Other\n');
    // 2001:db8:: .. 2001:db8:ffff:ffff:ffff:ffff:ffff:ffff
    const start = 0x20010db8n << 96n;
    const end = start + (1n << 96n) - 1n;
    writeFileSync(v6Path, `${start},${end},64502,Documentation Net\r\n`);
    const geo = openGeoLookup({ cityDbPath: cityPath, asnDbPath: [v4Path, v6Path] });
    assert.deepEqual({ ...geo.lookup('203.0.113.9') }, { country: 'NL', region: 'North Holland', city: 'Amsterdam', isp: 'Example "Mobile", B.V.', asn: 64500 });
    assert.equal(geo.lookup('203.0.113.200').asn, 64501);
    assert.equal(geo.lookup('2001:db8:1::1').isp, 'Documentation Net');
    assert.equal(geo.lookup('2001:db9::1'), EMPTY_GEO_LOCATION);
  });

  test('a configured path that does not exist fails with the path and the setting', () => {
    const missing = join(dir, 'nope', 'GeoIP2-City.mmdb');
    assert.throws(() => openGeoLookup({ cityDbPath: missing }), (error: Error) => error.message.includes(missing) && error.message.includes('cityDbPath'));
    assert.throws(() => openGeoLookup({ asnDbPath: missing }), /asnDbPath/);
  });

  test('a file that is not an MMDB database fails with its path', () => {
    const bogus = join(dir, 'bogus.mmdb');
    writeFileSync(bogus, 'hello');
    assert.throws(() => openGeoLookup({ cityDbPath: bogus, asnDbPath: bogus }), new RegExp(`${bogus}.*MMDB`));
  });
});

/**
 * A minimal MaxMind DB writer (IPv6 tree, 24-bit records, IPv4 under ::/96) so MaxMind-shaped
 * records can be tested without shipping MaxMind's licensed test files.
 */
function writeMmdb(databaseType: string, entries: Array<[cidr: string, record: object]>): Buffer {
  type Slot = { node: number } | { data: number } | null;
  const nodes: Array<[Slot, Slot]> = [[null, null]];
  const data: Buffer[] = [];
  let dataLength = 0;
  for (const [cidr, record] of entries) {
    const encoded = encodeValue(record);
    const offset = dataLength;
    data.push(encoded);
    dataLength += encoded.length;
    const bits = cidrBits(cidr);
    let node = 0;
    for (let depth = 0; depth < bits.length; depth++) {
      const bit = bits[depth]!;
      if (depth === bits.length - 1) {
        nodes[node]![bit] = { data: offset };
        break;
      }
      const slot = nodes[node]![bit] ?? null;
      if (slot !== null && 'node' in slot) {
        node = slot.node;
      } else {
        nodes.push([null, null]);
        nodes[node]![bit] = { node: nodes.length - 1 };
        node = nodes.length - 1;
      }
    }
  }
  const nodeCount = nodes.length;
  const tree = Buffer.alloc(nodeCount * 6);
  const recordValue = (slot: Slot): number => (slot === null ? nodeCount : 'node' in slot ? slot.node : nodeCount + 16 + slot.data);
  nodes.forEach(([left, right], index) => {
    tree.writeUIntBE(recordValue(left), index * 6, 3);
    tree.writeUIntBE(recordValue(right), index * 6 + 3, 3);
  });
  const metadata = encodeValue({
    binary_format_major_version: 2,
    binary_format_minor_version: 0,
    build_epoch: Date.UTC(2026, 0, 2, 3, 4, 5) / 1000,
    database_type: databaseType,
    description: { en: 'Waypost test fixture' },
    ip_version: 6,
    languages: ['en'],
    node_count: nodeCount,
    record_size: 24,
  });
  const marker = Buffer.concat([Buffer.from([0xab, 0xcd, 0xef]), Buffer.from('MaxMind.com')]);
  return Buffer.concat([tree, Buffer.alloc(16), ...data, marker, metadata]);
}

function cidrBits(cidr: string): number[] {
  const [address, prefixText] = cidr.split('/') as [string, string];
  const prefix = Number(prefixText);
  let value: bigint;
  let length: number;
  if (address.includes(':')) {
    const [head = '', tail = ''] = address.split('::');
    const headGroups = head === '' ? [] : head.split(':');
    const tailGroups = tail === '' ? [] : tail.split(':');
    const groups = [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
    value = groups.reduce((sum: bigint, group: string) => (sum << 16n) | BigInt(`0x${group}`), 0n);
    length = prefix;
  } else {
    value = address.split('.').reduce((sum, octet) => (sum << 8n) | BigInt(octet), 0n);
    length = 96 + prefix;
  }
  const bits: number[] = [];
  for (let i = 0; i < length; i++) bits.push(Number((value >> BigInt(127 - i)) & 1n));
  return bits;
}

function encodeValue(value: unknown): Buffer {
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([control(2, bytes.length), bytes]);
  }
  if (typeof value === 'number') {
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32BE(value);
    return Buffer.concat([control(6, 4), bytes]);
  }
  if (Array.isArray(value)) {
    return Buffer.concat([control(11, value.length), ...value.map(encodeValue)]);
  }
  const entries = Object.entries(value as Record<string, unknown>);
  return Buffer.concat([control(7, entries.length), ...entries.flatMap(([key, item]) => [encodeValue(key), encodeValue(item)])]);
}

function control(type: number, size: number): Buffer {
  if (size >= 285) throw new Error('fixture values are kept short');
  const sizeBits = size < 29 ? size : 29;
  const extraSize = size < 29 ? [] : [size - 29];
  const head = type <= 7 ? [(type << 5) | sizeBits] : [sizeBits, type - 7];
  return Buffer.from([...head, ...extraSize]);
}
