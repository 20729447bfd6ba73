import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAsnRanges, type AsnRanges } from './asn-ranges.js';

let dir: string;
let ranges: AsnRanges;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'waypost-asn-'));
  const v4 = join(dir, 'asn-ipv4-num.csv');
  const v6 = join(dir, 'asn-ipv6.csv');
  // 8.8.8.0-8.8.8.255, then a gap, then 9.9.9.0-9.9.9.255
  writeFileSync(v4, '134744064,134744319,15169,Google LLC\n151587072,151587327,19281,Quad9\n');
  writeFileSync(v6, '2001:4860::,2001:4860:ffff:ffff:ffff:ffff:ffff:ffff,15169,Google LLC\n2620:fe::,2620:fe::ff,19281,"Quad9, Inc."\n');
  ranges = loadAsnRanges([v4, v6]);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('range ends are inclusive and gaps are unknown', () => {
  assert.deepEqual(ranges.lookup('8.8.8.0'), { asn: 15169, organization: 'Google LLC' });
  assert.deepEqual(ranges.lookup('8.8.8.255'), { asn: 15169, organization: 'Google LLC' });
  assert.equal(ranges.lookup('8.8.9.0'), null);
  assert.equal(ranges.lookup('8.8.7.255'), null);
  assert.equal(ranges.lookup('9.9.9.9')?.asn, 19281);
  assert.equal(ranges.lookup('1.1.1.1'), null);
  assert.equal(ranges.lookup('255.255.255.255'), null);
});

test('IPv6 ranges, including ones narrower than a /64', () => {
  assert.equal(ranges.lookup('2001:4860:4860::8888')?.asn, 15169);
  assert.deepEqual(ranges.lookup('2620:fe::fe'), { asn: 19281, organization: 'Quad9, Inc.' });
  assert.equal(ranges.lookup('2620:fe::100'), null);
  assert.equal(ranges.lookup('::ffff:8.8.8.8'), null);
  assert.equal(ranges.rangeCount, 4);
});

test('a file that is not an ASN CSV is refused with its path', () => {
  const bogus = join(dir, 'bogus.csv');
  writeFileSync(bogus, 'hello\n');
  assert.throws(() => loadAsnRanges([bogus]), new RegExp(bogus));
});
