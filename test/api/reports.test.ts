import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Click } from '../../src/domain/click.js';
import { makeClick, subs } from '../support/click-fixture.js';
import { recordConversion } from '../support/conversions.js';
import { createVia } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/**
 * One fixture, every expected number worked out by hand below. The report range is March 7th to 9th
 * 2026 in New York, which springs forward on March 8th (02:00 EST → 03:00 EDT):
 *   from = 2026-03-07 00:00 EST = 2026-03-07T05:00Z,  to = 2026-03-10 00:00 EDT = 2026-03-10T04:00Z.
 *
 * Clicks (cost in $; u = unique, L = lander click, bot = bot):
 *   k1 Alpha  Offer A  US  sub1 zone1    03-07T15:00Z (03-07 10:00 EST)  0.10  u L
 *   k2 Alpha  Offer A  US  sub1 zone1    03-07T16:00Z (03-07 11:00 EST)  0.10    L
 *   k3 Alpha  Offer B  DE  sub1 =HYPER…  03-08T04:30Z (03-07 23:30 EST)  0.10  u    bot
 *   k4 Alpha  Offer A  US  sub1 zone2    03-09T04:30Z (03-09 00:30 EDT)  0.20  u L      ← 03-08 with a fixed -5 h
 *   k5 Beta   Offer B  DE  sub1 zone1    03-08T12:00Z (03-08 08:00 EDT)  0.05  u
 *   k6 Beta   Offer B  DE                03-08T13:00Z (03-08 09:00 EDT)  0.05
 *   k9 Adcash Offer A  US                03-08T15:10Z (03-08 11:10 EDT)  0     u
 *   k7 Alpha  Offer A  US                03-07T04:30Z (03-06 23:30 EST)  0.10  u      ← before the range
 *   k8 Alpha  Offer A  US                03-10T04:30Z (03-10 00:30 EDT)  0.10  u      ← after it (inside with a fixed -5 h)
 *   Adcash display (a CPM campaign; its name sorts first, its id last): 2 000 impressions in the hour 03-08T15:00Z, cost 1.00.
 *
 * Conversions (type, status, payout, converted at):
 *   c1 k1 plain     approved  10.00  03-07T15:30Z
 *   c2 k1 Lead      approved   2.00  03-07T15:05Z
 *   c3 k2 Purchase  pending   30.00  03-07T17:00Z
 *   c4 k4 plain     declined  10.00  03-09T05:00Z   (declined: only in `declined`)
 *   c5 k5 Purchase  other     25.00  03-08T14:00Z
 *   c6 k4 Purchase  approved  40.00  03-10T06:00Z   (click in the range, conversion after it)
 *   c7 k7 plain     approved   5.00  03-07T06:00Z   (conversion in the range, click before it)
 * conversionTime=click counts c1-c6; conversionTime=postback counts c1-c5 and c7.
 */

const at = (text: string) => Date.parse(text);
const RANGE = 'from=2026-03-07&to=2026-03-10&tz=America/New_York';
const FORMULA = '=HYPERLINK("http://evil.example","x")';

let server: TestServer;
let alpha: any;
let beta: any;
let gamma: any;
let offerA: any;
let offerB: any;
let source: any;
let lander: any;

before(async () => {
  server = await startTestServer({ detector: 'null' });
  const channel = await createVia(server, 'traffic-channels', { name: 'Zeropark', parameters: [{ key: 'sub1', macro: '{zone}' }] });
  source = await createVia(server, 'offer-sources', { name: 'Network', defaultStatus: 'approved' });
  offerA = await createVia(server, 'offers', { name: 'Offer A', offerSourceId: source.id, url: 'https://a.example/?cid={clickid}' });
  offerB = await createVia(server, 'offers', { name: 'Offer B', offerSourceId: source.id, url: 'https://b.example/?cid={clickid}' });
  lander = await createVia(server, 'landers', { name: 'Quiz lander', url: 'https://lp.example/?cid={clickid}', offerCount: 2 });
  await createVia(server, 'conversion-types', { name: 'Purchase' });
  await createVia(server, 'conversion-types', { name: 'Lead' });
  const funnel = { paths: [{ offers: [{ offerId: offerA.id }] }] };
  alpha = await createVia(server, 'campaigns', { name: 'Alpha', trafficChannelId: channel.id, funnel });
  beta = await createVia(server, 'campaigns', { name: 'Beta', trafficChannelId: channel.id, funnel });
  gamma = await createVia(server, 'campaigns', { name: 'Adcash display', trafficChannelId: channel.id, costModel: 'cpm', costValue: 0.5, funnel });

  const click = (campaign: any, offer: any, createdAt: string, fields: Partial<Click>) =>
    makeClick({ campaignId: campaign.id, trafficChannelId: channel.id, offerId: offer.id, createdAt: at(createdAt), ...fields });
  const k1 = click(alpha, offerA, '2026-03-07T15:00:00Z', { landerId: lander.id, country: 'US', subs: subs({ 1: 'zone1' }), cost: 100_000 });
  const k2 = click(alpha, offerA, '2026-03-07T16:00:00Z', { landerId: lander.id, country: 'US', subs: subs({ 1: 'zone1' }), cost: 100_000, isUnique: false });
  const k3 = click(alpha, offerB, '2026-03-08T04:30:00Z', { landerId: lander.id, country: 'DE', subs: subs({ 1: FORMULA }), cost: 100_000, isBot: true });
  const k4 = click(alpha, offerA, '2026-03-09T04:30:00Z', { landerId: lander.id, country: 'US', subs: subs({ 1: 'zone2' }), cost: 200_000 });
  const k5 = click(beta, offerB, '2026-03-08T12:00:00Z', { country: 'DE', subs: subs({ 1: 'zone1' }), cost: 50_000 });
  const k6 = click(beta, offerB, '2026-03-08T13:00:00Z', { country: 'DE', cost: 50_000, isUnique: false });
  const k9 = click(gamma, offerA, '2026-03-08T15:10:00Z', { country: 'US', cost: 0 });
  const k7 = click(alpha, offerA, '2026-03-07T04:30:00Z', { country: 'US', cost: 100_000 });
  const k8 = click(alpha, offerA, '2026-03-10T04:30:00Z', { country: 'US', cost: 100_000 });
  await server.events.write({
    clicks: [k1, k2, k3, k4, k5, k6, k9, k7, k8],
    impressions: [{ campaignId: gamma.id, hour: at('2026-03-08T15:00:00Z'), count: 2_000, cost: 1_000_000 }],
  });
  for (const k of [k1, k2, k4]) assert.ok(await server.events.recordLanderClick(k.clickId, offerA.id, k.createdAt + 5_000));

  const conversion = (k: Click, type: string | null, status: 'approved' | 'pending' | 'declined' | 'other', payout: number, convertedAt: string) =>
    recordConversion(server.store, {
      clickId: k.clickId,
      clickAt: k.createdAt,
      convertedAt: at(convertedAt),
      type,
      status,
      payout,
      originalPayout: payout,
      campaignId: k.campaignId,
      trafficChannelId: k.trafficChannelId,
      offerSourceId: source.id,
      offerId: k.offerId,
      landerId: k.landerId,
      subs: k.subs,
      country: k.country,
      deviceType: k.deviceType,
      os: k.os,
      browser: k.browser,
      refId: k.refId,
    });
  await conversion(k1, null, 'approved', 10_000_000, '2026-03-07T15:30:00Z');
  await conversion(k1, 'Lead', 'approved', 2_000_000, '2026-03-07T15:05:00Z');
  await conversion(k2, 'Purchase', 'pending', 30_000_000, '2026-03-07T17:00:00Z');
  await conversion(k4, null, 'declined', 10_000_000, '2026-03-09T05:00:00Z');
  await conversion(k5, 'Purchase', 'other', 25_000_000, '2026-03-08T14:00:00Z');
  await conversion(k4, 'Purchase', 'approved', 40_000_000, '2026-03-10T06:00:00Z');
  await conversion(k7, null, 'approved', 5_000_000, '2026-03-07T06:00:00Z');
});
after(async () => {
  await server.close();
});

async function report(query: string): Promise<any> {
  const response = await server.api('GET', `/api/v1/reports?${query}`);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body;
}

describe('GET /api/v1/reports', () => {
  test('totals carry every metric, computed from the range read in the zone', async () => {
    const body = await report(RANGE);
    assert.equal(body.from, '2026-03-07T05:00:00.000Z'); // midnight EST
    assert.equal(body.to, '2026-03-10T04:00:00.000Z'); // midnight EDT: the range is 71 hours long
    assert.deepEqual(body.conversionTypes, ['Lead', 'Purchase']);
    assert.equal(body.currency, 'USD');
    // No groupBy: one row, equal to the totals.
    assert.equal(body.rowCount, 1);
    assert.deepEqual(body.rows[0], body.totals);
    assert.deepEqual(body.totals, {
      impressions: 2_000,
      clicks: 7, // k1 k2 k3 k4 k5 k6 k9
      uniqueClicks: 5, // k1 k3 k4 k5 k9
      landerClicks: 3, // k1 k2 k4
      ctr: 42.8571, // 3 / 7 = 42.857142… %
      conversions: 5, // c1 c2 c3 c5 c6 (c4 declined)
      approved: 3, // c1 c2 c6
      pending: 1, // c3
      declined: 1, // c4
      other: 1, // c5
      conversionsByType: { Lead: 1, Purchase: 3 }, // c2; c3 c5 c6
      revenue: 107, // 10 + 2 + 30 + 25 + 40
      revenueByType: { Lead: 2, Purchase: 95 }, // 30 + 25 + 40
      cost: 1.6, // clicks 0.10 + 0.10 + 0.10 + 0.20 + 0.05 + 0.05 + 0, impressions 1.00
      profit: 105.4, // 107 - 1.60
      roi: 6587.5, // 105.40 / 1.60 = 65.875
      cr: 71.4286, // 5 / 7
      epc: 15.285714, // 107 / 7 = 15.2857142…
      cpa: 0.32, // 1.60 / 5
      cpc: 0.228571, // 1.60 / 7 = 0.2285714…
      botClicks: 1, // k3
      blockedClicks: 0,
    });
  });

  test('by campaign, with names; a campaign without conversions has a null CPA and a negative ROI', async () => {
    const body = await report(`${RANGE}&groupBy=campaign`);
    // Entities sort by name, not id.
    assert.deepEqual(
      body.rows.map((row: any) => [row.campaignId, row.campaignName]),
      [
        [gamma.id, 'Adcash display'],
        [alpha.id, 'Alpha'],
        [beta.id, 'Beta'],
      ],
    );
    const [g, a, b] = body.rows;
    assert.deepEqual(a, {
      campaignId: alpha.id,
      campaignName: 'Alpha',
      impressions: 0,
      clicks: 4, // k1 k2 k3 k4
      uniqueClicks: 3, // k1 k3 k4
      landerClicks: 3,
      ctr: 75, // 3 / 4
      conversions: 4, // c1 c2 c3 c6
      approved: 3,
      pending: 1,
      declined: 1,
      other: 0,
      conversionsByType: { Lead: 1, Purchase: 2 },
      revenue: 82, // 10 + 2 + 30 + 40
      revenueByType: { Lead: 2, Purchase: 70 },
      cost: 0.5, // 0.10 + 0.10 + 0.10 + 0.20
      profit: 81.5,
      roi: 16300, // 81.50 / 0.50 = 163
      cr: 100, // 4 / 4
      epc: 20.5, // 82 / 4
      cpa: 0.125, // 0.50 / 4
      cpc: 0.125, // 0.50 / 4
      botClicks: 1,
      blockedClicks: 0,
    });
    assert.deepEqual(
      [b.clicks, b.uniqueClicks, b.landerClicks, b.ctr, b.conversions, b.other, b.revenue, b.cost, b.profit, b.roi, b.cr, b.epc, b.cpa, b.cpc],
      // 2 clicks, 1 unique, c5 (other) 25.00, cost 0.10: profit 24.90, ROI 249, CR 1/2, EPC 12.50, CPA 0.10, CPC 0.05
      [2, 1, 0, 0, 1, 1, 25, 0.1, 24.9, 24900, 50, 12.5, 0.1, 0.05],
    );
    assert.deepEqual(
      [g.impressions, g.clicks, g.conversions, g.revenue, g.cost, g.profit, g.roi, g.cr, g.epc, g.cpa, g.cpc],
      // 2 000 impressions cost 1.00, one free click, nothing earned: ROI -1 / 1
      [2_000, 1, 0, 0, 1, -1, -100, 0, 0, null, 1],
    );
    assert.equal(body.totals.clicks, 7);
  });

  test('conversionTime=postback counts a conversion at its own time', async () => {
    const body = await report(`${RANGE}&groupBy=campaign&conversionTime=postback&metrics=clicks,conversions,approved,declined,revenue,revenueByType`);
    assert.equal(body.conversionTime, 'postback');
    const alphaRow = body.rows.find((row: any) => row.campaignId === alpha.id);
    // c6 (converted after the range) leaves, c7 (click before the range) comes in; clicks stay as they were.
    assert.deepEqual(alphaRow, {
      campaignId: alpha.id,
      campaignName: 'Alpha',
      clicks: 4,
      conversions: 4, // c1 c2 c3 c7
      approved: 3, // c1 c2 c7
      declined: 1, // c4
      revenue: 47, // 10 + 2 + 30 + 5
      revenueByType: { Lead: 2, Purchase: 30 },
    });
    assert.deepEqual(body.totals, { clicks: 7, conversions: 5, approved: 3, declined: 1, revenue: 72, revenueByType: { Lead: 2, Purchase: 55 } });
  });

  test('days follow the zone across the change to daylight saving time, both ways of counting conversions', async () => {
    const byClick = await report(`${RANGE}&groupBy=date&metrics=impressions,clicks,cost,conversions,declined,revenue,botClicks`);
    assert.deepEqual(byClick.rows, [
      // k1 10:00, k2 11:00, k3 23:30 EST (03-08 in UTC); c1 c2 c3
      { date: '2026-03-07', impressions: 0, clicks: 3, cost: 0.3, conversions: 3, declined: 0, revenue: 42, botClicks: 1 },
      // k5 k6 k9, Gamma's impressions at 11:00 EDT; c5
      { date: '2026-03-08', impressions: 2_000, clicks: 3, cost: 1.1, conversions: 1, declined: 0, revenue: 25, botClicks: 0 },
      // k4 at 00:30 EDT; c6 counted, c4 declined
      { date: '2026-03-09', impressions: 0, clicks: 1, cost: 0.2, conversions: 1, declined: 1, revenue: 40, botClicks: 0 },
    ]);
    // Alpha's clicks by day of week (1 Monday - 7 Sunday) and hour, local time; k4 is Monday 00:30 EDT (Sunday 23:30 at -5 h).
    const byHour = await report(`${RANGE}&groupBy=dayOfWeek,hour&filter=campaign:${alpha.id}&metrics=clicks`);
    assert.deepEqual(byHour.rows, [
      { dayOfWeek: 1, hour: 0, clicks: 1 }, // k4
      { dayOfWeek: 6, hour: 10, clicks: 1 }, // k1
      { dayOfWeek: 6, hour: 11, clicks: 1 }, // k2
      { dayOfWeek: 6, hour: 23, clicks: 1 }, // k3
    ]);
    const byPostback = await report(`${RANGE}&groupBy=date&conversionTime=postback&metrics=conversions,declined,revenue`);
    assert.deepEqual(byPostback.rows, [
      { date: '2026-03-07', conversions: 4, declined: 0, revenue: 47 }, // c7 01:00 EST, c2 c1 c3
      { date: '2026-03-08', conversions: 1, declined: 0, revenue: 25 }, // c5 10:00 EDT
      { date: '2026-03-09', conversions: 0, declined: 1, revenue: 0 }, // c4 01:00 EDT
    ]);
  });

  test('three nested groupings, filtered to two campaigns, sorted and paged; totals cover every row', async () => {
    const query = `${RANGE}&groupBy=campaign,offer,country&filter=campaign:${alpha.id},${beta.id}&metrics=clicks,uniqueClicks,cost,conversions,revenue`;
    const body = await report(query);
    assert.deepEqual(body.groupBy, ['campaign', 'offer', 'country']);
    assert.deepEqual(body.rows, [
      // k1 k2 k4: c1 c2 c3 c6 (c4 declined)
      { campaignId: alpha.id, campaignName: 'Alpha', offerId: offerA.id, offerName: 'Offer A', country: 'US', clicks: 3, uniqueClicks: 2, cost: 0.4, conversions: 4, revenue: 82 },
      // k3
      { campaignId: alpha.id, campaignName: 'Alpha', offerId: offerB.id, offerName: 'Offer B', country: 'DE', clicks: 1, uniqueClicks: 1, cost: 0.1, conversions: 0, revenue: 0 },
      // k5 k6: c5
      { campaignId: beta.id, campaignName: 'Beta', offerId: offerB.id, offerName: 'Offer B', country: 'DE', clicks: 2, uniqueClicks: 1, cost: 0.1, conversions: 1, revenue: 25 },
    ]);
    assert.deepEqual(body.totals, { clicks: 6, uniqueClicks: 4, cost: 0.6, conversions: 5, revenue: 107 });

    const paged = await report(`${query}&sort=-revenue&limit=1&offset=1`);
    assert.equal(paged.rowCount, 3);
    assert.deepEqual(
      paged.rows.map((row: any) => [row.campaignName, row.offerName, row.revenue]),
      [['Beta', 'Offer B', 25]], // revenue 82, 25, 0: the second
    );
    assert.deepEqual(paged.totals, body.totals);

    const excluded = await report(`${RANGE}&groupBy=campaign&filter=campaign!:${alpha.id}&filter=country:DE&metrics=clicks`);
    assert.deepEqual(excluded.rows, [{ campaignId: beta.id, campaignName: 'Beta', clicks: 2 }]);
  });

  test("drill-down into one campaign's sub1 values, sorted by a conversion type's column", async () => {
    const body = await report(`${RANGE}&groupBy=sub1&filter=campaign:${alpha.id}&sort=-conversions:Purchase,sub1&metrics=clicks,conversionsByType`);
    assert.deepEqual(body.rows, [
      { sub1: 'zone1', clicks: 2, conversionsByType: { Lead: 1, Purchase: 1 } }, // k1 k2: c2, c3
      { sub1: 'zone2', clicks: 1, conversionsByType: { Lead: 0, Purchase: 1 } }, // k4: c6
      { sub1: FORMULA, clicks: 1, conversionsByType: { Lead: 0, Purchase: 0 } }, // k3
    ]);
  });

  test('conversion status and type are dimensions too: the clicks make a row of their own', async () => {
    const byStatus = await report(`${RANGE}&groupBy=conversionStatus&metrics=clicks,conversions,approved,declined,revenue`);
    assert.deepEqual(byStatus.rows, [
      { conversionStatus: 'approved', clicks: 0, conversions: 3, approved: 3, declined: 0, revenue: 52 }, // c1 10 + c2 2 + c6 40
      { conversionStatus: 'declined', clicks: 0, conversions: 0, approved: 0, declined: 1, revenue: 0 }, // c4
      { conversionStatus: 'other', clicks: 0, conversions: 1, approved: 0, declined: 0, revenue: 25 }, // c5
      { conversionStatus: 'pending', clicks: 0, conversions: 1, approved: 0, declined: 0, revenue: 30 }, // c3
      { conversionStatus: null, clicks: 7, conversions: 0, approved: 0, declined: 0, revenue: 0 },
    ]);
    const byType = await report(`${RANGE}&groupBy=conversionType&filter=conversionStatus!:pending&metrics=conversions,declined,revenue`);
    assert.deepEqual(byType.rows, [
      { conversionType: '', conversions: 1, declined: 1, revenue: 10 }, // the plain conversion: c1, c4 declined
      { conversionType: 'Lead', conversions: 1, declined: 0, revenue: 2 }, // c2
      { conversionType: 'Purchase', conversions: 2, declined: 0, revenue: 65 }, // c5 25 + c6 40 (c3 pending filtered out)
      { conversionType: null, conversions: 0, declined: 0, revenue: 0 },
    ]);
  });

  test('CSV is a file with a column per conversion type, formula-looking values escaped', async () => {
    const response = await fetch(
      `${server.url}/api/v1/reports?${RANGE}&groupBy=sub1&filter=campaign:${alpha.id}&metrics=clicks,conversions,revenue,profit,conversionsByType,revenueByType&format=csv`,
      { headers: { authorization: `Bearer ${server.adminKey}` } },
    );
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/csv/);
    assert.match(response.headers.get('content-disposition') ?? '', /attachment; filename="waypost-report-2026-03-07-2026-03-10\.csv"/);
    assert.equal(
      await response.text(),
      [
        'sub1,clicks,conversions,revenue,profit,Lead,Purchase,Lead revenue,Purchase revenue',
        // k3: the quote makes the spreadsheet show the text instead of running it; a loss stays a number
        `"'=HYPERLINK(""http://evil.example"",""x"")",1,0,0,-0.1,0,0,0,0`,
        'zone1,2,3,42,41.8,1,1,2,30', // k1 k2: c1 10 + c2 2 (Lead) + c3 30 (Purchase); cost 0.20
        'zone2,1,1,40,39.8,0,1,0,40', // k4: c6 40 (Purchase), c4 declined; cost 0.20
        '',
      ].join('\r\n'),
    );
  });

  test('the OpenAPI document describes the report', async () => {
    const { body } = await server.api('GET', '/api/v1/openapi.json');
    const parameters = body.paths['/api/v1/reports'].get.parameters.map((parameter: any) => parameter.name);
    for (const name of ['from', 'to', 'tz', 'groupBy', 'filter', 'sort', 'limit', 'offset', 'metrics', 'conversionTime', 'format']) assert.ok(parameters.includes(name), name);
  });

  test('bad parameters are answered 400 naming the parameter', async () => {
    const cases: [string, string][] = [
      [`${RANGE}&groupBy=planet`, 'groupBy'],
      [`${RANGE}&groupBy=campaign,offer,country,sub1`, 'groupBy'],
      ['from=2026-03-10&to=2026-03-07&tz=UTC', 'to'],
      ['from=2026-03-07&to=2026-03-07', 'to'],
      ['from=2026-02-30&to=2026-03-07', 'from'],
      ['from=2026-03-07&to=2026-03-10&tz=Mars/Olympus_Mons', 'tz'],
      [`${RANGE}&metrics=clicks,clickz`, 'metrics'],
      [`${RANGE}&filter=planet:x`, 'filter'],
      [`${RANGE}&filter=campaign:Alpha`, 'filter'],
      [`${RANGE}&sort=-bogus`, 'sort'],
      [`${RANGE}&groupBy=campaign&sort=country`, 'sort'],
      [`${RANGE}&conversionTime=later`, 'conversionTime'],
      [`${RANGE}&format=xlsx`, 'format'],
      ['to=2026-03-10', 'from'],
    ];
    for (const [query, field] of cases) {
      const response = await server.api('GET', `/api/v1/reports?${query}`);
      assert.equal(response.status, 400, query);
      assert.equal(response.body.error.field, field, `${query}: ${JSON.stringify(response.body)}`);
      assert.match(response.body.error.message, new RegExp(`^${field}: `), query);
    }
  });
});
