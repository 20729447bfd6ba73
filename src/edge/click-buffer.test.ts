import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Click } from '../domain/click.js';
import type { EventBatch, EventStore } from '../store/event-store.js';
import { ClickBuffer } from './click-buffer.js';

/** An event store whose writes complete when the test says so, to observe what the buffer acknowledges when. */
function heldStore() {
  const writes: { batch: EventBatch; finish: () => void; fail: (error: Error) => void }[] = [];
  const store = {
    write: (batch: EventBatch) =>
      new Promise<void>((resolve, reject) => {
        writes.push({ batch, finish: resolve, fail: reject });
      }),
  } as unknown as EventStore;
  return { store, writes };
}

const click = (clickId: string) => ({ clickId }) as Click;

/** Which of the promises have settled, and how. */
function watch(promises: Promise<void>[]) {
  const states = promises.map(() => 'pending');
  promises.forEach((promise, i) => promise.then(() => (states[i] = 'written'), () => (states[i] = 'failed')));
  return states;
}

test('clicks of one loop turn are written as one batch and acknowledged only once it is committed', async () => {
  const { store, writes } = heldStore();
  const buffer = new ClickBuffer(store);
  const states = watch([buffer.addClick(click('a')), buffer.addClick(click('b')), buffer.addClick(click('c'))]);
  await nextTurn();
  assert.equal(writes.length, 1);
  assert.deepEqual(writes[0]!.batch.clicks.map((c) => c.clickId), ['a', 'b', 'c']);
  await nextTurn();
  assert.deepEqual(states, ['pending', 'pending', 'pending'], 'nothing is acknowledged before the commit');
  writes[0]!.finish();
  await nextTurn();
  assert.deepEqual(states, ['written', 'written', 'written']);
  assert.deepEqual(buffer.stats, { batches: 1, clicks: 3, impressions: 0, failures: 0 });
});

test('two batches are written at once; what arrives meanwhile waits and gathers into one batch', async () => {
  const { store, writes } = heldStore();
  const buffer = new ClickBuffer(store);
  const first = watch([buffer.addClick(click('a'))]);
  await nextTurn();
  const second = watch([buffer.addClick(click('b'))]);
  await nextTurn();
  const third = watch([buffer.addClick(click('c'))]);
  await nextTurn();
  const fourth = watch([buffer.addClick(click('d'))]);
  await nextTurn();
  assert.equal(writes.length, 2, 'a third batch waits for a free slot');

  writes[1]!.finish();
  await nextTurn();
  assert.deepEqual([first, second], [['pending'], ['written']], 'each batch is acknowledged by its own commit');
  assert.equal(writes.length, 3);
  assert.deepEqual(writes[2]!.batch.clicks.map((c) => c.clickId), ['c', 'd']);

  writes[0]!.finish();
  writes[2]!.finish();
  await nextTurn();
  assert.deepEqual([first, third, fourth], [['written'], ['written'], ['written']]);
});

test('a refused write fails the clicks of its batch only, and drain waits for every batch', async () => {
  const { store, writes } = heldStore();
  const buffer = new ClickBuffer(store);
  const refused = watch([buffer.addClick(click('a')), buffer.addClick(click('b'))]);
  await nextTurn();
  const accepted = watch([buffer.addClick(click('c'))]);
  buffer.addImpression(7, Date.UTC(2026, 0, 1, 10, 30), 5);
  await nextTurn();
  writes[0]!.fail(new Error('disk full'));
  await nextTurn();
  assert.deepEqual(refused, ['failed', 'failed']);
  assert.deepEqual(accepted, ['pending']);

  let drained = false;
  const drain = buffer.drain().then(() => (drained = true));
  await nextTurn();
  assert.equal(drained, false);
  assert.deepEqual(writes[1]!.batch.impressions, [{ campaignId: 7, hour: Date.UTC(2026, 0, 1, 10), count: 1, cost: 5 }]);
  writes[1]!.finish();
  await drain;
  assert.deepEqual(accepted, ['written']);
  assert.deepEqual(buffer.stats, { batches: 1, clicks: 1, impressions: 1, failures: 1 });
});
