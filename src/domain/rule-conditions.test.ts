import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkConditions, describeMatch } from './rule-conditions.js';
import type { RuleCondition } from './rule.js';

describe('rule conditions', () => {
  const values: Record<string, number | null> = { cost: 25, conversions: 0, roi: null, 'conversionsByType:Lead': 2 };
  const read = (condition: RuleCondition) => values[condition.conversionType === undefined ? condition.metric : `${condition.metric}:${condition.conversionType}`] ?? null;

  test('every condition must hold, each operator compares as written', () => {
    const cost = (op: RuleCondition['op'], value: number): RuleCondition => ({ metric: 'cost', op, value });
    const holds = (condition: RuleCondition) => checkConditions([condition], read).met;
    assert.deepEqual([holds(cost('>', 25)), holds(cost('>=', 25)), holds(cost('<', 25)), holds(cost('<=', 25)), holds(cost('=', 25)), holds(cost('!=', 25))], [false, true, false, true, true, false]);
    const both: RuleCondition[] = [cost('>', 20), { metric: 'conversions', op: '=', value: 0 }];
    assert.deepEqual(checkConditions(both, read), { met: true, values: { cost: 25, conversions: 0 } });
    assert.equal(describeMatch(both, { cost: 25, conversions: 0 }), 'cost 25 > 20 and conversions 0 = 0');
    assert.equal(checkConditions([cost('>', 20), { metric: 'conversions', op: '>', value: 0 }], read).met, false);
    assert.equal(checkConditions([{ metric: 'conversionsByType', conversionType: 'Lead', op: '>=', value: 2 }], read).met, true);
  });

  test('a metric without a value meets no condition, not even !=', () => {
    for (const op of ['<', '>', '=', '!='] as const) {
      const verdict = checkConditions([{ metric: 'roi', op, value: -50 }], read);
      assert.equal(verdict.met, false, op);
      assert.deepEqual(verdict.values, { roi: null });
    }
  });
});
