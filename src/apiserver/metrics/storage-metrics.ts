// Gauges read from the live apiservers of this process when metrics are scraped:
// objects stored per resource and watches open per kind, under Kubernetes' names.
import { KINDS, kindInfo } from '../../apis/kinds.ts';
import { gauge } from '../../observability/index.ts';
import type { SqlStore } from '../../store/index.ts';
import { apiGroupOf } from '../authz/index.ts';

/** The stores of the apiservers running in this process. */
export const liveStores = new Set<SqlStore>();

/** Kubernetes' resource label: `pods`, `deployments.apps`. */
const qualified = (kind: string): string => {
  const info = kindInfo(kind);
  if (!info) return kind.toLowerCase();
  const group = apiGroupOf(info.apiVersion);
  return group ? `${info.resource}.${group}` : info.resource;
};

gauge({
  name: 'apiserver_storage_objects',
  help: 'Number of stored objects at the time of last check split by kind.',
  labelNames: ['resource'] as const,
  async collect() {
    this.reset();
    // Every kind is reported, with 0 when none is stored, as kube-apiserver does.
    const counts = new Map<string, number>(KINDS.map((k) => [qualified(k.kind), 0]));
    for (const store of liveStores) {
      for (const [kind, n] of await store.countByKind().catch(() => new Map<string, number>()))
        counts.set(qualified(kind), Math.max(counts.get(qualified(kind)) ?? 0, n));
    }
    for (const [resource, n] of counts) this.set({ resource }, n);
  },
});

gauge({
  name: 'apiserver_registered_watchers',
  help: 'Number of currently registered watchers for a given resource.',
  labelNames: ['group', 'version', 'kind'] as const,
  collect() {
    this.reset();
    const counts = new Map<string, number>(KINDS.map((k) => [k.kind, 0]));
    for (const store of liveStores) for (const [kind, n] of store.hub.watcherCounts()) counts.set(kind, (counts.get(kind) ?? 0) + n);
    for (const [kind, n] of counts) {
      const apiVersion = kindInfo(kind)?.apiVersion ?? 'v1';
      this.set({ group: apiGroupOf(apiVersion), version: apiVersion.slice(apiVersion.indexOf('/') + 1), kind }, n);
    }
  },
});
