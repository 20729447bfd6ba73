import type { Click } from '../../../src/domain/click.js';
import { clickIdLowerBound } from '../../../src/domain/click-id.js';
import type { ImpressionCount } from '../../../src/store/event-store.js';
import type { ConversionFact, ReportEntities } from '../../../src/store/report-facts.js';
import { makeClick, subs } from '../../support/click-fixture.js';

/**
 * The report fixture every EventStore adapter is given: ten clicks around two DST changes (Berlin on
 * 2026-10-25 at 01:00 UTC, New York on 2026-11-01 at 06:00 UTC) and the Kolkata midnight (18:30 UTC),
 * five conversions, two hours of impressions. Campaign 1 runs on traffic channel 10, campaign 2 on 20;
 * offers 100 and 101 belong to offer source 7, offer 102 to source 8; lander 50.
 */
const at = (iso: string) => Date.parse(iso);
// Fixed ids (time prefix + a name), so conversions and actions can name their click.
const id = (time: number, name: string) => (clickIdLowerBound(time) + name.padEnd(20, 'x')).slice(0, 29);

function click(name: string, iso: string, fields: Partial<Click>): Click {
  const createdAt = at(iso);
  return makeClick({ clickId: id(createdAt, name), createdAt, campaignId: 1, trafficChannelId: 10, ruleIndex: 0, pathIndex: 0, brand: 'Samsung', ...fields });
}

// Berlin (CEST +2 until 01:00 UTC on 10-25, then CET +1), Kolkata (+5:30) and UTC times in the comments.
export const CLICKS: Click[] = [
  // 10-24 12:00 Berlin, 15:30 Kolkata
  click('c1', '2026-10-24T10:00:00Z', { offerId: 100, country: 'US', deviceType: 'mobile', subs: subs({ 1: 'a' }), cost: 100_000 }),
  // 10-25 00:30 Berlin, 10-25 04:00 Kolkata; a bot
  click('c2', '2026-10-24T22:30:00Z', { offerId: 101, country: 'US', subs: subs({ 1: 'b' }), cost: 100_000, isBot: true }),
  // 10-25 02:30 CEST (before the change), 06:00 Kolkata; through lander 50 to offer 102, path 0:1
  click('c3', '2026-10-25T00:30:00Z', {
    landerId: 50, pathIndex: 1, landerClickedAt: at('2026-10-25T00:31:00Z'), landerClickOfferId: 102,
    country: 'DE', deviceType: 'mobile', brand: 'Apple', subs: subs({ 1: 'a' }), cost: 200_000,
  }),
  // 10-25 02:30 CET (after the change: Berlin's hour 2 happens twice), 07:00 Kolkata; not unique
  click('c4', '2026-10-25T01:30:00Z', { offerId: 100, country: 'DE', deviceType: 'mobile', subs: subs({ 1: '=cmd' }), cost: 200_000, isUnique: false }),
  // 10-26 00:30 Berlin, 10-26 05:00 Kolkata
  click('c5', '2026-10-25T23:30:00Z', {
    campaignId: 2, trafficChannelId: 20, ruleIndex: 1, offerId: 102, country: 'FR', deviceType: 'tablet', subs: subs({ 1: 'c' }), cost: 50_000,
  }),
  // 10-24 20:45 Berlin, 10-25 00:15 Kolkata (a UTC-hour bucket would put it on 10-24 23:30)
  click('c6', '2026-10-24T18:45:00Z', { campaignId: 2, trafficChannelId: 20, ruleIndex: 1, offerId: 101, country: 'IN', deviceType: 'mobile', subs: subs({ 1: 'a' }), cost: 300_000 }),
  // 10-24 20:15 Berlin, 10-24 23:45 Kolkata; not unique, no cost
  click('c7', '2026-10-24T18:15:00Z', { campaignId: 2, trafficChannelId: 20, ruleIndex: 1, offerId: 101, country: 'IN', subs: subs({ 1: 'b' }), isUnique: false }),
  // New York (EDT -4 until 06:00 UTC on 11-01, then EST -5): 01:30 EDT
  click('c8', '2026-11-01T05:30:00Z', { offerId: 100, cost: 100_000 }),
  // 01:30 EST: New York's hour 1 happens twice; not unique
  click('c9', '2026-11-01T06:30:00Z', { offerId: 100, cost: 100_000, isUnique: false }),
  // 00:30 EDT
  click('c10', '2026-11-01T04:30:00Z', { offerId: 100, cost: 100_000 }),
  // 10-28: placement sub1=z was blocked: sent to the fallback, no offer, still paid for
  click('c11', '2026-10-28T10:00:00Z', { outcome: 'blocked', country: 'US', subs: subs({ 1: 'z' }), cost: 100_000 }),
];

export const clickId = (name: string) => CLICKS.find((c) => c.clickId.slice(9).startsWith(name.padEnd(20, 'x')))!.clickId;

function conversion(idNumber: number, clickName: string, fields: Partial<ConversionFact> & Pick<ConversionFact, 'convertedAt' | 'status' | 'payout'>): ConversionFact {
  const c = CLICKS.find((k) => k.clickId === clickId(clickName))!;
  const offerId = c.offerId ?? c.landerClickOfferId;
  return {
    id: idNumber,
    clickId: c.clickId,
    clickAt: c.createdAt,
    updatedAt: fields.convertedAt,
    type: null,
    campaignId: c.campaignId,
    trafficChannelId: c.trafficChannelId,
    offerSourceId: offerId === 102 ? 8 : 7,
    offerId,
    landerId: c.landerId,
    ruleIndex: c.ruleIndex,
    pathIndex: c.pathIndex,
    refId: c.refId,
    subs: c.subs,
    country: c.country,
    region: c.region,
    city: c.city,
    isp: c.isp,
    deviceType: c.deviceType,
    os: c.os,
    browser: c.browser,
    ...fields,
  };
}

export const CONVERSIONS: ConversionFact[] = [
  // Two days after its click: 10-26 10:00 Berlin.
  conversion(1, 'c1', { convertedAt: at('2026-10-26T09:00:00Z'), status: 'approved', payout: 2_000_000 }),
  // 10-25 04:00 CET.
  conversion(2, 'c3', { convertedAt: at('2026-10-25T03:00:00Z'), type: 'Purchase', status: 'approved', payout: 5_000_000 }),
  // 10-25 02:00 CET, the first instant after the change.
  conversion(3, 'c3', { convertedAt: at('2026-10-25T01:00:00Z'), type: 'Lead', status: 'pending', payout: 0 }),
  // 10-26 01:00 CET.
  conversion(4, 'c5', { convertedAt: at('2026-10-26T00:00:00Z'), status: 'declined', payout: 1_000_000 }),
  conversion(5, 'c8', { convertedAt: at('2026-11-01T07:00:00Z'), status: 'approved', payout: 3_000_000 }),
];

export const IMPRESSIONS: ImpressionCount[] = [
  // 12:00 Berlin, 15:30 Kolkata.
  { campaignId: 1, hour: at('2026-10-24T10:00:00Z'), count: 1000, cost: 500_000 },
  // 20:00 Berlin; 23:30 Kolkata (an hour of impressions counts where its start falls).
  { campaignId: 2, hour: at('2026-10-24T18:00:00Z'), count: 200, cost: 100_000 },
];

export const ENTITIES: ReportEntities = {
  offers: [
    { id: 100, offerSourceId: 7 },
    { id: 101, offerSourceId: 7 },
    { id: 102, offerSourceId: 8 },
  ],
  campaigns: [
    { id: 1, trafficChannelId: 10 },
    { id: 2, trafficChannelId: 20 },
  ],
};

/** After every click: retention of everything deletes all raw clicks. */
export const AFTER_ALL_CLICKS = at('2026-11-03T00:00:00Z');
