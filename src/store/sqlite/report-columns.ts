import { SUB_DIMENSIONS, type ReportDimension } from '../../domain/report-dimension.js';

/**
 * Where each traffic-side report dimension lives in the SQLite event store. Rollup and retained
 * tables keep the click's columns under the same names, with two normalisations so every source
 * compares alike: `offer_id` is the offer the click went to (directly or from the lander), and a
 * missing entity id is 0, not NULL (rollup keys cannot hold NULL; ids start at 1).
 */
export const VISIT_COLUMNS: Partial<Record<ReportDimension, string>> = {
  campaign: 'campaign_id',
  trafficChannel: 'traffic_channel_id',
  offer: 'offer_id',
  lander: 'lander_id',
  country: 'country',
  region: 'region',
  city: 'city',
  isp: 'isp',
  deviceType: 'device_type',
  brand: 'brand',
  model: 'model',
  os: 'os',
  osVersion: 'os_version',
  browser: 'browser',
  browserVersion: 'browser_version',
  language: 'language',
  connectionType: 'connection_type',
  referrerDomain: 'referrer_domain',
  refId: 'ref_id',
  ...Object.fromEntries(SUB_DIMENSIONS.map((sub) => [sub, sub])),
};

export const ENTITY_ID_COLUMNS = new Set(['campaign_id', 'traffic_channel_id', 'offer_id', 'lander_id']);

/** The stored columns a dimension needs: offer source is read through the offer, path from two indexes. */
export function columnsOf(dimension: ReportDimension): string[] {
  if (dimension === 'offerSource') return ['offer_id'];
  if (dimension === 'path') return ['rule_index', 'path_index'];
  const column = VISIT_COLUMNS[dimension];
  return column ? [column] : [];
}

/** Every dimension column a click has, in the order retained (full-dimension) rows store them. */
export const ALL_DIMENSION_COLUMNS = [
  'campaign_id', 'traffic_channel_id', 'offer_id', 'lander_id', 'rule_index', 'path_index', 'ref_id', ...SUB_DIMENSIONS,
  'country', 'region', 'city', 'isp', 'device_type', 'brand', 'model', 'os', 'os_version', 'browser', 'browser_version',
  'language', 'connection_type', 'referrer_domain',
];

/** A column read from the raw clicks table, normalised as above. */
export function rawClickColumn(column: string): string {
  if (column === 'offer_id') return 'coalesce(offer_id, lander_click_offer_id, 0)';
  if (column === 'lander_id') return 'coalesce(lander_id, 0)';
  return column;
}

/** The traffic measures the rollups and the retained clicks store, in this order. */
export const MEASURE_COLUMNS = ['clicks', 'unique_clicks', 'lander_clicks', 'bot_clicks', 'blocked_clicks', 'cost_micros'];

/**
 * A rollup: measures summed over a few dimensions by time bucket, at every tier below. Listed
 * smallest first: the planner takes the first that covers a query. Each starts with campaign_id, so a
 * campaign filter narrows a lookup of the (bucket, campaign_id, ...) key. Their tables are made by a
 * migration (0003): a change to ROLLUPS or TIERS needs a new one that rebuilds them.
 */
export interface Rollup {
  name: string;
  columns: readonly string[];
}

export const ROLLUPS: readonly Rollup[] = [
  { name: 'campaign', columns: ['campaign_id', 'traffic_channel_id'] },
  { name: 'funnel', columns: ['campaign_id', 'traffic_channel_id', 'offer_id', 'lander_id', 'rule_index', 'path_index'] },
  { name: 'geo', columns: ['campaign_id', 'traffic_channel_id', 'offer_id', 'country'] },
  { name: 'sub1', columns: ['campaign_id', 'traffic_channel_id', 'sub1'] },
];

export const QUARTER_MS = 900_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/**
 * Bucket sizes, finest first, each aligned on the Unix epoch. Quarter hours keep every zone exact (all
 * current offsets are whole quarters, Kathmandu's +5:45 included) and hours every whole-hour zone;
 * blocks of 1, 2, 4, 8 and 16 UTC days serve ranges no time dimension cuts, so a month is read as a
 * handful of blocks rather than thirty days of rows.
 */
export interface Tier {
  name: string;
  size: number;
}
export const TIERS: readonly Tier[] = [
  { name: 'q', size: QUARTER_MS },
  { name: 'h', size: HOUR_MS },
  { name: 'd', size: DAY_MS },
  { name: 'd2', size: 2 * DAY_MS },
  { name: 'd4', size: 4 * DAY_MS },
  { name: 'd8', size: 8 * DAY_MS },
  { name: 'd16', size: 16 * DAY_MS },
];

/** The two time bases of conversions: their click's time and their own. */
export const CONVERSION_BASES = [
  { name: 'click', column: 'click_at' },
  { name: 'postback', column: 'converted_at' },
] as const;
export type ConversionBasis = (typeof CONVERSION_BASES)[number]['name'];

export const trafficTable = (rollup: Rollup, tier: Tier) => `rollup_${rollup.name}_${tier.name}`;
export const conversionTable = (rollup: Rollup, basis: ConversionBasis, tier: Tier) => `conversion_rollup_${rollup.name}_${basis}_${tier.name}`;
/** Conversion rollups key by type ('' for the plain conversion) and status besides the rollup's columns. */
export const CONVERSION_KEYS = ['type', 'status'];
export const CONVERSION_MEASURES = ['conversions', 'revenue_micros'];
