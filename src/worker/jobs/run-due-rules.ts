import type { Logger } from 'pino';
import type { Rule } from '../../domain/rule.js';
import type { RuleRestart, RuleRun } from '../../domain/rule-log.js';
import { isRuleDue } from '../../domain/rule-schedule.js';
import { evaluateRule, type RuleRunDeps } from '../../rules/evaluate-rule.js';
import { restartObjects } from '../../rules/restart-objects.js';
import { withRuleLease, type RuleLeaseDeps } from '../../rules/rule-lease.js';

export interface DueRuleDeps extends RuleRunDeps, Omit<RuleLeaseDeps, 'store' | 'onRenewalFailed'> {
  logger: Logger;
  /** True once the worker is stopping: no further rule starts (the one under way finishes). */
  stopping?: () => boolean;
}

const PAGE = 500;

/**
 * One tick of the rules: the restarts that are due (pause_and_restart), then every active rule that
 * is due (its frequency, within its schedule). Each rule is taken under a lease in storage first, so a
 * rule never runs twice at once, in this process or another; one held elsewhere is skipped this tick.
 * Rules run one after another: the channel calls of one rule are never raced against another's.
 */
export async function runDueRules(deps: DueRuleDeps): Promise<RuleRun[]> {
  const clock = deps.now ?? Date.now;
  const now = clock();
  const restartsByRule = new Map<number, RuleRestart[]>();
  for (const restart of await deps.store.ruleRestarts.due(now)) {
    const list = restartsByRule.get(restart.ruleId) ?? [];
    list.push(restart);
    restartsByRule.set(restart.ruleId, list);
  }
  const rules = await activeRules(deps);
  const lastEvaluations = await deps.store.rules.lastEvaluations();
  const dueIds = new Set(rules.filter((rule) => isRuleDue(rule, lastEvaluations.get(rule.id) ?? null, now)).map((rule) => rule.id));
  const ids = [...new Set([...restartsByRule.keys(), ...dueIds])].sort((a, b) => a - b);

  const runs: RuleRun[] = [];
  for (const id of ids) {
    if (deps.stopping?.()) break;
    const onRenewalFailed = (error: unknown) => deps.logger.warn({ ruleId: id, err: error }, 'could not renew the lease of a rule under way');
    try {
      const leased = await withRuleLease({ ...deps, now: clock, onRenewalFailed }, id, async (held) => {
        // Read again under the lease: the rule may have changed (or been evaluated) since the list was read.
        const rule = await deps.store.rules.get(id);
        if (!rule) return;
        const restarts = restartsByRule.get(id);
        if (restarts) runs.push(logged(deps.logger, await restartObjects(deps, rule, restarts, now)));
        const last = (await deps.store.rules.lastEvaluations([id])).get(id) ?? null;
        if (dueIds.has(id) && isRuleDue(rule, last, now)) {
          runs.push(logged(deps.logger, await evaluateRule(deps, rule, now)));
          held.evaluated(now);
        }
      });
      if (!leased.taken) deps.logger.debug({ ruleId: id }, 'rule skipped: another runner holds it');
    } catch (error) {
      deps.logger.error({ ruleId: id, err: error }, 'rule evaluation failed; it is tried again at its next tick');
    }
  }
  return runs;
}

async function activeRules(deps: DueRuleDeps): Promise<Rule[]> {
  const rules: Rule[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await deps.store.rules.list({ statuses: ['active'], limit: PAGE, offset });
    rules.push(...page.items);
    if (page.items.length < PAGE) break;
  }
  return rules;
}

function logged(logger: Logger, run: RuleRun): RuleRun {
  const fields = { ruleId: run.ruleId, runId: run.id, trigger: run.trigger, checked: run.checked, matched: run.objects.length, state: run.state };
  if (run.state === 'failed') logger.warn({ ...fields, error: run.error ?? run.objects.find((o) => o.outcome === 'failed')?.reason }, 'rule run failed');
  else if (run.objects.length > 0) logger.info(fields, 'rule acted');
  else logger.debug(fields, 'rule evaluated: nothing matched');
  return run;
}
