import { durationMs, type Rule } from '../domain/rule.js';
import { ruleObjectKey, type RuleLogObject, type RuleRestart, type RuleRun } from '../domain/rule-log.js';
import { performAction, reportOutcome, type RuleRunDeps } from './evaluate-rule.js';

/** A restart the channel refused is tried again this much later… */
export const RESTART_RETRY_MS = 15 * 60_000;
/** …until it is this late: then it is left for a person (the rule log shows every try). */
export const RESTART_GIVE_UP_MS = 24 * 3_600_000;

/**
 * The restarts of pause_and_restart whose time has come, for one rule: each campaign resumed (each
 * placement unblocked) through ChannelActions, its fire-once mark lifted, the restart removed, and
 * the round logged as a `restart` run. A restart runs whatever the rule's status: pausing or
 * archiving a rule must not leave what it paused paused for ever. One the channel refused (Waypost's
 * own side is resumed at once) is tried again every RESTART_RETRY_MS until RESTART_GIVE_UP_MS after
 * it was due, so a channel's bad hour does not leave its campaign paused there.
 */
/** When the restart was first due: its pause plus the rule's period (the stored due time moves on retries). */
function firstDueAt(restart: RuleRestart, rule: Rule): number {
  return rule.action.type === 'pause_and_restart' ? restart.createdAt + durationMs(rule.action.restartAfter) : restart.dueAt;
}

export async function restartObjects(deps: Pick<RuleRunDeps, 'store' | 'actions'>, rule: Rule, restarts: readonly RuleRestart[], now: number): Promise<RuleRun> {
  const objects: RuleLogObject[] = [];
  for (const restart of restarts) {
    const object = { campaignId: restart.campaignId, placement: restart.placement };
    const action = object.placement === null ? 'resume_campaign' : 'unblock_placement';
    const entry: RuleLogObject = { ...object, values: {}, action, outcome: 'failed', report: null, webhook: null, reason: null, restartAt: null };
    objects.push(entry);
    const context = { actor: `rule:${rule.id}`, reason: `rule "${rule.name}": restart after the pause of ${new Date(restart.createdAt).toISOString()}` };
    let channelFailed = false;
    try {
      entry.report = await performAction(deps.actions, action, object, rule, context);
      entry.outcome = reportOutcome(entry.report);
      if (entry.report.channel.state === 'failed') {
        channelFailed = true;
        entry.reason = `the channel failed after ${entry.report.channel.attempts} attempts: ${entry.report.channel.error}`;
      }
    } catch (error) {
      // Waypost's own side failed (a store error): the next round tries again too.
      channelFailed = true;
      entry.reason = (error as Error).message;
    }
    const firstDue = firstDueAt(restart, rule);
    if (channelFailed && now + RESTART_RETRY_MS <= firstDue + RESTART_GIVE_UP_MS) {
      const next = now + RESTART_RETRY_MS;
      entry.reason = `${entry.reason}; tried again at ${new Date(next).toISOString()}`;
      await deps.store.ruleRestarts.postpone(restart.id, next);
    } else {
      if (channelFailed) entry.reason = `${entry.reason}; given up ${RESTART_GIVE_UP_MS / 3_600_000} h after it was due: see to it by hand`;
      await deps.store.ruleRestarts.remove(restart.id);
    }
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
