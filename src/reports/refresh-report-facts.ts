import type { EntityStore } from '../store/entity-store.js';
import type { EventStore } from '../store/event-store.js';
import type { ConversionFactsWatermark } from '../store/report-facts.js';

const PAGE = 1_000;
// A conversion's updated_at is taken before its transaction commits, so a change may become visible
// after a later one was copied; changes this recent are read again (the copy is an upsert). Commits
// land milliseconds after their time is taken; a longer window only copies every new conversion again.
const LOOKBACK_MS = 5_000;

interface RefreshState {
  running?: Promise<void> | undefined;
  queued?: Promise<void> | undefined;
  configurationVersion?: number | undefined;
}
const states = new WeakMap<EventStore, RefreshState>();

/**
 * Brings the event store's report facts up to date: the offer and campaign maps when the
 * configuration changed, conversions changed since the watermark, then the rollups. Idempotent and
 * cheap when nothing changed. Single-flight per event store: a call during a run waits for one fresh
 * run shared by every such caller, so a report asked right after a click or a postback sees it.
 */
export function refreshReportFacts(deps: { store: EntityStore; events: EventStore; now?: () => number }): Promise<void> {
  let state = states.get(deps.events);
  if (!state) states.set(deps.events, (state = {}));
  const current = state;
  if (!current.running) {
    current.running = run(deps, current).finally(() => {
      current.running = undefined;
    });
    return current.running;
  }
  current.queued ??= current.running
    .catch(() => undefined)
    .then(() => {
      current.queued = undefined;
      return refreshReportFacts(deps);
    });
  return current.queued;
}

async function run({ store, events, now = Date.now }: { store: EntityStore; events: EventStore; now?: () => number }, state: RefreshState) {
  const version = await store.configurationVersion();
  if (version !== state.configurationVersion) {
    const [offers, campaigns] = await Promise.all([store.offers.all(), store.campaigns.all()]);
    await events.writeReportEntities({
      offers: offers.map((offer) => ({ id: offer.id, offerSourceId: offer.offerSourceId })),
      campaigns: campaigns.map((campaign) => ({ id: campaign.id, trafficChannelId: campaign.trafficChannelId })),
    });
    state.configurationVersion = version;
  }
  await copyConversions(store, events, now());
  await events.refreshRollups();
}

async function copyConversions(store: EntityStore, events: EventStore, now: number) {
  let watermark: ConversionFactsWatermark = (await events.conversionFactsWatermark()) ?? { updatedAt: 0, id: 0, maxId: 0 };
  // New conversions by id, whatever their time says.
  for (;;) {
    const page = await store.conversions.listAfterId(watermark.maxId, PAGE);
    if (!page.length) break;
    watermark = { ...watermark, maxId: page.at(-1)!.id };
    await events.writeConversionFacts(page, watermark);
    if (page.length < PAGE) break;
  }
  // Changes in (updatedAt, id) order; the last minute's again, for changes committed out of order.
  let cursor = watermark.updatedAt > now - LOOKBACK_MS ? { updatedAt: watermark.updatedAt - LOOKBACK_MS, id: 0 } : watermark;
  for (;;) {
    const page = await store.conversions.listChangedSince(cursor, PAGE);
    if (!page.length) break;
    const last = page.at(-1)!;
    cursor = { updatedAt: last.updatedAt, id: last.id };
    const ahead = cursor.updatedAt > watermark.updatedAt || (cursor.updatedAt === watermark.updatedAt && cursor.id > watermark.id);
    if (ahead) watermark = { ...cursor, maxId: watermark.maxId };
    await events.writeConversionFacts(page, watermark);
    if (page.length < PAGE) break;
  }
}
