import type { Campaign, CampaignInput } from '../domain/campaign.js';
import type { ConversionType, ConversionTypeInput } from '../domain/conversion-type.js';
import type { EntityStatus } from '../domain/entity.js';
import type { Lander, LanderInput } from '../domain/lander.js';
import type { Offer, OfferInput } from '../domain/offer.js';
import type { OfferSource, OfferSourceInput } from '../domain/offer-source.js';
import type { TrafficChannel, TrafficChannelInput } from '../domain/traffic-channel.js';
import type { ApiKey, NewApiKey } from '../domain/api-key.js';
import type { Conversion, NewConversion } from '../domain/conversion.js';
import type { ConversionStatus } from '../domain/conversion-status.js';
import type { DuplicatePlan, RecordOutcome } from '../domain/duplicate-resolution.js';
import type { Micros } from '../domain/money.js';

/**
 * The EntityStore port: configuration entities, API keys (and, as Waypost grows, conversions, jobs
 * and logs). One implementation per database, chosen once at start-up; the SQL dialects share code.
 */

export interface ListQuery {
  /** Statuses to include; by default everything but archived. */
  statuses?: EntityStatus[];
  /** Case-insensitive substring of the name. */
  search?: string;
  /** Equality filters on reference columns, e.g. { offerSourceId: 3 }. */
  where?: Record<string, number>;
  limit: number;
  offset: number;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export interface EntityRepository<TInput, TEntity> {
  list(query: ListQuery): Promise<Page<TEntity>>;
  get(id: number): Promise<TEntity | undefined>;
  /** Every entity, archived included, for building the edge's configuration snapshot. */
  all(): Promise<TEntity[]>;
  /** Ids among `ids` that exist and are not archived. */
  existing(ids: number[]): Promise<Set<number>>;
  create(input: TInput): Promise<TEntity>;
  update(id: number, input: TInput): Promise<TEntity | undefined>;
  archive(id: number): Promise<TEntity | undefined>;
}

export interface CampaignRepository extends EntityRepository<CampaignInput, Campaign> {
  create(input: CampaignInput & { key: string }): Promise<Campaign>;
}

export interface ApiKeyRepository {
  create(key: NewApiKey): Promise<ApiKey>;
  findActiveByHash(hash: string): Promise<ApiKey | undefined>;
  countActive(): Promise<number>;
  touch(id: number, at: string): Promise<void>;
}

export interface ConversionRepository {
  /** Inserts under the duplicate plan's rule; the database settles races through the plan's unique key. */
  record(conversion: NewConversion, plan: DuplicatePlan): Promise<{ outcome: RecordOutcome; conversion: Conversion }>;
  get(id: number): Promise<Conversion | undefined>;
  listByClick(clickId: string): Promise<Conversion[]>;
  /** Changes status and/or payout of an existing conversion (a later postback or the API). */
  update(id: number, changes: { status?: ConversionStatus; payout?: Micros; originalPayout?: Micros; originalCurrency?: string }): Promise<Conversion | undefined>;
}

export interface PostbackLogEntry {
  receivedAt: number;
  method: string;
  sourceIp: string;
  /** The query as received, contact data masked. */
  query: string;
  outcome: PostbackOutcome;
  reason: string;
  clickId: string | null;
  offerSourceId: number | null;
  conversionId: number | null;
}
export type PostbackOutcome = 'accepted' | 'duplicate' | 'ignored' | 'rejected';

export interface PostbackLogRepository {
  append(entry: PostbackLogEntry): Promise<number>;
  /** Newest first. */
  list(query: { limit: number; beforeId?: number }): Promise<(PostbackLogEntry & { id: number })[]>;
}

export interface CurrencyRateRepository {
  /** currency → account-currency micro-units per one unit. */
  all(): Promise<Map<string, Micros>>;
  set(currency: string, rate: Micros): Promise<void>;
}

export interface EntityStore {
  trafficChannels: EntityRepository<TrafficChannelInput, TrafficChannel>;
  offerSources: EntityRepository<OfferSourceInput, OfferSource>;
  offers: EntityRepository<OfferInput, Offer>;
  landers: EntityRepository<LanderInput, Lander>;
  campaigns: CampaignRepository;
  conversionTypes: EntityRepository<ConversionTypeInput, ConversionType>;
  apiKeys: ApiKeyRepository;
  conversions: ConversionRepository;
  postbackLog: PostbackLogRepository;
  currencyRates: CurrencyRateRepository;
  /** Applies pending migrations; returns the names it applied (none when up to date). */
  migrate(): Promise<string[]>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /** Routine upkeep the worker runs on a schedule (planner statistics, log compaction). */
  maintain(): Promise<void>;
  /** A number that changes whenever any entity changes, so the edge knows to reload its snapshot. */
  configurationVersion(): Promise<number>;
  close(): Promise<void>;
}

/** A write broke a uniqueness rule; `field` names the API field for the error. */
export class UniqueViolationError extends Error {
  override name = 'UniqueViolationError';
  constructor(readonly field: string) {
    super(`${field} is already taken`);
  }
}
