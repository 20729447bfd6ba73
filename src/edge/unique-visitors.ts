import { hash } from 'node:crypto';

/**
 * Whether a visitor is new to a campaign within the campaign's uniqueness window. Kept in memory (the
 * hot path reads no database) and restored from recent clicks at start; entries older than the
 * longest window are swept periodically so memory stays bounded by the traffic of that window.
 */
export class UniqueVisitors {
  private readonly lastSeen = new Map<string, number>();

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

  sweep(olderThan: number): void {
    for (const [key, seen] of this.lastSeen) if (seen < olderThan) this.lastSeen.delete(key);
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
