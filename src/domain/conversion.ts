import type { Click } from './click.js';
import type { ConversionStatus } from './conversion-status.js';
import type { Micros } from './money.js';
import type { PersonalData } from './personal-data.js';

export const DUPLICATE_STATUSES = ['new', 'repeated', 'unknown'] as const;
export type DuplicateStatus = (typeof DUPLICATE_STATUSES)[number];

/** How a conversion reached Waypost. */
export type ConversionOrigin = 'postback' | 'pixel' | 'upload' | 'pull';

/**
 * A conversion, attributed to its click: the click's dimensions are copied in, so a report over
 * conversions never joins clicks or configuration at read time.
 */
export interface Conversion {
  id: number;
  clickId: string;
  /** Unix ms. */
  convertedAt: number;
  clickAt: number;
  updatedAt: number;
  /** The conversion type's name (case-sensitive); null for the plain conversion sent without `type`. */
  type: string | null;
  status: ConversionStatus;
  /** In the account currency. */
  payout: Micros;
  originalPayout: Micros;
  originalCurrency: string;
  eventId: string | null;
  duplicateStatus: DuplicateStatus;
  origin: ConversionOrigin;
  /** How many postbacks this conversion absorbed (edit and increment modes merge later ones in). */
  postbackCount: number;
  campaignId: number;
  trafficChannelId: number;
  offerSourceId: number | null;
  offerId: number | null;
  landerId: number | null;
  ruleIndex: number;
  pathIndex: number;
  refId: string;
  subs: string[];
  country: string;
  region: string;
  city: string;
  isp: string;
  deviceType: string;
  os: string;
  browser: string;
  isBot: boolean;
  /** Postback parameters kept for the record, contact data removed. */
  params: Record<string, string>;
  personalData: PersonalData;
}

export type NewConversion = Omit<Conversion, 'id' | 'duplicateStatus' | 'postbackCount' | 'updatedAt'>;

/** The click's dimensions a conversion copies (attribution), so reports never join at read time. */
export function clickDimensionsOf(click: Pick<Click, AttributedClickField>): Pick<Conversion, AttributedClickField> {
  return {
    campaignId: click.campaignId,
    trafficChannelId: click.trafficChannelId,
    landerId: click.landerId,
    ruleIndex: click.ruleIndex,
    pathIndex: click.pathIndex,
    refId: click.refId,
    subs: click.subs,
    country: click.country,
    region: click.region,
    city: click.city,
    isp: click.isp,
    deviceType: click.deviceType,
    os: click.os,
    browser: click.browser,
    isBot: click.isBot,
  };
}

type AttributedClickField =
  | 'campaignId' | 'trafficChannelId' | 'landerId' | 'ruleIndex' | 'pathIndex' | 'refId' | 'subs'
  | 'country' | 'region' | 'city' | 'isp' | 'deviceType' | 'os' | 'browser' | 'isBot';
