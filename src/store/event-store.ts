import type { Click } from '../domain/click.js';
import type { Micros } from '../domain/money.js';

/**
 * The EventStore port: clicks and the facts reports are built from. SQLite in embedded mode,
 * ClickHouse in cluster mode. Callers batch writes; a resolved write is durable.
 */
export interface EventStore {
  /** Writes clicks and impression counts in one transaction; resolves once they are durable. */
  write(batch: EventBatch): Promise<void>;
  /** Records the lander's call-to-action on its click; false when the click is unknown. */
  recordLanderClick(clickId: string, offerId: number, at: number): Promise<boolean>;
  findClick(clickId: string): Promise<Click | undefined>;
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
  /** Applies pending migrations; returns the names it applied. */
  migrate(): Promise<string[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

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
