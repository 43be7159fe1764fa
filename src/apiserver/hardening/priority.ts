// Rate limits by priority level, in the spirit of Kubernetes' API Priority and Fairness:
// a classifier puts each caller in a level (named as APF's bootstrap configuration names
// them), each level has its own budget, and — except for anonymous callers, who share
// one — every identity has a bucket of its own in its level. A user flooding the API
// empties only their own bucket; the cluster's components draw from theirs.
//
//   caller ──classify──▶ level ──▶ bucket (level + username) ──▶ admitted, or 429 + Retry-After
import { rejectedRequests } from '../metrics/apiserver-metrics.ts';
import { RateLimiter, checkBudget, type Budget, type Caller, type Route } from './rate-limit.ts';

/**
 * - `exempt`: group `system:masters` — never limited (APF's exempt level).
 * - `system`: the cluster's components — group `system:nodes`, users
 *   `system:kube-controller-manager`, `system:kube-scheduler` and the node fleet's `system:kubeql-node-fleet`, service accounts in
 *   `kube-system` (APF's system, workload-high and leader-election levels, folded into one).
 * - `global-default`: every other authenticated caller.
 * - `catch-all`: anonymous callers (`system:anonymous`, group `system:unauthenticated`).
 */
export type PriorityLevel = 'exempt' | 'system' | 'global-default' | 'catch-all';

/** The budget of each limited level; 0: the level is not limited. Per identity, except catch-all (one bucket). */
export type PriorityBudgets = Partial<Record<Exclude<PriorityLevel, 'exempt'>, Budget | 0>>;

export const DEFAULT_PRIORITY_BUDGETS: Readonly<Record<Exclude<PriorityLevel, 'exempt'>, Budget>> = Object.freeze({
  system: { ratePerSecond: 5_000, burst: 10_000 },
  'global-default': { ratePerSecond: 200, burst: 400 },
  'catch-all': { ratePerSecond: 50, burst: 100 },
});

/**
 * ApiServerOptions.rateLimit: per-level budgets (merged over the defaults); or one
 * `{ ratePerSecond, burst }` for every identity alike, with no levels (masters and
 * components included — the behaviour before priority levels); or 0: no rate limiting.
 */
export type RateLimitOptions = PriorityBudgets | Budget | 0;

// The simulated node fleet acts for thousands of kubelets under one identity (src/node/fleet.ts).
const SYSTEM_USERS = new Set(['system:kube-controller-manager', 'system:kube-scheduler', 'system:kubeql-node-fleet']);
const KUBE_SYSTEM_SERVICE_ACCOUNTS = 'system:serviceaccount:kube-system:';

/** The priority level of a caller (undefined: anonymous). */
export function priorityLevel(caller: Caller | undefined): PriorityLevel {
  const groups = caller?.groups ?? [];
  if (!caller || caller.username === 'system:anonymous' || groups.includes('system:unauthenticated')) return 'catch-all';
  if (groups.includes('system:masters')) return 'exempt';
  if (groups.includes('system:nodes') || SYSTEM_USERS.has(caller.username) || caller.username.startsWith(KUBE_SYSTEM_SERVICE_ACCOUNTS)) return 'system';
  return 'global-default';
}

/** Routes each caller to its level's bucket: `<level>/<username>`, or the one `catch-all` bucket. */
export function priorityRoute(budgets: PriorityBudgets = {}): Route {
  const levels: Required<PriorityBudgets> = { ...DEFAULT_PRIORITY_BUDGETS, ...budgets };
  for (const [level, budget] of Object.entries(levels)) if (budget) checkBudget(budget, `rate limit of ${level}`);
  return (caller) => {
    const level = priorityLevel(caller);
    const budget = level === 'exempt' ? 0 : levels[level];
    if (!budget) return undefined;
    return { key: level === 'catch-all' ? level : `${level}/${caller.username}`, budget };
  };
}

/** The limiter for ApiServerOptions.rateLimit (default: priority levels with their default budgets); undefined when off. */
export function createRateLimiter(options: RateLimitOptions | undefined, clock?: () => number): RateLimiter | undefined {
  if (options === 0) return undefined;
  if (options && 'ratePerSecond' in options) return countRejections(new RateLimiter({ ...options, clock }));
  // admit() routes by level; the limiter's own budget is only take()'s default.
  return countRejections(new RateLimiter({ ...DEFAULT_PRIORITY_BUDGETS['global-default'], clock, route: priorityRoute(options) }));
}

/** Counts refusals in apiserver_flowcontrol_rejected_requests_total, by priority level (kubeql's flow schemas are its levels). */
function countRejections(limiter: RateLimiter): RateLimiter {
  const admit = limiter.admit.bind(limiter);
  limiter.admit = (caller, cost) => {
    const admission = admit(caller, cost);
    if (!admission.allowed) {
      const level = priorityLevel(caller);
      rejectedRequests.inc({ flow_schema: level, priority_level: level, reason: 'rate-limited' });
    }
    return admission;
  };
  return limiter;
}
