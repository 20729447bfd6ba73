import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilter, parseGroupBy, parseMetrics, parseSort } from './report-spec.js';

test('a filter keeps or drops values; \\, is a comma inside a value and an empty value means "not set"', () => {
  assert.deepEqual(parseFilter('country:US,DE'), { ok: true, value: { dimension: 'country', op: 'in', values: ['US', 'DE'] } });
  assert.deepEqual(parseFilter('sub1!:a\\,b,c\\\\d'), { ok: true, value: { dimension: 'sub1', op: 'not_in', values: ['a,b', 'c\\d'] } });
  assert.deepEqual(parseFilter('sub2:'), { ok: true, value: { dimension: 'sub2', op: 'in', values: [''] } });
  // Only the first colon separates: a referrer value may hold more.
  assert.deepEqual(parseFilter('refId:a:b'), { ok: true, value: { dimension: 'refId', op: 'in', values: ['a:b'] } });
  assert.deepEqual(parseFilter('campaign:3,12'), { ok: true, value: { dimension: 'campaign', op: 'in', values: ['3', '12'] } });
});

test('a filter with an unknown dimension, a name for an id, a bad status or no colon is refused with a reason', () => {
  assert.match((parseFilter('planet:x') as { message: string }).message, /unknown dimension "planet"/);
  assert.match((parseFilter('offer:Offer A') as { message: string }).message, /offer takes ids/);
  assert.match((parseFilter('conversionStatus:approved,paid') as { message: string }).message, /"paid" is not a conversion status/);
  assert.equal(parseFilter('country').ok, false);
  assert.equal(parseFilter('sub1:x\\').ok, false);
});

test('groupBy takes up to three distinct dimensions; metrics only known names', () => {
  assert.deepEqual(parseGroupBy('campaign, offer ,country'), { ok: true, value: ['campaign', 'offer', 'country'] });
  assert.deepEqual(parseGroupBy(''), { ok: true, value: [] });
  assert.equal(parseGroupBy('date,hour,country,sub1').ok, false);
  assert.equal(parseGroupBy('country,country').ok, false);
  assert.deepEqual(parseMetrics('roi,clicks,roi'), { ok: true, value: ['roi', 'clicks'] });
  assert.equal(parseMetrics('clickz').ok, false);
});

test('sort keys: metrics, grouped dimensions and conversion type columns', () => {
  assert.deepEqual(parseSort('-revenue,campaign,conversions:Sign up:v2,-revenue:Purchase', ['campaign']), {
    ok: true,
    value: [
      { field: { kind: 'metric', metric: 'revenue' }, descending: true },
      { field: { kind: 'dimension', dimension: 'campaign' }, descending: false },
      { field: { kind: 'type', metric: 'conversionsByType', type: 'Sign up:v2' }, descending: false },
      { field: { kind: 'type', metric: 'revenueByType', type: 'Purchase' }, descending: true },
    ],
  });
  assert.equal(parseSort('country', ['campaign']).ok, false); // not grouped: rows have no country
  assert.equal(parseSort('conversionsByType', []).ok, false); // a column per type, so name the type
});
