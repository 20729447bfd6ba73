import { z } from 'zod';
import { ruleInputSchema, ruleProblem, type Rule, type RuleInput } from '../../domain/rule.js';
import type { EntityStore } from '../../store/entity-store.js';
import { ApiError } from '../api-error.js';
import { defineResource } from '../resource.js';
import { iso } from '../routes/route-deps.js';
import { entityMetaShape, optionalId } from './entity-meta-schema.js';

const ruleResponseSchema = ruleInputSchema
  .extend({
    ...entityMetaShape,
    lastEvaluatedAt: z.string().nullable().describe('read-only: the last evaluation, by the worker or run by hand'),
    pendingRestarts: z
      .array(z.object({ campaignId: z.number().int(), placement: z.object({ dimension: z.string(), value: z.string() }).nullable(), dueAt: z.string() }))
      .describe('read-only: objects this rule paused that the worker resumes at dueAt (pause_and_restart)'),
  })
  .meta({ id: 'Rule' });

/** A rule the worker can run: the first problem a field-by-field schema cannot see, or a reference that does not hold, is a 400. */
export async function checkRule(rule: Pick<RuleInput, 'scope' | 'conditions' | 'action'>, store: EntityStore): Promise<void> {
  const problem = ruleProblem(rule);
  if (problem) throw new ApiError('validation_error', `${problem.field}: ${problem.message}`, problem.field);
  const { trafficChannelId, campaignIds } = rule.scope;
  const channel = await store.trafficChannels.get(trafficChannelId);
  if (!channel || channel.status === 'archived') {
    throw new ApiError('validation_error', `scope.trafficChannelId: traffic channel ${trafficChannelId} does not exist or is archived`, 'scope.trafficChannelId');
  }
  for (const [i, campaignId] of campaignIds.entries()) {
    const campaign = await store.campaigns.get(campaignId);
    const field = `scope.campaignIds[${i}]`;
    if (!campaign || campaign.status === 'archived') throw new ApiError('validation_error', `${field}: campaign ${campaignId} does not exist or is archived`, field);
    if (campaign.trafficChannelId !== trafficChannelId) throw new ApiError('validation_error', `${field}: campaign ${campaignId} buys from another traffic channel`, field);
  }
  if (rule.action.type === 'set_offer_weight') {
    const offers = await store.offers.existing([rule.action.offerId]);
    if (!offers.has(rule.action.offerId)) throw new ApiError('validation_error', `action.offerId: offer ${rule.action.offerId} does not exist or is archived`, 'action.offerId');
  }
}

export const rulesResource = defineResource<RuleInput, Rule>({
  path: 'rules',
  noun: 'rule',
  inputSchema: ruleInputSchema,
  responseSchema: ruleResponseSchema,
  repository: (store) => store.rules,
  listFilters: { trafficChannelId: optionalId },
  checkReferences: checkRule,
  async present(rule, { store }) {
    const [lastEvaluations, restarts] = await Promise.all([store.rules.lastEvaluations([rule.id]), store.ruleRestarts.pending(rule.id)]);
    const last = lastEvaluations.get(rule.id);
    return {
      ...rule,
      lastEvaluatedAt: last === undefined ? null : iso(last),
      pendingRestarts: restarts.map((restart) => ({ campaignId: restart.campaignId, placement: restart.placement, dueAt: iso(restart.dueAt) })),
    };
  },
});

