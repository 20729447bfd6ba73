// A second process blocking placements on the same campaign as the test (placement-blocks-across-processes.test.ts).
import { createWaypostActions } from '../../src/channels/waypost-actions.js';
import { createSqliteEntityStore } from '../../src/store/sqlite/sqlite-entity-store.js';

const [file, campaignId, prefix, count] = process.argv.slice(2) as [string, string, string, string];
const store = createSqliteEntityStore(file);
const actions = createWaypostActions(store);
// Signals the test that it is ready, then waits for its go, so both start blocking at once.
process.stdout.write('ready\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
await Promise.all(Array.from({ length: Number(count) }, (_, i) => actions.blockPlacement(Number(campaignId), { dimension: 'sub1', value: `${prefix}${i}` })));
await store.close();
process.stdout.write('done\n');
process.stdin.destroy();
