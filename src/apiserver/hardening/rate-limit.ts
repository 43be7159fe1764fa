// Token-bucket rate limiting per identity (username): each identity has a bucket of
// `burst` tokens that refills at `ratePerSecond`; a request takes one token (or `cost`).

interface Bucket {
  tokens: number;
  /** clock reading at the last refill, in ms */
  at: number;
}

export interface RateLimiterOptions {
  ratePerSecond: number;
  burst: number;
  /** milliseconds; defaults to Date.now */
  clock?: () => number;
  /** Buckets kept before idle (full) ones are swept; default 10000. */
  maxIdentities?: number;
}

export class RateLimiter {
  readonly ratePerSecond: number;
  readonly burst: number;
  private readonly clock: () => number;
  private readonly maxIdentities: number;
  private readonly buckets = new Map<string, Bucket>();

  constructor(opts: RateLimiterOptions) {
    if (!(opts.ratePerSecond > 0)) throw new TypeError('ratePerSecond must be > 0');
    if (!(opts.burst >= 1)) throw new TypeError('burst must be >= 1');
    this.ratePerSecond = opts.ratePerSecond;
    this.burst = opts.burst;
    this.clock = opts.clock ?? Date.now;
    this.maxIdentities = opts.maxIdentities ?? 10_000;
  }

  /** Takes `cost` tokens from the identity's bucket; false (and nothing taken) when it has fewer. */
  take(identity: string, cost = 1): boolean {
    const bucket = this.refill(identity);
    if (bucket.tokens < cost) return false;
    bucket.tokens -= cost;
    return true;
  }

  /** Milliseconds until `cost` tokens are available to the identity (0 when they are now). */
  retryAfterMs(identity: string, cost = 1): number {
    const bucket = this.refill(identity);
    if (bucket.tokens >= cost) return 0;
    if (cost > this.burst) return Infinity;
    return Math.ceil(((cost - bucket.tokens) / this.ratePerSecond) * 1000);
  }

  private refill(identity: string): Bucket {
    const now = this.clock();
    let bucket = this.buckets.get(identity);
    if (!bucket) {
      if (this.buckets.size >= this.maxIdentities) this.sweep(now);
      bucket = { tokens: this.burst, at: now };
      this.buckets.set(identity, bucket);
      return bucket;
    }
    const elapsed = Math.max(0, now - bucket.at); // a clock going backwards adds nothing
    bucket.tokens = Math.min(this.burst, bucket.tokens + (elapsed / 1000) * this.ratePerSecond);
    bucket.at = Math.max(bucket.at, now);
    return bucket;
  }

  /** Forgets buckets that have refilled completely (indistinguishable from new ones). */
  private sweep(now: number): void {
    for (const [identity, b] of this.buckets) {
      if (b.tokens + (Math.max(0, now - b.at) / 1000) * this.ratePerSecond >= this.burst) this.buckets.delete(identity);
    }
  }
}
