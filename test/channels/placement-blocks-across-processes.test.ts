import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createWaypostActions } from '../../src/channels/waypost-actions.js';
import { campaignInputSchema } from '../../src/domain/campaign.js';
import { offerInputSchema } from '../../src/domain/offer.js';
import { offerSourceInputSchema } from '../../src/domain/offer-source.js';
import { trafficChannelInputSchema } from '../../src/domain/traffic-channel.js';
import { createSqliteEntityStore } from '../../src/store/sqlite/sqlite-entity-store.js';

const OTHER_PROCESS = fileURLToPath(new URL('./block-placements-process.ts', import.meta.url));
const EACH = 30;

test('two processes blocking placements of one campaign at once lose none (and a rename at the same time keeps them)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'waypost-blocks-'));
  const file = join(dir, 'waypost.db');
  const store = createSqliteEntityStore(file);
  try {
    await store.migrate();
    const channel = await store.trafficChannels.create(trafficChannelInputSchema.parse({ name: 'Channel' }));
    const offerSource = await store.offerSources.create(offerSourceInputSchema.parse({ name: 'Network' }));
    const offer = await store.offers.create(offerInputSchema.parse({ name: 'Offer', offerSourceId: offerSource.id, url: 'https://offer.example/?cid={clickid}' }));
    const campaign = await store.campaigns.create({ ...campaignInputSchema.parse({ name: 'Campaign', trafficChannelId: channel.id, funnel: { paths: [{ offers: [{ offerId: offer.id }] }] } }), key: 'blocks' });

    // The other process: an API process while this one is the worker's rules, say.
    const other = spawn(process.execPath, ['--import', 'tsx', OTHER_PROCESS, file, String(campaign.id), 'there-', String(EACH)], { stdio: ['pipe', 'pipe', 'inherit'] });
    const output: string[] = [];
    const said = (line: string) =>
      new Promise<void>((resolve, reject) => {
        const check = () => (output.join('').includes(line) ? resolve() : undefined);
        other.stdout!.on('data', (chunk: Buffer) => {
          output.push(chunk.toString());
          check();
        });
        other.once('exit', (code) => (output.join('').includes(line) ? resolve() : reject(new Error(`the other process exited (${code}) before "${line}"`))));
        check();
      });
    await said('ready');
    const actions = createWaypostActions(store);
    other.stdin!.end('go\n');
    const here = Array.from({ length: EACH }, (_, i) => actions.blockPlacement(campaign.id, { dimension: 'sub1', value: `here-${i}` }));
    // A rename through the repository's modify, as the admin API's PATCH does, in the middle of it all.
    const rename = store.campaigns.modify(campaign.id, (current) => campaignInputSchema.parse({ ...current, name: 'Renamed' }));
    await Promise.all([...here, rename, said('done')]);

    const stored = (await store.campaigns.get(campaign.id))!;
    const values = stored.blockedPlacements.map((placement) => placement.value).sort();
    const expected = [...Array.from({ length: EACH }, (_, i) => `here-${i}`), ...Array.from({ length: EACH }, (_, i) => `there-${i}`)].sort();
    assert.deepEqual(values, expected, 'every block of both processes is kept');
    assert.equal(stored.name, 'Renamed');
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
