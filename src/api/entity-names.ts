import type { AdminRouteDeps } from './routes/route-deps.js';

/** Names of configuration entities by id, for log rows that carry only ids; null when unknown. */
export interface EntityNames {
  campaign(id: number | null): string | null;
  trafficChannel(id: number | null): string | null;
  offer(id: number | null): string | null;
  lander(id: number | null): string | null;
  offerSource(id: number | null): string | null;
}

/**
 * The names a page of log rows needs, looked up once per request: from the edge's in-memory
 * configuration snapshot when this process has one (archived entities included), otherwise from one
 * read of each entity table — never a query per row.
 */
export async function entityNames(deps: AdminRouteDeps): Promise<EntityNames> {
  if (deps.conversions) {
    const snapshot = deps.conversions.snapshot();
    return {
      campaign: (id) => (id === null ? null : (snapshot.campaignById(id)?.campaign.name ?? null)),
      trafficChannel: (id) => (id === null ? null : (snapshot.trafficChannels.get(id)?.name ?? null)),
      offer: (id) => (id === null ? null : (snapshot.offers.get(id)?.offer.name ?? null)),
      lander: (id) => (id === null ? null : (snapshot.landers.get(id)?.lander.name ?? null)),
      offerSource: (id) => (id === null ? null : (snapshot.offerSources.get(id)?.name ?? null)),
    };
  }
  const { store } = deps;
  const [campaigns, channels, offers, landers, sources] = await Promise.all([
    store.campaigns.all(),
    store.trafficChannels.all(),
    store.offers.all(),
    store.landers.all(),
    store.offerSources.all(),
  ]);
  const lookup = (entities: { id: number; name: string }[]) => {
    const names = new Map(entities.map((entity) => [entity.id, entity.name]));
    return (id: number | null) => (id === null ? null : (names.get(id) ?? null));
  };
  return { campaign: lookup(campaigns), trafficChannel: lookup(channels), offer: lookup(offers), lander: lookup(landers), offerSource: lookup(sources) };
}
