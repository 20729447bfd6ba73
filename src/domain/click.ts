import type { Micros } from './money.js';

/** How a click left the edge; `blocked`: its placement is blocked in the campaign, so it went to the fallback URL. */
export const CLICK_OUTCOMES = ['routed', 'fallback', 'not_found', 'blocked'] as const;
export type ClickOutcome = (typeof CLICK_OUTCOMES)[number];

/**
 * One visit to a campaign URL (or a direct-tracking visit), as recorded. Everything a report or a
 * postback needs later is on the click itself, so neither has to join configuration at read time.
 */
export interface Click {
  clickId: string;
  /** Unix milliseconds. */
  createdAt: number;
  campaignId: number;
  trafficChannelId: number;
  ruleIndex: number;
  pathIndex: number;
  landerId: number | null;
  offerId: number | null;
  outcome: ClickOutcome;
  refId: string;
  /** sub1..sub20, in order; '' where absent. */
  subs: string[];
  /** Channel parameters beyond ref_id/sub/cost, by the channel's own names. */
  params: Record<string, string>;
  cost: Micros;
  ip: string;
  country: string;
  region: string;
  city: string;
  isp: string;
  asn: number | null;
  deviceType: string;
  brand: string;
  model: string;
  os: string;
  osVersion: string;
  browser: string;
  browserVersion: string;
  language: string;
  connectionType: string;
  referrer: string;
  referrerDomain: string;
  userAgent: string;
  isBot: boolean;
  isUnique: boolean;
  /** A short hash of IP and user agent: who counts as the same visitor for unique clicks. */
  visitorKey: string;
  /** How the click arrived: a redirect through /c, or a direct-tracking visit through /v. */
  direct: boolean;
  landerClickedAt: number | null;
  landerClickOfferId: number | null;
}

export const SUB_COUNT = 20;
