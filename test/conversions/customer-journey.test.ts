import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createVia } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { conversionSetup, refreshConfiguration } from './conversion-setup.js';

const START = Date.parse('2026-06-10T12:00:00Z');
let clock = START;
let server: TestServer;
let setup: Awaited<ReturnType<typeof conversionSetup>>;
before(async () => {
  server = await startTestServer({ detector: 'null', now: () => clock });
  await createVia(server, 'conversion-types', { name: 'Lead', showInJourney: true });
  await createVia(server, 'conversion-types', { name: 'Purchase', showInJourney: true });
  await createVia(server, 'conversion-types', { name: 'Upsell', showInJourney: false });
  await refreshConfiguration(server);
  setup = await conversionSetup(server);
});
after(() => server.close());

/** A click at `clock`, then its conversions at the given seconds after it. */
async function journey(steps: [string, number][]): Promise<string> {
  const clickAt = clock;
  const { clickId } = await setup.click();
  for (const [type, seconds] of steps) {
    clock = clickAt + seconds * 1000;
    const response = await server.api('POST', '/api/v1/conversions', { conversions: [{ clickId, type }] });
    assert.equal(response.body.totals.created, 1, JSON.stringify(response.body));
  }
  clock = clickAt + 3_600_000;
  return clickId;
}

describe('customer journey', () => {
  test("a click's journey: the click, then its conversions of journey types in time order, with the time since the click", async () => {
    const clickId = await journey([
      ['Lead', 30],
      ['Upsell', 40],
      ['Purchase', 90],
      ['Lead', 120],
    ]);
    const response = await server.api('GET', `/api/v1/clicks/${clickId}/journey`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(response.body.click.clickId, clickId);
    assert.equal(response.body.click.createdAt, new Date(START).toISOString());
    assert.equal(response.body.click.campaignId, setup.campaign.id);
    assert.deepEqual(response.body.journeyTypes, ['Lead', 'Purchase']);
    assert.deepEqual(
      response.body.steps.map((s: any) => [s.type, s.secondsSinceClick]),
      [
        ['Lead', 30],
        ['Purchase', 90],
        ['Lead', 120],
      ],
      'Upsell is not marked for the journey',
    );
    assert.equal(response.body.steps[0].at, new Date(START + 30_000).toISOString());
    assert.equal(response.body.steps[0].payout, 10);
  });

  test('an unknown click is 404 naming the click id', async () => {
    for (const id of ['nope', '0'.repeat(29)]) {
      const response = await server.api('GET', `/api/v1/clicks/${id}/journey`);
      assert.equal(response.status, 404);
      assert.equal(response.body.error.field, 'clickId');
    }
  });

  test('the journey report: clicks per type, orders of types, median seconds between steps', async () => {
    clock = Date.parse('2026-07-01T10:00:00Z');
    await journey([['Lead', 10], ['Purchase', 70]]);
    await journey([['Lead', 30], ['Purchase', 50]]);
    await journey([['Lead', 20], ['Lead', 25]]);
    await journey([['Purchase', 5]]);
    await journey([['Upsell', 5]]);
    await journey([]);
    clock = Date.parse('2026-07-02T10:00:00Z');
    await journey([['Lead', 1]]); // the next day: outside the range

    const response = await server.api('GET', `/api/v1/journeys?from=2026-07-01T00:00&to=2026-07-02T00:00&timeZone=Europe/Berlin&campaignId=${setup.campaign.id}`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(response.body.from, '2026-06-30T22:00:00.000Z');
    assert.equal(response.body.clicks, 4);
    assert.deepEqual(response.body.types, [
      { type: 'Lead', clicks: 3 },
      { type: 'Purchase', clicks: 3 },
    ]);
    assert.deepEqual(response.body.paths, [
      { steps: ['Lead', 'Purchase'], clicks: 2 },
      { steps: ['Lead'], clicks: 1 },
      { steps: ['Purchase'], clicks: 1 },
    ]);
    assert.deepEqual(response.body.transitions, [
      { from: null, to: 'Lead', clicks: 3, medianSeconds: 20 },
      { from: 'Lead', to: 'Purchase', clicks: 2, medianSeconds: 40 },
      { from: null, to: 'Purchase', clicks: 1, medianSeconds: 5 },
    ]);
  });

  test('bad report ranges are answered 400 naming the field', async () => {
    const cases: [string, string][] = [
      ['from=2026-07-02&to=2026-07-01', 'to'],
      ['from=2026-07-01&to=2026-07-02&timeZone=Nowhere/Land', 'timeZone'],
      ['from=soon&to=2026-07-02', 'from'],
      ['to=2026-07-02', 'from'],
      ['from=2026-07-01&to=2026-07-02&campaignId=999999', 'campaignId'],
    ];
    for (const [query, field] of cases) {
      const response = await server.api('GET', `/api/v1/journeys?${query}`);
      assert.equal(response.status, 400, `${query} → ${JSON.stringify(response.body)}`);
      assert.equal(response.body.error.field, field, JSON.stringify(response.body));
    }
  });
});
