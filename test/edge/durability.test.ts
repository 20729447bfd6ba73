import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { freePort, startCli } from '../support/run-cli.js';

const ADMIN_KEY = 'durability-test-admin-key-0123456789';

test('no click acknowledged in a Location header is lost when the server is killed with SIGKILL under load', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'waypost-durability-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = { WAYPOST_DATA_DIR: dir, WAYPOST_PORT: String(port), WAYPOST_HOST: '127.0.0.1', WAYPOST_ADMIN_KEY: ADMIN_KEY, WAYPOST_LOG_LEVEL: 'info' };
  try {
    const server = await startCli(['start'], env, /Waypost is running/);
    const api = async (path: string, body: unknown) => {
      const response = await fetch(`${base}/api/v1/${path}`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      assert.equal(response.status, 201, await response.clone().text());
      return (await response.json()) as any;
    };
    const channel = await api('traffic-channels', { name: 'Channel', parameters: [{ key: 'ref_id', macro: '{id}' }] });
    const source = await api('offer-sources', { name: 'Source' });
    const offer = await api('offers', { name: 'Offer', offerSourceId: source.id, url: 'https://offer.example/?cid={clickid}' });
    const campaign = await api('campaigns', { name: 'Load', trafficChannelId: channel.id, funnel: { paths: [{ offers: [{ offerId: offer.id }] }] } });
    // The edge picks up configuration within a poll interval.
    let ready = false;
    for (let i = 0; i < 40 && !ready; i++) {
      ready = (await fetch(`${base}/c/${campaign.key}`, { redirect: 'manual' })).status === 302;
      if (!ready) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(ready, 'the campaign is served');

    const acknowledged: string[] = [];
    let stop = false;
    const worker = async (n: number) => {
      for (let i = 0; !stop; i++) {
        try {
          const response = await fetch(`${base}/c/${campaign.key}?ref_id=w${n}-${i}`, { redirect: 'manual' });
          const location = response.headers.get('location');
          if (response.status === 302 && location) acknowledged.push(new URL(location).searchParams.get('cid')!);
        } catch {
          // The server died mid-request: this click was never acknowledged.
        }
      }
    };
    const load = Array.from({ length: 16 }, (_, n) => worker(n));
    const deadline = Date.now() + 60_000;
    while (acknowledged.length < 1500 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    server.child.kill('SIGKILL');
    await once(server.child, 'exit');
    stop = true;
    await Promise.all(load);

    // Acknowledged clicks may still be in the spool beside events.db: the restart stores them before it serves.
    const spooled = readdirSync(join(dir, 'events.db-spool')).filter((name) => name.endsWith('.spool'));
    assert.ok(spooled.length > 0, 'the killed process left its spool');
    const restarted = await startCli(['start'], env, /Waypost is running/);
    try {
      const db = new BetterSqlite3(join(dir, 'events.db'), { readonly: true });
      const has = db.prepare('select 1 from clicks where click_id = ?');
      const missing = acknowledged.filter((id) => !has.get(id));
      const stored = (db.prepare('select count(*) from clicks').pluck().get() as number) - 1;
      db.close();
      assert.ok(acknowledged.length >= 1500, `${acknowledged.length} clicks were acknowledged`);
      assert.deepEqual(missing, [], `${missing.length} of ${acknowledged.length} acknowledged clicks are missing`);
      // Nothing stored twice either: at most the clicks in flight when it died were stored unacknowledged.
      assert.ok(stored >= acknowledged.length && stored <= acknowledged.length + 16, `${stored} clicks stored for ${acknowledged.length} acknowledged`);
      assert.deepEqual(readdirSync(join(dir, 'events.db-spool')).filter((name) => spooled.includes(name)), [], "the killed process's spool is stored and deleted");
      const again = await fetch(`${base}/c/${campaign.key}`, { redirect: 'manual' });
      assert.equal(again.status, 302, 'the server starts again on the same files');
    } finally {
      restarted.child.kill('SIGTERM');
      await once(restarted.child, 'exit');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
