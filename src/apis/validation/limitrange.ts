// LimitRanges (core/v1): ValidateLimitRange — limit types (Pod, Container,
// PersistentVolumeClaim, or fully qualified), each at most once; resource names by type;
// min ≤ defaultRequest ≤ default ≤ max and maxLimitRequestRatio, worded as Kubernetes
// words them.

import type { Quantity } from '../quantity.ts';
import type { KubeObject } from '../kinds.ts';
import { child, duplicate, forbidden, index, invalid, key, present, readObject, readObjects, readString, required, type Errs, type Rec } from './field.ts';
import { validateObjectMeta } from './meta.ts';
import { isQualifiedName, nameIsDNSSubdomain } from './names.ts';
import { readQuantity } from './pod.ts';
import { goQuantity, isOvercommitAllowed, validateContainerResourceName, validateResourceName } from './resourcequota.ts';

export const LIMIT_TYPES = ['Pod', 'Container', 'PersistentVolumeClaim'] as const;

/** validateLimitRangeTypeName. */
function validateTypeName(errs: Errs, path: string, type: string): void {
  const msgs = isQualifiedName(type);
  for (const m of msgs) errs.push(invalid(path, type, m));
  if (msgs.length) return;
  if (!type.includes('/') && !(LIMIT_TYPES as readonly string[]).includes(type)) {
    errs.push(invalid(path, type, 'must be a standard limit type or fully qualified'));
  }
}

interface Entry {
  raw: unknown;
  q: Quantity;
}

/** One ResourceList of a limit (max, min, default, …): names checked for the type, quantities parsed. */
function readList(errs: Errs, path: string, v: unknown, type: string, keys: Set<string>): Map<string, Entry> {
  const out = new Map<string, Entry>();
  for (const [name, raw] of Object.entries(readObject(errs, path, v) ?? {})) {
    const at = key(path, name);
    if (type === 'Pod' || type === 'Container') validateContainerResourceName(errs, at, name);
    else validateResourceName(errs, at, name);
    keys.add(name);
    const q = readQuantity(errs, at, raw);
    if (q) out.set(name, { raw, q });
  }
  return out;
}

const hasEntries = (v: unknown): boolean => typeof v === 'object' && v !== null && Object.keys(v).length > 0;

/** Go's %f: six decimals (`+Inf` for an infinite ratio). */
const goFloat = (x: number): string => (x === Infinity ? '+Inf' : x === -Infinity ? '-Inf' : Number.isNaN(x) ? 'NaN' : x.toFixed(6));
/** resource.MaxMilliValue: the largest value whose milli-value fits an int64. */
const MAX_MILLI_VALUE = Number(2n ** 63n - 1n) / 1000;

function validateLimit(errs: Errs, at: string, limit: Rec, types: Set<string>): void {
  const typePath = child(at, 'type');
  const type = readString(errs, typePath, limit.type) ?? '';
  validateTypeName(errs, typePath, type);
  if (types.has(type)) errs.push(duplicate(typePath, type));
  types.add(type);

  const keys = new Set<string>();
  const max = readList(errs, child(at, 'max'), limit.max, type, keys);
  const min = readList(errs, child(at, 'min'), limit.min, type, keys);
  let defaults = new Map<string, Entry>();
  let defaultRequests = new Map<string, Entry>();
  if (type === 'Pod') {
    if (hasEntries(limit.default)) errs.push(forbidden(child(at, 'default'), "may not be specified when `type` is 'Pod'"));
    if (hasEntries(limit.defaultRequest)) errs.push(forbidden(child(at, 'defaultRequest'), "may not be specified when `type` is 'Pod'"));
  } else {
    defaults = readList(errs, child(at, 'default'), limit.default, type, keys);
    defaultRequests = readList(errs, child(at, 'defaultRequest'), limit.defaultRequest, type, keys);
  }
  if (type === 'PersistentVolumeClaim' && !min.has('storage') && !max.has('storage')) {
    errs.push(required(child(at, 'limits'), 'either minimum or maximum storage value is required, but neither was provided'));
  }
  const ratios = readList(errs, child(at, 'maxLimitRequestRatio'), limit.maxLimitRequestRatio, type, keys);

  for (const k of keys) {
    const mn = min.get(k);
    const mx = max.get(k);
    const df = defaults.get(k);
    const dr = defaultRequests.get(k);
    const ratio = ratios.get(k);
    const path = (list: string): string => key(child(at, list), k);
    const s = (e: Entry): string => e.q.toString();
    if (mn && mx && mn.q.cmp(mx.q) > 0) {
      errs.push(invalid(path('min'), goQuantity(mn.raw, mn.q), `min value ${s(mn)} is greater than max value ${s(mx)}`));
    }
    if (dr && mn && mn.q.cmp(dr.q) > 0) {
      errs.push(invalid(path('defaultRequest'), goQuantity(dr.raw, dr.q), `min value ${s(mn)} is greater than default request value ${s(dr)}`));
    }
    if (dr && mx && dr.q.cmp(mx.q) > 0) {
      errs.push(invalid(path('defaultRequest'), goQuantity(dr.raw, dr.q), `default request value ${s(dr)} is greater than max value ${s(mx)}`));
    }
    if (dr && df && dr.q.cmp(df.q) > 0) {
      errs.push(invalid(path('defaultRequest'), goQuantity(dr.raw, dr.q), `default request value ${s(dr)} is greater than default limit value ${s(df)}`));
    }
    if (df && mn && mn.q.cmp(df.q) > 0) {
      errs.push(invalid(path('default'), goQuantity(mn.raw, mn.q), `min value ${s(mn)} is greater than default value ${s(df)}`));
    }
    if (df && mx && df.q.cmp(mx.q) > 0) {
      errs.push(invalid(path('default'), goQuantity(mx.raw, mx.q), `default value ${s(df)} is greater than max value ${s(mx)}`));
    }
    if (ratio && ratio.q.cmp(1) < 0) {
      errs.push(invalid(path('maxLimitRequestRatio'), goQuantity(ratio.raw, ratio.q), `ratio ${s(ratio)} is less than 1`));
    }
    if (ratio && mn && mx) {
      // Milli-values while they fit, as Kubernetes computes it.
      const small = ratio.q.value < MAX_MILLI_VALUE && mn.q.value < MAX_MILLI_VALUE && mx.q.value < MAX_MILLI_VALUE;
      const ratioValue = small ? ratio.q.milli / 1000 : Math.ceil(ratio.q.value);
      const limitRatio = small ? mx.q.milli / mn.q.milli : Math.ceil(mx.q.value) / Math.ceil(mn.q.value);
      if (ratioValue > limitRatio) {
        errs.push(invalid(path('maxLimitRequestRatio'), goQuantity(ratio.raw, ratio.q), `ratio ${s(ratio)} is greater than max/min = ${goFloat(limitRatio)}`));
      }
    }
    // Resources that may not be overcommitted (hugepages, extended resources): a default limit is the request.
    if (!isOvercommitAllowed(k) && df && dr && df.q.cmp(dr.q) !== 0) {
      errs.push(invalid(path('defaultRequest'), goQuantity(dr.raw, dr.q), `default value ${s(df)} must equal to defaultRequest value ${s(dr)} in ${k}`));
    }
  }
}

export function validateLimitRange(errs: Errs, obj: KubeObject): void {
  validateObjectMeta(errs, obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const spec = present(obj.spec) ? readObject(errs, 'spec', obj.spec) : {};
  if (!spec) return;
  const types = new Set<string>();
  for (const [limit, i] of readObjects(errs, 'spec.limits', spec.limits)) validateLimit(errs, index('spec.limits', i), limit, types);
}
