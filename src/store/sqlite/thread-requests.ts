import type { Worker } from 'node:worker_threads';

/**
 * Requests to a thread that answers each `{ id, ... }` message with `{ id, result }` or
 * `{ id, error }`. The thread starts on the first request; if it dies, the requests it held fail and
 * the next request starts a fresh one.
 */
export class ThreadRequests {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();

  /** `name` says which thread failed, in errors. */
  constructor(
    private readonly name: string,
    private readonly start: () => Worker,
  ) {}

  get started(): boolean {
    return this.worker !== undefined;
  }

  request<T = void>(message: object): Promise<T> {
    const worker = (this.worker ??= this.listen(this.start()));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (result: unknown) => void, reject });
      worker.postMessage({ id, ...message });
    });
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private listen(worker: Worker): Worker {
    // The thread works only when asked; it never keeps the process alive on its own.
    worker.unref();
    worker.on('message', ({ id, result, error }: { id: number; result?: unknown; error?: string }) => {
      const waiter = this.pending.get(id);
      this.pending.delete(id);
      if (error === undefined) waiter?.resolve(result);
      else waiter?.reject(new Error(`${this.name} failed: ${error}`));
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the ${this.name} thread exited with code ${code}`)));
    return worker;
  }
}
