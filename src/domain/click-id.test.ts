import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLICK_ID_LENGTH, clickIdLowerBound, clickIdTime, isClickIdShaped, mintClickId, normalizeClickId } from './click-id.js';

const SHAPE = /^[0-9a-hjkmnp-tv-z]{29}$/;

test('click ids are 29 URL-safe characters and pass the shape check', () => {
  assert.equal(CLICK_ID_LENGTH, 29);
  for (let i = 0; i < 1000; i++) {
    const id = mintClickId();
    assert.match(id, SHAPE);
    assert.equal(encodeURIComponent(id), id);
    assert.ok(isClickIdShaped(id));
  }
});

test('100 000 click ids minted in the same millisecond are all different', () => {
  const now = new Date('2024-06-01T00:00:00Z');
  const ids = new Set<string>();
  for (let i = 0; i < 100_000; i++) ids.add(mintClickId(now));
  assert.equal(ids.size, 100_000);
});

test('the random part is uniform over the alphabet (no modulo bias)', () => {
  const counts = new Map<string, number>();
  const ids = 20_000;
  for (let i = 0; i < ids; i++) for (const ch of mintClickId().slice(9)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  assert.equal(counts.size, 32);
  const expected = (ids * 20) / 32;
  for (const [ch, count] of counts) assert.ok(Math.abs(count - expected) / expected < 0.05, `${ch}: ${count}`);
});

test('the id starts with its time: it parses back and sorts in time order', () => {
  const times = ['1970-01-01T00:00:00.000Z', '2001-09-09T01:46:40.000Z', '2024-02-29T23:59:59.999Z', '2024-03-01T00:00:00.000Z', '2099-12-31T23:59:59.999Z'];
  const ids = times.map((t) => mintClickId(new Date(t)));
  assert.deepEqual(ids.map((id) => clickIdTime(id)?.toISOString()), times);
  assert.deepEqual([...ids].sort(), ids, 'text order is time order');
  assert.deepEqual([...ids].reverse().sort((a, b) => a.localeCompare(b)), ids, 'also under locale collation');
  const a = mintClickId(1_700_000_000_000);
  const b = mintClickId(1_700_000_000_001);
  assert.ok(a < b);
  assert.equal(a.slice(0, 8), b.slice(0, 8), 'neighbouring milliseconds share the prefix');
  assert.equal(clickIdTime(mintClickId(1_700_000_000_000))?.getTime(), 1_700_000_000_000);
});

test('garbage is rejected by the shape check and has no time', () => {
  const id = mintClickId();
  for (const bad of ['', 'abc', id.slice(1), `${id}x`, `${id.slice(0, 28)}u`, `${id.slice(0, 28)}-`, `${id.slice(0, 28)}é`, id.toUpperCase(), `{clickid}`.padEnd(29, '0')]) {
    assert.equal(isClickIdShaped(bad), false, bad);
    assert.equal(clickIdTime(bad), null, bad);
  }
  assert.equal(isClickIdShaped(undefined), false);
  assert.equal(isClickIdShaped(42), false);
});

test('an id a partner upper-cased normalises back to the original', () => {
  const id = mintClickId();
  assert.equal(normalizeClickId(id.toUpperCase()), id);
  assert.equal(normalizeClickId(id), id);
  assert.equal(normalizeClickId('not-a-click-id'), null);
});

test('times outside the encodable range are refused', () => {
  assert.throws(() => mintClickId(-1), RangeError);
  assert.throws(() => mintClickId(32 ** 9), RangeError);
  assert.throws(() => mintClickId(new Date(Number.NaN)), RangeError);
});

test('a time maps to an id lower bound: ids minted from that time on sort at or above it, earlier ones below', () => {
  const t = Date.UTC(2026, 10, 23, 12, 0, 0);
  const bound = clickIdLowerBound(t);
  assert.ok(mintClickId(t) >= bound);
  assert.ok(mintClickId(t + 1) >= bound);
  assert.ok(mintClickId(t - 1) < bound);
});
