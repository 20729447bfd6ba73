import type { Click, ClickOutcome } from '../domain/click.js';
import type { Micros } from '../domain/money.js';
import type { LoggedPostback, PostbackLogEntry, PostbackLogQuery } from '../domain/postback-log.js';
import type { ConversionFact, ConversionFactsWatermark, FactQuery, FactRow, ReportEntities } from './report-facts.js';

/**
 * The EventStore port: clicks, the postback log and the facts reports are built from. SQLite in
 * embedded mode, ClickHouse in cluster mode. Callers batch writes; a resolved write is durable.
 */
export interface EventStore {
  /**
   * Takes clicks and impression counts in one write (a transaction, or one append to a local spool);
   * resolves once they are durable. Reads that must see them wait until they are stored.
   */
  write(batch: EventBatch): Promise<void>;
  /**
   * Bytes of acknowledged clicks and impressions waiting in the adapter's local spool to be stored:
   * it grows while the database is busy or refuses writes, and 0 means everything is stored.
   */
  spoolBacklogBytes(): number;
  /** Records the lander's call-to-action on its click; false when the click is unknown. */
  recordLanderClick(clickId: string, offerId: number, at: number): Promise<boolean>;
  findClick(clickId: string): Promise<Click | undefined>;
  /** The click as a conversion needs it (attribution and the dimensions copied onto it); the postback's lookup. */
  findClickForConversion(clickId: string): Promise<ConversionClick | undefined>;
  /** Visitors seen per campaign since `since`, to restore unique-click state after a restart. */
  recentVisitors(since: number): Promise<{ campaignId: number; visitorKey: string; lastSeen: number }[]>;
  /** Clicks sent to each offer per UTC hour (start, unix ms), for click caps. */
  offerClicksHourly(): Promise<{ offerId: number; hour: number; clicks: number }[]>;
  /** Impressions and their cost for a campaign, all time. */
  impressionTotals(campaignId: number): Promise<{ impressions: number; cost: Micros }>;
  /**
   * Replaces the cost of the campaign's clicks made in [from, to) (only those whose sub has the given
   * value, when `sub` is set) with `total`, split exactly over them in time order; one transaction.
   */
  setClickCost(selection: ClickCostSelection, total: Micros): Promise<{ clicks: number; previousCost: Micros }>;
  /** The click log: clicks matching `filter`, newest first (by time, then click id), at most `page.limit`. */
  listClicks(filter: ClickFilter, page: ClickPage): Promise<Click[]>;
  /**
   * Appends rows to the postback log; resolves once they are durable. Rows appended in the same turn
   * of the event loop share one write (group commit).
   */
  appendPostbackLog(entries: readonly PostbackLogEntry[]): Promise<void>;
  /** The postback log: rows matching the query's filters, newest first (by id), at most `limit`. */
  listPostbackLog(query: PostbackLogQuery): Promise<LoggedPostback[]>;
  /** Base measures of a report, grouped and filtered (src/store/report-facts.ts). */
  reportFacts(query: FactQuery): Promise<FactRow[]>;
  /** The last conversion change copied by `writeConversionFacts`; null before the first copy. */
  conversionFactsWatermark(): Promise<ConversionFactsWatermark | null>;
  /** Upserts conversion facts by conversion id and moves the watermark to `watermark`, in one transaction. */
  writeConversionFacts(facts: readonly ConversionFact[], watermark: ConversionFactsWatermark): Promise<void>;
  /** Replaces the offer → offer source and campaign → traffic channel maps reports group by. */
  writeReportEntities(entities: ReportEntities): Promise<void>;
  /**
   * Brings the adapter's pre-aggregates up to date with the clicks written and changed (cost, lander
   * click) since the last call; adapters without any do nothing. Not concurrent with itself.
   */
  refreshRollups(): Promise<void>;
  /**
   * Present when the adapter reads the entity store's conversions itself (embedded mode: both SQLite
   * files are local): copies what changed since the watermark in bulk, off the serving thread, as
   * `copyChangedConversions` over `writeConversionFacts` would.
   */
  copyConversionFactsFromEntities?(now: number): Promise<void>;
  /**
   * Deletes raw clicks made before `before` whose hours are rolled up, keeping every report's numbers
   * over them (they are answered from full-dimension rollups). Returns how many clicks were deleted.
   */
  deleteClicksBefore(before: number): Promise<number>;
  /** Applies pending migrations; returns the names it applied. */
  migrate(): Promise<string[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** What a conversion takes from its click: far fewer columns than the click log shows. */
export type ConversionClick = Pick<
  Click,
  | 'createdAt' | 'campaignId' | 'trafficChannelId' | 'ruleIndex' | 'pathIndex' | 'landerId' | 'offerId' | 'landerClickOfferId' | 'refId'
  | 'subs' | 'country' | 'region' | 'city' | 'isp' | 'deviceType' | 'os' | 'browser' | 'isBot'
>;

export interface EventBatch {
  clicks: readonly Click[];
  impressions: readonly ImpressionCount[];
}

export interface ImpressionCount {
  campaignId: number;
  /** Start of the UTC hour, unix milliseconds. */
  hour: number;
  count: number;
  cost: Micros;
}

export interface ClickCostSelection {
  campaignId: number;
  /** Unix ms, inclusive. */
  from: number;
  /** Unix ms, exclusive. */
  to: number;
  /** Only clicks whose sub`index` (1..20) equals `value`. */
  sub?: { index: number; value: string };
}

/** Filters of the click log; every field narrows, absent fields do not. */
export interface ClickFilter {
  /** Unix ms, inclusive. */
  from?: number | undefined;
  /** Unix ms, exclusive. */
  to?: number | undefined;
  campaignId?: number | undefined;
  trafficChannelId?: number | undefined;
  /** The offer the click was sent to, directly or through the lander's call to action. */
  offerId?: number | undefined;
  landerId?: number | undefined;
  country?: string | undefined;
  deviceType?: string | undefined;
  isBot?: boolean | undefined;
  isUnique?: boolean | undefined;
  refId?: string | undefined;
  /** Exact values of sub`index` (1..20). */
  subs?: { index: number; value: string }[] | undefined;
  outcome?: ClickOutcome | undefined;
}

export interface ClickPage {
  limit: number;
  /** Only clicks after this one in newest-first order (the last row of the previous page). */
  after?: { createdAt: number; clickId: string } | undefined;
}
