import type { Logger } from 'pino';
import type { Campaign } from '../domain/campaign.js';
import { compileFunnel, type CompiledFunnel } from '../domain/funnel-evaluation.js';
import type { Lander } from '../domain/lander.js';
import type { Offer } from '../domain/offer.js';
import type { TrafficChannel } from '../domain/traffic-channel.js';
import type { ConversionType } from '../domain/conversion-type.js';
import type { OfferSource } from '../domain/offer-source.js';
import type { EntityStore } from '../store/entity-store.js';
import { compileUrlTemplate, type UrlTemplate } from './macros.js';
import { compileBlockedPlacements, type BlockedPlacements } from './blocked-placements.js';

/** A campaign as the edge serves it: its channel, compiled funnel and the parameters to capture. */
export interface EdgeCampaign {
  campaign: Campaign;
  channel: TrafficChannel | undefined;
  funnel: CompiledFunnel;
  /** Query parameters the channel maps under its own names (beyond ref_id, sub1..sub20, cost). */
  customParams: readonly string[];
  /** The visitor facts the funnel's conditions and offer targeting read. */
  factFields: readonly string[];
  /** The campaign's blocked placements; null when it blocks none. */
  blocked: BlockedPlacements | null;
}

export interface EdgeOffer {
  offer: Offer;
  url: UrlTemplate;
}

export interface EdgeLander {
  lander: Lander;
  url: UrlTemplate;
}

const STANDARD_PARAM = /^(ref_id|cost|sub([1-9]|1[0-9]|20))$/;
const HOUR_MS = 3_600_000;
/** A campaign's default uniqueness window (campaign.ts): what is remembered while no campaign says more. */
const DEFAULT_UNIQUENESS_WINDOW_MS = 24 * HOUR_MS;

/**
 * The configuration the hot path serves from: every campaign, offer and lander, compiled once. A new
 * snapshot replaces the old one whole, so a request never sees half an update.
 */
export class ConfigurationSnapshot {
  private constructor(
    readonly version: number,
    private readonly campaignsByKey: Map<string, EdgeCampaign>,
    private readonly campaignsById: Map<number, EdgeCampaign>,
    readonly offers: Map<number, EdgeOffer>,
    readonly landers: Map<number, EdgeLander>,
    readonly offerSources: Map<number, OfferSource>,
    /** Active conversion types by their case-sensitive name. */
    readonly conversionTypes: Map<string, ConversionType>,
    readonly trafficChannels: Map<number, TrafficChannel>,
    /** Offer sources with an integration: a pull may have recorded a conversion a postback then repeats. */
    readonly offerSourcesWithIntegration: ReadonlySet<number>,
    /** The longest uniqueness window of the campaigns not archived: how far back visitors are remembered. */
    readonly longestUniquenessWindowMs: number,
  ) {}

  static empty(): ConfigurationSnapshot {
    return new ConfigurationSnapshot(-1, new Map(), new Map(), new Map(), new Map(), new Map(), new Map(), new Map(), new Set(), DEFAULT_UNIQUENESS_WINDOW_MS);
  }

  static async load(store: EntityStore): Promise<ConfigurationSnapshot> {
    const version = await store.configurationVersion();
    const [campaigns, channels, offers, landers, offerSources, conversionTypes, integrations] = await Promise.all([
      store.campaigns.all(),
      store.trafficChannels.all(),
      store.offers.all(),
      store.landers.all(),
      store.offerSources.all(),
      store.conversionTypes.all(),
      store.integrations.list({ kind: 'offer_source', limit: 100_000, offset: 0 }),
    ]);
    const channelsById = new Map(channels.map((channel) => [channel.id, channel]));
    const byKey = new Map<string, EdgeCampaign>();
    const byId = new Map<number, EdgeCampaign>();
    let longestUniquenessWindowMs = DEFAULT_UNIQUENESS_WINDOW_MS;
    for (const campaign of campaigns) {
      if (campaign.status !== 'archived') longestUniquenessWindowMs = Math.max(longestUniquenessWindowMs, campaign.uniquenessWindowHours * HOUR_MS);
      const channel = channelsById.get(campaign.trafficChannelId);
      const entry: EdgeCampaign = {
        campaign,
        channel,
        funnel: compileFunnel(campaign.funnel, campaign.timeZone),
        customParams: (channel?.parameters ?? []).map((p) => p.key).filter((key) => !STANDARD_PARAM.test(key)),
        factFields: factFieldsOf(campaign),
        blocked: compileBlockedPlacements(campaign.blockedPlacements),
      };
      byId.set(campaign.id, entry);
      // Archived campaigns keep resolving by id (lander clicks of old visits) but not by key.
      if (campaign.status !== 'archived') byKey.set(campaign.key, entry);
    }
    return new ConfigurationSnapshot(
      version,
      byKey,
      byId,
      new Map(offers.map((offer) => [offer.id, { offer, url: compileUrlTemplate(offer.url) }])),
      new Map(landers.map((lander) => [lander.id, { lander, url: compileUrlTemplate(lander.url) }])),
      new Map(offerSources.map((source) => [source.id, source])),
      new Map(conversionTypes.filter((type) => type.status === 'active').map((type) => [type.name, type])),
      channelsById,
      new Set(integrations.items.flatMap((integration) => (integration.offerSourceId === null ? [] : [integration.offerSourceId]))),
      longestUniquenessWindowMs,
    );
  }

  campaignByKey(key: string): EdgeCampaign | undefined {
    return this.campaignsByKey.get(key);
  }

  campaignById(id: number): EdgeCampaign | undefined {
    return this.campaignsById.get(id);
  }
}

/**
 * Holds the current snapshot and replaces it when the configuration version in the store moves. The
 * version is one indexed row, read by a timer every half second (never by a request), so a change
 * made through any process's API is served within that time.
 */
export class SnapshotHolder {
  current = ConfigurationSnapshot.empty();
  private timer: NodeJS.Timeout | undefined;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly store: EntityStore,
    private readonly logger: Logger,
  ) {}

  async start(pollMs = 500): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh().catch((error) => this.logger.error({ err: error }, 'configuration refresh failed; serving the previous snapshot')), pollMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Loads a new snapshot if the stored configuration changed; concurrent calls share one load. */
  refresh(): Promise<void> {
    this.loading ??= (async () => {
      try {
        const version = await this.store.configurationVersion();
        if (version !== this.current.version) this.current = await ConfigurationSnapshot.load(this.store);
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }
}

// Hour, day and time come from the clock, not from the visitor.
const CLOCK_FIELDS = new Set(['hour', 'day_of_week', 'time']);

/** Facts a campaign's conditions test, plus the country offer targeting needs. */
function factFieldsOf(campaign: Campaign): string[] {
  const fields = new Set<string>(['country']);
  for (const rule of campaign.funnel.rules) {
    for (const { field } of rule.conditions) {
      if (CLOCK_FIELDS.has(field)) continue;
      fields.add(field.startsWith('param.') ? 'params' : field);
    }
  }
  return [...fields];
}
