import { localClock } from './funnel-evaluation.js';
import type { Rule } from './rule.js';

const MINUTE_MS = 60_000;

/** Whether `now` falls on one of the schedule's days and hours in the rule's zone; always without a schedule. */
export function withinSchedule(rule: Pick<Rule, 'schedule' | 'timeZone'>, now: number): boolean {
  if (rule.schedule === null) return true;
  const clock = localClock(now, rule.timeZone);
  return rule.schedule.days.includes(clock.dayOfWeek) && rule.schedule.hours.includes(clock.hour);
}

/**
 * Whether an active rule is to be evaluated at `now`: within its schedule, and never evaluated or last
 * evaluated `frequencyMinutes` or more whole minutes ago. Minutes are compared, not milliseconds, so a
 * rule checked every 5 minutes by a once-a-minute tick runs every 5th tick, not every 6th when the
 * tick lands a few milliseconds earlier than last time.
 */
export function isRuleDue(rule: Pick<Rule, 'status' | 'schedule' | 'timeZone' | 'frequencyMinutes'>, lastEvaluatedAt: number | null, now: number): boolean {
  if (rule.status !== 'active' || !withinSchedule(rule, now)) return false;
  if (lastEvaluatedAt === null) return true;
  return Math.floor(now / MINUTE_MS) - Math.floor(lastEvaluatedAt / MINUTE_MS) >= rule.frequencyMinutes;
}
