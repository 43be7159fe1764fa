// A work queue as client-go's (util/workqueue): a key waits at most once however often it
// is added (`dirty`), is never handed to two workers at once (`processing`: a key added
// while it is worked on waits until `done`), can be added after a delay, and retried
// with a per-key backoff. Workers loop on `get` → work → `done`.
import type { Clock, Timer } from '../apimachinery/clock.ts';
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiter.ts';

export interface WorkQueueOptions<K> {
  clock: Clock;
  /** @default client-go's DefaultControllerRateLimiter (5 ms doubling to 1000 s per key, 10/s burst 100 overall) */
  rateLimiter?: RateLimiter<K>;
}

export class WorkQueue<K> {
  private readonly queue: K[] = [];
  private readonly dirty = new Set<K>();
  private readonly processing = new Set<K>();
  /** Keys waiting for a delayed add, with when they are due (the earliest add wins). */
  private readonly waiting = new Map<K, { at: number; timer: Timer }>();
  private readonly getters: ((key: K | undefined) => void)[] = [];
  private shuttingDown = false;
  private readonly clock: Clock;
  private readonly rateLimiter: RateLimiter<K>;

  constructor(options: WorkQueueOptions<K>) {
    this.clock = options.clock;
    this.rateLimiter = options.rateLimiter ?? defaultControllerRateLimiter<K>(options.clock);
  }

  /** Marks `key` as needing work; a key already waiting is not queued twice. */
  add(key: K): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return; // queued again by done()
    const getter = this.getters.shift();
    if (getter) this.hand(key, getter);
    else this.queue.push(key);
  }

  /** Adds `key` once `ms` have passed; of several delayed adds of one key the earliest counts. */
  addAfter(key: K, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) return this.add(key);
    const at = this.clock.now().getTime() + ms;
    const current = this.waiting.get(key);
    if (current && current.at <= at) return;
    current?.timer.stop();
    const timer = this.clock.after(ms, () => {
      this.waiting.delete(key);
      this.add(key);
    });
    this.waiting.set(key, { at, timer });
  }

  /** Adds `key` after its backoff: the next retry of a key that failed. */
  addRateLimited(key: K): void {
    this.addAfter(key, this.rateLimiter.when(key));
  }

  /** The key succeeded: its backoff starts over. */
  forget(key: K): void {
    this.rateLimiter.forget(key);
  }

  numRequeues(key: K): number {
    return this.rateLimiter.numRequeues(key);
  }

  /** The next key to work on; `undefined` once the queue is shut down and empty. Call `done` after. */
  get(): Promise<K | undefined> {
    const key = this.queue.shift();
    if (key !== undefined) return Promise.resolve(this.take(key));
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.getters.push(resolve));
  }

  /** Work on `key` finished; if it was added meanwhile, it is queued again. */
  done(key: K): void {
    this.processing.delete(key);
    if (!this.dirty.has(key)) return;
    const getter = this.getters.shift();
    if (getter) this.hand(key, getter);
    else this.queue.push(key);
  }

  /** Keys waiting to be worked on (not those being worked on or delayed). */
  get length(): number {
    return this.queue.length;
  }

  /** No more adds; workers get what is queued, then `undefined`. Delayed adds are dropped. */
  shutDown(): void {
    this.shuttingDown = true;
    for (const { timer } of this.waiting.values()) timer.stop();
    this.waiting.clear();
    for (const getter of this.getters.splice(0)) getter(undefined);
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  private take(key: K): K {
    this.dirty.delete(key);
    this.processing.add(key);
    return key;
  }

  private hand(key: K, getter: (key: K | undefined) => void): void {
    getter(this.take(key));
  }
}
