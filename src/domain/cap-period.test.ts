import { test } from 'node:test';
import assert from 'node:assert/strict';
import { capPeriodBounds } from './cap-period.js';

const iso = (bounds: { start: number; end: number }) => [new Date(bounds.start).toISOString(), new Date(bounds.end).toISOString()];

test('a day across the spring DST change is 23 hours long in its zone', () => {
  // Berlin moved its clocks forward on Sunday 29 March 2026.
  assert.deepEqual(iso(capPeriodBounds('daily', Date.parse('2026-03-29T12:00:00Z'), 'Europe/Berlin')), ['2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z']);
});

test('a week runs Monday to Monday, a month from the 1st, both at local midnight', () => {
  const at = Date.parse('2026-11-01T03:30:00Z'); // Saturday 31 October, 23:30 in New York (EDT)
  assert.deepEqual(iso(capPeriodBounds('weekly', at, 'America/New_York')), ['2026-10-26T04:00:00.000Z', '2026-11-02T05:00:00.000Z']);
  assert.deepEqual(iso(capPeriodBounds('monthly', at, 'America/New_York')), ['2026-10-01T04:00:00.000Z', '2026-11-01T04:00:00.000Z']);
  assert.deepEqual(iso(capPeriodBounds('monthly', at, 'UTC')), ['2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z']);
});

test('total has no edges', () => {
  assert.deepEqual(capPeriodBounds('total', 0, 'UTC'), { start: Number.NEGATIVE_INFINITY, end: Number.POSITIVE_INFINITY });
});
