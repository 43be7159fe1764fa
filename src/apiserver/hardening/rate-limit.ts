// Token-bucket rate limiting: each bucket holds up to `burst` tokens and refills at
// `ratePerSecond`; a request takes one token (or `cost`). Which bucket a caller's request
// draws from, with which budget, is the limiter's `route` (priority levels, see
// priority.ts); without one, every identity (username) has a bucket of the limiter's
// own budget.

/** A token bucket's size and refill rate. */
export interface Budget {
  ratePerSecond: number;
  burst: number;
}

/** Who is asking: a username and its groups (authn's UserInfo is one). */
export interface Caller {
  username: string;
  groups?: readonly string[];
}

/** The bucket a caller's requests draw from and its budget; undefined: the caller is not limited. */
export type Route = (caller: Caller) => { key: string; budget: Budget } | undefined;

export type Admission = { allowed: true } | { allowed: false; retryAfterMs: number };

interface Bucket {
  tokens: number;
  /** clock reading at the last refill, in ms */
  at: number;
  budget: Budget;
}

export interface RateLimiterOptions extends Budget {
  /** milliseconds; defaults to Date.now */
  clock?: () => number;
  /** Buckets kept before idle (full) ones are swept; default 10000. */
  maxIdentities?: number;
  /** Routes callers to buckets (admit); default: one bucket per username with this budget. */
  route?: Route;
}

export function checkBudget(budget: Budget, what = 'rate limit'): Budget {
  if (!(budget.ratePerSecond > 0)) throw new TypeError(`${what}: ratePerSecond must be > 0`);
  if (!(budget.burst >= 1)) throw new TypeError(`${what}: burst must be >= 1`);
  return budget;
}

export class RateLimiter {
  readonly ratePerSecond: number;
  readonly burst: number;
  private readonly budget: Budget;
  private readonly clock: () => number;
  private readonly maxIdentities: number;
  private readonly route: Route;
  private readonly buckets = new Map<string, Bucket>();

  constructor(opts: RateLimiterOptions) {
    this.budget = checkBudget({ ratePerSecond: opts.ratePerSecond, burst: opts.burst });
    this.ratePerSecond = opts.ratePerSecond;
    this.burst = opts.burst;
    this.clock = opts.clock ?? Date.now;
    this.maxIdentities = opts.maxIdentities ?? 10_000;
    this.route = opts.route ?? ((caller) => ({ key: caller.username, budget: this.budget }));
  }

  /** One request by `caller` (`cost` requests' worth): admitted (tokens taken from its bucket) or not, and when to retry. */
  admit(caller: Caller, cost = 1): Admission {
    const to = this.route(caller);
    if (!to) return { allowed: true };
    if (this.take(to.key, cost, to.budget)) return { allowed: true };
    return { allowed: false, retryAfterMs: this.retryAfterMs(to.key, cost, to.budget) };
  }

  /** Takes `cost` tokens from the bucket `key`; false (and nothing taken) when it has fewer. */
  take(key: string, cost = 1, budget: Budget = this.budget): boolean {
    const bucket = this.refill(key, budget);
    if (bucket.tokens < cost) return false;
    bucket.tokens -= cost;
    return true;
  }

  /** Milliseconds until `cost` tokens are available in the bucket `key` (0 when they are now). */
  retryAfterMs(key: string, cost = 1, budget: Budget = this.budget): number {
    const bucket = this.refill(key, budget);
    if (bucket.tokens >= cost) return 0;
    if (cost > bucket.budget.burst) return Infinity;
    return Math.ceil(((cost - bucket.tokens) / bucket.budget.ratePerSecond) * 1000);
  }

  private refill(key: string, budget: Budget): Bucket {
    const now = this.clock();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxIdentities) this.sweep(now);
      bucket = { tokens: budget.burst, at: now, budget };
      this.buckets.set(key, bucket);
      return bucket;
    }
    bucket.budget = budget;
    const elapsed = Math.max(0, now - bucket.at); // a clock going backwards adds nothing
    bucket.tokens = Math.min(budget.burst, bucket.tokens + (elapsed / 1000) * budget.ratePerSecond);
    bucket.at = Math.max(bucket.at, now);
    return bucket;
  }

  /** Forgets buckets that have refilled completely (indistinguishable from new ones). */
  private sweep(now: number): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + (Math.max(0, now - b.at) / 1000) * b.budget.ratePerSecond >= b.budget.burst) this.buckets.delete(key);
    }
  }
}
