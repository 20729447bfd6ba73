import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { conversionSetup, postback } from '../conversions/conversion-setup.js';

let server: TestServer;
before(async () => {
  server = await startTestServer({ detector: 'null' });
});
after(() => server.close());

test('currency rates are set exactly, listed, and used by the very next postback', async () => {
  const setup = await conversionSetup(server);
  const put = await server.api('PUT', '/api/v1/currency-rates/eur', { rate: '1.083412' });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  assert.equal(put.body.currency, 'EUR');
  assert.equal(put.body.rate, 1.083412);
  assert.equal((await server.store.currencyRates.all()).get('EUR'), 1_083_412, 'stored as micro-units');

  const first = await setup.click();
  await postback(server, `clickid=${first.clickId}&sum=100&currency=EUR`);
  assert.equal((await server.store.conversions.listByClick(first.clickId))[0]!.payout, 108_341_200);

  // The converter caches rates for a few seconds; a change through the API must not wait for that.
  await server.api('PUT', '/api/v1/currency-rates/EUR', { rate: 2 });
  const second = await setup.click();
  await postback(server, `clickid=${second.clickId}&sum=100&currency=EUR`);
  assert.equal((await server.store.conversions.listByClick(second.clickId))[0]!.payout, 200_000_000);

  await server.api('PUT', '/api/v1/currency-rates/GBP', { rate: 1.27 });
  const list = await server.api('GET', '/api/v1/currency-rates');
  assert.equal(list.status, 200);
  assert.equal(list.body.accountCurrency, 'USD');
  assert.deepEqual(
    list.body.items.map((item: any) => [item.currency, item.rate]),
    [
      ['EUR', 2],
      ['GBP', 1.27],
    ],
  );

  const deleted = await server.api('DELETE', '/api/v1/currency-rates/EUR');
  assert.equal(deleted.status, 204);
  const third = await setup.click();
  const response = await postback(server, `clickid=${third.clickId}&sum=100&currency=EUR`);
  assert.equal(response.text, 'rejected: no exchange rate stored for EUR; add it under currency rates\n', 'a deleted rate is gone at once');
  assert.equal((await server.api('DELETE', '/api/v1/currency-rates/EUR')).status, 404);
});

test('bad rates and currencies are answered 400 naming the field', async () => {
  const cases: [string, unknown, string][] = [
    ['XYZ', { rate: 1 }, 'currency'],
    ['EURO', { rate: 1 }, 'currency'],
    ['USD', { rate: 1 }, 'currency'],
    ['EUR', { rate: 0 }, 'rate'],
    ['EUR', { rate: -1.5 }, 'rate'],
    ['EUR', { rate: '1.1234567' }, 'rate'],
    ['EUR', {}, 'rate'],
  ];
  for (const [currency, body, field] of cases) {
    const response = await server.api('PUT', `/api/v1/currency-rates/${currency}`, body);
    assert.equal(response.status, 400, `${currency} ${JSON.stringify(body)} → ${JSON.stringify(response.body)}`);
    assert.equal(response.body.error.field, field, JSON.stringify(response.body));
  }
});

test('a read-only key may list rates but not change them', async () => {
  const { createApiKey } = await import('../../src/api/api-keys.js');
  const { secret } = await createApiKey(server.store, 'reader', 'read');
  const headers = { authorization: `Bearer ${secret}`, 'content-type': 'application/json' };
  assert.equal((await server.api('GET', '/api/v1/currency-rates', undefined, headers)).status, 200);
  assert.equal((await server.api('PUT', '/api/v1/currency-rates/EUR', { rate: 1 }, headers)).status, 403);
});
