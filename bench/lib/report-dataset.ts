import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { campaignInputSchema } from '../../src/domain/campaign.js';
import { conversionTypeInputSchema } from '../../src/domain/conversion-type.js';
import { planDuplicateHandling } from '../../src/domain/duplicate-resolution.js';
import { landerInputSchema } from '../../src/domain/lander.js';
import { offerInputSchema } from '../../src/domain/offer.js';
import { offerSourceInputSchema } from '../../src/domain/offer-source.js';
import { trafficChannelInputSchema } from '../../src/domain/traffic-channel.js';
import type { EntityStore } from '../../src/store/entity-store.js';
import { createSqliteEntityStore } from '../../src/store/sqlite/sqlite-entity-store.js';
import { createSqliteEventStore } from '../../src/store/sqlite/sqlite-event-store.js';
import { trackDirectory } from './cleanup.js';
import { CARDINALITY, CONVERSION_TYPES, generateTraffic, planTraffic, type EntityIds, type TrafficPlan, type TrafficSpec } from './report-traffic.js';

/**
 * The reports dataset, written through Waypost's own stores: clicks by `EventStore.write` in large
 * batches (the edge's group commit, bigger), conversions one by one by the conversion repository's
 * `record` (what every postback ends in), entities by their repositories. Generation takes minutes,
 * so the files are kept in a cache directory keyed by the generator's version, seed and size; a run
 * works on a copy, so whatever the engine adds (rollups, copied conversion facts) never leaks into
 * the next run.
 */

/** Bump when the generated rows change: older caches are then deleted and the dataset made again. */
export const GENERATOR_VERSION = 1;
const CLICK_BATCH = 20_000;
const CACHE_ROOT = join(tmpdir(), 'waypost-bench-reports');
const MARKER = 'dataset.json';
export const ENTITY_FILE = 'waypost.db';
export const EVENT_FILE = 'events.db';

export interface DatasetInfo {
  generatorVersion: number;
  spec: TrafficSpec;
  ids: EntityIds;
  clicks: number;
  conversions: number;
  generationSeconds: number;
  generatedAt: string;
}

export interface CachedDataset {
  /** The cache directory: the SQLite files as generation left them (read them, never write). */
  dir: string;
  info: DatasetInfo;
  plan: TrafficPlan;
  /** True when this run generated it, false when it came from the cache. */
  generated: boolean;
}

type Progress = (text: string) => void;

export function datasetDirectory(spec: TrafficSpec): string {
  const seed = spec.seed.replace(/[^A-Za-z0-9_-]/g, '_');
  return join(CACHE_ROOT, `v${GENERATOR_VERSION}-${seed}-${spec.clicks}`);
}

/** The cached dataset of `spec`, or a new one when there is none (or an unfinished one). */
export async function cachedDataset(spec: TrafficSpec, progress: Progress): Promise<CachedDataset> {
  const dir = datasetDirectory(spec);
  await removeOtherVersions();
  const marker = join(dir, MARKER);
  if (existsSync(marker)) {
    const info = JSON.parse(await readFile(marker, 'utf8')) as DatasetInfo;
    if (info.generatorVersion === GENERATOR_VERSION && JSON.stringify(info.spec) === JSON.stringify(spec)) {
      return { dir, info, plan: planTraffic(spec.seed), generated: false };
    }
  }
  // No marker: generation never finished (or another version); start from nothing.
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const started = performance.now();
  const { ids, clicks, conversions } = await generate(dir, spec, progress);
  const info: DatasetInfo = {
    generatorVersion: GENERATOR_VERSION,
    spec,
    ids,
    clicks,
    conversions,
    generationSeconds: (performance.now() - started) / 1000,
    generatedAt: new Date().toISOString(),
  };
  await writeFile(marker, JSON.stringify(info, null, 1));
  return { dir, info, plan: planTraffic(spec.seed), generated: true };
}

/** A fresh data directory with a copy of the cached files, removed when the bench ends. */
export async function workingCopy(dataset: CachedDataset): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'waypost-bench-reports-run-'));
  trackDirectory(dir);
  for (const file of [ENTITY_FILE, EVENT_FILE]) await copyFile(join(dataset.dir, file), join(dir, file));
  return dir;
}

export async function fileSizeMb(path: string): Promise<number> {
  return (await stat(path)).size / 1024 / 1024;
}

async function removeOtherVersions(): Promise<void> {
  if (!existsSync(CACHE_ROOT)) return;
  for (const name of await readdir(CACHE_ROOT)) {
    if (!name.startsWith(`v${GENERATOR_VERSION}-`)) await rm(join(CACHE_ROOT, name), { recursive: true, force: true });
  }
}

async function generate(dir: string, spec: TrafficSpec, progress: Progress): Promise<{ ids: EntityIds; clicks: number; conversions: number }> {
  const store = createSqliteEntityStore(join(dir, ENTITY_FILE));
  const events = createSqliteEventStore(join(dir, EVENT_FILE));
  try {
    await store.migrate();
    await events.migrate();
    const plan = planTraffic(spec.seed);
    const ids = await createEntities(store, plan);
    let clicks = 0;
    let conversions = 0;
    let reported = 0;
    const started = performance.now();
    // One batch is written by the event store's writer thread while the next is generated here.
    let writing: Promise<void> = Promise.resolve();
    for (const batch of generateTraffic(spec, plan, ids, CLICK_BATCH)) {
      await writing;
      writing = events.write({ clicks: batch.clicks, impressions: [] });
      for (const conversion of batch.conversions) {
        await store.conversions.record(conversion, planDuplicateHandling(null, conversion.clickId, conversion.type, conversion.eventId));
      }
      clicks += batch.clicks.length;
      conversions += batch.conversions.length;
      if (clicks - reported >= 1_000_000 || clicks === spec.clicks) {
        reported = clicks;
        const seconds = (performance.now() - started) / 1000;
        progress(`generated ${clicks.toLocaleString('en')} clicks, ${conversions.toLocaleString('en')} conversions in ${seconds.toFixed(0)} s (${Math.round(clicks / seconds).toLocaleString('en')} clicks/s)`);
      }
    }
    await writing;
    // What the worker's scheduled upkeep does: planner statistics for the entity database.
    await store.maintain();
    return { ids, clicks, conversions };
  } finally {
    await events.close();
    await store.close();
  }
}

/** The plan's channels, offer sources, offers, landers and campaigns, plus the two conversion types. */
async function createEntities(store: EntityStore, plan: TrafficPlan): Promise<EntityIds> {
  for (const name of CONVERSION_TYPES) await store.conversionTypes.create(conversionTypeInputSchema.parse({ name }));
  const trafficChannels: number[] = [];
  for (let i = 0; i < CARDINALITY.trafficChannels; i++) {
    const channel = await store.trafficChannels.create(
      trafficChannelInputSchema.parse({
        name: `Channel ${i + 1}`,
        parameters: [
          { key: 'ref_id', macro: '{clickid}' },
          { key: 'sub1', macro: '{zoneid}' },
          { key: 'sub2', macro: '{creative}' },
        ],
      }),
    );
    trafficChannels.push(channel.id);
  }
  const offerSources: number[] = [];
  for (let i = 0; i < CARDINALITY.offerSources; i++) offerSources.push((await store.offerSources.create(offerSourceInputSchema.parse({ name: `Network ${i + 1}` }))).id);
  const offers: number[] = [];
  for (const offer of plan.offers) {
    const created = await store.offers.create(
      offerInputSchema.parse({
        name: `Offer ${offer.index + 1}`,
        offerSourceId: offerSources[offer.offerSource],
        url: `https://offer-${offer.index + 1}.example/go?cid={clickid}`,
        payoutType: 'fixed',
        payout: offer.payout / 1_000_000,
      }),
    );
    offers.push(created.id);
  }
  const landers: number[] = [];
  for (let i = 0; i < CARDINALITY.landers; i++) {
    landers.push((await store.landers.create(landerInputSchema.parse({ name: `Lander ${i + 1}`, url: `https://lander-${i + 1}.example/?cid={clickid}` }))).id);
  }
  const campaigns: number[] = [];
  for (const campaign of plan.campaigns) {
    const campaignOffers = campaign.offers.map((index, rank) => ({ offerId: offers[index]!, weight: Math.round(1000 / (rank + 1)) }));
    const input = campaignInputSchema.parse({
      name: `Campaign ${campaign.index + 1}`,
      trafficChannelId: trafficChannels[campaign.channel],
      costModel: 'cpc',
      costValue: campaign.cpc / 1_000_000,
      funnel: {
        paths: [
          { name: 'via lander', weight: 60, landers: campaign.landers.map((index) => ({ landerId: landers[index]! })), offers: campaignOffers },
          { name: 'direct', weight: 40, offers: campaignOffers },
        ],
      },
    });
    campaigns.push((await store.campaigns.create({ ...input, key: `rb${String(campaign.index).padStart(6, '0')}` })).id);
  }
  return { trafficChannels, offerSources, offers, landers, campaigns };
}
