// StorageClasses (storage.k8s.io/v1, cluster-scoped): ValidateStorageClass and
// ValidateStorageClassUpdate of pkg/apis/storage/validation — a qualified provisioner name,
// bounded parameters, the reclaim policy and binding mode enums, allowed topologies; the
// provisioner, parameters, reclaimPolicy and volumeBindingMode never change.

import type { KubeObject } from '../kinds.ts';
import {
  FIELD_IMMUTABLE,
  child,
  duplicate,
  forbidden,
  index,
  invalid,
  isRec,
  notSupported,
  present,
  readBool,
  readObjects,
  readString,
  readStringArray,
  readStringMap,
  required,
  tooLong,
  type Errs,
} from './field.ts';
import { validateObjectMeta } from './meta.ts';
import { byteLength, isQualifiedName, nameIsDNSSubdomain } from './names.ts';

/** sets.List() order. */
export const RECLAIM_POLICIES = ['Delete', 'Retain'] as const;
export const VOLUME_BINDING_MODES = ['Immediate', 'WaitForFirstConsumer'] as const;
const MAX_PARAMETERS = 512;
const MAX_PARAMETERS_SIZE = 256 * 1024;

/** validateProvisioner: a qualified name, case-insensitively. */
function validateProvisioner(errs: Errs, v: unknown): void {
  const provisioner = readString(errs, 'provisioner', v) ?? '';
  if (!provisioner) {
    if (!present(v) || v === '') errs.push(required('provisioner'));
    return;
  }
  const lower = provisioner.toLowerCase();
  for (const m of isQualifiedName(lower)) errs.push(invalid('provisioner', lower, m));
}

/** validateParameters: at most 512 keys, none empty, 256 KiB in all. */
function validateParameters(errs: Errs, v: unknown): void {
  const params = readStringMap(errs, 'parameters', v);
  if (!params) return;
  const entries = Object.entries(params);
  if (entries.length > MAX_PARAMETERS) {
    errs.push(tooLong('parameters', MAX_PARAMETERS));
    return;
  }
  let size = 0;
  for (const [k, value] of entries) {
    if (!k) errs.push(invalid('parameters', k, 'field can not be empty.'));
    size += byteLength(k) + byteLength(value);
  }
  if (size > MAX_PARAMETERS_SIZE) errs.push(tooLong('parameters', MAX_PARAMETERS_SIZE));
}

/** ValidateTopologySelectorTerm for each term, and no two terms alike. */
function validateAllowedTopologies(errs: Errs, v: unknown): void {
  const seen: string[] = [];
  for (const [term, i] of readObjects(errs, 'allowedTopologies', v)) {
    const at = index('allowedTopologies', i);
    const exprPath = child(at, 'matchLabelExpressions');
    const exprs = new Map<string, string[]>();
    for (const [req, j] of readObjects(errs, exprPath, term.matchLabelExpressions)) {
      const reqPath = index(exprPath, j);
      const key = readString(errs, child(reqPath, 'key'), req.key) ?? '';
      const values = readStringArray(errs, child(reqPath, 'values'), req.values) ?? [];
      if (!values.length) errs.push(required(child(reqPath, 'values')));
      const set: string[] = [];
      values.forEach((value, k) => {
        if (set.includes(value)) errs.push(duplicate(index(child(reqPath, 'values'), k), value));
        else set.push(value);
      });
      for (const m of isQualifiedName(key)) errs.push(invalid(child(reqPath, 'key'), key, m));
      if (exprs.has(key)) errs.push(duplicate(child(reqPath, 'key'), key));
      exprs.set(key, set.sort());
    }
    const canonical = JSON.stringify([...exprs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    if (seen.includes(canonical)) errs.push(duplicate(exprPath, ''));
    seen.push(canonical);
  }
}

export function validateStorageClass(errs: Errs, obj: KubeObject): void {
  validateObjectMeta(errs, obj.metadata, { namespaced: false, nameFn: nameIsDNSSubdomain });
  validateProvisioner(errs, obj.provisioner);
  validateParameters(errs, obj.parameters);
  const reclaimPolicy = readString(errs, 'reclaimPolicy', obj.reclaimPolicy);
  if (reclaimPolicy && !(RECLAIM_POLICIES as readonly string[]).includes(reclaimPolicy))
    errs.push(notSupported('reclaimPolicy', reclaimPolicy, RECLAIM_POLICIES));
  const mode = readString(errs, 'volumeBindingMode', obj.volumeBindingMode);
  if (!present(obj.volumeBindingMode)) errs.push(required('volumeBindingMode'));
  else if (mode !== undefined && !(VOLUME_BINDING_MODES as readonly string[]).includes(mode))
    errs.push(notSupported('volumeBindingMode', mode, VOLUME_BINDING_MODES));
  validateAllowedTopologies(errs, obj.allowedTopologies);
  readStringArray(errs, 'mountOptions', obj.mountOptions);
  readBool(errs, 'allowVolumeExpansion', obj.allowVolumeExpansion);
}

/** Absent and empty parameters are the same (storage does not tell them apart). */
const sameParameters = (a: unknown, b: unknown): boolean => {
  const norm = (v: unknown): string =>
    isRec(v)
      ? JSON.stringify(
          Object.keys(v)
            .sort()
            .map((k) => [k, v[k]]),
        )
      : v === undefined || v === null
        ? '[]'
        : JSON.stringify(v);
  return norm(a) === norm(b);
};

export function validateStorageClassUpdate(errs: Errs, obj: KubeObject, old: KubeObject): void {
  if (!sameParameters(obj.parameters, old.parameters)) errs.push(forbidden('parameters', 'updates to parameters are forbidden.'));
  if (obj.provisioner !== old.provisioner) errs.push(forbidden('provisioner', 'updates to provisioner are forbidden.'));
  if (obj.reclaimPolicy !== old.reclaimPolicy) errs.push(forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  if (obj.volumeBindingMode !== old.volumeBindingMode) errs.push(invalid('volumeBindingMode', obj.volumeBindingMode ?? null, FIELD_IMMUTABLE));
}
