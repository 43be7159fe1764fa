// ObjectMeta: apimachinery's ValidateObjectMetaAccessor and ValidateObjectMetaUpdate
// (k8s.io/apimachinery/pkg/api/validation/objectmeta.go) plus core's finalizer-name rule.

import {
  FIELD_IMMUTABLE,
  IS_NEGATIVE,
  child,
  forbidden,
  index,
  invalid,
  readArray,
  readInt,
  readObject,
  readObjects,
  readString,
  readStringArray,
  readStringMap,
  readBool,
  required,
  tooLong,
  type Errs,
  type Rec,
} from './field.ts';
import { byteLength, isQualifiedName, isValidLabelValue, nameIsDNSLabel, type NameFn } from './names.ts';

/** TotalAnnotationSizeLimitB: 256 KiB of keys and values together. */
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

/** ValidateLabels: keys are qualified names, values label values; causes at `path` itself. */
export function validateLabels(errs: Errs, path: string, v: unknown): Record<string, string> | undefined {
  const labels = readStringMap(errs, path, v);
  if (!labels) return undefined;
  for (const [k, value] of Object.entries(labels)) {
    for (const m of isQualifiedName(k)) errs.push(invalid(path, k, m));
    for (const m of isValidLabelValue(value)) errs.push(invalid(path, value, m));
  }
  return labels;
}

/** ValidateAnnotations: keys are qualified names (case-insensitively), the total at most 256 KiB. */
export function validateAnnotations(errs: Errs, path: string, v: unknown): void {
  const annotations = readStringMap(errs, path, v);
  if (!annotations) return;
  let total = 0;
  for (const [k, value] of Object.entries(annotations)) {
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(invalid(path, k, m));
    total += byteLength(k) + byteLength(value);
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
}

/** The finalizer names Kubernetes itself defines; any other must be domain-qualified. */
const STANDARD_FINALIZERS = ['kubernetes', 'orphan', 'foregroundDeletion'];

/** core's validateFinalizerName: a qualified name, and `x/y` unless it is a standard one. */
export function validateFinalizerName(errs: Errs, path: string, name: string): void {
  for (const m of isQualifiedName(name)) errs.push(invalid(path, name, m));
  if (!name.includes('/') && !STANDARD_FINALIZERS.includes(name)) {
    errs.push(invalid(path, name, 'name is neither a standard finalizer name nor is it fully qualified'));
  }
}

/** ValidateFinalizers (with core's per-index rule). */
function validateFinalizers(errs: Errs, path: string, v: unknown): void {
  const finalizers = readStringArray(errs, path, v);
  if (!finalizers) return;
  for (const f of finalizers) for (const m of isQualifiedName(f)) errs.push(invalid(path, f, m));
  if (finalizers.includes('orphan') && finalizers.includes('foregroundDeletion')) {
    errs.push(invalid(path, finalizers, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  finalizers.forEach((f, i) => {
    if (!f.includes('/') && !STANDARD_FINALIZERS.includes(f)) {
      errs.push(invalid(index(path, i), f, 'name is neither a standard finalizer name nor is it fully qualified'));
    }
  });
}

/** ValidateOwnerReferences. Kubernetes reports these at `metadata.ownerReferences.<field>`, without an index. */
function validateOwnerReferences(errs: Errs, path: string, v: unknown): void {
  let firstController = '';
  for (const [ref, i] of readObjects(errs, path, v)) {
    const at = index(path, i);
    const apiVersion = readString(errs, child(at, 'apiVersion'), ref.apiVersion) ?? '';
    const kind = readString(errs, child(at, 'kind'), ref.kind) ?? '';
    const name = readString(errs, child(at, 'name'), ref.name) ?? '';
    const uid = readString(errs, child(at, 'uid'), ref.uid) ?? '';
    const controller = readBool(errs, child(at, 'controller'), ref.controller);
    readBool(errs, child(at, 'blockOwnerDeletion'), ref.blockOwnerDeletion);
    // schema.FromAPIVersionAndKind: `v1`, `group/version`; anything else has no version.
    const parts = apiVersion.split('/');
    const version = parts.length === 1 ? parts[0]! : parts.length === 2 ? parts[1]! : '';
    if (!version) errs.push(invalid(child(path, 'apiVersion'), apiVersion, 'version must not be empty'));
    if (!kind) errs.push(invalid(child(path, 'kind'), kind, 'must not be empty'));
    if (!name) errs.push(invalid(child(path, 'name'), name, 'must not be empty'));
    if (!uid) errs.push(invalid(child(path, 'uid'), uid, 'must not be empty'));
    if (controller) {
      const current = `${kind}/${name}`;
      if (firstController) {
        errs.push(invalid(path, v, `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`));
      } else {
        firstController = current;
      }
    }
  }
}

export interface MetaOptions {
  /** The kind is namespaced: metadata.namespace is required (else forbidden). */
  namespaced: boolean;
  /** How names and generateName prefixes are checked. */
  nameFn: NameFn;
}

/**
 * ValidateObjectMeta. A missing name is accepted when generateName is set: the API server
 * generates the name before it stores the object.
 */
export function validateObjectMeta(errs: Errs, v: unknown, opts: MetaOptions, path = 'metadata'): Rec | undefined {
  if (v === undefined || v === null) {
    errs.push(required(path));
    return undefined;
  }
  const meta = readObject(errs, path, v);
  if (!meta) return undefined;

  const generateName = readString(errs, child(path, 'generateName'), meta.generateName);
  if (generateName) {
    for (const m of opts.nameFn(generateName, true)) errs.push(invalid(child(path, 'generateName'), generateName, m));
  }
  const name = readString(errs, child(path, 'name'), meta.name);
  if (!name) {
    if (!generateName && (meta.name === undefined || meta.name === null || meta.name === '')) {
      errs.push(required(child(path, 'name'), 'name or generateName is required'));
    }
  } else {
    for (const m of opts.nameFn(name, false)) errs.push(invalid(child(path, 'name'), name, m));
  }

  const namespace = readString(errs, child(path, 'namespace'), meta.namespace);
  if (opts.namespaced) {
    if (!namespace) errs.push(required(child(path, 'namespace')));
    else for (const m of nameIsDNSLabel(namespace, false)) errs.push(invalid(child(path, 'namespace'), namespace, m));
  } else if (namespace) {
    errs.push(forbidden(child(path, 'namespace'), 'not allowed on this type'));
  }

  const generation = readInt(errs, child(path, 'generation'), meta.generation);
  if (generation !== undefined && generation < 0) errs.push(invalid(child(path, 'generation'), generation, IS_NEGATIVE));
  readString(errs, child(path, 'uid'), meta.uid);
  readString(errs, child(path, 'resourceVersion'), meta.resourceVersion);
  readString(errs, child(path, 'creationTimestamp'), meta.creationTimestamp);
  readString(errs, child(path, 'deletionTimestamp'), meta.deletionTimestamp);
  readInt(errs, child(path, 'deletionGracePeriodSeconds'), meta.deletionGracePeriodSeconds);
  validateLabels(errs, child(path, 'labels'), meta.labels);
  validateAnnotations(errs, child(path, 'annotations'), meta.annotations);
  validateOwnerReferences(errs, child(path, 'ownerReferences'), meta.ownerReferences);
  validateFinalizers(errs, child(path, 'finalizers'), meta.finalizers);
  readArray(errs, child(path, 'managedFields'), meta.managedFields);
  return meta;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * ValidateObjectMetaUpdate: name, namespace, uid and creationTimestamp may not change.
 * An update that leaves uid or creationTimestamp out keeps the stored ones (as
 * kube-apiserver's BeforeUpdate does), so only a different non-empty value is an error.
 */
export function validateObjectMetaUpdate(errs: Errs, newMeta: unknown, oldMeta: unknown, path = 'metadata'): void {
  const n = (newMeta ?? {}) as Rec;
  const o = (oldMeta ?? {}) as Rec;
  if (str(n.name) !== str(o.name)) errs.push(invalid(child(path, 'name'), str(n.name), FIELD_IMMUTABLE));
  if (str(n.namespace) !== str(o.namespace)) errs.push(invalid(child(path, 'namespace'), str(n.namespace), FIELD_IMMUTABLE));
  for (const f of ['uid', 'creationTimestamp'] as const) {
    if (str(n[f]) && str(o[f]) && str(n[f]) !== str(o[f])) errs.push(invalid(child(path, f), str(n[f]), FIELD_IMMUTABLE));
  }
}
