import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { createSqliteEntityStore } from '../../src/store/sqlite/sqlite-entity-store.js';
import { createSqliteEventStore } from '../../src/store/sqlite/sqlite-event-store.js';

const CLICK = '1m8500000000000000000000oldpb';

test('the postback log the entity file kept is copied to the event store once, ids kept, and the old table stays', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'waypost-postback-log-'));
  const entityFile = join(dir, 'waypost.db');
  const entities = createSqliteEntityStore(entityFile);
  try {
    await entities.migrate();
    // Rows as the entity store wrote them before the log moved, ids with a gap.
    const raw = new BetterSqlite3(entityFile);
    const insert = raw.prepare(
      'insert into postback_log (id, received_at, method, source_ip, query, outcome, reason, click_id, offer_source_id, conversion_id) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    insert.run(1, 1000, 'GET', '203.0.113.9', `clickid=${CLICK}`, 'accepted', 'conversion created', CLICK, 4, 7);
    insert.run(2, 2000, 'GET', '203.0.113.9', 'clickid=hello', 'rejected', 'unknown click id "hello" (not a Waypost click id)', null, null, null);
    insert.run(9, 3000, 'POST', '198.51.100.1', `clickid=${CLICK}&token=[removed]`, 'rejected', 'token mismatch', CLICK, 4, null);
    raw.close();

    const eventFile = join(dir, 'events.db');
    const events = createSqliteEventStore(eventFile, { entityFile });
    assert.ok((await events.migrate()).includes('0004-postback-log'));
    const copied = await events.listPostbackLog({ limit: 10 });
    assert.deepEqual(copied.map((row) => [row.id, row.outcome, row.clickId, row.conversionId]), [
      [9, 'rejected', CLICK, null],
      [2, 'rejected', null, null],
      [1, 'accepted', CLICK, 7],
    ]);
    assert.deepEqual(copied[1], { id: 2, receivedAt: 2000, method: 'GET', sourceIp: '203.0.113.9', query: 'clickid=hello', outcome: 'rejected', reason: 'unknown click id "hello" (not a Waypost click id)', clickId: null, offerSourceId: null, conversionId: null });
    assert.deepEqual((await events.listPostbackLog({ limit: 10, clickId: CLICK })).map((row) => row.id), [9, 1], 'a copied conversion row is found by its click id');
    await events.appendPostbackLog([{ receivedAt: 4000, method: 'GET', sourceIp: '203.0.113.9', query: `clickid=${CLICK}`, outcome: 'duplicate', reason: 'duplicate ignored (mode ignore)', clickId: CLICK, offerSourceId: 4, conversionId: 7 }]);
    await events.close();

    const reopened = createSqliteEventStore(eventFile, { entityFile });
    assert.deepEqual(await reopened.migrate(), [], 'a restart copies nothing again');
    const after = await reopened.listPostbackLog({ limit: 10 });
    assert.equal(after.length, 4, 'the appended row is durable and the copy was not repeated');
    assert.ok(after[0]!.id > 9 && after[0]!.reason === 'duplicate ignored (mode ignore)', 'new rows come after the copied ids');
    await reopened.close();

    const old = new BetterSqlite3(entityFile, { readonly: true });
    assert.equal((old.prepare('select count(*) as n from postback_log').get() as { n: number }).n, 3, 'the entity file keeps its rows');
    old.close();
  } finally {
    await entities.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an entity file that does not exist is neither copied nor created', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'waypost-postback-log-'));
  const entityFile = join(dir, 'absent.db');
  const events = createSqliteEventStore(join(dir, 'events.db'), { entityFile });
  try {
    assert.ok((await events.migrate()).includes('0004-postback-log'));
    assert.deepEqual(await events.listPostbackLog({ limit: 10 }), []);
    assert.equal(existsSync(entityFile), false);
  } finally {
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
