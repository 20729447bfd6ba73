import type { Rule } from '../domain/rule.js';
import type { RuleRun } from '../domain/rule-log.js';
import { evaluateRule, type RuleRunDeps } from './evaluate-rule.js';
import { withRuleLease, type RuleLeaseDeps } from './rule-lease.js';

export type ManualRunOutcome = { state: 'ran'; run: RuleRun } | { state: 'held' } | { state: 'archived' };

/**
 * A saved rule evaluated now, by hand, whatever its schedule: it acts as the worker's evaluation does
 * (fire-once marks, restarts, the log, with trigger `manual`) and counts as the rule's last evaluation,
 * so the worker's next one comes a check interval later. A paused rule may be run this way, which is
 * how a rule is tried once before it is switched on. Under the rule's lease: `held` when an evaluation
 * is under way elsewhere.
 */
export async function runRuleNow(deps: RuleRunDeps & Omit<RuleLeaseDeps, 'store'>, rule: Rule): Promise<ManualRunOutcome> {
  if (rule.status === 'archived') return { state: 'archived' };
  const now = (deps.now ?? Date.now)();
  const leased = await withRuleLease(deps, rule.id, async (held) => {
    // Read again under the lease: it may have been edited since the caller read it.
    const current = (await deps.store.rules.get(rule.id)) ?? rule;
    const run = await evaluateRule(deps, current, now, 'manual');
    held.evaluated(now);
    return run;
  });
  return leased.taken ? { state: 'ran', run: leased.value } : { state: 'held' };
}
