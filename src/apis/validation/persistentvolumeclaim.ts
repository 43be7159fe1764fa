// PersistentVolumeClaims (core/v1): ValidatePersistentVolumeClaim and
// ValidatePersistentVolumeClaimUpdate — access modes, a positive storage request, the
// selector, storage class, volume mode and data sources. After creation the spec is
// immutable except: volumeName may be set once (the binder does it), and a bound claim's
// storage request may grow (volume expansion; never shrink).

import type { KubeObject } from '../kinds.ts';
import { semanticEqual } from './equality.ts';
import {
  FIELD_IMMUTABLE,
  checkEnum,
  child,
  forbidden,
  invalid,
  isRec,
  key,
  present,
  readObject,
  readString,
  readStringArray,
  required,
  type Errs,
  type Rec,
} from './field.ts';
import { validateObjectMeta } from './meta.ts';
import { isDNS1123Subdomain, nameIsDNSLabel, nameIsDNSSubdomain } from './names.ts';
import { VOLUME_MODES, validateAccessModes, validateClassName } from './persistentvolume.ts';
import { readQuantity } from './pod.ts';
import { validateLabelSelector } from './selector.ts';

/** The beta storage-class annotation, which predates spec.storageClassName. */
export const BETA_STORAGE_CLASS = 'volume.beta.kubernetes.io/storage-class';

/** validateDataSource / validateDataSourceRef. */
function validateDataSource(errs: Errs, path: string, v: unknown, ref: boolean): Rec | undefined {
  const ds = readObject(errs, path, v);
  if (!ds) return undefined;
  const name = readString(errs, child(path, 'name'), ds.name) ?? '';
  const kind = readString(errs, child(path, 'kind'), ds.kind) ?? '';
  const apiGroup = readString(errs, child(path, 'apiGroup'), ds.apiGroup) ?? '';
  if (!name) errs.push(required(child(path, 'name')));
  if (!kind) errs.push(required(child(path, 'kind')));
  if (!apiGroup && kind !== 'PersistentVolumeClaim') errs.push(invalid(path, kind, "must be 'PersistentVolumeClaim' when referencing the default apiGroup"));
  if (apiGroup) for (const m of isDNS1123Subdomain(apiGroup)) errs.push(invalid(child(path, 'apiGroup'), apiGroup, m));
  if (ref) {
    const ns = readString(errs, child(path, 'namespace'), ds.namespace);
    if (ns) for (const m of nameIsDNSLabel(ns, false)) errs.push(invalid(child(path, 'namespace'), ns, m));
  }
  return ds;
}

/** ValidatePersistentVolumeClaimSpec (`path` is `spec`; shared with claim templates). */
export function validatePersistentVolumeClaimSpec(errs: Errs, path: string, spec: Rec): void {
  validateAccessModes(errs, child(path, 'accessModes'), spec.accessModes, 'at least 1 access mode is required');
  if (present(spec.selector)) validateLabelSelector(errs, child(path, 'selector'), spec.selector);

  const resources = readObject(errs, child(path, 'resources'), spec.resources) ?? {};
  const requests = readObject(errs, child(path, 'resources', 'requests'), resources.requests) ?? {};
  const limits = readObject(errs, child(path, 'resources', 'limits'), resources.limits) ?? {};
  // Kubernetes names the storage request `spec.resources[storage]`.
  const storagePath = key(child(path, 'resources'), 'storage');
  for (const [name, raw] of Object.entries(requests)) if (name !== 'storage') readQuantity(errs, key(child(path, 'resources', 'requests'), name), raw);
  for (const [name, raw] of Object.entries(limits)) readQuantity(errs, key(child(path, 'resources', 'limits'), name), raw);
  if (!Object.hasOwn(requests, 'storage') || !present(requests.storage)) errs.push(required(storagePath));
  else {
    const q = readQuantity(errs, key(child(path, 'resources', 'requests'), 'storage'), requests.storage);
    if (q && q.nano <= 0n) errs.push(invalid(storagePath, q.toString(), 'must be greater than zero'));
  }

  validateClassName(errs, child(path, 'storageClassName'), spec.storageClassName);
  checkEnum(errs, child(path, 'volumeMode'), spec.volumeMode, VOLUME_MODES);
  readString(errs, child(path, 'volumeName'), spec.volumeName);
  const ds = validateDataSource(errs, child(path, 'dataSource'), spec.dataSource, false);
  const dsRef = validateDataSource(errs, child(path, 'dataSourceRef'), spec.dataSourceRef, true);
  if (dsRef && typeof dsRef.namespace === 'string' && dsRef.namespace.length > 0) {
    if (ds) errs.push(invalid(path, child(path, 'dataSource'), 'may not be specified when dataSourceRef.namespace is specified'));
  } else if (ds && dsRef) {
    const same = (ds.apiGroup ?? null) === (dsRef.apiGroup ?? null) && ds.kind === dsRef.kind && ds.name === dsRef.name;
    if (!same) errs.push(invalid(path, child(path, 'dataSource'), 'must match dataSourceRef'));
  }
  readString(errs, child(path, 'volumeAttributesClassName'), spec.volumeAttributesClassName);
}

export function validatePersistentVolumeClaim(errs: Errs, obj: KubeObject): void {
  validateObjectMeta(errs, obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const spec = present(obj.spec) ? readObject(errs, 'spec', obj.spec) : {};
  if (spec) validatePersistentVolumeClaimSpec(errs, 'spec', spec);
  readObject(errs, 'status', obj.status);
}

const rec = (v: unknown): Rec => (isRec(v) ? v : {});
const annotation = (o: KubeObject): string | undefined => {
  const a = rec(o.metadata?.annotations)[BETA_STORAGE_CLASS];
  return typeof a === 'string' ? a : undefined;
};
const unset = (v: unknown): boolean => v === undefined || v === null;

/** ValidatePersistentVolumeClaimUpdate. */
export function validatePersistentVolumeClaimUpdate(errs: Errs, n: KubeObject, o: KubeObject): void {
  const newSpec: Rec = structuredClone(rec(n.spec));
  const oldSpec: Rec = structuredClone(rec(o.spec));
  // volumeName may be set once: the binder fills it in.
  if (!oldSpec.volumeName) {
    if (unset(newSpec.volumeName)) delete oldSpec.volumeName;
    else oldSpec.volumeName = newSpec.volumeName;
  }

  // The upgrade paths from the beta annotation, or from no class at all, to storageClassName.
  const oldAnnotation = annotation(o);
  const newAnnotation = annotation(n);
  const fromAnnotation =
    oldAnnotation !== undefined &&
    unset(oldSpec.storageClassName) &&
    newSpec.storageClassName === oldAnnotation &&
    (newAnnotation === undefined || newAnnotation === oldAnnotation);
  if (fromAnnotation) {
    delete newSpec.storageClassName;
  } else {
    if ((newAnnotation ?? '') !== (oldAnnotation ?? '')) {
      errs.push(invalid(`metadata.annotations.${BETA_STORAGE_CLASS}`, newAnnotation ?? '', FIELD_IMMUTABLE));
    }
    const fromNil =
      !unset(newSpec.storageClassName) && unset(oldSpec.storageClassName) && (oldAnnotation === undefined || newSpec.storageClassName === oldAnnotation);
    if (fromNil) delete newSpec.storageClassName;
  }

  // A bound claim may be resized (and may change its volumeAttributesClassName).
  const bound = rec(n.status).phase === 'Bound';
  const newRequests = rec(rec(newSpec.resources).requests);
  const oldRequests = rec(rec(oldSpec.resources).requests);
  if (bound && isRec(rec(newSpec.resources).requests)) {
    newSpec.resources = { ...rec(newSpec.resources), requests: { ...newRequests, storage: oldRequests.storage } };
    if (unset(oldRequests.storage)) delete (newSpec.resources as Rec & { requests: Rec }).requests.storage;
  }
  if (bound && !unset(newSpec.volumeAttributesClassName)) {
    if (unset(oldSpec.volumeAttributesClassName)) delete newSpec.volumeAttributesClassName;
    else newSpec.volumeAttributesClassName = oldSpec.volumeAttributesClassName;
  }

  if (!semanticEqual(newSpec, oldSpec)) {
    errs.push(forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
  }
  const newSize = readQuantity([], '', newRequests.storage);
  const oldSize = readQuantity([], '', oldRequests.storage);
  if (newSize && oldSize && newSize.cmp(oldSize) < 0) {
    errs.push(forbidden('spec.resources.requests.storage', 'field can not be less than previous value'));
  }
  const nm = rec(n.spec).volumeMode;
  if (!semanticEqual(nm, rec(o.spec).volumeMode)) errs.push(invalid('volumeMode', nm ?? null, FIELD_IMMUTABLE));
}

/** ValidatePersistentVolumeClaimStatusUpdate (without the feature-gated resize statuses). */
export function validatePersistentVolumeClaimStatus(errs: Errs, obj: KubeObject): void {
  const status = readObject(errs, 'status', obj.status);
  if (!status) return;
  readString(errs, 'status.phase', status.phase);
  readStringArray(errs, 'status.accessModes', status.accessModes);
  for (const [name, raw] of Object.entries(readObject(errs, 'status.capacity', status.capacity) ?? {})) {
    const at = key('status.capacity', name);
    const q = readQuantity(errs, at, raw);
    if (q && q.nano < 0n) errs.push(invalid(at, Math.ceil(q.value), 'must be a valid resource quantity'));
  }
}
