import type { ActionReport, Placement } from '../channels/channel-actions.js';

/**
 * The rule log: one run per evaluation (or per round of due restarts), with every object the
 * conditions matched, the values that matched, what was done to each and what the channel answered.
 * Times are unix ms.
 */

/** What a rule acts on: a campaign, or one placement within it. */
export interface RuleObject {
  campaignId: number;
  placement: Placement | null;
}

/** A stable name of an object, for fire-once marks and restarts: `12`, `12/sub1=zone7`. */
export function ruleObjectKey(object: RuleObject): string {
  return object.placement === null ? String(object.campaignId) : `${object.campaignId}/${object.placement.dimension}=${object.placement.value}`;
}

export const RULE_OBJECT_ACTIONS = ['pause_campaign', 'resume_campaign', 'block_placement', 'unblock_placement', 'set_offer_weight', 'notify_webhook'] as const;
export type RuleObjectAction = (typeof RULE_OBJECT_ACTIONS)[number];

/**
 * `done`: changed (and the channel, when integrated, told); `unchanged`: it already was so;
 * `skipped`: not acted on (fire once: already acted on); `failed`: Waypost or the channel failed.
 */
export const RULE_OBJECT_OUTCOMES = ['done', 'unchanged', 'skipped', 'failed'] as const;
export type RuleObjectOutcome = (typeof RULE_OBJECT_OUTCOMES)[number];

/** The webhook's answer: one POST carries every object of the run. */
export type WebhookReport =
  | { state: 'succeeded'; attempts: number; statusCode: number; response: string }
  | { state: 'failed'; attempts: number; statusCode: number | null; error: string };

export interface RuleLogObject extends RuleObject {
  /** The value of each condition's metric (`cost`, `roi`, `conversionsByType:Purchase`) as reports show it. */
  values: Record<string, number | null>;
  action: RuleObjectAction;
  outcome: RuleObjectOutcome;
  /** Waypost's side and the channel's; null when the action did not run (skipped, an error before it). */
  report: ActionReport | null;
  webhook: WebhookReport | null;
  /** Why it was skipped or failed, in words. */
  reason: string | null;
  /** pause_and_restart: when the object is to be resumed. */
  restartAt: number | null;
}

/**
 * `schedule`: an evaluation the worker ran when the rule was due; `manual`: one asked for through the
 * admin API; `restart`: pause_and_restart objects resumed when their period ended.
 */
export const RULE_RUN_TRIGGERS = ['schedule', 'manual', 'restart'] as const;
export type RuleRunTrigger = (typeof RULE_RUN_TRIGGERS)[number];

export interface NewRuleRun {
  ruleId: number;
  trigger: RuleRunTrigger;
  /** When the evaluation ran (the end of its window). */
  at: number;
  /** The metrics' window; null for restarts. */
  window: { from: number; to: number } | null;
  /** Objects (report rows) the rule looked at. */
  checked: number;
  objects: RuleLogObject[];
  /** `failed` when any object failed, or the evaluation itself (then `error` says why). */
  state: 'succeeded' | 'failed';
  error: string | null;
}

export interface RuleRun extends NewRuleRun {
  id: number;
}

/** A pause_and_restart object waiting for its period to end; kept in storage so a restart of the process keeps it. */
export interface RuleRestart extends RuleObject {
  id: number;
  ruleId: number;
  dueAt: number;
  createdAt: number;
}
