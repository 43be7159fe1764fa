// Keeps the RBAC cache current: list the four RBAC kinds, then watch them from the
// list's revision (client-go's informer pattern, inside the apiserver). On a watch
// failure — e.g. EXPIRED after a long pause — it lists again.
import type { KubeObject } from '../apis/kinds.ts';
import type { Store } from '../store/index.ts';

export const RBAC_KINDS = ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'] as const;

export interface PolicyCache {
  replace(objects: KubeObject[]): void;
  apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: KubeObject): void;
}

export class PolicyInformer {
  private stopped = false;
  private restarting = false;
  private readonly watches: { close(): void }[] = [];

  constructor(private readonly store: Store, private readonly cache: PolicyCache) {}

  /** Resolves once the cache holds a full list; it stays current until `stop()`. */
  async start(): Promise<void> {
    const objects: KubeObject[] = [];
    let revision = Infinity;
    for (const kind of RBAC_KINDS) {
      let token: string | undefined;
      do {
        const page = await this.store.list({ kind, limit: 1000, continue: token });
        objects.push(...page.items);
        token = page.continue;
        revision = Math.min(revision, page.revision);
      } while (token);
    }
    this.cache.replace(objects);
    // Watch from the oldest list revision: a change seen twice is harmless (apply is idempotent).
    for (const kind of RBAC_KINDS) void this.follow(kind, revision);
  }

  private async follow(kind: string, from: number): Promise<void> {
    const watch = this.store.watch({ kind, fromRevision: from });
    this.watches.push(watch);
    try {
      for await (const event of watch) this.cache.apply(event.type, event.object);
    } catch {
      // fall through to a fresh list
    }
    this.watches.splice(this.watches.indexOf(watch), 1);
    if (this.stopped || this.restarting) return;
    this.restarting = true;
    for (const w of this.watches.splice(0)) w.close();
    await new Promise((r) => setTimeout(r, 200));
    try {
      if (!this.stopped) await this.start();
    } catch {
      // the next failure retries
    } finally {
      this.restarting = false;
    }
  }

  stop(): void {
    this.stopped = true;
    for (const w of this.watches.splice(0)) w.close();
  }
}
