// CustomResourceDefinitions (apiextensions.k8s.io/v1, cluster-scoped): stored and validated
// (pkg/registry/customresourcedefinition/strategy.go); serving their kinds is a later issue.
import type { KubeObject } from '../kinds.ts';
import { isRec } from '../validation/field.ts';
import { storageVersionOf, validateCustomResourceDefinition, validateCustomResourceDefinitionUpdate } from '../validation/customresourcedefinition.ts';
import { NAME_COLUMN, defineKind, defineStrategy, keepStoredStatus } from './define.ts';

/** The storage version joins status.storedVersions (PrepareForCreate / PrepareForUpdate). */
function recordStorageVersion(obj: KubeObject): void {
  const storage = storageVersionOf(obj);
  if (storage === undefined) return;
  const status = isRec(obj.status) ? obj.status : {};
  const stored = Array.isArray(status.storedVersions) ? status.storedVersions : [];
  // A copy: on updates the status is the stored object's.
  if (!stored.includes(storage)) obj.status = { ...status, storedVersions: [...stored, storage] };
}

/**
 * SetDefaults_CustomResourceDefinition: singular is the lowercased kind, listKind
 * `<Kind>List`, conversion strategy None.
 */
export function defaultCustomResourceDefinition(obj: KubeObject): void {
  const spec = obj.spec;
  if (!isRec(spec)) return;
  const names = spec.names;
  if (isRec(names) && typeof names.kind === 'string') {
    if (names.singular === undefined || names.singular === null || names.singular === '') names.singular = names.kind.toLowerCase();
    if ((names.listKind === undefined || names.listKind === null || names.listKind === '') && names.kind) names.listKind = `${names.kind}List`;
  }
  if (spec.conversion === undefined || spec.conversion === null) spec.conversion = { strategy: 'None' };
}

export const customResourceDefinitionStrategy = defineStrategy({
  info: defineKind('CustomResourceDefinition', 'apiextensions.k8s.io/v1', 'customresourcedefinitions', false, { shortNames: ['crd', 'crds'] }),
  validate: validateCustomResourceDefinition,
  validateUpdate: validateCustomResourceDefinitionUpdate,
  defaults: defaultCustomResourceDefinition,
  prepareForCreate: (obj) => {
    obj.status = {};
    recordStorageVersion(obj);
  },
  prepareForUpdate: (obj, old) => {
    keepStoredStatus(obj, old);
    recordStorageVersion(obj);
  },
  // The default table of kube-apiserver (a CRD has no printer of its own).
  printColumns: [NAME_COLUMN, { name: 'CREATED AT', type: 'date', source: 'metadata.creationTimestamp', description: 'Date and time the object was created.' }],
});
