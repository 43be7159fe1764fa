// PolicyRule evaluation, as Kubernetes does it:
// - matching a request:  plugin/pkg/auth/authorizer/rbac (RuleAllows) and pkg/apis/rbac/v1 evaluation_helpers
// - rule coverage:       pkg/registry/rbac/validation/policy_comparator.go (Covers, BreakdownRule)
// - error text:          CompactRules / CompactString

import type { Attributes, PolicyRule } from './types.ts';

const ALL = '*';

/** `v1` → `""`, `apps/v1` → `apps`: the RBAC API group of an apiVersion. */
export const apiGroupOf = (apiVersion: string): string => {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
};

// ---- normalizing stored rules ------------------------------------------------------------

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);

/** A stored rule (untrusted JSON) as a frozen PolicyRule with empty lists omitted (Kubernetes' omitempty). */
export function normalizeRule(raw: unknown): PolicyRule {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const out: PolicyRule = { verbs: Object.freeze(strings(r.verbs)) as string[] };
  for (const f of ['apiGroups', 'resources', 'resourceNames', 'nonResourceURLs'] as const) {
    const v = strings(r[f]);
    if (v.length) out[f] = Object.freeze(v) as string[];
  }
  return Object.freeze(out);
}

export const normalizeRules = (raw: unknown): PolicyRule[] => Object.freeze(Array.isArray(raw) ? raw.map(normalizeRule) : []) as PolicyRule[];

/** A key equal for semantically equal rules (same lists in the same order). */
export const ruleKey = (r: PolicyRule): string =>
  JSON.stringify([r.verbs, r.apiGroups ?? [], r.resources ?? [], r.resourceNames ?? [], r.nonResourceURLs ?? []]);

// ---- matching a request (RuleAllows) -----------------------------------------------------

const has = (set: readonly string[] | undefined, v: string): boolean => set !== undefined && set.includes(v);

/**
 * Whether a request may use `resourceNames` at all. Kubernetes cannot restrict a create (the
 * name is not known at authorization time) or a deletecollection by name: such requests carry no
 * name, so a rule with resourceNames never matches them. A create on a subresource
 * (`pods/binding`, `serviceaccounts/token`) names its parent object, and does match.
 * list/watch match only when the request names the object (a `metadata.name=` field selector).
 */
const requestName = (a: Omit<Attributes, 'user'>): string | undefined => {
  if (a.verb === 'deletecollection') return undefined;
  if (a.verb === 'create' && !a.subresource) return undefined;
  return a.name || undefined;
};

/** RuleAllows: does this rule grant the request? (`*` wildcards, `*\/status`, resourceNames, nonResourceURLs.) */
export function ruleAllows(rule: PolicyRule, attrs: Omit<Attributes, 'user'>): boolean {
  if (!(has(rule.verbs, ALL) || has(rule.verbs, attrs.verb))) return false;
  if (attrs.path !== undefined) return nonResourceURLMatches(rule.nonResourceURLs, attrs.path);
  if (!(has(rule.apiGroups, ALL) || has(rule.apiGroups, attrs.apiGroup))) return false;
  const sub = attrs.subresource ?? '';
  const combined = sub ? `${attrs.resource}/${sub}` : attrs.resource;
  if (!resourceMatches(rule.resources, combined, sub)) return false;
  if (!rule.resourceNames?.length) return true;
  const name = requestName(attrs);
  return name !== undefined && rule.resourceNames.includes(name);
}

function resourceMatches(resources: readonly string[] | undefined, combined: string, sub: string): boolean {
  for (const r of resources ?? []) {
    if (r === ALL || r === combined) return true;
    if (sub && r.length === sub.length + 2 && r.startsWith('*/') && r.endsWith(sub)) return true;
  }
  return false;
}

function nonResourceURLMatches(urls: readonly string[] | undefined, path: string): boolean {
  for (const u of urls ?? []) {
    if (u === ALL || u === path) return true;
    if (u.endsWith('*') && path.startsWith(u.replace(/\*+$/, ''))) return true;
  }
  return false;
}

// ---- compiled rules: the same semantics, with set lookups -----------------------------------

/** A rule prepared for the hot path. `compiledAllows(c, a) === ruleAllows(c.rule, a)` always. */
export interface CompiledRule {
  readonly rule: PolicyRule;
  readonly allVerbs: boolean;
  readonly verbs: ReadonlySet<string>;
  readonly allGroups: boolean;
  readonly groups: ReadonlySet<string>;
  readonly allResources: boolean;
  /** `pods`, `pods/status` */
  readonly resources: ReadonlySet<string>;
  /** `status` for a `*\/status` entry */
  readonly anySubresource: ReadonlySet<string>;
  readonly names: ReadonlySet<string> | null;
  readonly urls: readonly string[];
}

export function compileRule(rule: PolicyRule): CompiledRule {
  const resources = rule.resources ?? [];
  return {
    rule,
    allVerbs: has(rule.verbs, ALL),
    verbs: new Set(rule.verbs),
    allGroups: has(rule.apiGroups, ALL),
    groups: new Set(rule.apiGroups ?? []),
    allResources: resources.includes(ALL),
    resources: new Set(resources),
    anySubresource: new Set(resources.filter((r) => r.startsWith('*/')).map((r) => r.slice(2))),
    names: rule.resourceNames?.length ? new Set(rule.resourceNames) : null,
    urls: rule.nonResourceURLs ?? [],
  };
}

export function compiledAllows(c: CompiledRule, a: Omit<Attributes, 'user'>): boolean {
  if (!c.allVerbs && !c.verbs.has(a.verb)) return false;
  if (a.path !== undefined) return nonResourceURLMatches(c.urls, a.path);
  if (!c.allGroups && !c.groups.has(a.apiGroup)) return false;
  if (!c.allResources) {
    const sub = a.subresource;
    if (sub) {
      if (!c.resources.has(`${a.resource}/${sub}`) && !c.anySubresource.has(sub)) return false;
    } else if (!c.resources.has(a.resource)) return false;
  }
  if (c.names === null) return true;
  const name = requestName(a);
  return name !== undefined && c.names.has(name);
}

// ---- coverage (escalation prevention) ----------------------------------------------------

/** BreakdownRule: one rule per (group, resource, verb[, name]) and per (url, verb). */
export function breakdownRule(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const group of rule.apiGroups ?? []) {
    for (const resource of rule.resources ?? []) {
      for (const verb of rule.verbs) {
        if (rule.resourceNames?.length) {
          for (const name of rule.resourceNames) out.push({ verbs: [verb], apiGroups: [group], resources: [resource], resourceNames: [name] });
        } else {
          out.push({ verbs: [verb], apiGroups: [group], resources: [resource] });
        }
      }
    }
  }
  for (const url of rule.nonResourceURLs ?? []) {
    for (const verb of rule.verbs) out.push({ verbs: [verb], nonResourceURLs: [url] });
  }
  return out;
}

const hasAll = (set: readonly string[] | undefined, wanted: readonly string[] | undefined): boolean => (wanted ?? []).every((w) => has(set, w));

function resourceCoversAll(owner: readonly string[] | undefined, wanted: readonly string[] | undefined): boolean {
  if (has(owner, ALL) || hasAll(owner, wanted)) return true;
  for (const path of wanted ?? []) {
    if (has(owner, path)) continue;
    const slash = path.indexOf('/');
    if (slash < 0) return false;
    if (!has(owner, `*/${path.slice(slash + 1)}`)) return false;
  }
  return true;
}

const nonResourceURLCovers = (owner: string, sub: string): boolean => owner === sub || (owner.endsWith('*') && sub.startsWith(owner.replace(/\*+$/, '')));

const nonResourceURLsCoverAll = (owner: readonly string[] | undefined, wanted: readonly string[] | undefined): boolean =>
  (wanted ?? []).every((w) => (owner ?? []).some((o) => nonResourceURLCovers(o, w)));

/** ruleCovers: does `owner` cover the broken-down `sub` (at most one verb, resource, name)? */
function ruleCovers(owner: PolicyRule, sub: PolicyRule): boolean {
  const verbs = has(owner.verbs, ALL) || hasAll(owner.verbs, sub.verbs);
  const groups = has(owner.apiGroups, ALL) || hasAll(owner.apiGroups, sub.apiGroups);
  const resources = resourceCoversAll(owner.resources, sub.resources);
  const urls = nonResourceURLsCoverAll(owner.nonResourceURLs, sub.nonResourceURLs);
  const names = !sub.resourceNames?.length ? !owner.resourceNames?.length : !owner.resourceNames?.length || hasAll(owner.resourceNames, sub.resourceNames);
  return verbs && groups && resources && names && urls;
}

/** Covers: does `owner` grant everything `requested` does? `uncovered` is the broken-down remainder. */
export function covers(owner: readonly PolicyRule[], requested: readonly PolicyRule[]): { covered: boolean; uncovered: PolicyRule[] } {
  const uncovered: PolicyRule[] = [];
  for (const rule of requested) {
    for (const sub of breakdownRule(rule)) {
      if (!owner.some((o) => ruleCovers(o, sub))) uncovered.push(sub);
    }
  }
  return { covered: uncovered.length === 0, uncovered };
}

// ---- messages ---------------------------------------------------------------------------

/** Go's %q of a []string: `["a" "b"]`. */
export const goQuoteList = (xs: readonly string[]): string => `[${xs.map((x) => JSON.stringify(x)).join(' ')}]`;

/** rbacv1helpers.CompactString: `{APIGroups:[""], Resources:["pods"], Verbs:["create"]}`. */
export function compactString(r: PolicyRule): string {
  const parts: string[] = [];
  if (r.apiGroups?.length) parts.push(`APIGroups:${goQuoteList(r.apiGroups)}`);
  if (r.resources?.length) parts.push(`Resources:${goQuoteList(r.resources)}`);
  if (r.nonResourceURLs?.length) parts.push(`NonResourceURLs:${goQuoteList(r.nonResourceURLs)}`);
  if (r.resourceNames?.length) parts.push(`ResourceNames:${goQuoteList(r.resourceNames)}`);
  if (r.verbs.length) parts.push(`Verbs:${goQuoteList(r.verbs)}`);
  return `{${parts.join(', ')}}`;
}

/** CompactRules: merge simple single-group/single-resource rules that differ only in verbs. */
export function compactRules(rules: readonly PolicyRule[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const r of rules) {
    const isSimple = (r.resourceNames?.length ?? 0) <= 1 && !r.nonResourceURLs?.length && r.apiGroups?.length === 1 && r.resources?.length === 1;
    if (!isSimple) {
      out.push(r);
      continue;
    }
    const key = JSON.stringify([r.apiGroups![0], r.resources![0], r.resourceNames?.[0] ?? null]);
    const existing = simple.get(key);
    if (existing) existing.verbs.push(...r.verbs);
    else simple.set(key, { ...r, verbs: [...r.verbs] });
  }
  return [...out, ...simple.values()];
}
