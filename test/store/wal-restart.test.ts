import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { EntityStore } from '../../src/store/entity-store.js';
import { createSqliteEntityStore } from '../../src/store/sqlite/sqlite-entity-store.js';
import { newConversion } from '../support/conversions.js';

// A WAL made to start over past 300 frames (about 1.2 MB) instead of 10 000, so a test reaches it.
const RESTART_FRAMES = 300;
const FRAME_BYTES = 4_096 + 24;

let dir: string;
let store: EntityStore;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'waypost-wal-restart-'));
  store = createSqliteEntityStore(join(dir, 'waypost.db'), { walRestartFrames: RESTART_FRAMES });
  await store.migrate();
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

test('under postbacks that never pause, the WAL still starts over: commits wait while the checkpointer thread copies the last frames', async () => {
  const walBytes = () => statSync(join(dir, 'waypost.db-wal'), { throwIfNoEntry: false })?.size ?? 0;
  const postback = () =>
    store.commitPostback({
      // Random click ids dirty pages all over the click index, as real postbacks do.
      values: newConversion({ campaignId: 1, trafficChannelId: 1, clickId: `1m85${randomBytes(13).toString('hex').slice(0, 25)}` }),
      plan: { dedupeKey: null, onConflict: 'none', duplicateStatus: 'unknown' },
      settle: () => ({ outcome: 'accepted', reason: 'conversion created' }),
    });
  let committed = 0;
  let largest = 0;
  const started = Date.now();
  // Two streams, so a commit is always waiting: a checkpoint beside them never copies every frame.
  const stream = async () => {
    while (Date.now() - started < 2_000) {
      await Promise.all(Array.from({ length: 50 }, postback));
      committed += 50;
      largest = Math.max(largest, walBytes());
    }
  };
  await Promise.all([stream(), stream()]);
  assert.ok(committed > 5_000, `${committed} postbacks committed`);
  assert.equal((await store.conversions.list({}, { limit: 1 })).length, 1);
  // Never started over, the WAL holds more than a frame per postback (1.3 measured); started over, it
  // holds what arrives between two looks of the checkpointer (0.1 per postback measured).
  const frames = Math.round(largest / FRAME_BYTES);
  assert.ok(frames < committed / 4, `the WAL started over: at most ${frames} frames for ${committed} postbacks`);
});
