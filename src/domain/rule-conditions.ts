import type { RuleCondition, RuleOp } from './rule.js';

/** A condition's metric as the rule log shows it: `cost`, or `conversionsByType:Purchase`. */
export function conditionLabel(condition: Pick<RuleCondition, 'metric' | 'conversionType'>): string {
  return condition.conversionType === undefined ? condition.metric : `${condition.metric}:${condition.conversionType}`;
}

/** One object's value of a condition's metric as reports show it (money in units, ratios in percent); null when it has none. */
export type MetricReader = (condition: RuleCondition) => number | null;

export interface ConditionVerdict {
  /** Every condition holds. */
  met: boolean;
  /** The value of each condition's metric, by label, whether it held or not (the "why" of a dry run and the log). */
  values: Record<string, number | null>;
}

/**
 * Conditions are ANDed. A metric without a value (ROI without cost, CPA without conversions) meets no
 * condition, `!=` included: "no cost" says nothing about the return on it.
 */
export function checkConditions(conditions: readonly RuleCondition[], read: MetricReader): ConditionVerdict {
  const values: Record<string, number | null> = {};
  let met = true;
  for (const condition of conditions) {
    const value = read(condition);
    values[conditionLabel(condition)] = value;
    if (value === null || !compare(value, condition.op, condition.value)) met = false;
  }
  return { met, values };
}

function compare(value: number, op: RuleOp, target: number): boolean {
  switch (op) {
    case '>':
      return value > target;
    case '>=':
      return value >= target;
    case '<':
      return value < target;
    case '<=':
      return value <= target;
    case '=':
      return value === target;
    case '!=':
      return value !== target;
  }
}

/** The conditions as a sentence for the action's reason: `cost 25 > 20 and conversions 0 = 0`. */
export function describeMatch(conditions: readonly RuleCondition[], values: Record<string, number | null>): string {
  return conditions.map((condition) => `${conditionLabel(condition)} ${values[conditionLabel(condition)] ?? 'none'} ${condition.op} ${condition.value}`).join(' and ');
}
