import type { ReportDimension } from '../domain/report-dimension.js';

/**
 * What an automated rule (or a person through the admin API) can do to a campaign's traffic. Each
 * action is Waypost's own first (it holds for every channel, integrated or not), then, when the
 * campaign's traffic channel has an API integration with that capability, the same on the channel.
 */
export interface ChannelActions {
  pauseCampaign(campaignId: number, context: ActionContext): Promise<ActionReport>;
  resumeCampaign(campaignId: number, context: ActionContext): Promise<ActionReport>;
  blockPlacement(campaignId: number, placement: Placement, context: ActionContext): Promise<ActionReport>;
  unblockPlacement(campaignId: number, placement: Placement, context: ActionContext): Promise<ActionReport>;
  /** Waypost only: the weight of one offer in every path of the campaign's funnel that holds it. */
  setOfferWeight(campaignId: number, offerId: number, weight: number, context: ActionContext): Promise<ActionReport>;
}

/** The dimensions a placement is named by: the channel's click id parameter or a sub-id. */
export type PlacementDimension = Extract<ReportDimension, 'refId' | `sub${number}`>;

/** A placement within a campaign: the value one of its sub-id (or ref_id) dimensions carries. */
export interface Placement {
  dimension: PlacementDimension;
  value: string;
}

export interface ActionContext {
  /** Who asked, for the log: `rule:12`, `api`. */
  actor: string;
  reason: string;
}

/** What an action did, on Waypost's side and on the channel's. */
export interface ActionReport {
  /** `unchanged`: it already was so (paused, blocked, that weight). */
  waypost: 'done' | 'unchanged';
  channel: ChannelCallReport;
}

export type ChannelCallReport =
  /** The channel has no API integration, or it is disabled: Waypost's own action is all there is. */
  | { state: 'not_integrated' }
  /** The channel's API has no such operation (declared by its connector); Waypost's own action stands in. */
  | { state: 'unsupported'; capability: string; message?: string }
  /** The campaign is not linked to a campaign of the channel (no channel campaign id). */
  | { state: 'not_linked' }
  | { state: 'succeeded'; attempts: number; response: string }
  /** Every attempt failed; `error` is the channel's own message when it sent one. */
  | { state: 'failed'; attempts: number; error: string };
