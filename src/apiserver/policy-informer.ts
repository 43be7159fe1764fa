// Keeps the RBAC cache current: list the four RBAC kinds, then watch them from the
// list's revision (client-go's informer pattern, inside the apiserver). On a watch
// failure — e.g. EXPIRED after a long pause — it lists again.
import type { KubeObject } from '../apis/kinds.ts';
import type { Store } from '../store/index.ts';
import { listEvery } from '../store/list-every.ts';
import { realClock, retryWithBackoff, type Clock } from '../apimachinery/clock.ts';

export const RBAC_KINDS = ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'] as const;

export interface PolicyCache {
  replace(objects: KubeObject[]): void;
  apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: KubeObject): void;
}

export class PolicyInformer {
  private stopped = false;
  private restarting = false;
  /** The newest revision of an RBAC change applied to the cache. */
  private applied = 0;
  private started = false;
  private waiters: { revision: number; resolve: () => void }[] = [];
  private readonly watches: { close(): void }[] = [];

  constructor(
    private readonly store: Store,
    private readonly cache: PolicyCache,
    private readonly clock: Clock = realClock(),
  ) {}

  /** Resolves once the cache holds a full list; it stays current until `stop()`. */
  async start(): Promise<void> {
    const objects: KubeObject[] = [];
    let revision = Infinity;
    for (const kind of RBAC_KINDS) {
      const listed = await listEvery(this.store, kind);
      objects.push(...listed.items);
      revision = Math.min(revision, listed.revision);
    }
    this.cache.replace(objects);
    this.started = true;
    this.advance(revision);
    // Watch from the oldest list revision: a change seen twice is harmless (apply is idempotent).
    for (const kind of RBAC_KINDS) void this.follow(kind, revision);
  }

  private async follow(kind: string, from: number): Promise<void> {
    const watch = this.store.watch({ kind, fromRevision: from });
    this.watches.push(watch);
    try {
      for await (const event of watch) {
        if (event.type !== 'BOOKMARK') this.cache.apply(event.type, event.object);
        this.advance(event.revision);
      }
    } catch {
      // fall through to a fresh list
    }
    const index = this.watches.indexOf(watch);
    if (index < 0 || this.stopped || this.restarting) return; // closed on purpose: by stop() or by a relist
    this.watches.splice(index, 1);
    this.restarting = true;
    for (const w of this.watches.splice(0)) w.close();
    // Relist with backoff until it works (the database may be away for a while).
    await retryWithBackoff(
      this.clock,
      () => this.start(),
      () => this.stopped,
    );
    this.restarting = false;
  }

  private advance(revision: number): void {
    if (revision <= this.applied) return;
    this.applied = revision;
    this.waiters = this.waiters.filter((w) => (w.revision <= revision ? (w.resolve(), false) : true));
  }

  /**
   * Resolves once the cache holds the RBAC change written at `revision`, so that whoever
   * wrote a role or binding is authorized by it on their next request (read your writes).
   * Gives up after `timeoutMs`: the cache still converges, only later.
   */
  waitFor(revision: number, timeoutMs = 2000): Promise<void> {
    // A bound on one request's latency, not cluster time: a real timer.
    // Before start() the cache is filled from a list that will include the change anyway.
    if (revision <= this.applied || this.stopped || !this.started) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      timer.unref();
      this.waiters.push({
        revision,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  stop(): void {
    for (const w of this.waiters.splice(0)) w.resolve();
    this.stopped = true;
    for (const w of this.watches.splice(0)) w.close();
  }
}
