import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { refreshReportFacts } from '../../src/reports/refresh-report-facts.js';
import type { FactRow } from '../../src/store/report-facts.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { conversionSetup, postback } from '../conversions/conversion-setup.js';

const START = Date.parse('2026-03-10T12:00:00Z');
const clock = START;

// The same behaviour from both copies: the bulk one of `waypost start` and the one through the ports.
for (const conversionFactCopy of ['bulk', 'ports'] as const) {
  describe(`conversion facts copied ${conversionFactCopy === 'bulk' ? 'from the entity file' : 'through the ports'}`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ detector: 'null', now: () => clock, conversionFactCopy });
    });
    after(() => server.close());

    const refresh = () => refreshReportFacts({ store: server.store, events: server.events });
    async function byOfferSourceAndStatus(): Promise<FactRow[]> {
      const rows = await server.events.reportFacts({
        from: START - 3_600_000,
        to: START + 3_600_000,
        timeZone: 'UTC',
        groupBy: ['offerSource', 'conversionStatus'],
        filters: [],
        conversionTime: 'postback',
      });
      return rows.sort((a, b) => JSON.stringify(a.key).localeCompare(JSON.stringify(b.key)));
    }

    test('the refresh copies new and changed conversions once each, and the offer source map, into the event store', async () => {
      const setup = await conversionSetup(server, { defaultStatus: 'pending' });
      const first = await setup.click();
      const second = await setup.click();
      assert.match((await postback(server, `clickid=${first.clickId}&sum=4`)).text, /^accepted/);
      await refresh();
      // Clicks count at once (read raw until rolled up); the offer's offer source comes from the entity store.
      assert.deepEqual(
        (await byOfferSourceAndStatus()).map((row) => [row.key, row.clicks, row.conversions]),
        [
          [[setup.source.id, 'pending'], 0, [{ type: null, status: 'pending', count: 1, revenue: 4_000_000 }]],
          [[setup.source.id, null], 2, []],
        ],
      );

      // Same clock, so the same updated_at as the first conversion: told apart by id, not skipped.
      assert.match((await postback(server, `clickid=${second.clickId}&sum=6`)).text, /^accepted/);
      const [conversion] = await server.store.conversions.listByClick(first.clickId);
      assert.equal((await server.api('PATCH', `/api/v1/conversions/${conversion!.id}`, { status: 'approved' })).status, 200);
      // Callers during a run share the next one, which sees everything written before they called.
      await Promise.all([refresh(), refresh(), refresh()]);
      await refresh();
      assert.deepEqual(
        (await byOfferSourceAndStatus()).filter((row) => row.conversions.length).map((row) => [row.key, row.conversions]),
        [
          [[setup.source.id, 'approved'], [{ type: null, status: 'approved', count: 1, revenue: 4_000_000 }]],
          [[setup.source.id, 'pending'], [{ type: null, status: 'pending', count: 1, revenue: 6_000_000 }]],
        ],
      );
      const watermark = await server.events.conversionFactsWatermark();
      assert.equal(watermark!.maxId, (await server.store.conversions.listByClick(second.clickId))[0]!.id);
    });

    test('a whole day read from the rollups counts each new conversion once, however often it is copied again, and follows a change', async () => {
      const setup = await conversionSetup(server, { defaultStatus: 'pending' });
      const [first, second, third] = [await setup.click(), await setup.click(), await setup.click()];
      const day = START - (START % 86_400_000);
      const byStatus = async (conversionTime: 'click' | 'postback') =>
        (await server.events.reportFacts({ from: day, to: day + 86_400_000, timeZone: 'UTC', groupBy: ['campaign', 'conversionStatus'], filters: [{ dimension: 'campaign', op: 'in', values: [String(setup.campaign.id)] }], conversionTime }))
          .filter((row) => row.conversions.length)
          .map((row) => [row.key[1], row.conversions[0]!.count, row.conversions[0]!.revenue])
          .sort();
      assert.match((await postback(server, `clickid=${first.clickId}&sum=1`)).text, /^accepted/);
      await refresh();
      assert.match((await postback(server, `clickid=${second.clickId}&sum=2`)).text, /^accepted/);
      assert.match((await postback(server, `clickid=${third.clickId}&sum=3`)).text, /^accepted/);
      const [conversion] = await server.store.conversions.listByClick(first.clickId);
      assert.equal((await server.api('PATCH', `/api/v1/conversions/${conversion!.id}`, { status: 'approved' })).status, 200);
      // The clock stands still: every refresh reads the last seconds' conversions again.
      await refresh();
      await refresh();
      await refresh();
      const expected = [['approved', 1, 1_000_000], ['pending', 2, 5_000_000]];
      assert.deepEqual(await byStatus('postback'), expected);
      assert.deepEqual(await byStatus('click'), expected);
    });
  });
}
