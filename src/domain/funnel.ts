import { z } from 'zod';
import { conditionProblems } from './funnel-evaluation.js';

/**
 * A campaign's funnel: rules evaluated in order (first match wins), each with its own weighted
 * paths; when no rule matches, the default paths. A path sends the visitor to one of its landers
 * (weighted) and from there to one of its offers (weighted); a path without landers links directly
 * to an offer.
 */

export const VISITOR_FIELDS = [
  'country',
  'region',
  'city',
  'isp',
  'device_type',
  'brand',
  'os',
  'os_version',
  'browser',
  'browser_version',
  'language',
  'connection_type',
  'referrer_domain',
  'day_of_week',
  'hour',
  // The visitor's local clock time (HH:MM) in the campaign's time zone, for ranges such as 22:00–06:00.
  'time',
  'ref_id',
  'bot',
  'ip',
] as const;

const SUB_FIELD = /^sub([1-9]|1[0-9]|20)$/;
// A channel parameter the traffic channel maps under its own name, e.g. `param.zoneid`.
const PARAM_FIELD = /^param\.[A-Za-z0-9_.-]{1,64}$/;

export function isConditionField(field: string): boolean {
  return (VISITOR_FIELDS as readonly string[]).includes(field) || SUB_FIELD.test(field) || PARAM_FIELD.test(field);
}

export const CONDITION_OPS = ['in', 'not_in', 'between', 'not_between'] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

export const conditionSchema = z
  .object({
    field: z.string().refine(isConditionField, {
      message: `unknown field; use one of ${VISITOR_FIELDS.join(', ')}, sub1..sub20 or param.<name>`,
    }),
    op: z.enum(CONDITION_OPS),
    values: z.array(z.string().max(512)).min(1).max(10_000),
  })
  .superRefine((condition, ctx) => {
    if ((condition.op === 'between' || condition.op === 'not_between') && condition.values.length !== 2) {
      ctx.addIssue({ code: 'custom', path: ['values'], message: 'a range takes exactly two values: [from, to]' });
      return;
    }
    if (!isConditionField(condition.field)) return;
    // Values that could never match (hour 25, "tuesday-ish") are refused when saved, not ignored when routing.
    const problems = conditionProblems(condition);
    if (problems.length) ctx.addIssue({ code: 'custom', path: ['values'], message: problems.join('; ') });
  });
export type Condition = z.infer<typeof conditionSchema>;

const weight = z.number().int().min(0).max(10_000).default(100);

export const pathSchema = z.object({
  name: z.string().max(200).optional(),
  weight,
  landers: z.array(z.object({ landerId: z.number().int().positive(), weight })).max(100).default([]),
  offers: z.array(z.object({ offerId: z.number().int().positive(), weight })).min(1).max(100),
});
export type FunnelPath = z.infer<typeof pathSchema>;

export const ruleSchema = z.object({
  name: z.string().min(1).max(200),
  conditions: z.array(conditionSchema).min(1).max(50),
  paths: z.array(pathSchema).min(1).max(50),
});
export type FunnelRule = z.infer<typeof ruleSchema>;

export const funnelSchema = z.object({
  rules: z.array(ruleSchema).max(100).default([]),
  paths: z.array(pathSchema).min(1).max(50),
});
export type Funnel = z.infer<typeof funnelSchema>;

/** Every offer and lander a funnel refers to, with the JSON path of the reference (for errors). */
export function funnelReferences(funnel: Funnel): { kind: 'offer' | 'lander'; id: number; field: string }[] {
  const refs: { kind: 'offer' | 'lander'; id: number; field: string }[] = [];
  const collect = (paths: FunnelPath[], prefix: string) =>
    paths.forEach((path, p) => {
      path.landers.forEach((l, i) => refs.push({ kind: 'lander', id: l.landerId, field: `${prefix}[${p}].landers[${i}].landerId` }));
      path.offers.forEach((o, i) => refs.push({ kind: 'offer', id: o.offerId, field: `${prefix}[${p}].offers[${i}].offerId` }));
    });
  funnel.rules.forEach((rule, r) => collect(rule.paths, `funnel.rules[${r}].paths`));
  collect(funnel.paths, 'funnel.paths');
  return refs;
}
