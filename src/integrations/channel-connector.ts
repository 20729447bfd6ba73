import type { Micros } from '../domain/money.js';
import type { ConnectionCheck, SkippedRecord } from './connector.js';

/**
 * What a traffic channel's API connector (Tonic, …) offers Waypost, in channel-neutral words. Channels'
 * APIs differ in what they allow, so each connector declares its capabilities, and only those
 * methods exist on it; where one is missing, Waypost's own action stands in and the API says
 * `unsupported` rather than pretending. Like the partner connectors, it never touches storage.
 */
export const CHANNEL_CAPABILITIES = ['listCampaigns', 'pauseCampaign', 'resumeCampaign', 'blockPlacement', 'unblockPlacement', 'fetchSpend'] as const;
export type ChannelCapability = (typeof CHANNEL_CAPABILITIES)[number];

export interface ChannelConnector {
  /** The partner's key in the registry (`tonic`). */
  readonly partner: string;
  readonly capabilities: readonly ChannelCapability[];
  /** One real call (a login and a campaign list); reports the channel's own refusal instead of throwing. */
  testConnection(): Promise<ConnectionCheck>;
  listCampaigns?(): Promise<ChannelCampaign[]>;
  pauseCampaign?(channelCampaignId: string): Promise<ChannelCallResult>;
  resumeCampaign?(channelCampaignId: string): Promise<ChannelCallResult>;
  /** Stops the placement's traffic to the campaign; `placement` is the channel's own id (source id, zone, site). */
  blockPlacement?(channelCampaignId: string, placement: string): Promise<ChannelCallResult>;
  unblockPlacement?(channelCampaignId: string, placement: string): Promise<ChannelCallResult>;
  /** Spend per campaign and day, days in the channel's own time zone, `from` and `to` inclusive (YYYY-MM-DD); unreadable rows skipped with the reason. */
  fetchSpend?(days: { from: string; to: string }): Promise<{ rows: ChannelSpend[]; skipped: SkippedRecord[] }>;
}

export interface ChannelCampaign {
  /** The channel's id, as a string whatever the channel sends. */
  id: string;
  name: string;
  status: 'active' | 'paused' | 'archived' | 'other';
  /** The channel's own spelling of the status. */
  partnerStatus: string | null;
}

/** What the channel answered to a change, in a line a person can read in the action's report. */
export interface ChannelCallResult {
  /** `unchanged`: the channel already was so (the placement already blocked, the campaign paused). */
  outcome: 'done' | 'unchanged';
  response: string;
}

export interface ChannelSpend {
  channelCampaignId: string;
  /** YYYY-MM-DD in the channel's time zone. */
  day: string;
  spend: Micros;
  clicks: number | null;
}
