import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createVia } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { conversionSetup, postback, refreshConfiguration } from './conversion-setup.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

/** A source whose default mode is `sourceMode`, and a type `Sale` with `typeMode`. */
async function setupWith(sourceMode: string | null, typeMode: string | null) {
  const typeName = `Sale-${Math.random().toString(36).slice(2, 8)}`;
  await createVia(server, 'conversion-types', { name: typeName, duplicateMode: typeMode });
  const setup = await conversionSetup(server, { duplicateMode: sourceMode });
  await refreshConfiguration(server);
  return { ...setup, typeName };
}

const conversionsOf = (clickId: string) => server.store.conversions.listByClick(clickId);

describe('sequential duplicates', () => {
  test('create_new: every postback is a separate conversion, duplicate status unknown', async () => {
    const s = await setupWith(null, 'create_new');
    const { clickId } = await s.click();
    for (const sum of [1, 2, 3]) await postback(server, `clickid=${clickId}&type=${s.typeName}&sum=${sum}`);
    const all = await conversionsOf(clickId);
    assert.deepEqual(all.map((c) => [c.payout, c.duplicateStatus]), [[1e6, 'unknown'], [2e6, 'unknown'], [3e6, 'unknown']]);
  });

  test('create_new_marked: the first is new, the following are repeated', async () => {
    const s = await setupWith(null, 'create_new_marked');
    const { clickId } = await s.click();
    for (const sum of [1, 2, 3]) await postback(server, `clickid=${clickId}&type=${s.typeName}&sum=${sum}`);
    assert.deepEqual((await conversionsOf(clickId)).map((c) => c.duplicateStatus), ['new', 'repeated', 'repeated']);
  });

  test('ignore: duplicates add nothing and are logged as ignored', async () => {
    const s = await setupWith(null, 'ignore');
    const { clickId } = await s.click();
    await postback(server, `clickid=${clickId}&type=${s.typeName}&sum=5`);
    const second = await postback(server, `clickid=${clickId}&type=${s.typeName}&sum=7`);
    assert.equal(second.text, 'duplicate: duplicate ignored (mode ignore)\n');
    const all = await conversionsOf(clickId);
    assert.deepEqual(all.map((c) => c.payout), [5e6]);
    assert.equal((await server.events.listPostbackLog({ limit: 1 }))[0]!.outcome, 'duplicate');
  });

  test('edit: the original conversion takes the new data', async () => {
    const s = await setupWith(null, 'edit');
    const { clickId } = await s.click();
    await postback(server, `clickid=${clickId}&type=${s.typeName}&sum=5&status=pending&txid=a`);
    const second = await postback(server, `clickid=${clickId}&type=${s.typeName}&sum=8&status=approved&txid=b`);
    assert.equal(second.text, 'accepted: duplicate applied to the original conversion (mode edit)\n');
    const all = await conversionsOf(clickId);
    assert.equal(all.length, 1);
    assert.deepEqual([all[0]!.payout, all[0]!.status, all[0]!.eventId, all[0]!.postbackCount], [8e6, 'approved', 'b', 2]);
  });

  test('increment_payout: the original is kept and the new sum is added', async () => {
    const s = await setupWith(null, 'increment_payout');
    const { clickId } = await s.click();
    for (const sum of ['5', '2.5', '0.25']) await postback(server, `clickid=${clickId}&type=${s.typeName}&sum=${sum}&status=approved`);
    const all = await conversionsOf(clickId);
    assert.equal(all.length, 1);
    assert.equal(all[0]!.payout, 7_750_000);
  });

  test('ignore_by_event_id: an event id already seen for the click and type adds nothing; a new one does', async () => {
    const s = await setupWith(null, 'ignore_by_event_id');
    const { clickId } = await s.click();
    await postback(server, `clickid=${clickId}&type=${s.typeName}&sum=5&rdtk_event_id=order-1`);
    const again = await postback(server, `clickid=${clickId}&type=${s.typeName}&sum=5&rdtk_event_id=order-1`);
    assert.equal(again.text, 'duplicate: duplicate ignored (event id order-1 already recorded)\n');
    await postback(server, `clickid=${clickId}&type=${s.typeName}&sum=6&rdtk_event_id=order-2`);
    assert.deepEqual((await conversionsOf(clickId)).map((c) => c.eventId), ['order-1', 'order-2']);
  });

  test('the conversion type’s mode wins over the offer source’s; with neither, conversions are new with status unknown', async () => {
    const typeWins = await setupWith('ignore', 'create_new_marked');
    const a = await typeWins.click();
    await postback(server, `clickid=${a.clickId}&type=${typeWins.typeName}`);
    await postback(server, `clickid=${a.clickId}&type=${typeWins.typeName}`);
    assert.deepEqual((await conversionsOf(a.clickId)).map((c) => c.duplicateStatus), ['new', 'repeated']);

    const sourceApplies = await setupWith('ignore', null);
    const b = await sourceApplies.click();
    await postback(server, `clickid=${b.clickId}&type=${sourceApplies.typeName}`);
    await postback(server, `clickid=${b.clickId}&type=${sourceApplies.typeName}`);
    assert.equal((await conversionsOf(b.clickId)).length, 1);

    const neither = await setupWith(null, null);
    const c = await neither.click();
    await postback(server, `clickid=${c.clickId}`);
    await postback(server, `clickid=${c.clickId}`);
    assert.deepEqual((await conversionsOf(c.clickId)).map((x) => x.duplicateStatus), ['unknown', 'unknown']);
  });

  test('duplicates are per type: a second type on the same click is not a duplicate', async () => {
    const s = await setupWith(null, 'ignore');
    const { clickId } = await s.click();
    await postback(server, `clickid=${clickId}&type=${s.typeName}`);
    await postback(server, `clickid=${clickId}`);
    assert.equal((await conversionsOf(clickId)).length, 2);
  });
});

describe('fifty identical postbacks at once', () => {
  const fifty = async (typeMode: string, query: (clickId: string, typeName: string) => string) => {
    const s = await setupWith(null, typeMode);
    const { clickId } = await s.click();
    const responses = await Promise.all(Array.from({ length: 50 }, () => postback(server, query(clickId, s.typeName))));
    assert.ok(responses.every((r) => r.status === 200));
    return conversionsOf(clickId);
  };

  test('create_new → 50 conversions', async () => {
    assert.equal((await fifty('create_new', (id, t) => `clickid=${id}&type=${t}&sum=1`)).length, 50);
  });
  test('create_new_marked → exactly one new and 49 repeated', async () => {
    const all = await fifty('create_new_marked', (id, t) => `clickid=${id}&type=${t}&sum=1`);
    assert.equal(all.filter((c) => c.duplicateStatus === 'new').length, 1);
    assert.equal(all.filter((c) => c.duplicateStatus === 'repeated').length, 49);
  });
  test('ignore → exactly one conversion', async () => {
    assert.equal((await fifty('ignore', (id, t) => `clickid=${id}&type=${t}&sum=1`)).length, 1);
  });
  test('edit → one conversion that absorbed all fifty', async () => {
    const all = await fifty('edit', (id, t) => `clickid=${id}&type=${t}&sum=2`);
    assert.deepEqual(all.map((c) => [c.payout, c.postbackCount]), [[2e6, 50]]);
  });
  test('increment_payout → one conversion with fifty sums', async () => {
    const all = await fifty('increment_payout', (id, t) => `clickid=${id}&type=${t}&sum=0.1`);
    assert.deepEqual(all.map((c) => c.payout), [5_000_000]);
  });
  test('ignore_by_event_id → one conversion per event id', async () => {
    assert.equal((await fifty('ignore_by_event_id', (id, t) => `clickid=${id}&type=${t}&sum=1&event_id=same`)).length, 1);
  });
});
