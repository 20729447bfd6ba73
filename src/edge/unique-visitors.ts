import { hash } from 'node:crypto';

/**
 * Whether a visitor is new to a campaign within the campaign's uniqueness window. Kept in memory (the
 * hot path reads no database) and restored from recent clicks at start; entries older than the
 * longest window in use are swept, a slice at a time, so memory stays bounded by the traffic of that
 * window and a sweep over millions of visitors never holds the event loop.
 */
export class UniqueVisitors {
  private readonly lastSeen = new Map<string, number>();
  /** Where the sweep stopped; a Map's iterator stays valid while entries are added and deleted. */
  private sweeping: Iterator<[string, number]> | undefined;

  restore(rows: Iterable<{ campaignId: number; visitorKey: string; lastSeen: number }>): void {
    for (const row of rows) this.lastSeen.set(`${row.campaignId}:${row.visitorKey}`, row.lastSeen);
  }

  /** Records the visit and says whether it is the visitor's first within `windowMs`. */
  visit(campaignId: number, visitorKey: string, now: number, windowMs: number): boolean {
    const key = `${campaignId}:${visitorKey}`;
    const previous = this.lastSeen.get(key);
    this.lastSeen.set(key, now);
    return previous === undefined || now - previous >= windowMs;
  }

  /**
   * Looks at up to `budget` entries, from where the last call stopped, and forgets those last seen
   * before `olderThan`; a pass that reaches the end starts over at the next call. True when this call
   * finished a pass.
   */
  sweepSome(olderThan: number, budget: number): boolean {
    const entries = (this.sweeping ??= this.lastSeen.entries());
    for (let looked = 0; looked < budget; looked++) {
      const next = entries.next();
      if (next.done) {
        this.sweeping = undefined;
        return true;
      }
      const [key, seen] = next.value;
      if (seen < olderThan) this.lastSeen.delete(key);
    }
    return false;
  }

  get size(): number {
    return this.lastSeen.size;
  }
}

/** A visitor is identified by IP and user agent; hashed so the key is short and reveals neither. */
export function visitorKey(ip: string, userAgent: string): string {
  // One-shot hash: no Hash object per click.
  return hash('sha1', `${ip}\n${userAgent}`, 'base64url').slice(0, 16);
}
