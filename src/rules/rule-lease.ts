import type { RuleRepository } from '../store/rule-store.js';

export interface RuleLeaseDeps {
  store: { rules: RuleRepository };
  now?: () => number;
  /**
   * How long a rule is held by one runner without news of it; the runner renews it while it works (an
   * evaluation with many objects and slow channels may take longer), and one that dies holding it
   * blocks the rule no longer than this.
   */
  leaseMs?: number;
  /** A renewal that failed: the work goes on, and another runner may take the rule once the lease ends. */
  onRenewalFailed?(error: unknown): void;
}

export const DEFAULT_RULE_LEASE_MS = 15 * 60_000;

/** What the work under a lease tells the lease: an evaluation happened at `at` (the schedule counts from it). */
export interface HeldRule {
  evaluated(at: number): void;
}

/**
 * Runs `work` holding the rule's lease in storage, so a rule is never evaluated twice at once, by the
 * worker's tick and a manual run, in this process or another. `taken: false` when another runner holds
 * it. The lease is renewed while the work runs and released after it, failed or not, with the time of
 * the evaluation the work reported.
 */
export async function withRuleLease<T>(deps: RuleLeaseDeps, id: number, work: (held: HeldRule) => Promise<T>): Promise<{ taken: true; value: T } | { taken: false }> {
  const clock = deps.now ?? Date.now;
  const leaseMs = deps.leaseMs ?? DEFAULT_RULE_LEASE_MS;
  const token = await deps.store.rules.claim(id, clock(), leaseMs);
  if (!token) return { taken: false };
  let evaluatedAt: number | null = null;
  const heartbeat = setInterval(() => {
    deps.store.rules.extend(id, token, clock() + leaseMs).catch((error: unknown) => deps.onRenewalFailed?.(error));
  }, leaseMs / 3);
  heartbeat.unref();
  try {
    const value = await work({ evaluated: (at) => (evaluatedAt = at) });
    return { taken: true, value };
  } finally {
    clearInterval(heartbeat);
    await deps.store.rules.release(id, token, evaluatedAt);
  }
}
