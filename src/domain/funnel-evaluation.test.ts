import { test } from 'node:test';
import assert from 'node:assert/strict';
import { funnelSchema, isConditionField, type Condition } from './funnel.js';
import { compileFunnel, conditionProblems, localClock, pickLanderOffer, type RandomSource, type VisitorFacts } from './funnel-evaluation.js';

// mulberry32: a small seeded PRNG so weighted splits are checked deterministically.
function seeded(seed: number): RandomSource {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NOON_UTC = new Date('2024-01-15T12:00:00Z'); // a Monday
const fixed = (value: number): RandomSource => () => value;

/** Whether a funnel with one rule holding `conditions` sends the visitor through that rule. */
function matches(conditions: Condition[], facts: VisitorFacts, now: Date = NOON_UTC, timeZone = 'UTC'): boolean {
  const funnel = funnelSchema.parse({
    rules: [{ name: 'r', conditions, paths: [{ offers: [{ offerId: 1 }] }] }],
    paths: [{ offers: [{ offerId: 2 }] }],
  });
  const result = compileFunnel(funnel, timeZone).route(facts, now, Math.random);
  assert.equal(result.kind, 'route');
  return result.kind === 'route' && result.ruleIndex === 0;
}

const cond = (field: string, op: Condition['op'], ...values: string[]): Condition => ({ field, op, values });

test('in / not_in on text fields ignore case and treat a missing value as empty', () => {
  assert.equal(matches([cond('os', 'in', 'iOS', 'Android')], { os: 'ios' }), true);
  assert.equal(matches([cond('os', 'in', 'iOS')], { os: 'Windows' }), false);
  assert.equal(matches([cond('os', 'not_in', 'iOS')], { os: 'Windows' }), true);
  assert.equal(matches([cond('os', 'not_in', 'iOS')], { os: 'IOS' }), false);
  assert.equal(matches([cond('device_type', 'in', 'mobile')], {}), false);
  assert.equal(matches([cond('device_type', 'not_in', 'mobile')], {}), true);
  assert.equal(matches([cond('isp', 'in', '')], {}), true, 'an empty value matches a missing fact');
  for (const field of ['region', 'city', 'isp', 'device_type', 'brand', 'browser', 'connection_type', 'ref_id']) {
    assert.equal(matches([cond(field, 'in', 'Some Value')], { [field]: 'some value' }), true, field);
  }
});

test('country matches codes and English names in any case', () => {
  assert.equal(matches([cond('country', 'in', 'de')], { country: 'DE' }), true);
  assert.equal(matches([cond('country', 'in', 'Germany')], { country: 'DE' }), true);
  assert.equal(matches([cond('country', 'in', 'DE')], { country: 'germany' }), true);
  assert.equal(matches([cond('country', 'in', 'UK')], { country: 'GB' }), true);
  assert.equal(matches([cond('country', 'in', 'US', 'CA')], { country: 'FR' }), false);
  assert.equal(matches([cond('country', 'not_in', 'US', 'CA')], { country: 'fr' }), true);
});

test('referrer_domain values also match subdomains, not lookalike domains', () => {
  const rule = [cond('referrer_domain', 'in', 'example.com')];
  assert.equal(matches(rule, { referrer_domain: 'example.com' }), true);
  assert.equal(matches(rule, { referrer_domain: 'm.example.com' }), true);
  assert.equal(matches(rule, { referrer_domain: 'a.b.EXAMPLE.com' }), true);
  assert.equal(matches(rule, { referrer_domain: 'notexample.com' }), false);
  assert.equal(matches(rule, { referrer_domain: 'example.com.evil.net' }), false);
  assert.equal(matches([cond('referrer_domain', 'in', 'https://news.example.org/x')], { referrer_domain: 'news.example.org' }), true);
  assert.equal(matches([cond('referrer_domain', 'in', '')], { referrer_domain: '' }), true, 'direct traffic');
  assert.equal(matches([cond('referrer_domain', 'not_in', 'example.com')], { referrer_domain: 'm.example.com' }), false);
});

test('language values match the primary language of a regional tag', () => {
  assert.equal(matches([cond('language', 'in', 'en')], { language: 'en-US' }), true);
  assert.equal(matches([cond('language', 'in', 'en-gb')], { language: 'en-US' }), false);
  assert.equal(matches([cond('language', 'in', 'en-US')], { language: 'en_us' }), true);
  assert.equal(matches([cond('language', 'in', 'de')], { language: 'en' }), false);
});

test('bot takes true/false and a missing flag counts as false', () => {
  assert.equal(matches([cond('bot', 'in', 'true')], { bot: true }), true);
  assert.equal(matches([cond('bot', 'in', 'true')], { bot: false }), false);
  assert.equal(matches([cond('bot', 'in', 'FALSE')], { bot: false }), true);
  assert.equal(matches([cond('bot', 'in', 'false')], {}), true);
  assert.equal(matches([cond('bot', 'not_in', 'true')], { bot: 'true' }), false);
});

test('ip matches exact addresses, CIDR blocks and ranges, IPv4 and IPv6', () => {
  assert.equal(matches([cond('ip', 'in', '203.0.113.7')], { ip: '203.0.113.7' }), true);
  assert.equal(matches([cond('ip', 'in', '203.0.113.7')], { ip: '203.0.113.8' }), false);
  assert.equal(matches([cond('ip', 'in', '10.0.0.0/8')], { ip: '10.200.3.4' }), true);
  assert.equal(matches([cond('ip', 'in', '10.0.0.0/8')], { ip: '11.0.0.1' }), false);
  assert.equal(matches([cond('ip', 'in', '10.0.0.0/8')], { ip: '::ffff:10.1.2.3' }), true, 'IPv4-mapped IPv6');
  assert.equal(matches([cond('ip', 'in', '2001:db8::/32')], { ip: '2001:DB8:0:1::5' }), true);
  assert.equal(matches([cond('ip', 'in', '2001:db8::/32')], { ip: '2001:db9::1' }), false);
  assert.equal(matches([cond('ip', 'in', '2001:db8::1')], { ip: '2001:0db8:0000:0000:0000:0000:0000:0001' }), true);
  assert.equal(matches([cond('ip', 'between', '192.168.1.10', '192.168.1.20')], { ip: '192.168.1.15' }), true);
  assert.equal(matches([cond('ip', 'between', '192.168.1.10', '192.168.1.20')], { ip: '192.168.1.21' }), false);
  assert.equal(matches([cond('ip', 'not_between', '192.168.1.10', '192.168.1.20')], { ip: '192.168.1.21' }), true);
  assert.equal(matches([cond('ip', 'in', '10.0.0.0/8')], { ip: 'garbage' }), false);
});

test('versions compare as dotted numbers, bounds by their own precision', () => {
  const rule = [cond('os_version', 'between', '10.3', '10.12')];
  assert.equal(matches(rule, { os_version: '10.5' }), true, '10.5 is after 10.3');
  assert.equal(matches(rule, { os_version: '10.12.1' }), true, '10.12.x is within 10.12');
  assert.equal(matches(rule, { os_version: '10.3' }), true);
  assert.equal(matches(rule, { os_version: '10.2.9' }), false);
  assert.equal(matches(rule, { os_version: '10.13' }), false);
  assert.equal(matches(rule, { os_version: '9.9' }), false);
  assert.equal(matches(rule, { os_version: '' }), false);
  assert.equal(matches(rule, { os_version: '10_4' }), true, 'iOS-style separators');
  assert.equal(matches([cond('os_version', 'between', '12', '10')], { os_version: '12.4' }), true, 'reversed bounds');
  assert.equal(matches([cond('os_version', 'not_between', '10.3', '10.12')], { os_version: '11' }), true);
  assert.equal(matches([cond('browser_version', 'between', '100', '120')], { browser_version: '120.0.6099.109' }), true);
  assert.equal(matches([cond('browser_version', 'between', '100', '120')], { browser_version: '99.0' }), false);
  assert.equal(matches([cond('os_version', 'in', '10')], { os_version: '10.3.1' }), true, 'a release contains its minors');
  assert.equal(matches([cond('os_version', 'in', '10.3')], { os_version: '10.30' }), false);
  assert.equal(matches([cond('os_version', 'in', '1')], { os_version: '10' }), false);
});

test('sub and channel parameters: exact values, numeric ranges', () => {
  assert.equal(matches([cond('sub3', 'in', 'Zone-42')], { sub3: 'zone-42' }), true);
  assert.equal(matches([cond('sub20', 'in', 'x')], { sub20: 'x' }), true);
  assert.equal(matches([cond('sub1', 'between', '10', '20')], { sub1: '15.5' }), true);
  assert.equal(matches([cond('sub1', 'between', '10', '20')], { sub1: '20' }), true);
  assert.equal(matches([cond('sub1', 'between', '10', '20')], { sub1: '21' }), false);
  assert.equal(matches([cond('sub1', 'between', '10', '20')], { sub1: 'abc' }), false);
  assert.equal(matches([cond('sub1', 'between', '10', '20')], {}), false);
  assert.equal(matches([cond('sub1', 'not_between', '10', '20')], { sub1: '5' }), true);
  assert.equal(matches([cond('param.zoneid', 'in', '777')], { params: { zoneid: '777' } }), true);
  assert.equal(matches([cond('param.zoneid', 'in', '777')], { params: { other: '777' } }), false);
  assert.equal(matches([cond('param.bid', 'between', '0.01', '0.05')], { params: { bid: '0.03' } }), true);
});

test('hour and day of week use the campaign time zone; ranges may wrap', () => {
  // 2024-01-15T12:00Z is Monday 12:00 in UTC and Monday 21:00 in Tokyo.
  assert.equal(matches([cond('hour', 'in', '12')], {}, NOON_UTC, 'UTC'), true);
  assert.equal(matches([cond('hour', 'in', '21')], {}, NOON_UTC, 'Asia/Tokyo'), true);
  assert.equal(matches([cond('hour', 'in', '12')], {}, NOON_UTC, 'Asia/Tokyo'), false);
  assert.equal(matches([cond('hour', 'between', '9', '17')], {}, NOON_UTC), true);
  assert.equal(matches([cond('hour', 'between', '20', '6')], {}, NOON_UTC, 'Asia/Tokyo'), true, 'wraps midnight');
  assert.equal(matches([cond('hour', 'between', '20', '6')], {}, NOON_UTC), false);
  assert.equal(matches([cond('hour', 'not_between', '9', '17')], {}, NOON_UTC), false);
  assert.equal(matches([cond('day_of_week', 'in', '1')], {}, NOON_UTC), true, 'Monday = 1');
  assert.equal(matches([cond('day_of_week', 'in', 'monday')], {}, NOON_UTC), true);
  assert.equal(matches([cond('day_of_week', 'in', '7')], {}, NOON_UTC), false);
  // 2024-01-15T03:00Z is Monday in UTC but still Sunday 22:00 in New York.
  assert.equal(matches([cond('day_of_week', 'in', 'sun')], {}, new Date('2024-01-15T03:00:00Z'), 'America/New_York'), true);
  assert.equal(matches([cond('day_of_week', 'between', '6', '1')], {}, NOON_UTC), true, 'Saturday–Monday wraps');
  assert.equal(matches([cond('day_of_week', 'between', '2', '5')], {}, NOON_UTC), false);
});

test('time ranges across midnight in New York: 22:00–06:00, end exclusive', () => {
  const night = [cond('time', 'between', '22:00', '06:00')];
  const at = (iso: string) => matches(night, {}, new Date(iso), 'America/New_York');
  assert.equal(at('2024-01-15T03:30:00Z'), true, '22:30 EST');
  assert.equal(at('2024-01-15T02:59:00Z'), false, '21:59 EST');
  assert.equal(at('2024-01-15T03:00:00Z'), true, '22:00 EST');
  assert.equal(at('2024-01-15T05:00:00Z'), true, '00:00 EST');
  assert.equal(at('2024-01-15T10:59:59Z'), true, '05:59:59 EST');
  assert.equal(at('2024-01-15T11:00:00Z'), false, '06:00 EST');
  assert.equal(at('2024-07-15T02:30:00Z'), true, '22:30 EDT in summer');
  assert.equal(at('2024-07-15T10:30:00Z'), false, '06:30 EDT in summer');
  const day = [cond('time', 'between', '09:30', '17:00')];
  assert.equal(matches(day, {}, new Date('2024-01-15T14:29:00Z'), 'America/New_York'), false, '09:29');
  assert.equal(matches(day, {}, new Date('2024-01-15T14:30:00Z'), 'America/New_York'), true, '09:30');
  assert.equal(matches(day, {}, new Date('2024-01-15T21:59:00Z'), 'America/New_York'), true, '16:59');
  assert.equal(matches(day, {}, new Date('2024-01-15T22:00:00Z'), 'America/New_York'), false, '17:00');
  assert.equal(matches([cond('time', 'not_between', '22:00', '06:00')], {}, new Date('2024-01-15T03:30:00Z'), 'America/New_York'), false);
  assert.equal(matches([cond('time', 'between', '00:00', '24:00')], {}, NOON_UTC), true, 'whole day');
});

test('hour is correct across the DST changes in Europe/Berlin', () => {
  // 31 March 2024: 02:00 CET jumps to 03:00 CEST at 01:00 UTC.
  assert.equal(localClock(new Date('2024-03-31T00:30:00Z'), 'Europe/Berlin').hour, 1);
  assert.equal(localClock(new Date('2024-03-31T01:30:00Z'), 'Europe/Berlin').hour, 3);
  // 27 October 2024: 03:00 CEST goes back to 02:00 CET at 01:00 UTC, so 02:xx happens twice.
  assert.equal(localClock(new Date('2024-10-27T00:30:00Z'), 'Europe/Berlin').hour, 2);
  assert.equal(localClock(new Date('2024-10-27T01:30:00Z'), 'Europe/Berlin').hour, 2);
  assert.equal(localClock(new Date('2024-10-27T02:30:00Z'), 'Europe/Berlin').hour, 3);
  assert.equal(localClock(new Date('2024-10-27T02:30:00Z'), 'Europe/Berlin').dayOfWeek, 7);

  // The same through a compiled funnel, one instance across successive clicks (the clock is cached).
  const funnel = funnelSchema.parse({
    rules: [{ name: 'three', conditions: [cond('hour', 'in', '3')], paths: [{ offers: [{ offerId: 1 }] }] }],
    paths: [{ offers: [{ offerId: 2 }] }],
  });
  const compiled = compileFunnel(funnel, 'Europe/Berlin');
  const offerAt = (iso: string) => {
    const result = compiled.route({}, new Date(iso), Math.random);
    return result.kind === 'route' ? result.offerId : 0;
  };
  assert.equal(offerAt('2024-03-31T00:59:00Z'), 2, '01:59 CET');
  assert.equal(offerAt('2024-03-31T01:00:00Z'), 1, '03:00 CEST');
  assert.equal(offerAt('2024-03-31T01:59:00Z'), 1, '03:59 CEST');
  assert.equal(offerAt('2024-03-31T02:00:00Z'), 2, '04:00 CEST');
  assert.equal(offerAt('2024-03-31T01:30:00Z'), 1, 'going back in time recomputes the clock');
});

test('rules apply in order and the first match wins', () => {
  const funnel = funnelSchema.parse({
    rules: [
      { name: 'mobile', conditions: [cond('device_type', 'in', 'mobile')], paths: [{ offers: [{ offerId: 10 }] }] },
      { name: 'US', conditions: [cond('country', 'in', 'US')], paths: [{ offers: [{ offerId: 20 }] }] },
    ],
    paths: [{ offers: [{ offerId: 30 }] }],
  });
  const compiled = compileFunnel(funnel, 'UTC');
  assert.deepEqual(compiled.route({ device_type: 'mobile', country: 'US' }, NOON_UTC, Math.random), { kind: 'route', ruleIndex: 0, pathIndex: 0, offerId: 10 });
  assert.deepEqual(compiled.route({ device_type: 'desktop', country: 'US' }, NOON_UTC, Math.random), { kind: 'route', ruleIndex: 1, pathIndex: 0, offerId: 20 });
  assert.deepEqual(compiled.route({ device_type: 'desktop', country: 'FR' }, NOON_UTC, Math.random), { kind: 'route', ruleIndex: -1, pathIndex: 0, offerId: 30 });
});

test('values within a condition are OR, conditions within a rule are AND', () => {
  const rule = [cond('country', 'in', 'US', 'CA'), cond('os', 'in', 'Android')];
  assert.equal(matches(rule, { country: 'US', os: 'Android' }), true);
  assert.equal(matches(rule, { country: 'CA', os: 'Android' }), true);
  assert.equal(matches(rule, { country: 'CA', os: 'iOS' }), false);
  assert.equal(matches(rule, { country: 'MX', os: 'Android' }), false);
});

test('weighted path, lander and offer choices follow their weights', () => {
  const funnel = funnelSchema.parse({
    paths: [
      { weight: 70, landers: [{ landerId: 1, weight: 1 }, { landerId: 2, weight: 3 }], offers: [{ offerId: 1, weight: 50 }, { offerId: 2, weight: 50 }] },
      { weight: 30, offers: [{ offerId: 3 }] },
    ],
  });
  const compiled = compileFunnel(funnel, 'UTC');
  const random = seeded(42);
  const draws = 10_000;
  const paths = [0, 0];
  const landers = new Map<number, number>();
  const offers = new Map<number, number>();
  for (let i = 0; i < draws; i++) {
    const result = compiled.route({}, NOON_UTC, random);
    assert.equal(result.kind, 'route');
    if (result.kind !== 'route') continue;
    paths[result.pathIndex]!++;
    if (result.landerId !== undefined) landers.set(result.landerId, (landers.get(result.landerId) ?? 0) + 1);
    offers.set(result.offerId, (offers.get(result.offerId) ?? 0) + 1);
  }
  const near = (actual: number, expected: number, label: string) => assert.ok(Math.abs(actual - expected) <= 0.02, `${label}: ${actual} vs ${expected}`);
  near(paths[0]! / draws, 0.7, 'path 0');
  near(paths[1]! / draws, 0.3, 'path 1');
  near(landers.get(1)! / paths[0]!, 0.25, 'lander 1 within path 0');
  near(landers.get(2)! / paths[0]!, 0.75, 'lander 2 within path 0');
  near(offers.get(1)! / paths[0]!, 0.5, 'offer 1 within path 0');
  assert.equal(offers.get(3), paths[1], 'the direct path always sends to its offer');
});

test('weight 0 is never chosen, for paths, landers and offers', () => {
  const funnel = funnelSchema.parse({
    paths: [
      { weight: 0, offers: [{ offerId: 1 }] },
      { weight: 100, landers: [{ landerId: 1, weight: 0 }, { landerId: 2 }], offers: [{ offerId: 2, weight: 0 }, { offerId: 3 }] },
    ],
  });
  const compiled = compileFunnel(funnel, 'UTC');
  for (const r of [0, 0.25, 0.5, 0.75, 0.999999]) {
    assert.deepEqual(compiled.route({}, NOON_UTC, fixed(r)), { kind: 'route', ruleIndex: -1, pathIndex: 1, landerId: 2, offerId: 3 });
  }
  const allZero = compileFunnel(funnelSchema.parse({ paths: [{ weight: 0, offers: [{ offerId: 1 }] }] }), 'UTC');
  assert.deepEqual(allZero.route({}, NOON_UTC, Math.random), { kind: 'none', ruleIndex: -1 });
});

test('ineligible offers and landers are skipped, and so is a path left without any', () => {
  const funnel = funnelSchema.parse({
    paths: [
      { weight: 90, offers: [{ offerId: 1 }] }, // its only offer is capped
      { weight: 5, landers: [{ landerId: 7 }], offers: [{ offerId: 2 }] }, // its only lander is paused
      { weight: 5, landers: [{ landerId: 8 }, { landerId: 9 }], offers: [{ offerId: 3 }, { offerId: 4 }] },
    ],
  });
  const compiled = compileFunnel(funnel, 'UTC');
  const offerOk = (id: number) => id !== 1 && id !== 3;
  const landerOk = (id: number) => id !== 7 && id !== 8;
  for (const r of [0, 0.3, 0.6, 0.9, 0.99]) {
    assert.deepEqual(compiled.route({}, NOON_UTC, fixed(r), offerOk, landerOk), { kind: 'route', ruleIndex: -1, pathIndex: 2, landerId: 9, offerId: 4 });
  }
});

test('eligibility predicates receive the visitor facts, for offer targeting', () => {
  const funnel = funnelSchema.parse({ paths: [{ offers: [{ offerId: 1 }, { offerId: 2 }] }] });
  const usOnly = (id: number, facts: VisitorFacts) => id !== 1 || facts.country === 'US';
  const compiled = compileFunnel(funnel, 'UTC');
  assert.deepEqual(compiled.route({ country: 'DE' }, NOON_UTC, fixed(0), usOnly), { kind: 'route', ruleIndex: -1, pathIndex: 0, offerId: 2 });
  assert.deepEqual(compiled.route({ country: 'US' }, NOON_UTC, fixed(0), usOnly), { kind: 'route', ruleIndex: -1, pathIndex: 0, offerId: 1 });
});

test('nothing eligible routes to none; a matched rule does not fall through to the defaults', () => {
  const funnel = funnelSchema.parse({
    rules: [{ name: 'DE', conditions: [cond('country', 'in', 'DE')], paths: [{ offers: [{ offerId: 1 }] }] }],
    paths: [{ offers: [{ offerId: 2 }] }],
  });
  const compiled = compileFunnel(funnel, 'UTC');
  const notOne = (id: number) => id !== 1;
  assert.deepEqual(compiled.route({ country: 'DE' }, NOON_UTC, Math.random, notOne), { kind: 'none', ruleIndex: 0 });
  assert.deepEqual(compiled.route({ country: 'FR' }, NOON_UTC, Math.random, () => false), { kind: 'none', ruleIndex: -1 });
  assert.deepEqual(compiled.route({ country: 'FR' }, NOON_UTC, Math.random, notOne), { kind: 'route', ruleIndex: -1, pathIndex: 0, offerId: 2 });
});

test('a lander click-through takes offer n when eligible, otherwise a weighted eligible offer', () => {
  const funnel = funnelSchema.parse({
    paths: [{ landers: [{ landerId: 1 }], offers: [{ offerId: 11, weight: 1 }, { offerId: 12, weight: 0 }, { offerId: 13, weight: 3 }] }],
  });
  const path = compileFunnel(funnel, 'UTC').pathAt(-1, 0);
  assert.ok(path);
  assert.equal(pickLanderOffer(path, 1, fixed(0.99)), 11);
  assert.equal(pickLanderOffer(path, 3, fixed(0)), 13);
  assert.equal(pickLanderOffer(path, 1, fixed(0), (id) => id !== 11), 13, 'offer 1 capped');
  assert.equal(pickLanderOffer(path, 2, fixed(0)), 11, 'offer 2 has weight 0: weighted choice');
  assert.equal(pickLanderOffer(path, 9, fixed(0.5)), 13, 'no offer 9: weighted choice (0.5 × 4 falls on 13)');
  assert.equal(pickLanderOffer(path, undefined, fixed(0.1)), 11);
  assert.equal(pickLanderOffer(path, 1, Math.random, () => false), null);
  // The plain funnel shape works too.
  assert.equal(pickLanderOffer(funnel.paths[0]!, 3, fixed(0)), 13);
});

test('pathAt finds rule and default paths and reports paths that no longer exist', () => {
  const funnel = funnelSchema.parse({
    rules: [{ name: 'r', conditions: [cond('os', 'in', 'iOS')], paths: [{ offers: [{ offerId: 1 }] }] }],
    paths: [{ offers: [{ offerId: 2 }] }],
  });
  const compiled = compileFunnel(funnel, 'UTC');
  assert.equal(compiled.pathAt(0, 0)?.offers[0]?.offerId, 1);
  assert.equal(compiled.pathAt(-1, 0)?.offers[0]?.offerId, 2);
  assert.equal(compiled.pathAt(0, 1), undefined);
  assert.equal(compiled.pathAt(5, 0), undefined);
});

test('an unknown time zone fails when the funnel is compiled', () => {
  const funnel = funnelSchema.parse({ paths: [{ offers: [{ offerId: 1 }] }] });
  assert.throws(() => compileFunnel(funnel, 'Mars/Olympus_Mons'), RangeError);
});

test('conditionProblems explains values that can never work', () => {
  assert.deepEqual(conditionProblems(cond('hour', 'between', '9', '17')), []);
  assert.deepEqual(conditionProblems(cond('time', 'between', '22:00', '06:00')), []);
  assert.deepEqual(conditionProblems(cond('ip', 'in', '10.0.0.0/8', '2001:db8::1')), []);
  assert.deepEqual(conditionProblems(cond('hour', 'in', '25')), ['"25" is not an hour from 0 to 23']);
  assert.deepEqual(conditionProblems(cond('time', 'between', '9am', '17:00')), ['"9am" is not a time of day such as 22:30']);
  assert.deepEqual(conditionProblems(cond('country', 'between', 'A', 'B')), ['country has no order; use in / not_in']);
  assert.deepEqual(conditionProblems(cond('city', 'between', '1', '2')), ['city has no order; use in / not_in']);
  assert.deepEqual(conditionProblems(cond('sub1', 'between', 'a', '2')), ['"a" is not a number']);
  assert.deepEqual(conditionProblems(cond('bot', 'in', 'maybe')), ['"maybe" is not true or false']);
  assert.deepEqual(conditionProblems(cond('ip', 'between', '1.2.3.4', '::1')), ['an IP range must not mix IPv4 and IPv6']);
});

test('the time field is a condition field', () => {
  assert.equal(isConditionField('time'), true);
});
