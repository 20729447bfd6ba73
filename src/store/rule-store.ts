import type { Rule, RuleInput } from '../domain/rule.js';
import type { NewRuleRun, RuleObject, RuleRestart, RuleRun } from '../domain/rule-log.js';
import type { EntityRepository } from './entity-store.js';

/** Automated rules: the entity, plus what the worker keeps on each (its lease, last evaluation, fire-once marks). */
export interface RuleRepository extends EntityRepository<RuleInput, Rule> {
  /**
   * Takes the rule for one evaluation (or round of restarts) until `now + leaseMs`; undefined while
   * another holder's lease runs. The lease outlives a process that dies holding it by at most leaseMs.
   */
  claim(id: number, now: number, leaseMs: number): Promise<string | undefined>;
  /** Keeps the lease of a run still under way until `until`; false when it is no longer this holder's. */
  extend(id: number, token: string, until: number): Promise<boolean>;
  /** Gives the lease back; `evaluatedAt` records an evaluation (null after restarts alone). */
  release(id: number, token: string, evaluatedAt: number | null): Promise<void>;
  /** When each rule (or each of `ids`) was last evaluated, by id (never evaluated: absent). */
  lastEvaluations(ids?: readonly number[]): Promise<Map<number, number>>;
  /** The rule's fire-once marks: object key → the rule revision (its updatedAt) it acted under. */
  firedObjects(ruleId: number): Promise<Map<string, { revision: string; firedAt: number }>>;
  markFired(ruleId: number, objectKeys: string[], revision: string, at: number): Promise<void>;
  clearFired(ruleId: number, objectKeys: string[]): Promise<void>;
}

/** The rule log: one row per evaluation or round of restarts. */
export interface RuleLogRepository {
  append(run: NewRuleRun): Promise<RuleRun>;
  /** One rule's runs, newest first; `beforeId` continues after the previous page's last row. */
  list(ruleId: number, page: { limit: number; beforeId?: number | undefined }): Promise<RuleRun[]>;
}

/** Restarts of pause_and_restart waiting for their time, in storage so that they outlive the process. */
export interface RuleRestartRepository {
  /** Adds a restart unless the object already has one pending for the rule (the first due time stands). */
  schedule(restart: RuleObject & { ruleId: number; objectKey: string; dueAt: number; createdAt: number }): Promise<void>;
  /** Restarts due at `now`, by rule id, oldest first. */
  due(now: number): Promise<RuleRestart[]>;
  /** Every pending restart of a rule, soonest first. */
  pending(ruleId: number): Promise<RuleRestart[]>;
  /** A restart performed (its outcome is in the rule log): it leaves the list. */
  remove(id: number): Promise<void>;
  /** A restart the channel refused, to be tried again at `dueAt` (its creation time stays). */
  postpone(id: number, dueAt: number): Promise<void>;
}
