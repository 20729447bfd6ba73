import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isTimeZone, parseTimeInZone, zoneOffsetAt } from './local-time.js';

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

test('a wall-clock time is read in its zone, daylight saving time included', () => {
  assert.equal(iso(parseTimeInZone('2026-11-20T00:00', 'America/New_York')), '2026-11-20T05:00:00.000Z', 'EST');
  assert.equal(iso(parseTimeInZone('2026-07-01T00:00', 'America/New_York')), '2026-07-01T04:00:00.000Z', 'EDT');
  assert.equal(iso(parseTimeInZone('2026-07-01', 'Europe/Berlin')), '2026-06-30T22:00:00.000Z', 'a date alone is its midnight');
  assert.equal(iso(parseTimeInZone('2026-07-01 12:30:15.5', 'Asia/Kolkata')), '2026-07-01T07:00:15.500Z');
  assert.equal(iso(parseTimeInZone('2026-07-01T00:00', 'UTC')), '2026-07-01T00:00:00.000Z');
});

test('on the days clocks change, a missing time moves forward and a repeated time is its first occurrence', () => {
  // 2026-03-08: New York goes from 02:00 EST to 03:00 EDT.
  assert.equal(iso(parseTimeInZone('2026-03-08T00:00', 'America/New_York')), '2026-03-08T05:00:00.000Z');
  assert.equal(iso(parseTimeInZone('2026-03-08T02:30', 'America/New_York')), '2026-03-08T07:30:00.000Z', '02:30 does not exist; 03:30 EDT');
  assert.equal(iso(parseTimeInZone('2026-03-09T00:00', 'America/New_York')), '2026-03-09T04:00:00.000Z', 'that day is 23 hours long');
  // 2026-11-01: 01:00–02:00 happens twice.
  assert.equal(iso(parseTimeInZone('2026-11-01T01:30', 'America/New_York')), '2026-11-01T05:30:00.000Z', 'first 01:30 (EDT)');
  assert.equal(iso(parseTimeInZone('2026-11-02T00:00', 'America/New_York')), '2026-11-02T05:00:00.000Z');
});

test('full instants ignore the zone; impossible dates and text are refused', () => {
  assert.equal(iso(parseTimeInZone('2026-11-20T05:00:00Z', 'Asia/Tokyo')), '2026-11-20T05:00:00.000Z');
  assert.equal(iso(parseTimeInZone('2026-11-20T00:00:00-05:00', 'UTC')), '2026-11-20T05:00:00.000Z');
  for (const bad of ['2026-02-30', '2026-13-01T00:00', '2026-01-01T24:00', 'yesterday', '', '1700000000000']) {
    assert.equal(parseTimeInZone(bad, 'UTC'), undefined, bad);
  }
});

test('zones are IANA names', () => {
  assert.equal(isTimeZone('America/New_York'), true);
  assert.equal(isTimeZone('Mars/Olympus_Mons'), false);
  assert.equal(zoneOffsetAt(Date.UTC(2026, 0, 1), 'Asia/Kolkata'), 5.5 * 3_600_000);
});
