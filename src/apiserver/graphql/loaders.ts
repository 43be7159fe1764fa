// Per-request batching of relation reads: every Pod.node of one response is one
// query, every Node.pods one query, and so on (no N+1).
import DataLoader from 'dataloader';
import type { KubeObject } from '../../apis/kinds.ts';
import { fieldValue } from '../../apimachinery/fields.ts';
import type { Registry } from '../registry/index.ts';

export class Loaders {
  private readonly loaders = new Map<string, DataLoader<string, unknown>>();

  constructor(private readonly registry: Registry) {}

  /** Empty loaders over the same registry (a new batching scope). */
  fresh(): Loaders {
    return new Loaders(this.registry);
  }

  private loader<V>(id: string, batch: (keys: readonly string[]) => Promise<V[]>): DataLoader<string, V> {
    let l = this.loaders.get(id) as DataLoader<string, V> | undefined;
    if (!l) this.loaders.set(id, (l = new DataLoader<string, V>(batch)) as DataLoader<string, unknown>);
    return l;
  }

  /** One object by namespace and name ("" for cluster-scoped kinds). */
  get(kind: string, namespace: string, name: string): Promise<KubeObject | undefined> {
    return this.loader<KubeObject | undefined>(`key:${kind}`, async (keys) => {
      const parsed = keys.map((k) => JSON.parse(k) as [string, string]);
      const found = await this.registry.store.select(kind, { by: 'key', keys: parsed.map(([namespace, name]) => ({ namespace, name })) });
      const index = new Map(found.map((o) => [JSON.stringify([o.metadata.namespace ?? '', o.metadata.name]), o]));
      return keys.map((k) => index.get(k));
    }).load(JSON.stringify([namespace, name]));
  }

  /** Objects whose field (a dotted path such as `spec.nodeName`) equals the value. */
  byField(kind: string, path: string, value: string): Promise<KubeObject[]> {
    return this.loader<KubeObject[]>(`field:${kind}:${path}`, async (values) => {
      const found = await this.registry.store.select(kind, { by: 'field', path, values: [...values] });
      return groupBy(values, found, (o) => [fieldValue(o, path)]);
    }).load(value);
  }

  /** Objects of a namespace whose label `key` has the value. */
  byLabel(kind: string, key: string, namespace: string, value: string): Promise<KubeObject[]> {
    return this.loader<KubeObject[]>(`label:${kind}:${key}`, async (nsValues) => {
      const values = [...new Set(nsValues.map((v) => (JSON.parse(v) as [string, string])[1]))];
      const found = await this.registry.store.select(kind, { by: 'label', key, values });
      return groupBy(nsValues, found, (o) => [JSON.stringify([o.metadata.namespace ?? '', o.metadata.labels?.[key] ?? ''])]);
    }).load(JSON.stringify([namespace, value]));
  }

  /** Objects that name the owner (by uid) in their ownerReferences. */
  byOwner(kind: string, uid: string): Promise<KubeObject[]> {
    return this.loader<KubeObject[]>(`owner:${kind}`, async (uids) => {
      const found = await this.registry.store.select(kind, { by: 'owner', uids: [...uids] });
      return groupBy(uids, found, (o) => (o.metadata.ownerReferences ?? []).map((r) => r.uid));
    }).load(uid);
  }

  /** Objects of a namespace, with optional selectors (parsed and checked by the registry). */
  inNamespace(kind: string, namespace: string, labelSelector?: string | null, fieldSelector?: string | null): Promise<KubeObject[]> {
    const { labels, fields } = this.registry.parseSelectors(this.registry.info(kind), labelSelector, fieldSelector);
    return this.loader<KubeObject[]>(`ns:${kind}:${labelSelector ?? ''}:${fieldSelector ?? ''}`, async (namespaces) => {
      const found = await this.registry.store.select(kind, { by: 'namespace', namespaces: [...namespaces], labelSelector: labels, fieldSelector: fields });
      return groupBy(namespaces, found, (o) => [o.metadata.namespace ?? '']);
    }).load(namespace);
  }
}

/** The objects of each key, in key order; an object may belong to several keys. */
function groupBy(keys: readonly string[], objects: KubeObject[], keysOf: (o: KubeObject) => string[]): KubeObject[][] {
  const groups = new Map<string, KubeObject[]>(keys.map((k) => [k, []]));
  for (const o of objects) for (const k of keysOf(o)) groups.get(k)?.push(o);
  return keys.map((k) => groups.get(k)!);
}
