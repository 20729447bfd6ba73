import type { EntityStore } from '../store/entity-store.js';
import type { EventStore } from '../store/event-store.js';
import type { Conversion } from '../domain/conversion.js';
import { copyChangedConversions, type ConversionPages } from '../store/conversion-fact-copy.js';

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

function copyConversions(store: EntityStore, events: EventStore, now: number): Promise<void> {
  // An adapter that reads the entity store's conversions itself copies them in bulk, off this thread.
  if (events.copyConversionFactsFromEntities) return events.copyConversionFactsFromEntities(now);
  const pages: ConversionPages<Conversion[]> = {
    afterId: (id, limit) => store.conversions.listAfterId(id, limit),
    changedSince: (cursor, limit) => store.conversions.listChangedSince(cursor, limit),
    size: (page) => page.length,
    last: (page) => page.at(-1)!,
    write: (page, watermark) => events.writeConversionFacts(page, watermark),
  };
  return events.conversionFactsWatermark().then((watermark) => copyChangedConversions(pages, watermark, now));
}
