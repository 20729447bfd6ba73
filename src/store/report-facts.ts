import type { Conversion } from '../domain/conversion.js';
import type { ConversionStatus } from '../domain/conversion-status.js';
import type { Micros } from '../domain/money.js';
import type { ReportDimension } from '../domain/report-dimension.js';

/**
 * The reading side of the EventStore port: base measures grouped by up to three dimensions. Derived
 * metrics (CTR, CR, EPC, ROI...), names, totals, sorting and paging are the report's business, above
 * the port, so every adapter (SQLite rollups, ClickHouse) answers only this and answers it the same.
 */
export interface FactQuery {
  /** Unix ms, inclusive. */
  from: number;
  /** Unix ms, exclusive. */
  to: number;
  /** IANA zone the time dimensions (date, hour, dayOfWeek) are read in. */
  timeZone: string;
  groupBy: readonly ReportDimension[];
  /** Every filter narrows; values of one filter are OR. Entity dimensions compare ids as strings. */
  filters: readonly FactFilter[];
  /** Count a conversion at its click's time (`click`) or at its own (`postback`). */
  conversionTime: 'click' | 'postback';
}

export interface FactFilter {
  dimension: ReportDimension;
  op: 'in' | 'not_in';
  values: readonly string[];
}

/** One group: its key and the measures everything else is computed from. */
export interface FactRow {
  /**
   * The group's value of each `groupBy` dimension, in order: entity ids as numbers (null when the
   * click had none, e.g. no lander), `date` as YYYY-MM-DD, `hour` 0-23, `dayOfWeek` 1 (Monday)-7,
   * `path` as "rule:path" indexes, other dimensions as strings ('' when unknown). Conversion
   * dimensions are null on the click measures' share of a row.
   */
  key: (string | number | null)[];
  impressions: number;
  clicks: number;
  uniqueClicks: number;
  landerClicks: number;
  botClicks: number;
  /** Clicks of a blocked placement, sent to the campaign's fallback (outcome `blocked`). */
  blockedClicks: number;
  /** Traffic cost: clicks' cost plus impressions' (CPM) cost. */
  cost: Micros;
  /** Conversions of the group by type (null = the plain conversion) and status. */
  conversions: ConversionMeasure[];
}

export interface ConversionMeasure {
  type: string | null;
  status: ConversionStatus;
  count: number;
  revenue: Micros;
}

/**
 * A conversion as reports need it, copied from the entity store into the event store (the copy the
 * cluster mode makes into ClickHouse). Dimensions the conversion does not carry (brand, model, OS and
 * browser versions, language, connection type, referrer domain) are taken from its click while the
 * click is still stored.
 */
export type ConversionFact = Pick<
  Conversion,
  | 'id' | 'clickId' | 'clickAt' | 'convertedAt' | 'updatedAt' | 'type' | 'status' | 'payout'
  | 'campaignId' | 'trafficChannelId' | 'offerSourceId' | 'offerId' | 'landerId' | 'ruleIndex' | 'pathIndex'
  | 'refId' | 'subs' | 'country' | 'region' | 'city' | 'isp' | 'deviceType' | 'os' | 'browser'
>;

/** Where the copy of conversions stands. */
export interface ConversionFactsWatermark {
  /** The last change copied, in (updatedAt, id) order: ties of updatedAt are told apart by id. */
  updatedAt: number;
  id: number;
  /** The highest conversion id copied: new conversions are found by id whatever their updatedAt. */
  maxId: number;
}

/**
 * Entity facts clicks do not carry, which reports group by: each offer's offer source (a click knows
 * its offer) and each campaign's traffic channel (impressions know only their campaign).
 */
export interface ReportEntities {
  offers: readonly { id: number; offerSourceId: number }[];
  campaigns: readonly { id: number; trafficChannelId: number }[];
}
