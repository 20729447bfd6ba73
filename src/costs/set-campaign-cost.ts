import { parseTimeInZone } from '../domain/local-time.js';
import type { Micros } from '../domain/money.js';
import { UseCaseError } from '../domain/use-case-error.js';
import type { EntityStore } from '../store/entity-store.js';
import type { EventStore } from '../store/event-store.js';

export interface CampaignCostInput {
  campaignId: number;
  /** Wall-clock time in `timeZone` (`2026-11-20T00:00`, `2026-11-20`) or a full ISO instant; inclusive. */
  from: string;
  /** Same forms as `from`; exclusive. */
  to: string;
  /** IANA zone for wall-clock times; the campaign's own zone when absent. */
  timeZone?: string | undefined;
  cost: Micros;
  /** Only the clicks whose sub (sub1..sub20) has this value. */
  sub?: { name: string; value: string } | undefined;
}

export interface CampaignCostResult {
  campaignId: number;
  timeZone: string;
  /** The range as instants. */
  from: number;
  to: number;
  sub: { name: string; value: string } | null;
  /** The cost applied, split over `clicks`; 0 when no click matched. */
  appliedCost: Micros;
  /** The cost that found no click to land on, so nothing changed. */
  rejectedCost: Micros;
  clicks: number;
  /** What the matching clicks cost before. */
  previousCost: Micros;
  note: string;
}

/**
 * Sets what a campaign's traffic cost for a period, the way channels report it: a total per day (or
 * per placement and day) in the channel's time zone. The total replaces the cost of the matching
 * clicks, split over them to the micro-unit so the clicks add up to exactly the total.
 */
export async function setCampaignCost(deps: { store: EntityStore; events: EventStore }, input: CampaignCostInput): Promise<CampaignCostResult> {
  const campaign = await deps.store.campaigns.get(input.campaignId);
  if (!campaign) throw new UseCaseError('validation_error', `campaign ${input.campaignId} does not exist`, 'campaignId');
  const timeZone = input.timeZone ?? campaign.timeZone;
  const from = parseTimeInZone(input.from, timeZone);
  if (from === undefined) throw new UseCaseError('validation_error', `from: "${input.from.slice(0, 40)}" is not a time such as 2026-11-20T00:00 or an ISO instant`, 'from');
  const to = parseTimeInZone(input.to, timeZone);
  if (to === undefined) throw new UseCaseError('validation_error', `to: "${input.to.slice(0, 40)}" is not a time such as 2026-11-21T00:00 or an ISO instant`, 'to');
  if (to <= from) throw new UseCaseError('validation_error', `to: must be after from (${new Date(from).toISOString()} in UTC)`, 'to');

  const sub = input.sub ? { index: Number(input.sub.name.slice(3)), value: input.sub.value } : undefined;
  const { clicks, previousCost } = await deps.events.setClickCost({ campaignId: campaign.id, from, to, ...(sub ? { sub } : {}) }, input.cost);
  const where = `campaign ${campaign.id}${input.sub ? ` with ${input.sub.name}=${input.sub.value}` : ''} between ${new Date(from).toISOString()} and ${new Date(to).toISOString()}`;
  return {
    campaignId: campaign.id,
    timeZone,
    from,
    to,
    sub: input.sub ?? null,
    appliedCost: clicks ? input.cost : 0,
    rejectedCost: clicks ? 0 : input.cost,
    clicks,
    previousCost,
    note: clicks ? `cost of ${clicks} click(s) of ${where} replaced` : `no clicks of ${where}; nothing changed and the cost was not applied`,
  };
}
