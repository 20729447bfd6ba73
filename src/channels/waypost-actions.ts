import { campaignInputSchema, placementSchema, type Campaign, type CampaignInput } from '../domain/campaign.js';
import type { Funnel, FunnelPath } from '../domain/funnel.js';
import { UseCaseError } from '../domain/use-case-error.js';
import type { EntityStore } from '../store/entity-store.js';
import type { Placement } from './channel-actions.js';

/** What one of Waypost's own actions did to the campaign: `unchanged` when it already was so. */
export interface WaypostActionResult {
  outcome: 'done' | 'unchanged';
  campaign: Campaign;
}

/**
 * Waypost's own actions on a campaign, for every channel: pause and resume (a paused campaign sends
 * its clicks to the fallback URL), block and unblock a placement (its clicks go to the fallback URL,
 * recorded as `blocked`), and an offer's weight in the funnel. Each reads, changes and writes the
 * campaign in one write transaction (the repository's `modify`), so two changes at once — a rule
 * blocking several placements, the API and the worker in two processes — never lose one another.
 */
export function createWaypostActions(store: EntityStore) {
  const change = async (campaignId: number, apply: (campaign: Campaign) => CampaignInput | undefined): Promise<WaypostActionResult> => {
    const result = await store.campaigns.modify(campaignId, (campaign) => {
      if (campaign.status === 'archived') throw new UseCaseError('conflict', `campaign ${campaignId} is archived and can no longer change`, 'id');
      return apply(campaign);
    });
    if (!result) throw new UseCaseError('not_found', `campaign ${campaignId} does not exist`, 'id');
    return { outcome: result.changed ? 'done' : 'unchanged', campaign: result.entity };
  };

  return {
    pauseCampaign: (campaignId: number) =>
      change(campaignId, (campaign) => (campaign.status === 'paused' ? undefined : { ...inputOf(campaign), status: 'paused' })),

    resumeCampaign: (campaignId: number) =>
      change(campaignId, (campaign) => (campaign.status === 'active' ? undefined : { ...inputOf(campaign), status: 'active' })),

    blockPlacement: (campaignId: number, placement: Placement) =>
      change(campaignId, (campaign) => {
        checkPlacement(placement);
        if (campaign.blockedPlacements.some((blocked) => samePlacement(blocked, placement))) return undefined;
        return { ...inputOf(campaign), blockedPlacements: [...campaign.blockedPlacements, { dimension: placement.dimension, value: placement.value }] };
      }),

    unblockPlacement: (campaignId: number, placement: Placement) =>
      change(campaignId, (campaign) => {
        checkPlacement(placement);
        const kept = campaign.blockedPlacements.filter((blocked) => !samePlacement(blocked, placement));
        return kept.length === campaign.blockedPlacements.length ? undefined : { ...inputOf(campaign), blockedPlacements: kept };
      }),

    /** The offer's weight in every path of the funnel (rules' paths and default paths) that holds it. */
    setOfferWeight: (campaignId: number, offerId: number, weight: number) =>
      change(campaignId, (campaign) => {
        if (!Number.isInteger(weight) || weight < 0 || weight > 10_000) throw new UseCaseError('validation_error', `weight: must be a whole number from 0 to 10000, not ${weight}`, 'weight');
        const funnel = withOfferWeight(campaign.funnel, offerId, weight);
        if (funnel === 'absent') throw new UseCaseError('validation_error', `offer ${offerId} is in no path of campaign ${campaignId}'s funnel`, 'offerId');
        return funnel === 'unchanged' ? undefined : { ...inputOf(campaign), funnel };
      }),
  };
}

export type WaypostActions = ReturnType<typeof createWaypostActions>;

/** A placement as the API takes it, or a 400 naming the bad field (`dimension`, `value`). */
export function checkPlacement(placement: Placement): void {
  const parsed = placementSchema.safeParse(placement);
  if (parsed.success) return;
  const issue = parsed.error.issues[0]!;
  const field = String(issue.path[0] ?? 'dimension');
  throw new UseCaseError('validation_error', `${field}: ${issue.message}`, field);
}

function samePlacement(a: Placement, b: Placement): boolean {
  return a.dimension === b.dimension && a.value === b.value;
}

/** The campaign's input fields, as a PATCH of nothing would write them back. */
function inputOf(campaign: Campaign): CampaignInput {
  const record = campaign as unknown as Record<string, unknown>;
  return Object.fromEntries(Object.keys(campaignInputSchema.shape).map((key) => [key, record[key]])) as CampaignInput;
}

function withOfferWeight(funnel: Funnel, offerId: number, weight: number): Funnel | 'absent' | 'unchanged' {
  let found = false;
  let changed = false;
  const paths = (list: FunnelPath[]) =>
    list.map((path) => ({
      ...path,
      offers: path.offers.map((offer) => {
        if (offer.offerId !== offerId) return offer;
        found = true;
        if (offer.weight === weight) return offer;
        changed = true;
        return { ...offer, weight };
      }),
    }));
  const next: Funnel = { ...funnel, rules: funnel.rules.map((rule) => ({ ...rule, paths: paths(rule.paths) })), paths: paths(funnel.paths) };
  if (!found) return 'absent';
  return changed ? next : 'unchanged';
}

