// RbacCache: the authorizer's informer. An in-memory copy of Role, ClusterRole, RoleBinding and
// ClusterRoleBinding, fed by a list (`replace`) and the watch events after it (`apply`).
//
// Objects are kept normalized (frozen rules, roleRef, subjects) — never the stored JSON — and
// versioned at three granularities so the authorizer can rebuild only what a change touches:
// ClusterRoles, ClusterRoleBindings, and one version per namespace for its Roles and RoleBindings.

import type { KubeObject } from '../../apis/kinds.ts';
import { normalizeRules } from './rules.ts';
import { RBAC_GROUP, type PolicyRule, type RoleRef, type Subject } from './types.ts';

export type RbacKind = 'Role' | 'ClusterRole' | 'RoleBinding' | 'ClusterRoleBinding';
export const RBAC_KINDS: readonly RbacKind[] = ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'];
type RbacObject = KubeObject & { kind: RbacKind };
const isRbacObject = (o: KubeObject | null | undefined): o is RbacObject => RBAC_KINDS.includes(o?.kind as RbacKind);

/** metav1.LabelSelector (clusterRoleSelectors). */
export interface LabelSelectorJson {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] | null }> | null;
}

export interface RoleEntry {
  readonly name: string;
  readonly namespace: string;
  readonly rules: readonly PolicyRule[];
  readonly labels: Readonly<Record<string, string>>;
  /** ClusterRoles only: its rules are the union of the selected ClusterRoles' (see the authorizer). */
  readonly aggregationSelectors?: readonly LabelSelectorJson[];
}

export interface BindingEntry {
  readonly name: string;
  readonly namespace: string;
  readonly roleRef: Readonly<RoleRef>;
  readonly subjects: readonly Readonly<Subject>[];
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const rec = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

function toRole(o: KubeObject): RoleEntry {
  const agg = rec(o.aggregationRule);
  const selectors = Array.isArray(agg.clusterRoleSelectors) ? (agg.clusterRoleSelectors as LabelSelectorJson[]) : undefined;
  const labels = rec(o.metadata?.labels) as Record<string, string>;
  return Object.freeze({
    name: str(o.metadata?.name),
    namespace: str(o.metadata?.namespace),
    rules: normalizeRules(o.rules),
    labels: Object.freeze({ ...labels }),
    ...(o.kind === 'ClusterRole' && o.aggregationRule != null ? { aggregationSelectors: Object.freeze(structuredClone(selectors ?? [])) } : {}),
  });
}

function toBinding(o: KubeObject): BindingEntry {
  const ref = rec(o.roleRef);
  const subjects = Array.isArray(o.subjects) ? o.subjects : [];
  return Object.freeze({
    name: str(o.metadata?.name),
    namespace: str(o.metadata?.namespace),
    roleRef: Object.freeze({ apiGroup: str(ref.apiGroup) || RBAC_GROUP, kind: str(ref.kind), name: str(ref.name) }),
    subjects: Object.freeze(
      subjects.map((s) => {
        const r = rec(s);
        const out: Subject = { kind: str(r.kind), name: str(r.name) };
        if (str(r.namespace)) out.namespace = str(r.namespace);
        if (str(r.apiGroup)) out.apiGroup = str(r.apiGroup);
        return Object.freeze(out);
      }),
    ),
  });
}

/** An in-memory, always-current copy of the four RBAC kinds, fed by list + watch events. */
export class RbacCache {
  #revision = 0;
  #clusterRolesVersion = 0;
  #clusterBindingsVersion = 0;
  readonly #namespaceVersions = new Map<string, number>();

  readonly #clusterRoles = new Map<string, RoleEntry>();
  readonly #clusterBindings = new Map<string, BindingEntry>();
  readonly #roles = new Map<string, Map<string, RoleEntry>>();
  readonly #roleBindings = new Map<string, Map<string, BindingEntry>>();

  /** Bumps on every change (for decision caches). */
  get revision(): number {
    return this.#revision;
  }

  /**
   * A full list: the cache then holds exactly these objects. Objects of other kinds are ignored.
   * `kinds` limits the replacement to those kinds (for per-kind lists); the others are kept.
   */
  replace(objects: readonly KubeObject[], kinds: readonly RbacKind[] = RBAC_KINDS): void {
    const only = new Set(kinds);
    if (only.has('ClusterRole')) {
      this.#clusterRoles.clear();
      this.#clusterRolesVersion++;
    }
    if (only.has('ClusterRoleBinding')) {
      this.#clusterBindings.clear();
      this.#clusterBindingsVersion++;
    }
    const touched = new Set<string>();
    if (only.has('Role')) {
      for (const ns of this.#roles.keys()) touched.add(ns);
      this.#roles.clear();
    }
    if (only.has('RoleBinding')) {
      for (const ns of this.#roleBindings.keys()) touched.add(ns);
      this.#roleBindings.clear();
    }
    for (const o of objects) {
      if (!isRbacObject(o) || !only.has(o.kind)) continue;
      const ns = this.#put(o);
      if (ns !== undefined) touched.add(ns);
    }
    for (const ns of touched) this.#bumpNamespace(ns);
    this.#revision++;
  }

  /** One watch event. Objects of other kinds are ignored. */
  apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: KubeObject): void {
    if (!isRbacObject(object)) return;
    const ns = type === 'DELETED' ? this.#remove(object) : this.#put(object);
    if (object.kind === 'ClusterRole') this.#clusterRolesVersion++;
    else if (object.kind === 'ClusterRoleBinding') this.#clusterBindingsVersion++;
    else if (ns !== undefined) this.#bumpNamespace(ns);
    this.#revision++;
  }

  /** Returns the namespace touched (namespaced kinds). */
  #put(o: RbacObject): string | undefined {
    const name = str(o.metadata?.name);
    switch (o.kind) {
      case 'ClusterRole':
        this.#clusterRoles.set(name, toRole(o));
        return undefined;
      case 'ClusterRoleBinding':
        this.#clusterBindings.set(name, toBinding(o));
        return undefined;
      case 'Role': {
        const ns = str(o.metadata?.namespace);
        getOrCreate(this.#roles, ns).set(name, toRole(o));
        return ns;
      }
      case 'RoleBinding': {
        const ns = str(o.metadata?.namespace);
        getOrCreate(this.#roleBindings, ns).set(name, toBinding(o));
        return ns;
      }
    }
  }

  #remove(o: RbacObject): string | undefined {
    const name = str(o.metadata?.name);
    const ns = str(o.metadata?.namespace);
    switch (o.kind) {
      case 'ClusterRole':
        this.#clusterRoles.delete(name);
        return undefined;
      case 'ClusterRoleBinding':
        this.#clusterBindings.delete(name);
        return undefined;
      case 'Role':
        deleteIn(this.#roles, ns, name);
        return ns;
      case 'RoleBinding':
        deleteIn(this.#roleBindings, ns, name);
        return ns;
    }
  }

  #bumpNamespace(ns: string): void {
    this.#namespaceVersions.set(ns, (this.#namespaceVersions.get(ns) ?? 0) + 1);
  }

  // ---- read side (the authorizer's; entries are frozen) -----------------------------------

  get clusterRolesVersion(): number {
    return this.#clusterRolesVersion;
  }
  get clusterBindingsVersion(): number {
    return this.#clusterBindingsVersion;
  }
  namespaceVersion(ns: string): number {
    return this.#namespaceVersions.get(ns) ?? 0;
  }
  clusterRoles(): ReadonlyMap<string, RoleEntry> {
    return this.#clusterRoles;
  }
  clusterRole(name: string): RoleEntry | undefined {
    return this.#clusterRoles.get(name);
  }
  clusterRoleBindings(): Iterable<BindingEntry> {
    return this.#clusterBindings.values();
  }
  role(namespace: string, name: string): RoleEntry | undefined {
    return this.#roles.get(namespace)?.get(name);
  }
  roleBindings(namespace: string): Iterable<BindingEntry> {
    return this.#roleBindings.get(namespace)?.values() ?? [];
  }
  /** Counts, for metrics and tests. */
  get size(): { roles: number; clusterRoles: number; roleBindings: number; clusterRoleBindings: number } {
    let roles = 0;
    let roleBindings = 0;
    for (const m of this.#roles.values()) roles += m.size;
    for (const m of this.#roleBindings.values()) roleBindings += m.size;
    return { roles, clusterRoles: this.#clusterRoles.size, roleBindings, clusterRoleBindings: this.#clusterBindings.size };
  }
}

function getOrCreate<V>(m: Map<string, Map<string, V>>, k: string): Map<string, V> {
  let inner = m.get(k);
  if (!inner) m.set(k, (inner = new Map()));
  return inner;
}

function deleteIn<V>(m: Map<string, Map<string, V>>, k: string, name: string): void {
  const inner = m.get(k);
  if (!inner) return;
  inner.delete(name);
  if (inner.size === 0) m.delete(k);
}
