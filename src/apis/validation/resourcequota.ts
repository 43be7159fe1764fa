// ResourceQuotas (core/v1): ValidateResourceQuota, ValidateResourceQuotaUpdate and the
// status check — quota resource names, quantities (whole numbers for object counts),
// scopes and the scope selector; `spec.scopes` may not change. Also the resource-name
// rules LimitRanges share (validateResourceName and kin) and a Quantity printed as Go's
// %#v prints it in `Invalid value: resource.Quantity{…}`.

import type { Quantity } from '../quantity.ts';
import type { KubeObject } from '../kinds.ts';
import {
  FIELD_IMMUTABLE,
  IS_NEGATIVE,
  Literal,
  child,
  goStringSlice,
  index,
  invalid,
  isRec,
  key,
  present,
  quote,
  readObject,
  readObjects,
  readString,
  readStringArray,
  required,
  type Errs,
  type Rec,
} from './field.ts';
import { validateObjectMeta } from './meta.ts';
import { readQuantity, STANDARD_RESOURCES } from './pod.ts';
import { isQualifiedName, nameIsDNSSubdomain } from './names.ts';

// ---- resource names (pkg/apis/core/helper) ------------------------------------------

const HUGEPAGES = 'hugepages-';
const REQUESTS_HUGEPAGES = 'requests.hugepages-';
const isQuotaHugePages = (n: string): boolean => n.startsWith(HUGEPAGES) || n.startsWith(REQUESTS_HUGEPAGES);

/** helper.IsNativeResource: no domain, or a kubernetes.io one. */
export const isNativeResource = (n: string): boolean => !n.includes('/') || n.includes('kubernetes.io/');
/** helper.IsExtendedResourceName: `example.com/gpu`. */
export const isExtendedResource = (n: string): boolean => !isNativeResource(n) && !n.startsWith('requests.') && isQualifiedName(`requests.${n}`).length === 0;
/** helper.IsOvercommitAllowed: native and not hugepages. */
export const isOvercommitAllowed = (n: string): boolean => isNativeResource(n) && !n.startsWith(HUGEPAGES);

const STANDARD_QUOTA_RESOURCES = new Set([
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.storage',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'pods',
  'services',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'persistentvolumeclaims',
  'configmaps',
  'services.nodeports',
  'services.loadbalancers',
]);
/** helper.IsIntegerResourceName: object counts and extended resources are whole numbers. */
const INTEGER_RESOURCES = new Set([
  'pods',
  'services',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'services.nodeports',
  'services.loadbalancers',
]);
const isIntegerResource = (n: string): boolean => INTEGER_RESOURCES.has(n) || isExtendedResource(n);
export const isStandardQuotaResource = (n: string): boolean => STANDARD_QUOTA_RESOURCES.has(n) || isQuotaHugePages(n);
const isStandardResource = (n: string): boolean => STANDARD_RESOURCES.has(n) || isQuotaHugePages(n);
const isStandardContainerResource = (n: string): boolean => ['cpu', 'memory', 'ephemeral-storage'].includes(n) || n.startsWith(HUGEPAGES);

/** validateResourceName: a qualified name; without a domain, a standard resource. */
export function validateResourceName(errs: Errs, path: string, name: string): void {
  const msgs = isQualifiedName(name);
  for (const m of msgs) errs.push(invalid(path, name, m));
  if (msgs.length) return;
  if (!name.includes('/') && !isStandardResource(name)) errs.push(invalid(path, name, 'must be a standard resource type or fully qualified'));
}

/** validateContainerResourceName: validateResourceName, and one that containers have. */
export function validateContainerResourceName(errs: Errs, path: string, name: string): void {
  validateResourceName(errs, path, name);
  if (!name.includes('/')) {
    if (!isStandardContainerResource(name)) errs.push(invalid(path, name, 'must be a standard resource for containers'));
  } else if (!isNativeResource(name) && !isExtendedResource(name)) {
    errs.push(invalid(path, name, "doesn't follow extended resource name standard"));
  }
}

/** ValidateResourceQuotaResourceName. */
export function validateQuotaResourceName(errs: Errs, path: string, name: string): void {
  validateResourceName(errs, path, name);
  if (!name.includes('/') && !isStandardQuotaResource(name)) errs.push(invalid(path, name, 'must be a standard resource for quota'));
}

// ---- quantities ----------------------------------------------------------------------

/**
 * A quantity as Go's %#v prints a resource.Quantity (the bad value of `Invalid value`
 * causes that carry the Quantity itself): its int64Amount as ParseQuantity's fast path
 * stores it, and `s` the canonical string. Amounts ParseQuantity keeps as an inf.Dec (a
 * pointer Go prints as an address) print as their canonical string instead.
 */
export function goQuantity(raw: unknown, q: Quantity): Literal {
  const canonical = q.toString();
  const str = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : canonical;
  const lit = (value: bigint, scale: number, format: string): Literal =>
    new Literal(
      `resource.Quantity{i:resource.int64Amount{value:${value}, scale:${scale}}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:${quote(canonical)}, Format:${quote(format)}}`,
    );
  if (str === '0') return lit(0n, 0, 'DecimalSI');
  const m = /^([+-]?)0*([0-9]*)(?:\.([0-9]*))?([eEinumkKMGTP]*[-+]?[0-9]*)$/.exec(str);
  if (!m) return new Literal(quote(canonical));
  const positive = m[1] !== '-';
  const num = m[2] || '0';
  const denom = m[3] ?? '';
  const suffix = m[4]!;
  const decimal: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
  const binary: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
  let scale: number;
  let precision: number;
  let mantissa = 1n;
  if (Object.hasOwn(binary, suffix)) {
    scale = 0;
    const exponent = binary[suffix]!;
    if (denom.length > 0) return new Literal(quote(canonical));
    mantissa = 1n << BigInt(exponent);
    precision = 15 - num.length - Math.trunc((exponent * 3) / 10) - 1;
  } else {
    const exponent = Object.hasOwn(decimal, suffix) ? decimal[suffix]! : /^[eE][-+]?[0-9]+$/.test(suffix) ? Number(suffix.slice(1)) : NaN;
    if (Number.isNaN(exponent)) return new Literal(quote(canonical));
    scale = exponent;
    precision = 18 - (num.length + denom.length);
  }
  if (precision < 0) return new Literal(quote(canonical));
  scale -= denom.length;
  if (scale < -9) return new Literal(quote(canonical));
  const value = BigInt(num + denom) * mantissa;
  if (value > 2n ** 63n - 1n) return new Literal(quote(canonical));
  return lit(positive ? value : -value, scale, q.format);
}

/** ValidateResourceQuantityValue: not negative; whole for object counts and extended resources. */
export function validateResourceQuantityValue(errs: Errs, path: string, name: string, raw: unknown, q: Quantity): void {
  if (q.nano < 0n) errs.push(invalid(path, q.toString(), IS_NEGATIVE));
  if (isIntegerResource(name) && q.milli % 1000 !== 0) errs.push(invalid(path, goQuantity(raw, q), 'must be an integer'));
}

/** A ResourceList of a quota (spec.hard, status.hard, status.used). */
function validateQuotaList(errs: Errs, path: string, v: unknown): Rec {
  const list = readObject(errs, path, v) ?? {};
  for (const [name, raw] of Object.entries(list)) {
    const at = key(path, name);
    validateQuotaResourceName(errs, at, name);
    const q = readQuantity(errs, at, raw);
    if (q) validateResourceQuantityValue(errs, at, name, raw, q);
  }
  return list;
}

// ---- scopes --------------------------------------------------------------------------

export const QUOTA_SCOPES = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity'] as const;
const POD_COMPUTE = new Set(['cpu', 'memory', 'limits.cpu', 'limits.memory', 'requests.cpu', 'requests.memory']);

/** helper.IsResourceQuotaScopeValidForResource. */
function scopeValidFor(scope: string, resource: string): boolean {
  switch (scope) {
    case 'Terminating':
    case 'NotTerminating':
    case 'NotBestEffort':
    case 'PriorityClass':
    case 'CrossNamespacePodAffinity':
      return resource === 'pods' || POD_COMPUTE.has(resource);
    case 'BestEffort':
      return resource === 'pods';
    default:
      return true;
  }
}

const CONFLICTING = [
  ['BestEffort', 'NotBestEffort'],
  ['Terminating', 'NotTerminating'],
] as const;

/** `[]core.ResourceQuotaScope{"BestEffort"}`, as %#v prints spec.scopes. */
const goScopes = (scopes: readonly string[] | undefined): Literal =>
  new Literal(scopes ? `[]core.ResourceQuotaScope{${scopes.map(quote).join(', ')}}` : '[]core.ResourceQuotaScope(nil)');

/** spec.scopeSelector as %#v prints it. */
function goScopeSelector(v: unknown): Literal {
  const s = isRec(v) ? v : {};
  const exprs = Array.isArray(s.matchExpressions) ? s.matchExpressions : undefined;
  const str = (x: unknown): string => (typeof x === 'string' ? x : '');
  const req = (e: unknown): string => {
    const r = isRec(e) ? e : {};
    const values = Array.isArray(r.values) ? goStringSlice(r.values.map(str)) : '[]string(nil)';
    return `core.ScopedResourceSelectorRequirement{ScopeName:${quote(str(r.scopeName))}, Operator:${quote(str(r.operator))}, Values:${values}}`;
  };
  return new Literal(
    `core.ScopeSelector{MatchExpressions:${exprs ? `[]core.ScopedResourceSelectorRequirement{${exprs.map(req).join(', ')}}` : '[]core.ScopedResourceSelectorRequirement(nil)'}}`,
  );
}

/** validateResourceQuotaScopes. */
function validateScopes(errs: Errs, hard: readonly string[], scopes: readonly string[] | undefined): void {
  if (!scopes?.length) return;
  const path = 'spec.scopes';
  for (const scope of scopes) {
    if (!(QUOTA_SCOPES as readonly string[]).includes(scope)) errs.push(invalid(path, goScopes(scopes), 'unsupported scope'));
    for (const r of hard) {
      if (isStandardQuotaResource(r) && !scopeValidFor(scope, r)) errs.push(invalid(path, goScopes(scopes), 'unsupported scope applied to resource'));
    }
  }
  for (const pair of CONFLICTING) if (pair.every((p) => scopes.includes(p))) errs.push(invalid(path, goScopes(scopes), 'conflicting scopes'));
}

/** validateScopedResourceSelectorRequirement. Kubernetes' paths name no index. */
function validateScopeSelector(errs: Errs, hard: readonly string[], spec: Rec, scopes: readonly string[] | undefined): void {
  const sel = readObject(errs, 'spec.scopeSelector', spec.scopeSelector);
  if (!sel) return;
  const path = 'spec.scopeSelector.matchExpressions';
  const seen = new Set<string>();
  for (const [req, i] of readObjects(errs, path, sel.matchExpressions)) {
    const at = index(path, i);
    const scopeName = readString(errs, child(at, 'scopeName'), req.scopeName) ?? '';
    const operator = readString(errs, child(at, 'operator'), req.operator) ?? '';
    const values = readStringArray(errs, child(at, 'values'), req.values) ?? [];
    if (!(QUOTA_SCOPES as readonly string[]).includes(scopeName)) errs.push(invalid(child(path, 'scopeName'), scopeName, 'unsupported scope'));
    for (const r of hard) {
      if (isStandardQuotaResource(r) && !scopeValidFor(scopeName, r)) {
        errs.push(invalid(path, goScopeSelector(spec.scopeSelector), 'unsupported scope applied to resource'));
      }
    }
    if (['BestEffort', 'NotBestEffort', 'Terminating', 'NotTerminating', 'CrossNamespacePodAffinity'].includes(scopeName) && operator !== 'Exists') {
      errs.push(
        invalid(
          child(path, 'operator'),
          operator,
          "must be 'Exists' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity",
        ),
      );
    }
    switch (operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) errs.push(required(child(path, 'values'), "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length !== 0)
          errs.push(invalid(child(path, 'values'), values, "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector"));
        break;
      default:
        errs.push(invalid(child(path, 'operator'), operator, 'not a valid selector operator'));
    }
    seen.add(scopeName);
  }
  for (const pair of CONFLICTING) if (pair.every((p) => seen.has(p))) errs.push(invalid(path, goScopes(scopes), 'conflicting scopes'));
}

// ---- the kind ----------------------------------------------------------------------

const specOf = (errs: Errs, obj: KubeObject): Rec | undefined => (present(obj.spec) ? readObject(errs, 'spec', obj.spec) : {});

function validateQuotaSpec(errs: Errs, spec: Rec): void {
  const hard = Object.keys(validateQuotaList(errs, 'spec.hard', spec.hard)).sort();
  const scopes = readStringArray(errs, 'spec.scopes', spec.scopes);
  validateScopes(errs, hard, scopes);
  validateScopeSelector(errs, hard, spec, scopes);
}

export function validateResourceQuotaStatus(errs: Errs, obj: KubeObject): void {
  const status = readObject(errs, 'status', obj.status);
  if (!status) return;
  validateQuotaList(errs, 'status.hard', status.hard);
  validateQuotaList(errs, 'status.used', status.used);
}

export function validateResourceQuota(errs: Errs, obj: KubeObject): void {
  validateObjectMeta(errs, obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const spec = specOf(errs, obj);
  if (spec) validateQuotaSpec(errs, spec);
  validateResourceQuotaStatus(errs, obj);
}

/** ValidateResourceQuotaUpdate: the set of `spec.scopes` may not change. */
export function validateResourceQuotaUpdate(errs: Errs, n: KubeObject, o: KubeObject): void {
  const scopes = (obj: KubeObject): string[] | undefined => {
    const s = isRec(obj.spec) ? obj.spec.scopes : undefined;
    return Array.isArray(s) ? s.filter((x): x is string => typeof x === 'string') : undefined;
  };
  const ns = scopes(n);
  const os = scopes(o);
  const a = new Set(ns ?? []);
  const b = new Set(os ?? []);
  if (a.size !== b.size || [...a].some((s) => !b.has(s))) errs.push(invalid('spec.scopes', goScopes(ns), FIELD_IMMUTABLE));
}
