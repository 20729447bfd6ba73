import type { Campaign, CampaignInput } from '../domain/campaign.js';
import type { ConversionType, ConversionTypeInput } from '../domain/conversion-type.js';
import type { EntityStatus } from '../domain/entity.js';
import type { Lander, LanderInput } from '../domain/lander.js';
import type { Offer, OfferInput } from '../domain/offer.js';
import type { OfferSource, OfferSourceInput } from '../domain/offer-source.js';
import type { TrafficChannel, TrafficChannelInput } from '../domain/traffic-channel.js';
import type { ApiKey, NewApiKey } from '../domain/api-key.js';
import type { Conversion, DuplicateStatus, NewConversion } from '../domain/conversion.js';
import type { ConversionStatus } from '../domain/conversion-status.js';
import type { DuplicatePlan, RecordOutcome } from '../domain/duplicate-resolution.js';
import type { Micros } from '../domain/money.js';
import type { PostbackOutcome } from '../domain/postback-log.js';
import type { JourneyEvent } from '../domain/journey.js';
import type { RuleLogRepository, RuleRepository, RuleRestartRepository } from './rule-store.js';
import type { Integration, IntegrationChanges, IntegrationKind, IntegrationRun, IntegrationRunCounts, IntegrationRunKind, IntegrationRunState, IntegrationRunTrigger, IntegrationStatus, NewIntegration } from '../domain/integration.js';

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
  /**
   * Reads the entity and writes what `change` makes of it in one write transaction, holding the row
   * from the read on: two changes at once, from this process or another (an API call and a rule, two
   * rules), apply one after the other, neither writing back what the other changed. `change` answers
   * undefined to leave it as it is, and may throw to refuse (nothing is written). Undefined when the
   * entity does not exist; an archived one is passed to `change` (to refuse with its own error) but never
   * written, as by update.
   */
  modify(id: number, change: (current: TEntity) => TInput | undefined): Promise<{ entity: TEntity; changed: boolean } | undefined>;
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
  /** Conversions of `types` whose click was made in [clickFrom, clickTo), for the customer journey report. */
  journeyEvents(query: { clickFrom: number; clickTo: number; types: string[]; campaignId?: number }): Promise<JourneyEvent[]>;
  /** Conversions per offer and UTC hour (start, unix ms), all and approved, with their payout (micros), for restoring offer caps at start. */
  offerConversionsHourly(): Promise<{ offerId: number; hour: number; conversions: number; approved: number; payout: number; approvedPayout: number }[]>;
  /** Empties the personal data of conversions made before `before` (unix ms); returns how many changed. */
  clearPersonalData(before: number): Promise<number>;
  /** Conversions with an id above `id`, by id, at most `limit`: new ones, for the report fact copy. */
  listAfterId(id: number, limit: number): Promise<Conversion[]>;
  /**
   * Conversions changed since they were stored whose (change time, id) comes after `after`, in that
   * order, at most `limit`: the changes, for the report fact copy (new conversions come by listAfterId).
   * A change sets the change time and updatedAt alike.
   */
  listChangedSince(after: { updatedAt: number; id: number }, limit: number): Promise<Conversion[]>;
  /** The conversion log: newest first (by conversion time, then id), at most `page.limit`. */
  list(filter: ConversionFilter, page: { limit: number; after?: { convertedAt: number; id: number } | undefined }): Promise<Conversion[]>;
}

/** Filters of the conversion log; every field narrows, absent fields do not. */
export interface ConversionFilter {
  /** Conversion time, unix ms, inclusive. */
  from?: number | undefined;
  /** Conversion time, unix ms, exclusive. */
  to?: number | undefined;
  campaignId?: number | undefined;
  offerId?: number | undefined;
  offerSourceId?: number | undefined;
  /** The conversion type's name (case-sensitive). */
  type?: string | undefined;
  status?: ConversionStatus | undefined;
  duplicateStatus?: DuplicateStatus | undefined;
  clickId?: string | undefined;
}

export interface CurrencyRateRepository {
  /** currency → account-currency micro-units per one unit. */
  all(): Promise<Map<string, Micros>>;
  set(currency: string, rate: Micros): Promise<void>;
  /** Every stored rate with when it was last set, by currency code. */
  list(): Promise<{ currency: string; rate: Micros; updatedAt: string }[]>;
  /** False when no rate was stored for `currency`. */
  delete(currency: string): Promise<boolean>;
}

export const OUTBOX_STATES = ['pending', 'sent', 'failed', 'blocked'] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];
export type OutboxKind = 'channel_postback';

/** One outgoing HTTP call (a channel postback) and where it stands. Times are unix ms. */
export interface OutboxEntry {
  id: number;
  kind: OutboxKind;
  conversionId: number | null;
  campaignId: number | null;
  trafficChannelId: number | null;
  url: string;
  state: OutboxState;
  /** Attempts since the row was (re)queued; the attempt log keeps every one. */
  attempts: number;
  nextAttemptAt: number | null;
  /** The last attempt's error, or why the row is blocked. */
  lastError: string | null;
  /** A worker holds the row right now. */
  inFlight: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface NewOutboxEntry {
  kind: OutboxKind;
  conversionId: number | null;
  campaignId: number | null;
  trafficChannelId: number | null;
  url: string;
  state: 'pending' | 'blocked';
  lastError: string | null;
  /** Rows with the same key are one call: a second enqueue returns the first row. */
  dedupeKey: string | null;
  now: number;
}

export interface OutboxAttempt {
  id: number;
  outboxId: number;
  attemptedAt: number;
  /** null when no HTTP answer came (network error, timeout, refused URL). */
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
}

export interface ClaimedOutboxEntry extends OutboxEntry {
  claimToken: string;
}

export interface OutboxRepository {
  enqueue(entry: NewOutboxEntry): Promise<{ entry: OutboxEntry; created: boolean }>;
  /**
   * Takes up to `limit` due pending rows for one worker: they stay pending but leave the due set for
   * `leaseMs`, so no other worker or tick sends them meanwhile (and a crashed worker's rows return).
   */
  claimDue(now: number, limit: number, leaseMs: number): Promise<ClaimedOutboxEntry[]>;
  /** Logs an attempt and settles the row; false (the attempt still logged) when the claim was lost. */
  recordAttempt(
    claim: { id: number; claimToken: string },
    attempt: Omit<OutboxAttempt, 'id' | 'outboxId'>,
    next: { state: 'pending' | 'sent' | 'failed'; nextAttemptAt: number | null; lastError: string | null },
  ): Promise<boolean>;
  get(id: number): Promise<OutboxEntry | undefined>;
  /** Newest first; `total` counts every match (`beforeId` aside), `beforeId` continues after the previous page's last row. */
  list(query: {
    states?: OutboxState[] | undefined;
    campaignId?: number | undefined;
    conversionId?: number | undefined;
    /** Rows of any of these conversions (a click's outgoing postbacks). */
    conversionIds?: number[] | undefined;
    beforeId?: number | undefined;
    limit: number;
    offset: number;
  }): Promise<Page<OutboxEntry>>;
  /** Every attempt of the given rows, oldest first. */
  attempts(outboxIds: number[]): Promise<Map<number, OutboxAttempt[]>>;
  /**
   * A failed or blocked row back to pending with a fresh attempt budget, optionally with a new URL and
   * key; undefined when the row is not failed or blocked; UniqueViolationError when another row has the key.
   */
  requeue(id: number, now: number, changes?: { url: string; dedupeKey: string | null }): Promise<OutboxEntry | undefined>;
}

export interface IntegrationRepository {
  /** Newest first; every filter narrows. */
  list(query: { partner?: string | undefined; kind?: IntegrationKind | undefined; statuses?: IntegrationStatus[] | undefined; offerSourceId?: number | undefined; trafficChannelId?: number | undefined; limit: number; offset: number }): Promise<Page<Integration>>;
  get(id: number): Promise<Integration | undefined>;
  create(integration: NewIntegration, now: number): Promise<Integration>;
  /** undefined when no such integration exists. */
  update(id: number, changes: IntegrationChanges, now: number): Promise<Integration | undefined>;
  /** Removes the integration with its run log and unlinks the offers it imported (they stay); false when it did not exist. */
  delete(id: number): Promise<boolean>;
}

/** The offers an integration's import matches against and writes, all of a refresh at once. */
export interface ImportedOfferRepository {
  /** Offers linked to the integration, and every offer of the offer source that has a partner id (archived ones too). */
  candidates(integrationId: number, offerSourceId: number): Promise<Offer[]>;
  /** Creates and updates in one transaction, linking each offer to the integration: all of it is stored or none. */
  apply(integrationId: number, changes: { create: OfferInput[]; update: { id: number; input: OfferInput }[] }): Promise<void>;
}

/** The run log of integrations: one row per import or conversion pull, written as the run goes. */
export interface IntegrationRunRepository {
  /** A run in state `running` with nothing counted yet; undefined when a run of the same integration is still `running`. */
  startUnlessRunning(run: { integrationId: number; kind: IntegrationRunKind; trigger: IntegrationRunTrigger; startedAt: number }): Promise<IntegrationRun | undefined>;
  /** A run in state `running` with nothing counted yet. */
  start(run: { integrationId: number; kind: IntegrationRunKind; trigger: IntegrationRunTrigger; startedAt: number }): Promise<IntegrationRun>;
  /** Replaces the counts of a run, so progress is visible while it runs; `state`/`finishedAt` end it. */
  record(id: number, counts: IntegrationRunCounts, end?: { state: Exclude<IntegrationRunState, 'running'>; finishedAt: number }): Promise<IntegrationRun | undefined>;
  get(id: number): Promise<IntegrationRun | undefined>;
  /** One integration's runs, newest first (by start, then id). */
  list(integrationId: number, page: { limit: number; offset: number }): Promise<Page<IntegrationRun>>;
  /** The running process is alive: sets the run's heartbeat (a start sets it to the start time). */
  beat(id: number, at: number): Promise<void>;
  /** Ends as `failed`, with `reason` added to its errors, every `running` run whose heartbeat is older than `heartbeatBefore`; answers them. */
  failStale(heartbeatBefore: number, reason: string, at: number): Promise<IntegrationRun[]>;
  /** When the latest run of this kind of each integration started, by integration id. */
  lastStarts(kind: IntegrationRunKind): Promise<Map<number, number>>;
}

/** A conversion pulled from a partner's API (seed 004), as the pull left it. Times are unix ms. */
export interface PulledConversionRecord {
  id: number;
  integrationId: number;
  /** The partner's id of the conversion, stable across pulls. */
  externalId: string;
  /** The partner's status in Waypost's words (the connector maps it). */
  status: ConversionStatus;
  partnerStatus: string | null;
  /** As the partner sent it, in `currency`. */
  payout: Micros;
  /** Null when the partner did not say (the offer's or offer source's currency applies). */
  currency: string | null;
  convertedAt: number;
  offerExternalId: string | null;
  transactionId: string | null;
  /** Where the partner may carry our click id, in the order tried. */
  clickIdCandidates: { source: string; value: string }[];
  /** The click it matched; null while unmatched. */
  clickId: string | null;
  /** The conversion it became or was linked to; null while unmatched. */
  conversionId: number | null;
  /** Why no click matched (yet); null once matched. */
  unmatchedReason: string | null;
  firstSeenAt: number;
  lastSeenAt: number;
}

export type PulledConversionState = Omit<PulledConversionRecord, 'id' | 'integrationId' | 'firstSeenAt' | 'lastSeenAt'>;

/** What a pull writes for one pulled conversion; every write of a page is one transaction. */
export interface PulledConversionWrite {
  /** The row as it stands after this pull (`conversionId` is filled in from `create`). */
  record: PulledConversionState;
  /** A conversion to create and link; a conversion already holding `dedupeKey` is linked instead. */
  create?: { conversion: NewConversion; dedupeKey: string };
  /** A change of the linked conversion (the partner changed status or payout). */
  update?: { conversionId: number; changes: Parameters<ConversionRepository['update']>[1] };
  /** The traffic channel's postback about the conversion as written; pure, it runs inside the transaction. */
  channelPostback?(conversion: Conversion): NewOutboxEntry | undefined;
  /** When the partner last sent it: now, or for a retry of a stored row, that row's own time. */
  seenAt: number;
}

export interface PulledConversionRepository {
  /** The stored rows of these partner ids, by partner id. */
  byExternalIds(integrationId: number, externalIds: string[]): Promise<Map<string, PulledConversionRecord>>;
  /** The ids among `conversionIds` that a pulled conversion (of any integration) is linked to already. */
  linkedConversionIds(conversionIds: number[]): Promise<Set<number>>;
  /** One page of a pull in one transaction: conversions created or changed, their channel postbacks, the rows. */
  apply(integrationId: number, writes: PulledConversionWrite[]): Promise<{ created: Conversion[]; updated: { before: Conversion; after: Conversion }[] }>;
  /** Newest first (by id); `matched` narrows, `beforeId` continues after the previous page's last row. */
  list(query: { integrationId: number; matched?: boolean | undefined; beforeId?: number | undefined; limit: number }): Promise<PulledConversionRecord[]>;
  /**
   * Unmatched rows the current pull has not seen (last seen before `seenBefore`) of conversions made
   * since `convertedSince`, by id after `afterId`, for a retry.
   */
  unmatchedNotSeenSince(query: { integrationId: number; seenBefore: number; convertedSince: number; afterId: number; limit: number }): Promise<PulledConversionRecord[]>;
  /** The conversion a pull created for this click and offer source, with its dedupe key: a postback for it is the same conversion. */
  pulledTwin(clickId: string, offerSourceId: number): Promise<{ conversionId: number; dedupeKey: string } | undefined>;
}

/**
 * Everything one inbound postback writes to the entities, committed together: the conversion under its
 * duplicate plan and what that leads to (a status change, the traffic channel's postback). Either all
 * of it is stored or none, so an accepted conversion never misses its channel postback. The log row
 * is an event (EventStore.appendPostbackLog), written after it with what `settle` decided.
 */
export interface PostbackCommit {
  values: NewConversion;
  plan: DuplicatePlan;
  /**
   * Turns what the insert did into the rest of the commit. It runs inside the transaction, so it is
   * synchronous and pure: no I/O, no awaiting.
   */
  settle(recorded: RecordedConversion): PostbackSettlement;
}

export interface RecordedConversion {
  outcome: RecordOutcome;
  conversion: Conversion;
  /** `edited`: the conversion's status and payout before the edit, so what counts them (offer caps) can move. */
  previous?: { status: ConversionStatus; payout: Micros };
}

export interface PostbackSettlement {
  outcome: PostbackOutcome;
  reason: string;
  /** A duplicate the mode ignores may still move its conversion's status on (pending → approved). */
  statusChange?: { status: ConversionStatus; at: number };
  /** The traffic channel's postback about the conversion as it stands after the status change. */
  channelPostback?: NewOutboxEntry;
}

export interface CommittedPostback {
  /** The conversion as committed (status change included). */
  recorded: RecordedConversion;
  settlement: PostbackSettlement;
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
  currencyRates: CurrencyRateRepository;
  outbox: OutboxRepository;
  integrations: IntegrationRepository;
  integrationRuns: IntegrationRunRepository;
  importedOffers: ImportedOfferRepository;
  rules: RuleRepository;
  ruleLog: RuleLogRepository;
  ruleRestarts: RuleRestartRepository;
  pulledConversions: PulledConversionRepository;
  /**
   * Stores one postback's commit in a transaction shared with the postbacks that arrive in the same
   * turn of the event loop (group commit); resolves only once that transaction has committed. A
   * postback that fails alone (a broken row) fails only itself.
   */
  commitPostback(commit: PostbackCommit): Promise<CommittedPostback>;
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
