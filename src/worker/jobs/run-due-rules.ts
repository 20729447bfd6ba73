import type { Logger } from 'pino';
import type { Rule } from '../../domain/rule.js';
import type { RuleRestart, RuleRun } from '../../domain/rule-log.js';
import { isRuleDue } from '../../domain/rule-schedule.js';
import { evaluateRule, type RuleRunDeps } from '../../rules/evaluate-rule.js';
import { restartObjects } from '../../rules/restart-objects.js';

export interface DueRuleDeps extends RuleRunDeps {
  logger: Logger;
  now?: () => number;
  /**
   * How long a rule is held by one runner without news of it; the runner renews it while it works (an
   * evaluation with many objects and slow channels may take longer), and one that dies holding it
   * blocks the rule no longer than this.
   */
  leaseMs?: number;
  /** True once the worker is stopping: no further rule starts (the one under way finishes). */
  stopping?: () => boolean;
}

const PAGE = 500;
const DEFAULT_LEASE_MS = 15 * 60_000;

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
    const token = await deps.store.rules.claim(id, clock(), deps.leaseMs ?? DEFAULT_LEASE_MS);
    if (!token) {
      deps.logger.debug({ ruleId: id }, 'rule skipped: another runner holds it');
      continue;
    }
    let evaluatedAt: number | null = null;
    const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
    const heartbeat = setInterval(() => {
      deps.store.rules.extend(id, token, clock() + leaseMs).catch((error: unknown) => deps.logger.warn({ ruleId: id, err: error }, 'could not renew the lease of a rule under way'));
    }, leaseMs / 3);
    heartbeat.unref();
    try {
      // Read again under the lease: the rule may have changed (or been evaluated) since the list was read.
      const rule = await deps.store.rules.get(id);
      if (!rule) continue;
      const restarts = restartsByRule.get(id);
      if (restarts) runs.push(logged(deps.logger, await restartObjects(deps, rule, restarts, now)));
      const last = (await deps.store.rules.lastEvaluations([id])).get(id) ?? null;
      if (dueIds.has(id) && isRuleDue(rule, last, now)) {
        runs.push(logged(deps.logger, await evaluateRule(deps, rule, now)));
        evaluatedAt = now;
      }
    } catch (error) {
      deps.logger.error({ ruleId: id, err: error }, 'rule evaluation failed; it is tried again at its next tick');
    } finally {
      clearInterval(heartbeat);
      await deps.store.rules.release(id, token, evaluatedAt);
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
