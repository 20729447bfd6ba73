import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createVia } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { conversionSetup, postback, refreshConfiguration } from './conversion-setup.js';

let server: TestServer;
let setup: Awaited<ReturnType<typeof conversionSetup>>;
before(async () => {
  server = await startTestServer({ detector: 'null' });
  await createVia(server, 'conversion-types', { name: 'Lead' });
  await createVia(server, 'conversion-types', { name: 'Sale', duplicateMode: 'ignore_by_event_id' });
  await refreshConfiguration(server);
  // The offer source guards its public postback; an upload with an API key does not need its token or IP.
  setup = await conversionSetup(server, { postbackToken: 's3cret-token', ipAllowlist: ['203.0.113.0/24'], statusMapping: { sale: 'approved' } });
  await server.store.currencyRates.set('EUR', 1_100_000);
});
after(() => server.close());

const csv = (body: string) =>
  fetch(`${server.url}/api/v1/conversions`, { method: 'POST', headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'text/csv' }, body }).then(async (r) => ({
    status: r.status,
    body: (await r.json()) as any,
  }));

describe('POST /api/v1/conversions', () => {
  test('conversion upload with a bad row (the good rows land, the bad one is reported)', async () => {
    const a = await setup.click();
    const b = await setup.click();
    const c = await setup.click();
    const response = await server.api('POST', '/api/v1/conversions', {
      conversions: [
        { clickId: a.clickId, type: 'Lead', payout: '2.50' },
        { clickId: 'not-a-click-id', payout: 1 },
        { clickId: b.clickId, status: 'sale', payout: 10, currency: 'EUR', type: 'Sale', eventId: 'order-1' },
        { clickId: c.clickId, payout: -3 },
        { clickId: b.clickId, type: 'Sale', eventId: 'order-1', payout: 10 },
        { payout: 4 },
        { clickId: c.clickId, currency: 'JPY', payout: 100 },
      ],
    });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const rows = response.body.rows;
    assert.deepEqual(
      rows.map((r: any) => [r.row, r.outcome]),
      [
        [1, 'created'],
        [2, 'rejected'],
        [3, 'created'],
        [4, 'rejected'],
        [5, 'duplicate'],
        [6, 'rejected'],
        [7, 'rejected'],
      ],
    );
    assert.match(rows[1].reason, /unknown click id/);
    assert.match(rows[3].reason, /payout -3 is negative/);
    assert.match(rows[4].reason, /duplicate ignored \(event id order-1 already recorded\)/);
    assert.match(rows[5].reason, /needs clickId/);
    assert.match(rows[6].reason, /no exchange rate stored for JPY/);
    assert.deepEqual(response.body.totals, { rows: 7, created: 2, updated: 0, duplicate: 1, rejected: 4 });

    const [lead] = await server.store.conversions.listByClick(a.clickId);
    assert.equal(lead!.id, rows[0].conversionId);
    assert.equal(lead!.type, 'Lead');
    assert.equal(lead!.payout, 2_500_000);
    assert.equal(lead!.origin, 'upload');
    const [sale] = await server.store.conversions.listByClick(b.clickId);
    assert.equal(sale!.status, 'approved', "the offer source's status mapping applies");
    assert.equal(sale!.payout, 11_000_000, 'EUR converted with the stored rate');
    assert.equal(sale!.originalCurrency, 'EUR');
    assert.deepEqual(await server.store.conversions.listByClick(c.clickId), [], 'the bad rows left nothing behind');

    const log = await server.events.listPostbackLog({ limit: 7 });
    assert.ok(log.some((entry) => entry.method === 'UPLOAD' && entry.clickId === a.clickId && entry.outcome === 'accepted'), 'uploads are in the postback log');
  });

  test('the public postback still needs the token and the allowed IP', async () => {
    const { clickId } = await setup.click();
    assert.equal((await postback(server, `clickid=${clickId}`)).text, 'rejected: token missing\n');
  });

  test('a CSV upload: header row, aliases, quoted values, and rows that change existing conversions', async () => {
    const a = await setup.click();
    const b = await setup.click();
    const created = await csv(`clickid,type,payout,event_id\n${a.clickId},Lead,"1,25",\n${b.clickId},Lead,3,\n`);
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.deepEqual(created.body.totals, { rows: 2, created: 2, updated: 0, duplicate: 0, rejected: 0 });
    assert.equal((await server.store.conversions.listByClick(a.clickId))[0]!.payout, 1_250_000);

    const idA = created.body.rows[0].conversionId;
    const idB = created.body.rows[1].conversionId;
    const changed = await csv(`conversionId;status;payout;currency\n${idA};declined;;\n${idB};;5;EUR\n${idB};refunded;;\n999999;approved;;\n`);
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.deepEqual(
      changed.body.rows.map((r: any) => [r.row, r.outcome, r.reason]),
      [
        [1, 'updated', 'status changed from approved to declined'],
        [2, 'updated', 'payout changed'],
        [3, 'rejected', 'unknown status "refunded"; use approved, pending, declined, other'],
        [4, 'rejected', 'conversion 999999 does not exist'],
      ],
    );
    assert.equal((await server.store.conversions.get(idA))!.status, 'declined');
    const updatedB = (await server.store.conversions.get(idB))!;
    assert.equal(updatedB.payout, 5_500_000);
    assert.equal(updatedB.originalPayout, 5_000_000);
    assert.equal(updatedB.originalCurrency, 'EUR');
  });

  test('a CSV whose structure is broken is refused whole with 400 naming the problem', async () => {
    const { clickId } = await setup.click();
    const cases: [string, string, RegExp][] = [
      [`clickId,payout\n${clickId},1\n${clickId},1,50\n`, 'body', /CSV line 3: 3 values for 2 columns/],
      [`clickId,payout\n${clickId},"1\n`, 'body', /CSV line 2: a quoted value is never closed/],
      [`clickId,payot\n${clickId},1\n`, 'body', /unknown column "payot"/],
      [`type,payout\nLead,1\n`, 'clickId', /needs a clickId column/],
      [`clickId,payout\n`, 'body', /no rows/],
      [``, 'body', /empty/],
    ];
    for (const [body, field, message] of cases) {
      const response = await csv(body);
      assert.equal(response.status, 400, `${JSON.stringify(body)} → ${JSON.stringify(response.body)}`);
      assert.equal(response.body.error.field, field);
      assert.match(response.body.error.message, message);
    }
    assert.deepEqual(await server.store.conversions.listByClick(clickId), [], 'nothing of a refused file lands');
  });

  test('a body that is not rows is answered 400 naming the field', async () => {
    const cases: [unknown, string][] = [
      [{}, 'conversions'],
      [{ conversions: [] }, 'conversions'],
      [{ conversions: [{ clickId: 'x', payout: { amount: 1 } }] }, 'conversions[0].payout'],
      [{ conversions: [{ clickId: 'x', revenue: 1 }] }, 'conversions[0].revenue'],
    ];
    for (const [body, field] of cases) {
      const response = await server.api('POST', '/api/v1/conversions', body);
      assert.equal(response.status, 400, JSON.stringify(response.body));
      assert.equal(response.body.error.field, field, JSON.stringify(response.body));
    }
  });
});

describe('GET and PATCH /api/v1/conversions/{id}', () => {
  test('a conversion is shown with decimals and ISO times, and its status and payout can be corrected', async () => {
    const { clickId } = await setup.click();
    const upload = await server.api('POST', '/api/v1/conversions', { conversions: [{ clickId, type: 'Lead', payout: '7.5', status: 'pending' }] });
    const id = upload.body.rows[0].conversionId;

    const shown = await server.api('GET', `/api/v1/conversions/${id}`);
    assert.equal(shown.status, 200);
    assert.equal(shown.body.clickId, clickId);
    assert.equal(shown.body.payout, 7.5);
    assert.equal(shown.body.currency, 'USD');
    assert.equal(shown.body.status, 'pending');
    assert.equal(shown.body.origin, 'upload');
    assert.match(shown.body.convertedAt, /^\d{4}-\d{2}-\d{2}T/);
    assert.equal(shown.body.subs.sub1, 'zone7');

    const patched = await server.api('PATCH', `/api/v1/conversions/${id}`, { status: 'approved', payout: '8.25' });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.equal(patched.body.status, 'approved');
    assert.equal(patched.body.payout, 8.25);
    assert.equal(patched.body.originalCurrency, 'USD');

    const inEuro = await server.api('PATCH', `/api/v1/conversions/${id}`, { payout: 10, currency: 'EUR' });
    assert.equal(inEuro.body.payout, 11);
    assert.equal(inEuro.body.originalPayout, 10);
  });

  test('uploaded conversions and corrections reach the traffic channel like postbacks do', async () => {
    const channelSetup = await conversionSetup(server);
    await server.api('PATCH', `/api/v1/traffic-channels/${channelSetup.channel.id}`, { postbackUrl: 'https://channel.example/pb?cid={ref_id}&status={status}' });
    await refreshConfiguration(server);
    const { clickId } = await channelSetup.click();
    const upload = await server.api('POST', '/api/v1/conversions', { conversions: [{ clickId, status: 'pending' }] });
    const id = upload.body.rows[0].conversionId;
    assert.equal((await server.store.outbox.list({ conversionId: id, limit: 10, offset: 0 })).total, 0, 'pending is not sent (the channel sends approved)');
    await server.api('PATCH', `/api/v1/conversions/${id}`, { status: 'approved' });
    const queued = await server.store.outbox.list({ conversionId: id, limit: 10, offset: 0 });
    assert.equal(queued.total, 1, 'approving it queues the channel postback');
    assert.match(queued.items[0]!.url, /status=approved/);
  });

  test('bad corrections are answered 400 (404 for an unknown conversion) naming the field', async () => {
    const { clickId } = await setup.click();
    const upload = await server.api('POST', '/api/v1/conversions', { conversions: [{ clickId }] });
    const id = upload.body.rows[0].conversionId;
    const cases: [unknown, number, string][] = [
      [{ payout: -1 }, 400, 'payout'],
      [{ payout: '1.1234567' }, 400, 'payout'],
      [{ status: 'refunded' }, 400, 'status'],
      [{ payout: 1, currency: 'eur' }, 400, 'currency'],
      [{ payout: 1, currency: 'JPY' }, 400, 'currency'],
      [{ currency: 'EUR' }, 400, 'currency'],
      [{}, 400, 'body'],
    ];
    for (const [body, status, field] of cases) {
      const response = await server.api('PATCH', `/api/v1/conversions/${id}`, body);
      assert.equal(response.status, status, `${JSON.stringify(body)} → ${JSON.stringify(response.body)}`);
      assert.equal(response.body.error.field, field, JSON.stringify(response.body));
    }
    const missing = await server.api('PATCH', '/api/v1/conversions/999999', { status: 'approved' });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.field, 'id');
    assert.equal((await server.api('GET', '/api/v1/conversions/999999')).status, 404);
  });
});
