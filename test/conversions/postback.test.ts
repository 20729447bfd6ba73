import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { createVia } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { conversionSetup, postback, refreshConfiguration } from './conversion-setup.js';

let server: TestServer;
before(async () => {
  server = await startTestServer({ env: { WAYPOST_TRUSTED_PROXIES: '127.0.0.1' } });
  await createVia(server, 'conversion-types', { name: 'Lead' });
  await createVia(server, 'conversion-types', { name: 'lead' });
  await createVia(server, 'conversion-types', { name: 'Upsell' });
  await refreshConfiguration(server);
});
after(() => server.close());

const lastLog = async () => (await server.events.listPostbackLog({ limit: 1 }))[0]!;

describe('parameters and aliases', () => {
  test('every click id, sum, type and event id alias is read', async () => {
    const setup = await conversionSetup(server);
    const aliases: [string, string, string, string][] = [
      ['clickid', 'sum', 'type', 'event_id'],
      ['cid', 'payout', 'et', 'rdtk_event_id'],
      ['subid', 'revenue', 'event', 'txid'],
      ['click_id', 'amount', 'type', 'tid'],
      ['clickid', 'sum', 'type', 'transaction_id'],
    ];
    for (const [i, [click, sum, type, event]] of aliases.entries()) {
      const { clickId } = await setup.click();
      const response = await postback(server, `${click}=${clickId}&${sum}=${i + 1}.5&${type}=Upsell&${event}=tx-${i}&currency=USD`);
      assert.equal(response.status, 200, response.text);
      assert.equal(response.text, 'accepted: conversion created\n');
      const [conversion] = await server.store.conversions.listByClick(clickId);
      assert.equal(conversion!.payout, (i + 1) * 1_000_000 + 500_000, `${sum} read as the payout`);
      assert.equal(conversion!.type, 'Upsell', `${type} read as the type`);
      assert.equal(conversion!.eventId, `tx-${i}`, `${event} read as the event id`);
    }
  });

  test('POST with a form body or JSON works like GET', async () => {
    const setup = await conversionSetup(server);
    const form = await setup.click();
    const formResponse = await fetch(`${server.url}/postback`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `cid=${form.clickId}&payout=3.25` });
    assert.equal(formResponse.status, 200);
    const json = await setup.click();
    const jsonResponse = await fetch(`${server.url}/postback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clickid: json.clickId, sum: 4.75, status: 'pending' }) });
    assert.equal(jsonResponse.status, 200, await jsonResponse.clone().text());
    assert.equal((await server.store.conversions.listByClick(form.clickId))[0]!.payout, 3_250_000);
    const [fromJson] = await server.store.conversions.listByClick(json.clickId);
    assert.equal(fromJson!.payout, 4_750_000);
    assert.equal(fromJson!.status, 'pending');
  });

  test('without a sum the offer payout is used; the click dimensions are copied onto the conversion', async () => {
    const setup = await conversionSetup(server, {}, { payout: '12.34' });
    const { clickId } = await setup.click('ref_id=channel-click-9&sub1=z1&sub3=s3');
    await postback(server, `clickid=${clickId}`);
    const [conversion] = await server.store.conversions.listByClick(clickId);
    assert.equal(conversion!.payout, 12_340_000);
    assert.equal(conversion!.campaignId, setup.campaign.id);
    assert.equal(conversion!.offerId, setup.offer.id);
    assert.equal(conversion!.offerSourceId, setup.source.id);
    assert.equal(conversion!.trafficChannelId, setup.channel.id);
    assert.equal(conversion!.refId, 'channel-click-9');
    assert.equal(conversion!.subs[0], 'z1');
    assert.equal(conversion!.subs[2], 's3');
    assert.equal(conversion!.deviceType, 'desktop');
    assert.equal(conversion!.origin, 'postback');
  });

  test('payouts in another currency are converted with the stored rate; an unknown currency is rejected and logged', async () => {
    await server.store.currencyRates.set('EUR', 1_080_000);
    server.edge.deps.conversions.currency.invalidate();
    const setup = await conversionSetup(server);
    const { clickId } = await setup.click();
    await postback(server, `clickid=${clickId}&sum=10&currency=EUR`);
    const [conversion] = await server.store.conversions.listByClick(clickId);
    assert.equal(conversion!.payout, 10_800_000);
    assert.equal(conversion!.originalPayout, 10_000_000);
    assert.equal(conversion!.originalCurrency, 'EUR');
    const other = await setup.click();
    const response = await postback(server, `clickid=${other.clickId}&sum=10&currency=BRL`);
    assert.equal(response.text, 'rejected: no exchange rate stored for BRL; add it under currency rates\n');
  });
});

describe('types and statuses', () => {
  test('type names are case-sensitive; an unknown type is rejected and logged, not mapped', async () => {
    const setup = await conversionSetup(server);
    const { clickId } = await setup.click();
    await postback(server, `clickid=${clickId}&type=Lead`);
    await postback(server, `clickid=${clickId}&type=lead`);
    const types = (await server.store.conversions.listByClick(clickId)).map((c) => c.type);
    assert.deepEqual(types, ['Lead', 'lead']);
    const response = await postback(server, `clickid=${clickId}&type=LEAD`);
    assert.equal(response.status, 200);
    assert.equal(response.text, 'rejected: unknown conversion type "LEAD" (types are case-sensitive)\n');
    const log = await lastLog();
    assert.equal(log.outcome, 'rejected');
    assert.equal(log.reason, 'unknown conversion type "LEAD" (types are case-sensitive)');
    assert.equal(log.clickId, clickId);
  });

  test('without a status the offer source default applies; the network’s own status names are mapped', async () => {
    const setup = await conversionSetup(server, { defaultStatus: 'pending', statusMapping: { '1': 'approved', '2': 'pending', '3': 'declined', sale: 'approved' } });
    const cases: [string, string][] = [['', 'pending'], ['&status=1', 'approved'], ['&status=3', 'declined'], ['&status=sale', 'approved'], ['&status=other', 'other'], ['&status=Declined', 'declined']];
    for (const [query, expected] of cases) {
      const { clickId } = await setup.click();
      await postback(server, `clickid=${clickId}${query}`);
      assert.equal((await server.store.conversions.listByClick(clickId))[0]!.status, expected, query);
    }
    const { clickId } = await setup.click();
    const response = await postback(server, `clickid=${clickId}&status=maybe`);
    assert.match(response.text, /^rejected: unknown status "maybe"/);
  });

  test('a later postback changes the status of the conversion', async () => {
    const setup = await conversionSetup(server, { duplicateMode: 'ignore' });
    const { clickId } = await setup.click();
    await postback(server, `clickid=${clickId}&status=pending&sum=5`);
    const response = await postback(server, `clickid=${clickId}&status=approved&sum=5`);
    assert.equal(response.text, 'accepted: status changed from pending to approved\n');
    const conversions = await server.store.conversions.listByClick(clickId);
    assert.equal(conversions.length, 1);
    assert.equal(conversions[0]!.status, 'approved');
  });
});

describe('rejections', () => {
  test('no click id → 400; unknown or malformed click id → 200 with the reason; unreplaced macro named', async () => {
    const missing = await postback(server, 'sum=5');
    assert.equal(missing.status, 400);
    assert.match(missing.text, /^rejected: missing click id/);
    const unknown = await postback(server, 'clickid=0000000000000000000000000000z&sum=1');
    assert.equal(unknown.status, 200);
    assert.equal(unknown.text, 'rejected: unknown click id 0000000000000000000000000000z\n');
    const garbage = await postback(server, 'clickid=hello&sum=1');
    assert.match(garbage.text, /^rejected: unknown click id "hello" \(not a Waypost click id\)/);
    const setup = await conversionSetup(server);
    const { clickId } = await setup.click();
    const macro = await postback(server, `clickid=${clickId}&sum={payout}`);
    assert.equal(macro.text, 'rejected: unreplaced macro {payout} in sum\n');
    const encoded = await postback(server, `clickid=%7Bcid%7D`);
    assert.equal(encoded.text, 'rejected: unreplaced macro {cid} in clickid\n');
    const badSum = await postback(server, `clickid=${clickId}&sum=ten`);
    assert.equal(badSum.text, 'rejected: invalid sum "ten"\n');
    assert.equal((await server.store.conversions.listByClick(clickId)).length, 0);
  });

  test('token and IP allowlist per offer source', async () => {
    const setup = await conversionSetup(server, { postbackToken: 's3cret-token', ipAllowlist: ['203.0.113.0/24'] });
    const { clickId } = await setup.click();
    const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });
    assert.equal((await postback(server, `clickid=${clickId}`, from('203.0.113.9'))).text, 'rejected: token missing\n');
    assert.equal((await postback(server, `clickid=${clickId}&token=wrong`, from('203.0.113.9'))).text, 'rejected: token mismatch\n');
    assert.equal((await postback(server, `clickid=${clickId}&token=s3cret-token`, from('198.51.100.1'))).text, "rejected: source IP 198.51.100.1 is not in the offer source's allowlist\n");
    assert.equal((await postback(server, `clickid=${clickId}&token=s3cret-token`, from('203.0.113.9'))).text, 'accepted: conversion created\n');
    const log = await server.events.listPostbackLog({ limit: 4 });
    assert.deepEqual(log.map((l) => l.outcome), ['accepted', 'rejected', 'rejected', 'rejected']);
    assert.ok(log.every((l) => !l.query.includes('s3cret-token')), 'the token is not kept in the log');
  });
});

describe('postback log', () => {
  test('a postback is answered only once its log row is durable in the event store', async () => {
    const setup = await conversionSetup(server);
    const { clickId } = await setup.click();
    const accepted = await postback(server, `clickid=${clickId}&sum=2`);
    const rejected = await postback(server, `clickid=${clickId}&type=Nope`);
    // Another connection to events.db sees only committed rows.
    const raw = new BetterSqlite3(join(server.dataDir, 'events.db'), { readonly: true });
    try {
      const rows = raw.prepare('select outcome, reason, conversion_id from postback_log where click_id = ? order by id').all(clickId);
      const [conversion] = await server.store.conversions.listByClick(clickId);
      assert.deepEqual([accepted.text, rejected.text], ['accepted: conversion created\n', 'rejected: unknown conversion type "Nope" (types are case-sensitive)\n']);
      assert.deepEqual(rows, [
        { outcome: 'accepted', reason: 'conversion created', conversion_id: conversion!.id },
        { outcome: 'rejected', reason: 'unknown conversion type "Nope" (types are case-sensitive)', conversion_id: null },
      ]);
    } finally {
      raw.close();
    }
  });

  test('when the log cannot be written, a recorded conversion is still answered (its row goes to the process log) and a rejection answers 503', async () => {
    const setup = await conversionSetup(server);
    const { clickId } = await setup.click();
    const raw = new BetterSqlite3(join(server.dataDir, 'events.db'));
    raw.pragma('busy_timeout = 5000');
    try {
      raw.exec(`create trigger postback_log_down before insert on postback_log begin select raise(abort, 'event store down'); end`);
      // A 503 here would make the network send it again, and mode none would count it twice.
      const accepted = await postback(server, `clickid=${clickId}&sum=3`);
      assert.deepEqual([accepted.status, accepted.text], [200, 'accepted: conversion created\n']);
      assert.equal((await server.store.conversions.listByClick(clickId)).length, 1);
      // Nothing was recorded for a rejection: the network may retry it.
      assert.equal((await postback(server, 'clickid=hello')).status, 503, 'a rejected postback needs its log row');
      raw.exec('drop trigger postback_log_down');
    } finally {
      raw.close();
    }
    assert.deepEqual(await server.events.listPostbackLog({ limit: 10, clickId }), [], 'the refused row is not in the event store');
    assert.match((await postback(server, `clickid=${clickId}&sum=4`)).text, /^accepted/);
    assert.equal((await server.events.listPostbackLog({ limit: 10, clickId })).length, 1, 'the log takes rows again');
  });
});

describe('pixel', () => {
  test('the image and JS pixel attribute through the click cookie', async () => {
    const setup = await conversionSetup(server);
    const { clickId, cookie } = await setup.click();
    const image = await fetch(`${server.url}/pixel?sum=2&type=Upsell`, { headers: { cookie } });
    assert.equal(image.status, 200);
    assert.equal(image.headers.get('content-type'), 'image/gif');
    const js = await fetch(`${server.url}/pixel?format=js&sum=3`, { headers: { cookie } });
    assert.equal(js.headers.get('content-type'), 'application/javascript; charset=utf-8');
    assert.equal(await js.text(), '/* waypost: accepted */\n');
    const conversions = await server.store.conversions.listByClick(clickId);
    assert.deepEqual(conversions.map((c) => [c.origin, c.type, c.payout]), [['pixel', 'Upsell', 2_000_000], ['pixel', null, 3_000_000]]);
    const noCookie = await fetch(`${server.url}/pixel?sum=1`);
    assert.equal(noCookie.headers.get('content-type'), 'image/gif', 'a pixel never breaks the page');
    assert.equal((await lastLog()).reason, 'no click id: no clickid parameter and no click cookie');
  });
});

describe('personal data (seed 003)', () => {
  test('contact fields are stored as SHA-256 of the normalised value; product fields in clear; raw values nowhere', async () => {
    const setup = await conversionSetup(server, {
      postbackMacros: { clickid: '{cid}', sum: '{total_price}' },
      additionalParameters: [
        { param: 'fname', macro: '{first_name}', role: 'first_name' },
        { param: 'lname', macro: '{last_name}', role: 'last_name' },
        { param: 'phone', macro: '{phone_number}', role: 'phone' },
        { param: 'email', macro: '{email}', role: 'email' },
        { param: 'contentid', macro: '{product_id}', role: 'content_ids' },
        { param: 'product', macro: '{product_name}', role: 'product_name' },
      ],
    });
    const { clickId } = await setup.click();
    const response = await postback(server, `clickid=${clickId}&sum=49.90&fname=%20Maria%20&lname=Silva&phone=%2B55%20(11)%2098765-4321&email=Maria.Silva@Example.COM&contentid=SKU-77&product=Smart%20Watch`);
    assert.equal(response.text, 'accepted: conversion created\n');
    const [conversion] = await server.store.conversions.listByClick(clickId);
    const { createHash } = await import('node:crypto');
    const sha = (text: string) => createHash('sha256').update(text).digest('hex');
    assert.deepEqual(conversion!.personalData.hashed, {
      first_name: sha('maria'),
      last_name: sha('silva'),
      phone: sha('5511987654321'),
      email: sha('maria.silva@example.com'),
    });
    assert.deepEqual(conversion!.personalData.clear, { content_ids: 'SKU-77', product_name: 'Smart Watch' });
    assert.ok(!JSON.stringify(conversion!.params).includes('Silva'));

    const log = await lastLog();
    assert.ok(!log.query.includes('Maria') && !log.query.includes('98765') && !log.query.toLowerCase().includes('example.com'), log.query);
    assert.match(log.query, /email=\[removed\]/);
    for (const file of ['waypost.db', 'waypost.db-wal', 'events.db', 'events.db-wal']) {
      let bytes = '';
      try {
        bytes = readFileSync(join(server.dataDir, file)).toString('latin1');
      } catch {
        continue;
      }
      for (const raw of ['Maria', 'Silva', '98765-4321', 'Example.COM', 'maria.silva']) assert.ok(!bytes.includes(raw), `${raw} found in ${file}`);
    }
  });
});
