import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LoggedPostback, PostbackLogEntry, PostbackLogQuery } from '../../../src/domain/postback-log.js';
import type { OpenEventStore } from './run-report-cases.js';

const T0 = Date.parse('2026-06-01T09:00:00Z');
const MINUTE = 60_000;
const CLICK_A = '1m8500000000000000000000clka';
const CLICK_B = '1m8500000000000000000000clkb';

/** Postbacks of two clicks and two offer sources a minute apart, with every outcome; appended in this order. */
const ENTRIES: PostbackLogEntry[] = [
  entry(0, { outcome: 'accepted', reason: 'conversion created', clickId: CLICK_A, offerSourceId: 1, conversionId: 10 }),
  entry(1, { outcome: 'duplicate', reason: 'duplicate ignored (mode ignore)', clickId: CLICK_A, offerSourceId: 1, conversionId: 10 }),
  entry(2, { outcome: 'rejected', reason: 'token mismatch', clickId: CLICK_A, offerSourceId: 1, conversionId: null }),
  entry(3, { outcome: 'accepted', reason: 'conversion created', clickId: CLICK_B, offerSourceId: 2, conversionId: 11 }),
  entry(4, { outcome: 'rejected', reason: 'missing click id (clickid, cid, subid or click_id)', clickId: null, offerSourceId: null, conversionId: null, method: 'POST' }),
  entry(5, { outcome: 'ignored', reason: 'ignored', clickId: CLICK_B, offerSourceId: 2, conversionId: 11 }),
  entry(6, { outcome: 'accepted', reason: 'status changed from pending to approved', clickId: CLICK_A, offerSourceId: 1, conversionId: 10, method: 'UPLOAD' }),
];

function entry(minute: number, fields: Partial<PostbackLogEntry>): PostbackLogEntry {
  return {
    receivedAt: T0 + minute * MINUTE,
    method: 'GET',
    sourceIp: '203.0.113.9',
    query: `clickid=${fields.clickId ?? ''}&n=${minute}`,
    outcome: 'accepted',
    reason: '',
    clickId: null,
    offerSourceId: null,
    conversionId: null,
    ...fields,
  };
}

/** The minutes (positions in ENTRIES) of the rows a query answered, in the order answered. */
const minutes = (rows: LoggedPostback[]) => rows.map((row) => (row.receivedAt - T0) / MINUTE);
/** What the filter should answer: the matching entries, newest first. */
const expected = (match: (e: PostbackLogEntry) => boolean) => ENTRIES.map((e, i) => (match(e) ? i : -1)).filter((i) => i >= 0).reverse();

/**
 * The postback log on one adapter: appended rows read back whole, newest first, with each filter of
 * the admin API's `GET /postbacks` and its cursor. A future adapter calls this with its own opener.
 */
export function runPostbackLogConformance(adapter: string, open: OpenEventStore) {
  describe(`postback log conformance: ${adapter}`, () => {
    test('rows appended together and one by one read back whole, newest first, with growing ids', () => withLog(open, async (list) => {
      const rows = await list({ limit: 100 });
      assert.deepEqual(minutes(rows), [6, 5, 4, 3, 2, 1, 0]);
      assert.deepEqual(rows.map(({ id: _id, ...row }) => row), [...ENTRIES].reverse());
      const ids = rows.map((row) => row.id);
      assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first by id');
      assert.equal(new Set(ids).size, ids.length, 'ids are unique');
    }));

    test('each filter narrows: outcome, click id, offer source, receipt time from (inclusive) and to (exclusive)', () => withLog(open, async (list) => {
      const cases: [string, PostbackLogQuery, (e: PostbackLogEntry) => boolean][] = [
        ['outcome', { limit: 100, outcome: 'rejected' }, (e) => e.outcome === 'rejected'],
        ['click id: its conversion rows and its rejected rows', { limit: 100, clickId: CLICK_A }, (e) => e.clickId === CLICK_A],
        ['offer source', { limit: 100, offerSourceId: 2 }, (e) => e.offerSourceId === 2],
        ['from', { limit: 100, from: T0 + 3 * MINUTE }, (e) => e.receivedAt >= T0 + 3 * MINUTE],
        ['to', { limit: 100, to: T0 + 3 * MINUTE }, (e) => e.receivedAt < T0 + 3 * MINUTE],
        ['from and to', { limit: 100, from: T0 + MINUTE, to: T0 + 5 * MINUTE }, (e) => e.receivedAt >= T0 + MINUTE && e.receivedAt < T0 + 5 * MINUTE],
        ['click id and outcome', { limit: 100, clickId: CLICK_A, outcome: 'accepted' }, (e) => e.clickId === CLICK_A && e.outcome === 'accepted'],
        ['offer source and time', { limit: 100, offerSourceId: 1, from: T0 + MINUTE, to: T0 + 6 * MINUTE }, (e) => e.offerSourceId === 1 && e.receivedAt >= T0 + MINUTE && e.receivedAt < T0 + 6 * MINUTE],
        ['an unknown click id', { limit: 100, clickId: '1m8500000000000000000000nonex' }, () => false],
      ];
      for (const [name, query, match] of cases) assert.deepEqual(minutes(await list(query)), expected(match), name);
    }));

    test('pages by beforeId cover every matching row once, at most limit a page', () => withLog(open, async (list) => {
      for (const filter of [{}, { clickId: CLICK_A }, { offerSourceId: 1 }]) {
        const seen: number[] = [];
        let beforeId: number | undefined;
        for (let page = 0; page < 10; page++) {
          const rows = await list({ limit: 2, beforeId, ...filter });
          assert.ok(rows.length <= 2);
          seen.push(...minutes(rows));
          if (rows.length < 2) break;
          beforeId = rows.at(-1)!.id;
        }
        assert.deepEqual(seen, expected((e) => (!('clickId' in filter) || e.clickId === filter.clickId) && (!('offerSourceId' in filter) || e.offerSourceId === filter.offerSourceId)), JSON.stringify(filter));
      }
    }));
  });
}

/** An event store holding ENTRIES: the first four appended in one loop turn, the rest one call each. */
async function withLog(open: OpenEventStore, body: (list: (query: PostbackLogQuery) => Promise<LoggedPostback[]>) => Promise<void>) {
  const { events, close } = await open();
  try {
    // Appended together, they still keep the order they were submitted in.
    await Promise.all([events.appendPostbackLog(ENTRIES.slice(0, 2)), events.appendPostbackLog(ENTRIES.slice(2, 3)), events.appendPostbackLog(ENTRIES.slice(3, 4))]);
    await events.appendPostbackLog([]);
    for (const e of ENTRIES.slice(4)) await events.appendPostbackLog([e]);
    await body((query) => events.listPostbackLog(query));
  } finally {
    await close();
  }
}
