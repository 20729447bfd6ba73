import type { ClickCostSelection } from '../../../src/store/event-store.js';
import type { ConversionMeasure, FactQuery, FactRow } from '../../../src/store/report-facts.js';
import { clickId } from './report-fixture.js';

/**
 * The report cases every EventStore adapter must answer alike, stated once: a query over the fixture
 * (report-fixture.ts), optionally after actions, and the rows expected, computed by hand in the
 * comments. Row order is free; a runner compares sorted rows.
 */
export interface ReportCase {
  name: string;
  /** Applied after the fixture is stored and rolled up, before the query. */
  actions?: ReportAction[];
  query: Partial<FactQuery> & Pick<FactQuery, 'from' | 'to'>;
  rows: FactRow[];
}

export type ReportAction =
  | { setClickCost: ClickCostSelection; total: number }
  | { landerClick: { clickId: string; offerId: number; at: number } };

const at = (iso: string) => Date.parse(iso);
// The UTC days 10-24, 10-25 and 10-26: clicks c1..c7, conversions 1..4 (by click time), both impression hours.
const UTC_DAYS = { from: at('2026-10-24T00:00:00Z'), to: at('2026-10-27T00:00:00Z') };

function row(key: FactRow['key'], measures: Partial<Omit<FactRow, 'key'>>): FactRow {
  return { key, impressions: 0, clicks: 0, uniqueClicks: 0, landerClicks: 0, botClicks: 0, blockedClicks: 0, cost: 0, conversions: [], ...measures };
}
const conv = (type: string | null, status: ConversionMeasure['status'], revenue: number, count = 1): ConversionMeasure => ({ type, status, count, revenue });
// The fixture's conversions as measures.
const V1 = conv(null, 'approved', 2_000_000);
const V2 = conv('Purchase', 'approved', 5_000_000);
const V3 = conv('Lead', 'pending', 0);
const V4 = conv(null, 'declined', 1_000_000);
const V5 = conv(null, 'approved', 3_000_000);

export const REPORT_CASES: ReportCase[] = [
  {
    name: 'every measure, no grouping',
    query: { ...UTC_DAYS },
    rows: [
      // clicks c1..c7; unique all but c4, c7; lander click c3; bot c2;
      // cost 100k+100k+200k+200k+50k+300k+0 = 950k, + impressions' 500k + 100k = 1 550 000.
      row([], { impressions: 1200, clicks: 7, uniqueClicks: 5, landerClicks: 1, botClicks: 1, cost: 1_550_000, conversions: [V1, V2, V3, V4] }),
    ],
  },
  {
    name: 'one grouping: campaign',
    query: { ...UTC_DAYS, groupBy: ['campaign'] },
    rows: [
      // c1..c4: cost 600k + 500k of impressions.
      row([1], { impressions: 1000, clicks: 4, uniqueClicks: 3, landerClicks: 1, botClicks: 1, cost: 1_100_000, conversions: [V1, V2, V3] }),
      // c5..c7: cost 350k + 100k of impressions.
      row([2], { impressions: 200, clicks: 3, uniqueClicks: 2, cost: 450_000, conversions: [V4] }),
    ],
  },
  {
    name: 'two groupings: offer source → lander (offer source through the offer, lander null when none)',
    query: { ...UTC_DAYS, groupBy: ['offerSource', 'lander'] },
    rows: [
      // c1, c2, c4 (offers 100, 101), c6, c7 (101): cost 100k+100k+200k+300k+0; no impressions (lander is not theirs).
      row([7, null], { clicks: 5, uniqueClicks: 3, botClicks: 1, cost: 700_000, conversions: [V1] }),
      // c3 went to offer 102 from lander 50.
      row([8, 50], { clicks: 1, uniqueClicks: 1, landerClicks: 1, cost: 200_000, conversions: [V2, V3] }),
      row([8, null], { clicks: 1, uniqueClicks: 1, cost: 50_000, conversions: [V4] }),
    ],
  },
  {
    name: 'three groupings: campaign → offer → country',
    query: { ...UTC_DAYS, groupBy: ['campaign', 'offer', 'country'] },
    rows: [
      row([1, 100, 'US'], { clicks: 1, uniqueClicks: 1, cost: 100_000, conversions: [V1] }),
      row([1, 101, 'US'], { clicks: 1, uniqueClicks: 1, botClicks: 1, cost: 100_000 }),
      row([1, 102, 'DE'], { clicks: 1, uniqueClicks: 1, landerClicks: 1, cost: 200_000, conversions: [V2, V3] }),
      row([1, 100, 'DE'], { clicks: 1, cost: 200_000 }),
      row([2, 102, 'FR'], { clicks: 1, uniqueClicks: 1, cost: 50_000, conversions: [V4] }),
      // c6 and c7.
      row([2, 101, 'IN'], { clicks: 2, uniqueClicks: 1, cost: 300_000 }),
    ],
  },
  {
    name: 'filters in and not_in: sub1 of campaign 1 outside DE',
    query: {
      ...UTC_DAYS,
      groupBy: ['sub1'],
      filters: [
        { dimension: 'campaign', op: 'in', values: ['1'] },
        { dimension: 'country', op: 'not_in', values: ['DE'] },
      ],
    },
    rows: [
      // c1 and c2 only.
      row(['a'], { clicks: 1, uniqueClicks: 1, cost: 100_000, conversions: [V1] }),
      row(['b'], { clicks: 1, uniqueClicks: 1, botClicks: 1, cost: 100_000 }),
    ],
  },
  {
    name: 'traffic channel → path',
    query: { ...UTC_DAYS, groupBy: ['trafficChannel', 'path'] },
    rows: [
      // c1, c2, c4 on rule 0 path 0.
      row([10, '0:0'], { clicks: 3, uniqueClicks: 2, botClicks: 1, cost: 400_000, conversions: [V1] }),
      row([10, '0:1'], { clicks: 1, uniqueClicks: 1, landerClicks: 1, cost: 200_000, conversions: [V2, V3] }),
      // c5, c6, c7 on rule 1.
      row([20, '1:0'], { clicks: 3, uniqueClicks: 2, cost: 350_000, conversions: [V4] }),
    ],
  },
  {
    name: 'a dimension conversions take from their click: brand',
    query: { ...UTC_DAYS, groupBy: ['brand'] },
    rows: [
      row(['Apple'], { clicks: 1, uniqueClicks: 1, landerClicks: 1, cost: 200_000, conversions: [V2, V3] }),
      // c1, c2, c4..c7: cost 100k+100k+200k+50k+300k+0.
      row(['Samsung'], { clicks: 6, uniqueClicks: 4, botClicks: 1, cost: 750_000, conversions: [V1, V4] }),
    ],
  },
  {
    name: 'conversion type and status: clicks on the null share, one row per type and status',
    query: { ...UTC_DAYS, groupBy: ['campaign', 'conversionType', 'conversionStatus'] },
    rows: [
      row([1, null, null], { impressions: 1000, clicks: 4, uniqueClicks: 3, landerClicks: 1, botClicks: 1, cost: 1_100_000 }),
      row([2, null, null], { impressions: 200, clicks: 3, uniqueClicks: 2, cost: 450_000 }),
      // The plain conversion's type key is ''.
      row([1, '', 'approved'], { conversions: [V1] }),
      row([1, 'Purchase', 'approved'], { conversions: [V2] }),
      row([1, 'Lead', 'pending'], { conversions: [V3] }),
      row([2, '', 'declined'], { conversions: [V4] }),
    ],
  },
  {
    name: 'a conversion status filter narrows the conversions, not the traffic',
    query: { ...UTC_DAYS, groupBy: ['campaign'], filters: [{ dimension: 'conversionStatus', op: 'in', values: ['approved'] }] },
    rows: [
      row([1], { impressions: 1000, clicks: 4, uniqueClicks: 3, landerClicks: 1, botClicks: 1, cost: 1_100_000, conversions: [V1, V2] }),
      row([2], { impressions: 200, clicks: 3, uniqueClicks: 2, cost: 450_000 }),
    ],
  },
  {
    name: 'date and hour in Europe/Berlin across the end of summer time (10-25, 03:00 CEST → 02:00 CET)',
    // Berlin 10-24 00:00 CEST to 10-27 00:00 CET.
    query: { from: at('2026-10-23T22:00:00Z'), to: at('2026-10-26T23:00:00Z'), timeZone: 'Europe/Berlin', groupBy: ['date', 'hour'] },
    rows: [
      // c1 at 12:00 with campaign 1's impressions (10:00 UTC).
      row(['2026-10-24', 12], { impressions: 1000, clicks: 1, uniqueClicks: 1, cost: 600_000, conversions: [V1] }),
      // c7 at 20:15, c6 at 20:45, campaign 2's impressions (18:00 UTC).
      row(['2026-10-24', 20], { impressions: 200, clicks: 2, uniqueClicks: 1, cost: 400_000 }),
      // c2 at 00:30.
      row(['2026-10-25', 0], { clicks: 1, uniqueClicks: 1, botClicks: 1, cost: 100_000 }),
      // c3 at 02:30 CEST and c4 at 02:30 CET: the hour that happens twice.
      row(['2026-10-25', 2], { clicks: 2, uniqueClicks: 1, landerClicks: 1, cost: 400_000, conversions: [V2, V3] }),
      // c5 at 00:30 CET.
      row(['2026-10-26', 0], { clicks: 1, uniqueClicks: 1, cost: 50_000, conversions: [V4] }),
    ],
  },
  {
    name: 'conversionTime=click counts a conversion on its click\'s day',
    query: { from: at('2026-10-23T22:00:00Z'), to: at('2026-10-26T23:00:00Z'), timeZone: 'Europe/Berlin', groupBy: ['date'], conversionTime: 'click' },
    rows: [
      // c1, c6, c7: cost 400k + 600k of impressions.
      row(['2026-10-24'], { impressions: 1200, clicks: 3, uniqueClicks: 2, cost: 1_000_000, conversions: [V1] }),
      // c2, c3, c4.
      row(['2026-10-25'], { clicks: 3, uniqueClicks: 2, landerClicks: 1, botClicks: 1, cost: 500_000, conversions: [V2, V3] }),
      row(['2026-10-26'], { clicks: 1, uniqueClicks: 1, cost: 50_000, conversions: [V4] }),
    ],
  },
  {
    name: 'conversionTime=postback counts it on its own day',
    query: { from: at('2026-10-23T22:00:00Z'), to: at('2026-10-26T23:00:00Z'), timeZone: 'Europe/Berlin', groupBy: ['date'], conversionTime: 'postback' },
    rows: [
      row(['2026-10-24'], { impressions: 1200, clicks: 3, uniqueClicks: 2, cost: 1_000_000 }),
      // Conversion 3 at 01:00 UTC is 02:00 CET, conversion 2 at 04:00 CET.
      row(['2026-10-25'], { clicks: 3, uniqueClicks: 2, landerClicks: 1, botClicks: 1, cost: 500_000, conversions: [V2, V3] }),
      // Conversion 1 two days after its click (10:00 CET), conversion 4 at 01:00 CET.
      row(['2026-10-26'], { clicks: 1, uniqueClicks: 1, cost: 50_000, conversions: [V1, V4] }),
    ],
  },
  {
    name: 'date and hour in Asia/Kolkata (+5:30)',
    // Kolkata 10-24 00:00 to 10-26 00:00.
    query: { from: at('2026-10-23T18:30:00Z'), to: at('2026-10-25T18:30:00Z'), timeZone: 'Asia/Kolkata', groupBy: ['date', 'hour'] },
    rows: [
      row(['2026-10-24', 15], { impressions: 1000, clicks: 1, uniqueClicks: 1, cost: 600_000, conversions: [V1] }),
      // c7 at 23:45; campaign 2's impressions of 18:00-19:00 UTC start at 23:30.
      row(['2026-10-24', 23], { impressions: 200, clicks: 1, cost: 100_000 }),
      // c6 at 00:15, though its UTC hour began on the 24th.
      row(['2026-10-25', 0], { clicks: 1, uniqueClicks: 1, cost: 300_000 }),
      row(['2026-10-25', 4], { clicks: 1, uniqueClicks: 1, botClicks: 1, cost: 100_000 }),
      row(['2026-10-25', 6], { clicks: 1, uniqueClicks: 1, landerClicks: 1, cost: 200_000, conversions: [V2, V3] }),
      row(['2026-10-25', 7], { clicks: 1, cost: 200_000 }),
    ],
  },
  {
    name: 'date and hour in Asia/Kathmandu (+5:45)',
    // Kathmandu 10-24 00:00 to 10-26 00:00.
    query: { from: at('2026-10-23T18:15:00Z'), to: at('2026-10-25T18:15:00Z'), timeZone: 'Asia/Kathmandu', groupBy: ['date', 'hour'] },
    rows: [
      // c1 at 15:45 with campaign 1's impressions (10:00 UTC is 15:45).
      row(['2026-10-24', 15], { impressions: 1000, clicks: 1, uniqueClicks: 1, cost: 600_000, conversions: [V1] }),
      // Campaign 2's impressions of 18:00 UTC start at 23:45: a row of impressions alone.
      row(['2026-10-24', 23], { impressions: 200, cost: 100_000 }),
      // c7 at 00:00 and c6 at 00:30.
      row(['2026-10-25', 0], { clicks: 2, uniqueClicks: 1, cost: 300_000 }),
      row(['2026-10-25', 4], { clicks: 1, uniqueClicks: 1, botClicks: 1, cost: 100_000 }),
      row(['2026-10-25', 6], { clicks: 1, uniqueClicks: 1, landerClicks: 1, cost: 200_000, conversions: [V2, V3] }),
      row(['2026-10-25', 7], { clicks: 1, cost: 200_000 }),
    ],
  },
  {
    name: 'day of week and hour in America/New_York across the end of daylight time (11-01, 02:00 EDT → 01:00 EST)',
    // New York 11-01 00:00 EDT to 11-02 00:00 EST; 2026-11-01 is a Sunday (7).
    query: { from: at('2026-11-01T04:00:00Z'), to: at('2026-11-02T05:00:00Z'), timeZone: 'America/New_York', groupBy: ['dayOfWeek', 'hour'] },
    rows: [
      row([7, 0], { clicks: 1, uniqueClicks: 1, cost: 100_000 }),
      // c8 at 01:30 EDT and c9 at 01:30 EST.
      row([7, 1], { clicks: 2, uniqueClicks: 1, cost: 200_000, conversions: [V5] }),
    ],
  },
  {
    name: 'a time filter: Saturdays (2026-10-24) in UTC, by campaign',
    query: { ...UTC_DAYS, groupBy: ['campaign'], filters: [{ dimension: 'dayOfWeek', op: 'in', values: ['6'] }] },
    rows: [
      // c1, c2 and the impressions of 10:00; conversion 1 by its click's day.
      row([1], { impressions: 1000, clicks: 2, uniqueClicks: 2, botClicks: 1, cost: 700_000, conversions: [V1] }),
      // c6, c7 and the impressions of 18:00.
      row([2], { impressions: 200, clicks: 2, uniqueClicks: 1, cost: 400_000 }),
    ],
  },
  {
    name: 'two weeks by campaign (a range long enough for adapters to split the work)',
    query: { from: at('2026-10-20T00:00:00Z'), to: at('2026-11-03T00:00:00Z'), groupBy: ['campaign'] },
    rows: [
      // c1..c4, c8..c10 and the blocked c11: cost 600k + 300k + 100k + 500k of impressions; conversions 1 and 5 are both plain and approved.
      row([1], { impressions: 1000, clicks: 8, uniqueClicks: 6, landerClicks: 1, botClicks: 1, blockedClicks: 1, cost: 1_500_000, conversions: [conv(null, 'approved', 5_000_000, 2), V2, V3] }),
      row([2], { impressions: 200, clicks: 3, uniqueClicks: 2, cost: 450_000, conversions: [V4] }),
    ],
  },
  {
    name: "blocked clicks: a blocked placement's clicks by sub1",
    query: { from: at('2026-10-28T00:00:00Z'), to: at('2026-10-29T00:00:00Z'), groupBy: ['sub1'] },
    // c11 alone: counted as a click (and its cost), and as blocked.
    rows: [row(['z'], { clicks: 1, uniqueClicks: 1, blockedClicks: 1, cost: 100_000 })],
  },
  {
    name: 'a range that does not start on a quarter hour',
    // From 10-24 18:20 UTC: c7 (18:15) falls out, c6 (18:45) stays; impressions of 18:00 start before it.
    query: { from: at('2026-10-24T18:20:00Z'), to: at('2026-10-27T00:00:00Z'), groupBy: ['campaign'] },
    rows: [
      row([1], { clicks: 3, uniqueClicks: 2, landerClicks: 1, botClicks: 1, cost: 500_000, conversions: [V2, V3] }),
      row([2], { clicks: 2, uniqueClicks: 2, cost: 350_000, conversions: [V4] }),
    ],
  },
  {
    name: 'a cost update after the rollup',
    // Campaign 1 on the UTC day 10-24 (c1, c2): 1.00 replaces 200k, 500k each.
    actions: [{ setClickCost: { campaignId: 1, from: at('2026-10-24T00:00:00Z'), to: at('2026-10-25T00:00:00Z') }, total: 1_000_000 }],
    query: { ...UTC_DAYS, groupBy: ['campaign'] },
    rows: [
      // 500k + 500k + 200k + 200k + 500k of impressions.
      row([1], { impressions: 1000, clicks: 4, uniqueClicks: 3, landerClicks: 1, botClicks: 1, cost: 1_900_000, conversions: [V1, V2, V3] }),
      row([2], { impressions: 200, clicks: 3, uniqueClicks: 2, cost: 450_000, conversions: [V4] }),
    ],
  },
  {
    name: 'a lander click after the rollup',
    actions: [{ landerClick: { clickId: clickId('c4'), offerId: 101, at: at('2026-10-25T01:31:00Z') } }],
    query: { ...UTC_DAYS, groupBy: ['campaign', 'offer'] },
    rows: [
      // c1 and c4 (which keeps its direct offer 100), c4's lander click now counted.
      row([1, 100], { clicks: 2, uniqueClicks: 1, landerClicks: 1, cost: 300_000, conversions: [V1] }),
      row([1, 101], { clicks: 1, uniqueClicks: 1, botClicks: 1, cost: 100_000 }),
      row([1, 102], { clicks: 1, uniqueClicks: 1, landerClicks: 1, cost: 200_000, conversions: [V2, V3] }),
      row([2, 102], { clicks: 1, uniqueClicks: 1, cost: 50_000, conversions: [V4] }),
      row([2, 101], { clicks: 2, uniqueClicks: 1, cost: 300_000 }),
    ],
  },
];
