import type { Click } from '../domain/click.js';
import type { Micros } from '../domain/money.js';
import type { EventStore, ImpressionCount } from '../store/event-store.js';

/**
 * Batches handed to the store before the first is committed. With one, the event loop idles while
 * the writer commits and the writer idles while the event loop answers; with two they overlap, and
 * what arrives meanwhile still gathers into one batch rather than many small ones.
 */
const BATCHES_IN_FLIGHT = 2;

/** The rows gathered for one transaction and the promise every request in it awaits. */
class Batch {
  readonly clicks: Click[] = [];
  readonly impressions = new Map<string, ImpressionCount>();
  readonly written: Promise<void>;
  resolve!: () => void;
  reject!: (error: unknown) => void;

  constructor() {
    this.written = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // Every caller awaits `written`; this only keeps a batch nobody awaited any more from being reported as unhandled.
    this.written.catch(() => {});
  }
}

/**
 * Group commit for the hot path. Clicks and impressions that arrive in the same turn of the event
 * loop are written in one transaction; each request is answered only after its write is durable, so
 * an acknowledged click survives a crash, and the cost of a commit is shared under load.
 */
export class ClickBuffer {
  private batch: Batch | undefined;
  private scheduled = false;
  private inFlight = 0;
  private readonly writes = new Set<Promise<void>>();

  /** Batches written and rows in them, for the edge's aggregate log line and metrics. */
  readonly stats = { batches: 0, clicks: 0, impressions: 0, failures: 0 };

  constructor(private readonly store: EventStore) {}

  /** Settles once the click is durable (rejects if the store refused its batch). */
  addClick(click: Click): Promise<void> {
    const batch = this.current();
    batch.clicks.push(click);
    return batch.written;
  }

  addImpression(campaignId: number, at: number, cost: Micros): Promise<void> {
    const batch = this.current();
    const hour = at - (at % 3_600_000);
    const key = `${campaignId}:${hour}`;
    const row = batch.impressions.get(key);
    if (row) {
      row.count += 1;
      row.cost += cost;
    } else {
      batch.impressions.set(key, { campaignId, hour, count: 1, cost });
    }
    return batch.written;
  }

  /** Resolves when everything queued so far is written. */
  async drain(): Promise<void> {
    if (this.batch) await this.batch.written;
    while (this.writes.size) await Promise.allSettled([...this.writes]);
  }

  /** The batch being gathered; one flush is scheduled for it. */
  private current(): Batch {
    const batch = (this.batch ??= new Batch());
    if (!this.scheduled) {
      this.scheduled = true;
      // setImmediate runs after the I/O callbacks of this loop turn: every request that arrived
      // together has queued its row by then.
      setImmediate(() => {
        this.scheduled = false;
        this.flush();
      });
    }
    return batch;
  }

  /** Hands the gathered batch to the store, unless enough are on their way already; a finished one calls again. */
  private flush(): void {
    const batch = this.batch;
    if (!batch || this.inFlight >= BATCHES_IN_FLIGHT) return;
    this.batch = undefined;
    this.inFlight += 1;
    const write = this.write(batch).finally(() => {
      this.writes.delete(write);
      this.inFlight -= 1;
      this.flush();
    });
    this.writes.add(write);
  }

  private async write(batch: Batch): Promise<void> {
    const impressions = [...batch.impressions.values()];
    try {
      await this.store.write({ clicks: batch.clicks, impressions });
      this.stats.batches += 1;
      this.stats.clicks += batch.clicks.length;
      this.stats.impressions += impressions.reduce((sum, row) => sum + row.count, 0);
      batch.resolve();
    } catch (error) {
      this.stats.failures += 1;
      batch.reject(error);
    }
  }
}
