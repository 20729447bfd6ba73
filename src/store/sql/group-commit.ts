/**
 * Group commit: items submitted in the same turn of the event loop go to `commitBatch` together, once
 * that turn's I/O callbacks have run, so one transaction's cost is shared under load. Each submitter
 * hears about its own item only after the batch's transaction has ended.
 */
export class GroupCommit<TItem, TResult> {
  private queue: { item: TItem; resolve(result: TResult): void; reject(error: unknown): void }[] = [];
  private scheduled = false;
  private flushing: Promise<void> = Promise.resolve();

  /** `commitBatch` answers item by item, so one bad item need not fail the others. */
  constructor(private readonly commitBatch: (items: TItem[]) => Promise<PromiseSettledResult<TResult>[]>) {}

  submit(item: TItem): Promise<TResult> {
    const done = new Promise<TResult>((resolve, reject) => this.queue.push({ item, resolve, reject }));
    if (!this.scheduled) {
      this.scheduled = true;
      // setImmediate runs after the I/O callbacks of this loop turn: every request that arrived
      // together has submitted its item by then.
      setImmediate(() => {
        this.flushing = this.flushing.then(() => this.flush());
      });
    }
    return done;
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    let results: PromiseSettledResult<TResult>[];
    try {
      results = await this.commitBatch(batch.map((entry) => entry.item));
    } catch (error) {
      for (const entry of batch) entry.reject(error);
      return;
    }
    batch.forEach((entry, i) => {
      const result = results[i]!;
      if (result.status === 'fulfilled') entry.resolve(result.value);
      else entry.reject(result.reason);
    });
  }
}
