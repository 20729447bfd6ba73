import { join } from 'node:path';
import { segmentOwner, type ClickSpool, type SpoolPosition } from './click-spool.js';
import type { EventWriterThread, SpooledSegment, StoredSegment } from './event-writer-thread.js';

/**
 * Under load a store starts at most this often: what arrives meanwhile joins the next one, so the
 * writer thread takes large transactions and few messages (waking a thread costs more than the rows).
 */
const MIN_INTERVAL_MS = 10;
/** After a failed store (the database locked or down), the spool holds the rows and is read again this much later. */
const RETRY_MS = 1_000;

interface Waiter {
  target: SpoolPosition;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Moves spooled clicks into the event database through the writer thread: one request at a time,
 * each storing everything appended until then, so under load the transactions grow instead of
 * queueing. Reads that must see every acknowledged click wait for `caughtUp()`.
 */
export class SpoolIngestion {
  private running: Promise<void> | undefined;
  private again = false;
  private retry: NodeJS.Timeout | undefined;
  private readonly stored = new Map<string, number>();
  private waiters: Waiter[] = [];

  constructor(
    private readonly spool: ClickSpool,
    private readonly writer: EventWriterThread,
  ) {}

  /** Lines were appended: store them soon. */
  notify(): void {
    if (this.running) this.again = true;
    else if (!this.retry) this.running = this.run();
  }

  /** True while something appended is not stored yet. */
  get pending(): boolean {
    const end = this.spool.position();
    return end !== undefined && !this.isStored(end);
  }

  /** Bytes appended and not stored yet: the backlog a busy or refusing database leaves in the spool. */
  backlogBytes(): number {
    let bytes = 0;
    for (const segment of this.spool.segments()) bytes += Math.max(0, segment.bytes - (this.stored.get(segment.name) ?? 0));
    return bytes;
  }

  /** Settles once everything appended before the call is stored; rejects if storing it failed. */
  caughtUp(): Promise<void> {
    const target = this.spool.position();
    if (!target || this.isStored(target)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ target, resolve, reject });
      this.notify();
    });
  }

  /**
   * Stores the segments other spools left in the directory: those of a killed process in full (then
   * deleted), those of a live one as far as they go (their owner deletes them).
   */
  async storeLeftovers(): Promise<void> {
    const names = this.spool.othersSegments();
    if (names.length) await this.writer.storeSpooled(names.map((name) => this.segment(name, !isAlive(segmentOwner(name)))));
  }

  /** Stores the rest and deletes this spool's segments: nothing appended is left behind at a clean stop. */
  async finish(): Promise<void> {
    this.spool.close();
    clearTimeout(this.retry);
    this.retry = undefined;
    await this.running;
    const segments = this.spool.segments().map((segment) => this.segment(segment.name, true));
    if (segments.length) this.settle(await this.writer.storeSpooled(segments));
  }

  private async run(): Promise<void> {
    try {
      for (let first = true; first || this.again; first = false) {
        if (!first) await new Promise((resolve) => setTimeout(resolve, MIN_INTERVAL_MS));
        this.again = false;
        const segments = this.spool.segments().map((segment) => this.segment(segment.name, segment.closed));
        this.settle(await this.writer.storeSpooled(segments));
      }
    } catch (error) {
      for (const waiter of this.waiters.splice(0)) waiter.reject(error);
      this.retry = setTimeout(() => {
        this.retry = undefined;
        if (this.pending) this.notify();
      }, RETRY_MS);
      this.retry.unref();
    } finally {
      this.running = undefined;
    }
  }

  private settle(results: StoredSegment[]): void {
    for (const result of results) {
      if (result.done) {
        this.spool.forget(result.name);
        this.stored.delete(result.name);
      } else {
        this.stored.set(result.name, result.bytes);
      }
    }
    this.waiters = this.waiters.filter((waiter) => {
      if (!this.isStored(waiter.target)) return true;
      waiter.resolve();
      return false;
    });
  }

  /** A segment no longer among the spool's was stored in full and deleted. */
  private isStored(position: SpoolPosition): boolean {
    if (!this.spool.segments().some((segment) => segment.name === position.segment)) return true;
    return (this.stored.get(position.segment) ?? 0) >= position.bytes;
  }

  private segment(name: string, closed: boolean): SpooledSegment {
    return { name, path: join(this.spool.directory, name), closed };
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
