import type { Rule } from '../domain/rule.js';
import { ruleObjectKey, type RuleLogObject, type RuleRestart, type RuleRun } from '../domain/rule-log.js';
import { performAction, reportOutcome, type RuleRunDeps } from './evaluate-rule.js';

/**
 * The restarts of pause_and_restart whose time has come, for one rule: each campaign resumed (each
 * placement unblocked) through ChannelActions, its fire-once mark lifted, the restart removed, and
 * the round logged as a `restart` run. A restart runs whatever the rule's status: pausing or
 * archiving a rule must not leave what it paused paused for ever.
 */
export async function restartObjects(deps: Pick<RuleRunDeps, 'store' | 'actions'>, rule: Rule, restarts: readonly RuleRestart[], now: number): Promise<RuleRun> {
  const objects: RuleLogObject[] = [];
  for (const restart of restarts) {
    const object = { campaignId: restart.campaignId, placement: restart.placement };
    const action = object.placement === null ? 'resume_campaign' : 'unblock_placement';
    const entry: RuleLogObject = { ...object, values: {}, action, outcome: 'failed', report: null, webhook: null, reason: null, restartAt: null };
    objects.push(entry);
    const context = { actor: `rule:${rule.id}`, reason: `rule "${rule.name}": restart after the pause of ${new Date(restart.createdAt).toISOString()}` };
    try {
      entry.report = await performAction(deps.actions, action, object, rule, context);
      entry.outcome = reportOutcome(entry.report);
      if (entry.report.channel.state === 'failed') entry.reason = `the channel failed after ${entry.report.channel.attempts} attempts: ${entry.report.channel.error}`;
    } catch (error) {
      entry.reason = (error as Error).message;
    }
    // Done or failed, the restart was made once and is in the log; a failed one is for a person to see to.
    await deps.store.ruleRestarts.remove(restart.id);
  }
  await deps.store.rules.clearFired(rule.id, restarts.map((restart) => ruleObjectKey({ campaignId: restart.campaignId, placement: restart.placement })));
  return deps.store.ruleLog.append({
    ruleId: rule.id,
    trigger: 'restart',
    at: now,
    window: null,
    checked: restarts.length,
    objects,
    state: objects.some((entry) => entry.outcome === 'failed') ? 'failed' : 'succeeded',
    error: null,
  });
}
