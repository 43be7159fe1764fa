// RbacAuthorizer: Kubernetes' RBAC authorizer (plugin/pkg/auth/authorizer/rbac) and rule resolver
// (pkg/registry/rbac/validation/rule.go), plus the escalation checks of the RBAC registry
// (pkg/registry/rbac/{role,clusterrole,rolebinding,clusterrolebinding}/policybased, escalation_check.go).
//
// Semantics (exactly Kubernetes'):
// - A request in namespace N is granted by any ClusterRoleBinding, or any RoleBinding in N, whose
//   subjects include the user, through a rule of the referenced role. A RoleBinding may reference a
//   Role in N or a ClusterRole (whose rules then apply within N only). A cluster-scoped request
//   (no namespace, including list/watch across all namespaces) only by ClusterRoleBindings.
// - Subjects: User by name, Group by membership, ServiceAccount by `system:serviceaccount:<ns>:<name>`
//   (the namespace defaults to the RoleBinding's; a ClusterRoleBinding's must name one).
// - Aggregated ClusterRoles (`aggregationRule`) have the union of the rules of the ClusterRoles their
//   selectors match, as Kubernetes' clusterrole-aggregation controller keeps them: kubeql computes
//   it here, from the cache, instead of writing it back.
//
// Speed: bindings are indexed by subject (user name, group name) per scope; the rules that apply
// to one (user, namespace) are resolved once per cache revision and memoized, so a decision is a
// map lookup plus a scan of that user's compiled rules, returning a shared frozen Decision.

import { kindInfo, type KubeObject } from '../../apis/kinds.ts';
import { labelSelectorFromObject, matchesLabels, type LabelSelectorObject } from '../../apimachinery/labels.ts';
import type { BindingEntry, RbacCache, RoleEntry } from './cache.ts';
import { normalizeRules, compactRules, compactString, compileRule, compiledAllows, covers, goQuoteList, ruleKey, type CompiledRule } from './rules.ts';
import {
  RBAC_GROUP,
  SYSTEM_MASTERS,
  serviceAccountUsername,
  type Attributes,
  type Decision,
  type PolicyRule,
  type RoleRef,
  type Subject,
  type UserInfo,
} from './types.ts';

/** Everything: what it takes to set an aggregationRule (cluster-admin's rules). */
const FULL_AUTHORITY: readonly PolicyRule[] = Object.freeze([
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
  { verbs: ['*'], nonResourceURLs: ['*'] },
]);

/** Bound on memoized (user, namespace) rule sets; the memo is dropped whole when it fills. */
const MAX_MEMO = 20_000;

interface Grant {
  /** One binding may match a user through several subjects; the first matching subject describes it. */
  readonly bindingKey: string;
  readonly subjectIndex: number;
  readonly rules: readonly CompiledRule[];
  readonly allow: Decision;
  readonly error?: string;
}

interface SubjectIndex {
  readonly byUser: Map<string, Grant[]>;
  readonly byGroup: Map<string, Grant[]>;
}

interface NamespaceIndex extends SubjectIndex {
  readonly version: number;
}

interface UserMemo {
  readonly username: string;
  readonly groups: readonly string[];
  readonly groupCount: number;
  readonly byNamespace: Map<string, RuleSet>;
}

interface RuleSet {
  readonly rules: readonly CompiledRule[];
  readonly allows: readonly Decision[];
  readonly deny: Decision;
  readonly errors: readonly string[];
}

const EMPTY_INDEX: SubjectIndex = { byUser: new Map(), byGroup: new Map() };
const DENY: Decision = Object.freeze({ allowed: false, reason: '' });
const NO_GROUPS: readonly string[] = Object.freeze([]);

/** utilerrors.NewAggregate(errs).Error(). */
function aggregate(errors: readonly string[]): string {
  if (errors.length === 1) return errors[0]!;
  const seen = [...new Set(errors)];
  return seen.length === 1 ? seen[0]! : `[${seen.join(', ')}]`;
}

const q = (s: string): string => JSON.stringify(s);

function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === 'ServiceAccount') return `${s.kind} ${q(`${s.name}/${s.namespace || bindingNamespace}`)}`;
  return `${s.kind} ${q(s.name)}`;
}

function describeBinding(b: BindingEntry, s: Subject): string {
  return b.namespace
    ? `RoleBinding ${q(`${b.name}/${b.namespace}`)} of ${b.roleRef.kind} ${q(b.roleRef.name)} to ${describeSubject(s, b.namespace)}`
    : `ClusterRoleBinding ${q(b.name)} of ${b.roleRef.kind} ${q(b.roleRef.name)} to ${describeSubject(s, '')}`;
}

/** A canonical JSON form (sorted keys) for semantic equality. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${q(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

/** Server-set metadata a client's update may omit or echo; not privilege-relevant. */
const SERVER_FIELDS = ['resourceVersion', 'generation', 'managedFields', 'uid', 'creationTimestamp', 'selfLink'];

/** rbacregistry.IsOnlyMutatingGCFields: only ownerReferences and finalizers differ. */
function isOnlyMutatingGCFields(obj: KubeObject, old: KubeObject): boolean {
  const strip = (o: KubeObject, from: KubeObject): unknown => {
    const metadata: Record<string, unknown> = { ...(o.metadata ?? {}) };
    for (const f of SERVER_FIELDS) delete metadata[f];
    metadata.ownerReferences = from.metadata?.ownerReferences;
    metadata.finalizers = from.metadata?.finalizers;
    return { ...o, metadata };
  };
  return canonical(strip(obj, old)) === canonical(strip(old, old));
}

const hasAggregationRule = (o: KubeObject | undefined): boolean => o?.aggregationRule != null;

export class RbacAuthorizer {
  readonly #cache: RbacCache;
  readonly #compiled = new WeakMap<PolicyRule, CompiledRule>();

  #seenRevision = -1;
  #clusterRolesVersion = -1;
  #clusterBindingsVersion = -1;
  /** Effective ClusterRole rules (aggregation applied). */
  #clusterRoleRules = new Map<string, readonly PolicyRule[]>();
  #clusterIndex: SubjectIndex | null = null;
  readonly #namespaceIndexes = new Map<string, NamespaceIndex>();
  readonly #memo = new Map<string, RuleSet>();
  /** Fast path: the same UserInfo object is asked about again and again within a request or a watch. */
  #byUser = new WeakMap<UserInfo, UserMemo>();

  constructor(cache: RbacCache) {
    this.#cache = cache;
  }

  /** The cache's revision: decisions cached outside (per request, per watch) are stale once it moves. */
  get revision(): number {
    return this.#cache.revision;
  }

  /**
   * Kubernetes RBAC: allowed, or not (Kubernetes' "no opinion": nothing else grants in kubeql).
   * The Decision returned is shared and frozen. Build `attrs` with `resourceAttributes` to get
   * kube-apiserver's RequestInfo conventions (namespace of a Namespace request, names of creates).
   */
  authorize(attrs: Attributes): Decision {
    const rs = this.#ruleSet(attrs.user, attrs.namespace || '');
    const rules = rs.rules;
    for (let i = 0; i < rules.length; i++) {
      if (compiledAllows(rules[i]!, attrs)) return rs.allows[i]!;
    }
    return rs.deny;
  }

  /** The rules that apply to the user in the namespace (cluster-wide rules included); namespace undefined = cluster scope only. */
  rulesFor(user: UserInfo, namespace?: string): PolicyRule[] {
    return this.#ruleSet(user, namespace || '').rules.map((c) => c.rule);
  }

  /** The rules of a ClusterRole as they apply (aggregation resolved); undefined when it does not exist. */
  clusterRoleRules(name: string): readonly PolicyRule[] | undefined {
    this.#sync();
    return this.#clusterRoleRules.get(name);
  }

  /**
   * Escalation prevention for a create (or, with `old`, an update) of a Role, ClusterRole,
   * RoleBinding or ClusterRoleBinding, as the Kubernetes RBAC registry does it:
   * - members of `system:masters` always may;
   * - an update that only changes ownerReferences/finalizers may;
   * - roles: allowed with verb `escalate` on roles/clusterroles (named on update, as Kubernetes'
   *   request attributes are), else only if the user holds every rule the role grants — in the
   *   role's namespace, or cluster-wide for a ClusterRole; an aggregationRule needs cluster-admin;
   * - bindings: allowed with verb `bind` on the referenced role (resource roles/clusterroles, its name,
   *   in the binding's namespace or cluster-wide), else only if the user holds every rule of the
   *   referenced role there. A missing role is `notFound`.
   * A denial's `reason` is Kubernetes' Forbidden message, listing the rules not held.
   */
  confirmNoEscalation(user: UserInfo, object: KubeObject, old?: KubeObject): Decision {
    if ((user.groups ?? []).includes(SYSTEM_MASTERS)) return { allowed: true, reason: `user is in group ${q(SYSTEM_MASTERS)}` };
    const kind = object.kind;
    const name = object.metadata?.name ?? '';
    const info = kindInfo(kind);
    if (!info || info.group !== RBAC_GROUP) throw new TypeError(`confirmNoEscalation: ${kind} is not an RBAC kind`);
    const namespace = info.namespaced ? (object.metadata?.namespace ?? '') : '';
    const resource = info.resource;
    const forbidden = (why: string): string => `${resource}.${RBAC_GROUP}${name ? ` ${q(name)}` : ''} is forbidden: ${why}`;

    if (kind === 'Role' || kind === 'ClusterRole') {
      const escalate = this.authorize({
        user,
        verb: 'escalate',
        apiGroup: RBAC_GROUP,
        resource,
        namespace,
        // A create request names nothing (POST to the collection); an update names the role.
        ...(old ? { name } : {}),
      });
      if (escalate.allowed) return { allowed: true, reason: escalate.reason };
      if (old && isOnlyMutatingGCFields(object, old)) return { allowed: true, reason: 'only ownerReferences/finalizers change' };
      const held = this.#check(user, namespace, normalizeRules(object.rules));
      if (!held.allowed) return { ...held, reason: forbidden(held.reason) };
      if (kind === 'ClusterRole' && (hasAggregationRule(object) || hasAggregationRule(old))) {
        if (!this.#check(user, '', FULL_AUTHORITY).allowed) {
          return { allowed: false, reason: forbidden('must have cluster-admin privileges to use the aggregationRule') };
        }
      }
      return { allowed: true, reason: 'the user holds every permission the role grants' };
    }

    if (old && isOnlyMutatingGCFields(object, old)) return { allowed: true, reason: 'only ownerReferences/finalizers change' };
    const ref = (object.roleRef ?? {}) as Partial<RoleRef>;
    const roleRef: RoleRef = { apiGroup: ref.apiGroup || RBAC_GROUP, kind: ref.kind ?? '', name: ref.name ?? '' };
    if (roleRef.kind === 'Role' || roleRef.kind === 'ClusterRole') {
      const bind = this.authorize({
        user,
        verb: 'bind',
        apiGroup: roleRef.apiGroup,
        resource: roleRef.kind === 'Role' ? 'roles' : 'clusterroles',
        namespace,
        name: roleRef.name,
      });
      if (bind.allowed) return { allowed: true, reason: bind.reason };
    }
    const rules = this.#roleRefRules(roleRef, namespace);
    if ('error' in rules) return { allowed: false, reason: rules.error, notFound: rules.notFound };
    const held = this.#check(user, namespace, rules.rules);
    if (!held.allowed) return { ...held, reason: forbidden(held.reason) };
    return { allowed: true, reason: 'the user holds every permission the role grants' };
  }

  /** ConfirmNoEscalation: does the user hold `rules` in the namespace? */
  #check(user: UserInfo, namespace: string, rules: readonly PolicyRule[]): Decision {
    const rs = this.#ruleSet(user, namespace);
    const { covered, uncovered } = covers(
      rs.rules.map((c) => c.rule),
      rules,
    );
    if (covered) return { allowed: true, reason: '' };
    const missing = [...new Set(compactRules(uncovered).map(compactString))].sort();
    let msg = `user ${q(user.username)} (groups=${goQuoteList(user.groups ?? [])}) is attempting to grant RBAC permissions not currently held:\n${missing.join('\n')}`;
    if (rs.errors.length) msg += `; resolution errors: [${rs.errors.join(' ')}]`;
    return { allowed: false, reason: msg, uncovered };
  }

  /** GetRoleReferenceRules, with the registry's NotFound wording. */
  #roleRefRules(ref: RoleRef, namespace: string): { rules: readonly PolicyRule[] } | { error: string; notFound?: boolean } {
    this.#sync();
    if (ref.kind === 'ClusterRole') {
      const rules = this.#clusterRoleRules.get(ref.name);
      return rules ? { rules } : { error: `clusterroles.${RBAC_GROUP} ${q(ref.name)} not found`, notFound: true };
    }
    if (ref.kind === 'Role') {
      const role = namespace ? this.#cache.role(namespace, ref.name) : undefined;
      return role ? { rules: role.rules } : { error: `roles.${RBAC_GROUP} ${q(ref.name)} not found`, notFound: true };
    }
    return { error: `unsupported role reference kind: ${q(ref.kind)}` };
  }

  // ---- indexes ------------------------------------------------------------------------

  /** Drop whatever a cache change made stale (lazily: on the next decision). */
  #sync(): void {
    const cache = this.#cache;
    if (cache.revision === this.#seenRevision) return;
    this.#seenRevision = cache.revision;
    this.#memo.clear();
    this.#byUser = new WeakMap();
    if (cache.clusterRolesVersion !== this.#clusterRolesVersion) {
      this.#clusterRolesVersion = cache.clusterRolesVersion;
      this.#clusterRoleRules = aggregateClusterRoles(cache.clusterRoles());
      this.#clusterIndex = null;
      this.#namespaceIndexes.clear();
    }
    if (cache.clusterBindingsVersion !== this.#clusterBindingsVersion) {
      this.#clusterBindingsVersion = cache.clusterBindingsVersion;
      this.#clusterIndex = null;
    }
  }

  #compile(rules: readonly PolicyRule[]): CompiledRule[] {
    return rules.map((r) => {
      let c = this.#compiled.get(r);
      if (!c) this.#compiled.set(r, (c = compileRule(r)));
      return c;
    });
  }

  #buildIndex(bindings: Iterable<BindingEntry>, namespace: string): SubjectIndex {
    const byUser = new Map<string, Grant[]>();
    const byGroup = new Map<string, Grant[]>();
    const compiledByRole = new Map<string, CompiledRule[]>();
    for (const b of bindings) {
      if (b.subjects.length === 0) continue;
      let rules: CompiledRule[] = [];
      let error: string | undefined;
      const ref = b.roleRef;
      const roleKey = `${ref.kind}\0${ref.name}`;
      const cached = compiledByRole.get(roleKey);
      if (cached) rules = cached;
      else if (ref.kind === 'ClusterRole') {
        const r = this.#clusterRoleRules.get(ref.name);
        if (r) compiledByRole.set(roleKey, (rules = this.#compile(r)));
        else error = `clusterrole.${RBAC_GROUP} ${q(ref.name)} not found`;
      } else if (ref.kind === 'Role') {
        const role: RoleEntry | undefined = namespace ? this.#cache.role(namespace, ref.name) : undefined;
        if (role) compiledByRole.set(roleKey, (rules = this.#compile(role.rules)));
        else error = `role.${RBAC_GROUP} ${q(ref.name)} not found`;
      } else {
        error = `unsupported role reference kind: ${q(ref.kind)}`;
      }
      const bindingKey = `${namespace}/${b.name}`;
      b.subjects.forEach((s, subjectIndex) => {
        let map: Map<string, Grant[]>;
        let key: string;
        switch (s.kind) {
          case 'User':
            [map, key] = [byUser, s.name];
            break;
          case 'Group':
            [map, key] = [byGroup, s.name];
            break;
          case 'ServiceAccount': {
            const ns = s.namespace || namespace;
            if (!ns) return;
            [map, key] = [byUser, serviceAccountUsername(ns, s.name)];
            break;
          }
          default:
            return;
        }
        const allow: Decision = Object.freeze({ allowed: true, reason: `RBAC: allowed by ${describeBinding(b, s)}` });
        const grant: Grant = error === undefined ? { bindingKey, subjectIndex, rules, allow } : { bindingKey, subjectIndex, rules, allow, error };
        const list = map.get(key);
        if (list) list.push(grant);
        else map.set(key, [grant]);
      });
    }
    return { byUser, byGroup };
  }

  #clusterSubjects(): SubjectIndex {
    return (this.#clusterIndex ??= this.#buildIndex(this.#cache.clusterRoleBindings(), ''));
  }

  #namespaceSubjects(namespace: string): SubjectIndex {
    const version = this.#cache.namespaceVersion(namespace);
    if (version === 0) return EMPTY_INDEX;
    const current = this.#namespaceIndexes.get(namespace);
    if (current && current.version === version) return current;
    const index: NamespaceIndex = { ...this.#buildIndex(this.#cache.roleBindings(namespace), namespace), version };
    this.#namespaceIndexes.set(namespace, index);
    return index;
  }

  /** VisitRulesFor, resolved once: ClusterRoleBindings first, then the namespace's RoleBindings. */
  #ruleSet(user: UserInfo, namespace: string): RuleSet {
    this.#sync();
    const groups = user.groups ?? NO_GROUPS;
    // The identity object, unless it was changed in place since (UserInfo is meant to be immutable).
    let um = this.#byUser.get(user);
    if (um && (um.username !== user.username || um.groups !== groups || um.groupCount !== groups.length)) um = undefined;
    if (!um) this.#byUser.set(user, (um = { username: user.username, groups, groupCount: groups.length, byNamespace: new Map() }));
    const fast = um.byNamespace.get(namespace);
    if (fast) return fast;
    const rs = this.#resolve(user, groups, namespace);
    um.byNamespace.set(namespace, rs);
    return rs;
  }

  #resolve(user: UserInfo, groups: readonly string[], namespace: string): RuleSet {
    const key = groups.length ? `${namespace}\0${user.username}\0${groups.join('\0')}` : `${namespace}\0${user.username}`;
    const hit = this.#memo.get(key);
    if (hit) return hit;

    const grants = new Map<string, Grant>();
    const collect = (index: SubjectIndex): void => {
      const consider = (list: Grant[] | undefined): void => {
        for (const g of list ?? []) {
          const cur = grants.get(g.bindingKey);
          if (!cur || g.subjectIndex < cur.subjectIndex) grants.set(g.bindingKey, g);
        }
      };
      consider(index.byUser.get(user.username));
      for (const group of groups) consider(index.byGroup.get(group));
    };
    collect(this.#clusterSubjects());
    if (namespace) collect(this.#namespaceSubjects(namespace));

    const rules: CompiledRule[] = [];
    const allows: Decision[] = [];
    const errors: string[] = [];
    for (const g of grants.values()) {
      if (g.error !== undefined) {
        errors.push(g.error);
        continue;
      }
      for (const r of g.rules) {
        rules.push(r);
        allows.push(g.allow);
      }
    }
    const deny = errors.length ? Object.freeze({ allowed: false, reason: `RBAC: ${aggregate(errors)}` }) : DENY;
    const rs: RuleSet = { rules, allows, deny, errors };
    if (this.#memo.size >= MAX_MEMO) this.#memo.clear();
    this.#memo.set(key, rs);
    return rs;
  }
}

/**
 * The clusterrole-aggregation controller's result for every ClusterRole: an aggregated role's rules
 * are the rules of the ClusterRoles its selectors match (sorted by name, itself excluded, duplicates
 * dropped), recomputed until nothing changes (aggregated roles may select aggregated roles:
 * admin ← edit ← view). A role whose selectors are invalid keeps its stored rules, as the
 * controller leaves it alone.
 */
export function aggregateClusterRoles(roles: ReadonlyMap<string, RoleEntry>): Map<string, readonly PolicyRule[]> {
  const effective = new Map<string, readonly PolicyRule[]>();
  const aggregated: Array<{ name: string; sources: string[] }> = [];
  const sortedNames = [...roles.keys()].sort();
  for (const [name, role] of roles) {
    effective.set(name, role.rules);
    if (!role.aggregationSelectors) continue;
    try {
      const selectors = role.aggregationSelectors.map((s) => labelSelectorFromObject(s as LabelSelectorObject));
      // Per selector, in order, the matching roles sorted by name (a role may repeat; rules dedupe).
      const sources = selectors.flatMap((sel) => sortedNames.filter((n) => n !== name && matchesLabels(sel, roles.get(n)!.labels)));
      aggregated.push({ name, sources });
    } catch {
      // invalid selector: the stored rules stand
    }
  }
  for (let round = 0; round <= aggregated.length; round++) {
    let changed = false;
    for (const { name, sources } of aggregated) {
      const seen = new Set<string>();
      const rules: PolicyRule[] = [];
      for (const source of sources) {
        for (const rule of effective.get(source) ?? []) {
          const k = ruleKey(rule);
          if (seen.has(k)) continue;
          seen.add(k);
          rules.push(rule);
        }
      }
      const before = effective.get(name) ?? [];
      if (rules.length !== before.length || rules.some((r, i) => ruleKey(r) !== ruleKey(before[i]!))) {
        effective.set(name, Object.freeze(rules));
        changed = true;
      }
    }
    if (!changed) break;
  }
  return effective;
}
