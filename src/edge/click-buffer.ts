import type { Click } from '../domain/click.js';
import type { Micros } from '../domain/money.js';
import type { EventStore, ImpressionCount } from '../store/event-store.js';

/**
 * Group commit for the hot path. Clicks and impressions that arrive in the same turn of the event
 * loop are written in one transaction; each request is answered only after its write is durable, so
 * an acknowledged click survives a crash, and the cost of a commit is shared under load.
 */
export class ClickBuffer {
  private clicks: Click[] = [];
  private impressions = new Map<string, ImpressionCount>();
  private waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  private scheduled = false;
  private flushing: Promise<void> = Promise.resolve();

  /** Batches written and rows in them, for the edge's aggregate log line and metrics. */
  readonly stats = { batches: 0, clicks: 0, impressions: 0, failures: 0 };

  constructor(private readonly store: EventStore) {}

  addClick(click: Click): Promise<void> {
    this.clicks.push(click);
    return this.wait();
  }

  addImpression(campaignId: number, at: number, cost: Micros): Promise<void> {
    const hour = at - (at % 3_600_000);
    const key = `${campaignId}:${hour}`;
    const row = this.impressions.get(key);
    if (row) {
      row.count += 1;
      row.cost += cost;
    } else {
      this.impressions.set(key, { campaignId, hour, count: 1, cost });
    }
    return this.wait();
  }

  /** Resolves when everything queued so far is written. */
  async drain(): Promise<void> {
    if (this.waiters.length) await this.wait();
    await this.flushing;
  }

  private wait(): Promise<void> {
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (!this.scheduled) {
      this.scheduled = true;
      // setImmediate runs after the I/O callbacks of this loop turn: every request that arrived
      // together has queued its row by then.
      setImmediate(() => {
        this.flushing = this.flushing.then(() => this.flush());
      });
    }
    return done;
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const clicks = this.clicks;
    const impressions = [...this.impressions.values()];
    const waiters = this.waiters;
    this.clicks = [];
    this.impressions = new Map();
    this.waiters = [];
    try {
      await this.store.write({ clicks, impressions });
      this.stats.batches += 1;
      this.stats.clicks += clicks.length;
      this.stats.impressions += impressions.reduce((sum, row) => sum + row.count, 0);
      for (const waiter of waiters) waiter.resolve();
    } catch (error) {
      this.stats.failures += 1;
      for (const waiter of waiters) waiter.reject(error);
    }
  }
}
