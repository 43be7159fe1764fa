// An informer's local copy of a kind (client-go's cache.Indexer): objects by
// `namespace/name`, and secondary indexes kept as objects come and go — by namespace, by
// `spec.nodeName`, by owner uid, by label — so a controller finds "the pods of this
// ReplicaSet" or "the pods on this node" without a scan.
import type { AnyObject } from './resources.ts';

/** The values an object is indexed under (none: not in the index). */
export type IndexFunc<T> = (object: T) => string[];

/** `namespace/name`, or `name` for cluster-scoped objects: the work-queue key of client-go. */
export const keyOf = (o: { metadata: { namespace?: string | null; name?: string } }): string =>
  o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : String(o.metadata.name);

export const splitKey = (key: string): { namespace?: string; name: string } => {
  const slash = key.indexOf('/');
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
};

/** The indexes every informer keeps. */
export const STANDARD_INDEXES = {
  namespace: (o: AnyObject) => (o.metadata.namespace ? [o.metadata.namespace] : []),
  ownerUid: (o: AnyObject) => (o.metadata.ownerReferences ?? []).map((r: { uid: string }) => r.uid),
  nodeName: (o: AnyObject) => {
    const node = (o as { spec?: { nodeName?: string } }).spec?.nodeName;
    return node ? [node] : [];
  },
  label: (o: AnyObject) => Object.entries(o.metadata.labels ?? {}).map(([k, v]) => `${k}=${v}`),
} satisfies Record<string, IndexFunc<AnyObject>>;

export class Cache<T extends AnyObject = AnyObject> {
  private readonly objects = new Map<string, T>();
  private readonly indexes = new Map<string, { fn: IndexFunc<T>; entries: Map<string, Set<string>> }>();

  constructor(indexes: Record<string, IndexFunc<T>> = STANDARD_INDEXES as unknown as Record<string, IndexFunc<T>>) {
    for (const [name, fn] of Object.entries(indexes)) this.addIndex(name, fn);
  }

  addIndex(name: string, fn: IndexFunc<T>): void {
    if (this.indexes.has(name)) return;
    const entries = new Map<string, Set<string>>();
    this.indexes.set(name, { fn, entries });
    for (const [key, o] of this.objects) for (const v of fn(o)) add(entries, v, key);
  }

  get size(): number {
    return this.objects.size;
  }

  get(key: string): T | undefined {
    return this.objects.get(key);
  }

  list(): T[] {
    return [...this.objects.values()];
  }

  keys(): string[] {
    return [...this.objects.keys()];
  }

  /** The objects an index holds under `value` (e.g. `byIndex('nodeName', 'node-1')`). */
  byIndex(index: string, value: string): T[] {
    const idx = this.indexes.get(index);
    if (!idx) throw new Error(`no index ${index}`);
    return [...(idx.entries.get(value) ?? [])].map((k) => this.objects.get(k)!);
  }

  /** Stores `object`; returns the copy it replaced. */
  put(object: T): T | undefined {
    const key = keyOf(object);
    const old = this.objects.get(key);
    if (old) this.unindex(key, old);
    this.objects.set(key, object);
    for (const { fn, entries } of this.indexes.values()) for (const v of fn(object)) add(entries, v, key);
    return old;
  }

  remove(key: string): T | undefined {
    const old = this.objects.get(key);
    if (!old) return undefined;
    this.unindex(key, old);
    this.objects.delete(key);
    return old;
  }

  private unindex(key: string, object: T): void {
    for (const { fn, entries } of this.indexes.values()) {
      for (const v of fn(object)) {
        const set = entries.get(v);
        set?.delete(key);
        if (set?.size === 0) entries.delete(v);
      }
    }
  }
}

function add(entries: Map<string, Set<string>>, value: string, key: string): void {
  let set = entries.get(value);
  if (!set) entries.set(value, (set = new Set()));
  set.add(key);
}
