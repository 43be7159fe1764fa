// Controller expectations (pkg/controller/controller_utils.go): what a controller has asked
// the apiserver to do and not yet seen come back through its informer. A ReplicaSet that
// just sent 8 creates expects 8 pod adds; until its cache shows them (or the expectations
// expire after 5 minutes) it does not count pods again, so a cache that lags behind its own
// writes never makes it create or delete twice. Deletions are tracked by pod key
// (UIDTrackingControllerExpectations): only the deletion of a pod it chose counts, and a
// pod seen terminating (deletionTimestamp) counts as deleted.
import type { Clock } from '../apimachinery/clock.ts';

/** ExpectationsTimeout: stale expectations stop blocking after this long (cluster time). */
export const EXPECTATIONS_TIMEOUT_MS = 5 * 60_000;

interface Expectation {
  add: number;
  del: number;
  /** clock.monotonic() when set. */
  at: number;
  /** Keys (`namespace/name`) of the pods whose deletion is awaited. */
  deletions: Set<string>;
}

export class ControllerExpectations {
  private readonly expectations = new Map<string, Expectation>();

  constructor(private readonly clock: Clock) {}

  /**
   * Whether the controller of `key` may act on its cache: nothing is awaited, or what is
   * awaited has been awaited too long, or nothing was ever recorded (a new controller).
   */
  satisfied(key: string): boolean {
    const e = this.expectations.get(key);
    if (!e) return true;
    if (e.add <= 0 && e.del <= 0) return true;
    return this.clock.monotonic() - e.at > EXPECTATIONS_TIMEOUT_MS;
  }

  /** `count` creates were sent (replaces whatever was expected). */
  expectCreations(key: string, count: number): void {
    this.expectations.set(key, { add: count, del: 0, at: this.clock.monotonic(), deletions: new Set() });
  }

  /** The pods of `podKeys` were asked to go (replaces whatever was expected). */
  expectDeletions(key: string, podKeys: readonly string[]): void {
    this.expectations.set(key, { add: 0, del: podKeys.length, at: this.clock.monotonic(), deletions: new Set(podKeys) });
  }

  /** A pod of `key` was seen created — or a create is known not to have happened. */
  creationObserved(key: string): void {
    const e = this.expectations.get(key);
    if (e) e.add--;
  }

  /** A pod of `key` was seen deleted (or terminating) — or its delete is known to have failed. */
  deletionObserved(key: string, podKey: string): void {
    const e = this.expectations.get(key);
    if (e?.deletions.delete(podKey)) e.del--;
  }

  /** The controller's object is gone: forget it. */
  delete(key: string): void {
    this.expectations.delete(key);
  }

  /** What is still awaited (for logs and tests). */
  pending(key: string): { add: number; del: number } | undefined {
    const e = this.expectations.get(key);
    return e && { add: e.add, del: e.del };
  }
}
