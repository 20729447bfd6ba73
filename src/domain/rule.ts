import { z } from 'zod';
import { httpUrlSchema, nameSchema, settableStatusSchema, timeZoneSchema, type EntityMeta } from './entity.js';
import { PLACEMENT_DIMENSIONS } from './campaign.js';
import { REPORT_METRICS } from './report-metrics.js';

/**
 * An automated rule, as RedTrack's and Binom's: over a rolling window of report metrics, the objects
 * in its scope (campaigns of one traffic channel, or their placements) that meet every condition are
 * acted on — paused, paused and restarted later, resumed, blocked, given another offer weight, or
 * reported to a webhook. The worker checks it every `frequencyMinutes`, within its schedule.
 */

export const RULE_OBJECT_LEVELS = ['campaign', 'placement'] as const;
export type RuleObjectLevel = (typeof RULE_OBJECT_LEVELS)[number];

export const RULE_OPS = ['>', '>=', '<', '<=', '=', '!='] as const;
export type RuleOp = (typeof RULE_OPS)[number];

/** Metrics that are one number per conversion type; a condition on them names the type. */
export const PER_TYPE_METRICS = ['conversionsByType', 'revenueByType'] as const;

export const ruleConditionSchema = z
  .object({
    metric: z.enum(REPORT_METRICS).describe('a report metric: money in the account currency (cost 20 = 20.00), ratios in percent as reports show them (roi -50 = -50 %)'),
    op: z.enum(RULE_OPS),
    value: z.number().finite(),
    conversionType: z.string().min(1).max(200).optional().describe('for conversionsByType and revenueByType: the conversion type (case-sensitive)'),
  })
  .strict();
export type RuleCondition = z.output<typeof ruleConditionSchema>;

export const ruleScopeSchema = z
  .object({
    trafficChannelId: z.number().int().positive(),
    campaignIds: z.array(z.number().int().positive()).max(1000).default([]).describe("the channel's campaigns the rule watches; empty: every campaign of the channel"),
    objectLevel: z.enum(RULE_OBJECT_LEVELS).default('campaign').describe('act on whole campaigns, or on placements within them'),
    placementDimension: z.enum(PLACEMENT_DIMENSIONS).nullable().default(null).describe('for objectLevel placement: the dimension that names a placement (the sub-id the channel fills with its zone or site id, or refId)'),
  })
  .strict();
export type RuleScope = z.output<typeof ruleScopeSchema>;

const HOUR_MS = 3_600_000;
const UNIT_MS = { minutes: 60_000, hours: HOUR_MS, days: 24 * HOUR_MS } as const;

export const ruleWindowSchema = z
  .object({
    amount: z.number().int().min(1).max(2160),
    unit: z.enum(['hours', 'days']),
  })
  .strict()
  .refine((window) => durationMs(window) <= 90 * UNIT_MS.days, { message: 'at most 90 days', path: ['amount'] })
  .describe('the rolling window the metrics are read over, ending at the evaluation: {amount: 24, unit: "hours"} is the last 24 h');
export type RuleWindow = z.output<typeof ruleWindowSchema>;

const restartAfterSchema = z
  .object({
    amount: z.number().int().min(1).max(100_000),
    unit: z.enum(['minutes', 'hours', 'days']),
  })
  .strict()
  .refine((period) => durationMs(period) <= 365 * UNIT_MS.days, { message: 'at most 365 days', path: ['amount'] });

export const ruleActionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('pause') }).strict().describe('pause the campaign, or block the placement'),
  z
    .object({ type: z.literal('pause_and_restart'), restartAfter: restartAfterSchema.describe('the campaign is resumed (the placement unblocked) this long after the rule paused it') })
    .strict(),
  z.object({ type: z.literal('resume') }).strict().describe('resume the campaign, or unblock the placement'),
  z.object({ type: z.literal('block_placement') }).strict().describe('placement rules: block the placement within its campaign'),
  z
    .object({ type: z.literal('set_offer_weight'), offerId: z.number().int().positive(), weight: z.number().int().min(0).max(10_000) })
    .strict()
    .describe("campaign rules: the offer's weight in every path of the campaign's funnel that holds it"),
  z.object({ type: z.literal('notify_webhook'), url: httpUrlSchema }).strict().describe('POST the matched objects and their values as JSON to this URL; nothing else is changed'),
]);
export type RuleAction = z.output<typeof ruleActionSchema>;
export type RuleActionType = RuleAction['type'];

/** ISO days (1 = Monday … 7 = Sunday, as the reports' dayOfWeek) and hours 0-23 in the rule's time zone. */
export const ruleScheduleSchema = z
  .object({
    days: z.array(z.number().int().min(1).max(7)).min(1).max(7).default([1, 2, 3, 4, 5, 6, 7]),
    hours: z.array(z.number().int().min(0).max(23)).min(1).max(24).default([...Array(24).keys()]),
  })
  .strict();
export type RuleSchedule = z.output<typeof ruleScheduleSchema>;

export const ruleInputSchema = z.object({
  name: nameSchema,
  status: settableStatusSchema.default('active'),
  scope: ruleScopeSchema,
  conditions: z.array(ruleConditionSchema).min(1).max(20).describe('every condition must hold (AND); a metric without a value (ROI without cost) meets none'),
  window: ruleWindowSchema,
  action: ruleActionSchema,
  frequencyMinutes: z.number().int().min(1).max(10_080).default(60).describe('how often the worker evaluates the rule'),
  schedule: ruleScheduleSchema.nullable().default(null).describe('days and hours (in timeZone) the rule is evaluated; outside them it is not; null: always'),
  timeZone: timeZoneSchema.default('UTC').describe("the zone of the schedule and of the rule's report"),
  fireOncePerObject: z
    .boolean()
    .default(false)
    .describe('an object the rule acted on is not acted on again until the rule is edited, or the object is resumed (by its restart, or found active or unblocked again)'),
});
export type RuleInput = z.output<typeof ruleInputSchema>;
export type Rule = Omit<RuleInput, 'status'> & EntityMeta;

export function durationMs(duration: { amount: number; unit: keyof typeof UNIT_MS }): number {
  return duration.amount * UNIT_MS[duration.unit];
}

/** A field path and what is wrong there, for a 400 naming the field. */
export interface RuleProblem {
  field: string;
  message: string;
}

const CAMPAIGN_ONLY_ACTIONS: ReadonlySet<RuleActionType> = new Set(['set_offer_weight']);
const PLACEMENT_ONLY_ACTIONS: ReadonlySet<RuleActionType> = new Set(['block_placement']);

/**
 * What the schema cannot see field by field: a placement action on a campaign rule, a placement rule
 * without its dimension, a per-type metric without its type. The first problem, or undefined.
 */
export function ruleProblem(rule: Pick<RuleInput, 'scope' | 'conditions' | 'action'>): RuleProblem | undefined {
  const { scope, action } = rule;
  if (scope.objectLevel === 'campaign') {
    if (PLACEMENT_ONLY_ACTIONS.has(action.type)) return { field: 'action.type', message: `${action.type} acts on placements; set scope.objectLevel to placement` };
    if (scope.placementDimension !== null) return { field: 'scope.placementDimension', message: 'only placement rules name a placement dimension' };
  } else {
    if (scope.placementDimension === null) return { field: 'scope.placementDimension', message: 'a placement rule names the dimension its placements are (refId or sub1..sub20)' };
    if (CAMPAIGN_ONLY_ACTIONS.has(action.type)) return { field: 'action.type', message: `${action.type} changes a campaign's funnel; set scope.objectLevel to campaign` };
  }
  for (const [i, condition] of rule.conditions.entries()) {
    const perType = (PER_TYPE_METRICS as readonly string[]).includes(condition.metric);
    if (perType && condition.conversionType === undefined) return { field: `conditions[${i}].conversionType`, message: `${condition.metric} is counted per conversion type; name the type` };
    if (!perType && condition.conversionType !== undefined) return { field: `conditions[${i}].conversionType`, message: `only conversionsByType and revenueByType take a conversion type` };
  }
  return undefined;
}
