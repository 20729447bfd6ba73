import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeClick, subs } from '../support/click-fixture.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { conversionSetup } from '../conversions/conversion-setup.js';

let server: TestServer;
let campaignId: number;
let otherCampaignId: number;
before(async () => {
  server = await startTestServer({ detector: 'null' });
  campaignId = (await conversionSetup(server)).campaign.id;
  otherCampaignId = (await conversionSetup(server)).campaign.id;
});
after(() => server.close());

const at = (iso: string) => Date.parse(iso);
const costOf = async (clickId: string) => (await server.events.findClick(clickId))!.cost;
const postCost = (body: object) => server.api('POST', '/api/v1/costs', body);

describe('POST /api/v1/costs in a non-UTC time zone', () => {
  test('the local day of America/New_York is cost-updated exactly, clicks just outside its borders untouched', async () => {
    // 2026-11-20 in New York (EST, UTC-5) runs from 05:00Z to 05:00Z the next day.
    const before = makeClick({ campaignId, createdAt: at('2026-11-20T04:59:59.999Z'), cost: 50_000 });
    const first = makeClick({ campaignId, createdAt: at('2026-11-20T05:00:00.000Z'), cost: 50_000 });
    const middle = makeClick({ campaignId, createdAt: at('2026-11-20T17:00:00.000Z'), cost: 50_000, subs: subs({ 1: 'zone7' }) });
    const last = makeClick({ campaignId, createdAt: at('2026-11-21T04:59:59.999Z'), cost: 50_000 });
    const afterDay = makeClick({ campaignId, createdAt: at('2026-11-21T05:00:00.000Z'), cost: 50_000 });
    const otherCampaign = makeClick({ campaignId: otherCampaignId, createdAt: at('2026-11-20T12:00:00.000Z'), cost: 50_000 });
    await server.events.write({ clicks: [before, first, middle, last, afterDay, otherCampaign], impressions: [] });

    const response = await postCost({ campaignId, from: '2026-11-20T00:00', to: '2026-11-21T00:00', timeZone: 'America/New_York', cost: '10' });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.deepEqual(response.body, {
      campaignId,
      timeZone: 'America/New_York',
      from: '2026-11-20T05:00:00.000Z',
      to: '2026-11-21T05:00:00.000Z',
      sub: null,
      clicks: 3,
      previousCost: 0.15,
      appliedCost: 10,
      rejectedCost: 0,
      note: response.body.note,
    });
    // 10 / 3 in micro-units: the remainder goes to the earliest click, and the three add up to 10 exactly.
    assert.deepEqual([await costOf(first.clickId), await costOf(middle.clickId), await costOf(last.clickId)], [3_333_334, 3_333_333, 3_333_333]);
    assert.equal(await costOf(before.clickId), 50_000, 'the last millisecond of the previous local day is untouched');
    assert.equal(await costOf(afterDay.clickId), 50_000, 'the first millisecond of the next local day is untouched');
    assert.equal(await costOf(otherCampaign.clickId), 50_000, 'another campaign is untouched');

    // A second upload for the same day replaces the cost, it does not add to it.
    const again = await postCost({ campaignId, from: '2026-11-20T00:00', to: '2026-11-21T00:00', timeZone: 'America/New_York', cost: 4.5 });
    assert.equal(again.body.previousCost, 10);
    assert.equal((await costOf(first.clickId)) + (await costOf(middle.clickId)) + (await costOf(last.clickId)), 4_500_000);
  });

  test('one sub value (a placement) takes the whole cost; the others keep theirs', async () => {
    const zone7 = makeClick({ campaignId, createdAt: at('2026-10-10T14:00:00Z'), cost: 1, subs: subs({ 3: 'zone7' }) });
    const zone8 = makeClick({ campaignId, createdAt: at('2026-10-10T15:00:00Z'), cost: 1, subs: subs({ 3: 'zone8' }) });
    await server.events.write({ clicks: [zone7, zone8], impressions: [] });
    const response = await postCost({ campaignId, from: '2026-10-10', to: '2026-10-11', timeZone: 'Europe/Berlin', cost: '1.234567', sub: { name: 'sub3', value: 'zone7' } });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(response.body.clicks, 1);
    assert.deepEqual(response.body.sub, { name: 'sub3', value: 'zone7' });
    assert.equal(await costOf(zone7.clickId), 1_234_567);
    assert.equal(await costOf(zone8.clickId), 1);
  });

  test('the day clocks go back is 25 hours long, and its last hour belongs to it', async () => {
    // 2026-11-01 in New York: 04:00Z (EDT midnight) to 05:00Z on 11-02 (EST midnight).
    const lastHour = makeClick({ campaignId, createdAt: at('2026-11-02T04:30:00Z') });
    const firstMinute = makeClick({ campaignId, createdAt: at('2026-11-01T04:00:00Z') });
    const previousDay = makeClick({ campaignId, createdAt: at('2026-11-01T03:59:59.999Z') });
    await server.events.write({ clicks: [lastHour, firstMinute, previousDay], impressions: [] });
    const response = await postCost({ campaignId, from: '2026-11-01T00:00', to: '2026-11-02T00:00', timeZone: 'America/New_York', cost: '2' });
    assert.equal(response.body.from, '2026-11-01T04:00:00.000Z');
    assert.equal(response.body.to, '2026-11-02T05:00:00.000Z');
    assert.equal(response.body.clicks, 2);
    assert.equal(await costOf(lastHour.clickId), 1_000_000);
    assert.equal(await costOf(previousDay.clickId), 0);
  });

  test("full ISO instants are taken as they are; without timeZone the campaign's zone is used", async () => {
    const click = makeClick({ campaignId, createdAt: at('2026-09-01T10:00:00Z') });
    await server.events.write({ clicks: [click], impressions: [] });
    const instants = await postCost({ campaignId, from: '2026-09-01T09:59:00Z', to: '2026-09-01T06:01:00-04:00', timeZone: 'Asia/Tokyo', cost: 3 });
    assert.equal(instants.body.clicks, 1);
    assert.equal(await costOf(click.clickId), 3_000_000);
    const campaign = (await server.api('GET', `/api/v1/campaigns/${campaignId}`)).body;
    const defaultZone = await postCost({ campaignId, from: '2026-09-01', to: '2026-09-02', cost: 1 });
    assert.equal(defaultZone.body.timeZone, campaign.timeZone);
  });

  test('no matching clicks: 200, nothing changed, the cost reported as not applied', async () => {
    const response = await postCost({ campaignId, from: '2030-01-01T00:00', to: '2030-01-02T00:00', timeZone: 'America/New_York', cost: '12.34' });
    assert.equal(response.status, 200);
    assert.equal(response.body.clicks, 0);
    assert.equal(response.body.appliedCost, 0);
    assert.equal(response.body.rejectedCost, 12.34);
    assert.match(response.body.note, /no clicks .*nothing changed/);
  });

  test('bad input is answered 400 naming the field', async () => {
    const valid = { campaignId, from: '2026-11-20T00:00', to: '2026-11-21T00:00', timeZone: 'America/New_York', cost: '1' };
    const cases: [object, string, RegExp?][] = [
      [{ ...valid, campaignId: 999_999 }, 'campaignId', /campaign 999999 does not exist/],
      [{ ...valid, from: '2026-11-21T00:00', to: '2026-11-20T00:00' }, 'to', /must be after from/],
      [{ ...valid, to: valid.from }, 'to'],
      [{ ...valid, timeZone: 'America/Gotham' }, 'timeZone', /IANA time zone/],
      [{ ...valid, from: '20/11/2026' }, 'from'],
      [{ ...valid, to: '2026-02-30' }, 'to'],
      [{ ...valid, cost: '-1' }, 'cost', /negative/],
      [{ ...valid, cost: '1.1234567' }, 'cost'],
      [{ ...valid, sub: { name: 'sub21', value: 'x' } }, 'sub.name'],
      [{ ...valid, extra: true }, 'extra'],
    ];
    for (const [body, field, message] of cases) {
      const response = await postCost(body);
      assert.equal(response.status, 400, `${JSON.stringify(body)} → ${JSON.stringify(response.body)}`);
      assert.equal(response.body.error.field, field, JSON.stringify(response.body));
      if (message) assert.match(response.body.error.message, message);
    }
  });
});
