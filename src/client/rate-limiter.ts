// How long a key waits before it is retried (client-go's workqueue rate limiters).
import type { Clock } from '../apimachinery/clock.ts';

export interface RateLimiter<K> {
  /** The wait before `key`'s next try; counts the try. */
  when(key: K): number;
  /** Forgets `key`'s failures (it succeeded). */
  forget(key: K): void;
  /** Tries counted for `key` since it was last forgotten. */
  numRequeues(key: K): number;
}

/** base × 2^failures, at most `max` (client-go: 5 ms doubling to 1000 s). */
export class ExponentialFailureRateLimiter<K> implements RateLimiter<K> {
  private readonly failures = new Map<K, number>();

  constructor(
    private readonly baseMs = 5,
    private readonly maxMs = 1_000_000,
  ) {}

  when(key: K): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    return Math.min(this.maxMs, this.baseMs * 2 ** n);
  }

  forget(key: K): void {
    this.failures.delete(key);
  }

  numRequeues(key: K): number {
    return this.failures.get(key) ?? 0;
  }
}

/** A token bucket over all keys: `qps` retries a second overall, `burst` at once (client-go: 10, 100). */
export class BucketRateLimiter<K> implements RateLimiter<K> {
  private tokens: number;
  private at: number;

  constructor(
    private readonly clock: Clock,
    private readonly qps = 10,
    private readonly burst = 100,
  ) {
    this.tokens = burst;
    this.at = clock.now().getTime();
  }

  /** Reserves the next token (for any key); the wait until it is there. */
  when(_key?: K): number {
    const now = this.clock.now().getTime();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.qps);
    this.at = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.qps) * 1000);
  }

  forget(_key?: K): void {}

  numRequeues(_key?: K): number {
    return 0;
  }
}

/** The longest wait of several limiters (client-go's MaxOfRateLimiter). */
export class MaxOfRateLimiter<K> implements RateLimiter<K> {
  private readonly limiters: RateLimiter<K>[];

  constructor(...limiters: RateLimiter<K>[]) {
    this.limiters = limiters;
  }

  when(key: K): number {
    return Math.max(0, ...this.limiters.map((l) => l.when(key)));
  }

  forget(key: K): void {
    for (const l of this.limiters) l.forget(key);
  }

  numRequeues(key: K): number {
    return Math.max(0, ...this.limiters.map((l) => l.numRequeues(key)));
  }
}

/** client-go's DefaultControllerRateLimiter: per-key exponential backoff, capped overall by a bucket. */
export const defaultControllerRateLimiter = <K>(clock: Clock): RateLimiter<K> =>
  new MaxOfRateLimiter<K>(new ExponentialFailureRateLimiter<K>(5, 1_000_000), new BucketRateLimiter<K>(clock, 10, 100));
