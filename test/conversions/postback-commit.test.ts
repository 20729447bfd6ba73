import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuplicatePlan } from '../../src/domain/duplicate-resolution.js';
import type { CommittedPostback, EntityStore, PostbackCommit } from '../../src/store/entity-store.js';
import { createSqliteEntityStore } from '../../src/store/sqlite/sqlite-entity-store.js';
import { newConversion } from '../support/conversions.js';

let dir: string;
let store: EntityStore;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'waypost-postback-commit-'));
  store = createSqliteEntityStore(join(dir, 'waypost.db'));
  await store.migrate();
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const NO_RULE: DuplicatePlan = { dedupeKey: null, onConflict: 'none', duplicateStatus: 'unknown' };

function conversionCommit(clickId: string, settle: PostbackCommit['settle']): PostbackCommit {
  return { values: newConversion({ campaignId: 1, trafficChannelId: 1, clickId }), plan: NO_RULE, settle };
}

test('postbacks committed together: one that fails leaves nothing behind and fails alone', async () => {
  const clickId = '1m8500000000000000000000group';
  const otherClickId = '1m8500000000000000000000other';
  const results = await Promise.allSettled([
    store.commitPostback(conversionCommit(clickId, () => ({ outcome: 'accepted', reason: 'conversion created' }))),
    store.commitPostback(
      conversionCommit(clickId, () => {
        throw new Error('settling failed');
      }),
    ),
    store.commitPostback(conversionCommit(otherClickId, () => ({ outcome: 'accepted', reason: 'conversion created' }))),
  ]);
  assert.deepEqual(results.map((result) => result.status), ['fulfilled', 'rejected', 'fulfilled']);
  const conversions = await store.conversions.listByClick(clickId);
  assert.equal(conversions.length, 1, 'the failed postback stored no conversion');
  assert.deepEqual((results[0] as PromiseFulfilledResult<CommittedPostback>).value.recorded.conversion, conversions[0], 'the answer is the conversion as stored');
  const others = await store.conversions.listByClick(otherClickId);
  assert.deepEqual((results[2] as PromiseFulfilledResult<CommittedPostback>).value.recorded.conversion, others[0], 'the other click\'s postback committed too');
  assert.equal(others.length, 1);
});

test('the conversion, its status change and its channel postback commit as one', async () => {
  const clickId = '1m8500000000000000000000atomc';
  const plan: DuplicatePlan = { dedupeKey: `${clickId}\u0000`, onConflict: 'ignore', duplicateStatus: 'unknown' };
  const first = await store.commitPostback({ values: newConversion({ campaignId: 1, trafficChannelId: 1, clickId, status: 'pending' }), plan, settle: () => ({ outcome: 'accepted', reason: 'conversion created' }) });
  const { recorded, settlement } = await store.commitPostback({
    values: newConversion({ campaignId: 1, trafficChannelId: 1, clickId, status: 'approved' }),
    plan,
    settle: ({ outcome, conversion }) => {
      assert.equal(outcome, 'ignored');
      return {
        outcome: 'accepted',
        reason: `status changed from ${conversion.status} to approved`,
        statusChange: { status: 'approved', at: 42 },
        channelPostback: { kind: 'channel_postback', conversionId: conversion.id, campaignId: 1, trafficChannelId: 1, url: 'https://channel.example/pb', state: 'pending', lastError: null, dedupeKey: `commit-test-${conversion.id}`, now: 42 },
      };
    },
  });
  assert.equal(recorded.conversion.id, first.recorded.conversion.id);
  assert.equal(settlement.reason, 'status changed from pending to approved');
  const stored = await store.conversions.get(first.recorded.conversion.id);
  assert.deepEqual([stored!.status, stored!.updatedAt], ['approved', 42]);
  assert.deepEqual(recorded.conversion, stored, 'the answer is the conversion as stored');
  const queued = await store.outbox.list({ conversionId: stored!.id, limit: 10, offset: 0 });
  assert.deepEqual(queued.items.map((entry) => [entry.url, entry.state]), [['https://channel.example/pb', 'pending']]);
});
