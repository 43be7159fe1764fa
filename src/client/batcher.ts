// Many writes of one kind sent as bulk requests (updatePodStatuses, bindPods, create<Kinds>),
// the way the store group-commits: while every request slot is busy, added items queue,
// and the next free slot takes up to a batch of them at once — at rest an item goes alone,
// at once (or after `delayMs`, for writers whose changes come in bursts worth merging).
// Each item learns its own outcome: the bulk operations answer per item.

export interface BatcherOptions {
  /** Requests in flight at once. @default 2 */
  requests?: number;
  /** Items per request (the API takes at most 500). @default 100 */
  batch?: number;
  /** How long the first item of an idle batcher waits for others. @default 0 (the end of this turn) */
  delayMs?: number;
}

interface Entry<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export class Batcher<T, R> {
  private readonly queue: Entry<T, R>[] = [];
  private inFlight = 0;
  private timer?: ReturnType<typeof setTimeout>;
  private closed = false;
  private readonly requests: number;
  private readonly batch: number;
  private readonly delayMs: number;

  /** `send` answers a batch with one result per item, in order; a throw fails every item of it. */
  constructor(
    private readonly send: (items: T[]) => Promise<readonly R[]>,
    options: BatcherOptions = {},
  ) {
    this.requests = Math.max(1, options.requests ?? 2);
    this.batch = Math.min(Math.max(1, options.batch ?? 100), 500);
    this.delayMs = options.delayMs ?? 0;
  }

  /** Queues `item` for the next request: resolves with its result, rejects with the request's failure. */
  add(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new Error('the batcher is closed'));
      this.queue.push({ item, resolve, reject });
      this.flushSoon(this.delayMs);
    });
  }

  /** Items waiting for a request slot. */
  get pending(): number {
    return this.queue.length;
  }

  /** Takes no more items; those queued are dropped (their promises never settle). */
  close(): void {
    this.closed = true;
    this.queue.length = 0;
    if (this.timer) clearTimeout(this.timer);
  }

  private flushSoon(delayMs: number): void {
    if (this.timer || this.queue.length === 0 || this.inFlight >= this.requests || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      while (this.queue.length > 0 && this.inFlight < this.requests && !this.closed) {
        const entries = this.queue.splice(0, this.batch);
        this.inFlight++;
        void this.run(entries).finally(() => {
          this.inFlight--;
          this.flushSoon(0); // what queued while every slot was busy has waited already
        });
      }
    }, delayMs);
    this.timer.unref?.();
  }

  private async run(entries: Entry<T, R>[]): Promise<void> {
    let results: readonly R[];
    try {
      results = await this.send(entries.map((e) => e.item));
    } catch (error) {
      for (const e of entries) e.reject(error);
      return;
    }
    entries.forEach((e, i) => e.resolve(results[i]!));
  }
}
