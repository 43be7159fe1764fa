// RBAC (rbac.authorization.k8s.io/v1): Role / ClusterRole rules, RoleBinding /
// ClusterRoleBinding roleRef and subjects; roleRef may not change.

import type { KubeObject } from '../kinds.ts';
import {
  Literal,
  child,
  index,
  invalid,
  notSupported,
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
import { isDNS1123Subdomain, isValidPathSegmentName, nameIsRBAC } from './names.ts';
import { validateLabelSelector } from './selector.ts';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';
const SUBJECT_KINDS = ['ServiceAccount', 'User', 'Group'] as const;

/** ValidatePolicyRule. */
function validatePolicyRule(errs: Errs, at: string, rule: Rec, namespaced: boolean): void {
  const verbs = readStringArray(errs, child(at, 'verbs'), rule.verbs) ?? [];
  const apiGroups = readStringArray(errs, child(at, 'apiGroups'), rule.apiGroups) ?? [];
  const resources = readStringArray(errs, child(at, 'resources'), rule.resources) ?? [];
  const resourceNames = readStringArray(errs, child(at, 'resourceNames'), rule.resourceNames) ?? [];
  const nonResourceURLs = readStringArray(errs, child(at, 'nonResourceURLs'), rule.nonResourceURLs) ?? [];
  if (verbs.length === 0) errs.push(required(child(at, 'verbs'), 'verbs must contain at least one value'));
  if (nonResourceURLs.length > 0) {
    if (namespaced) errs.push(invalid(child(at, 'nonResourceURLs'), nonResourceURLs, 'namespaced rules cannot apply to non-resource URLs'));
    if (apiGroups.length || resources.length || resourceNames.length) {
      errs.push(invalid(child(at, 'nonResourceURLs'), nonResourceURLs, 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return;
  }
  if (apiGroups.length === 0) errs.push(required(child(at, 'apiGroups'), 'resource rules must supply at least one api group'));
  if (resources.length === 0) errs.push(required(child(at, 'resources'), 'resource rules must supply at least one resource'));
}

function validateRules(errs: Errs, obj: KubeObject, namespaced: boolean): void {
  for (const [rule, i] of readObjects(errs, 'rules', obj.rules)) validatePolicyRule(errs, index('rules', i), rule, namespaced);
}

export function validateRole(errs: Errs, obj: KubeObject): void {
  validateObjectMeta(errs, obj.metadata, { namespaced: true, nameFn: nameIsRBAC });
  validateRules(errs, obj, true);
}

export function validateClusterRole(errs: Errs, obj: KubeObject): void {
  validateObjectMeta(errs, obj.metadata, { namespaced: false, nameFn: nameIsRBAC });
  validateRules(errs, obj, false);
  const agg = readObject(errs, 'aggregationRule', obj.aggregationRule);
  if (agg) {
    const selectors = readObjects(errs, 'aggregationRule.clusterRoleSelectors', agg.clusterRoleSelectors);
    if (selectors.length === 0) {
      errs.push(required('aggregationRule.clusterRoleSelectors', 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
    }
    for (const [sel, i] of selectors) validateLabelSelector(errs, index('aggregationRule.clusterRoleSelectors', i), sel);
  }
}

/** ValidateRoleBindingSubject. An absent apiGroup is defaulted (rbac for User/Group, "" for ServiceAccount). */
function validateSubject(errs: Errs, at: string, s: Rec, namespaced: boolean): void {
  const name = readString(errs, child(at, 'name'), s.name) ?? '';
  const kind = readString(errs, child(at, 'kind'), s.kind) ?? '';
  const apiGroup = readString(errs, child(at, 'apiGroup'), s.apiGroup);
  const namespace = readString(errs, child(at, 'namespace'), s.namespace) ?? '';
  if (!name) errs.push(required(child(at, 'name')));
  switch (kind) {
    case 'ServiceAccount':
      if (name) for (const m of isDNS1123Subdomain(name)) errs.push(invalid(child(at, 'name'), name, m));
      if (apiGroup) errs.push(notSupported(child(at, 'apiGroup'), apiGroup, ['']));
      if (!namespaced && !namespace) errs.push(required(child(at, 'namespace')));
      break;
    case 'User':
    case 'Group':
      if (apiGroup !== undefined && apiGroup !== '' && apiGroup !== RBAC_GROUP) errs.push(notSupported(child(at, 'apiGroup'), apiGroup, [RBAC_GROUP]));
      break;
    default:
      errs.push(notSupported(child(at, 'kind'), kind, SUBJECT_KINDS));
  }
}

function validateBinding(errs: Errs, obj: KubeObject, namespaced: boolean): void {
  validateObjectMeta(errs, obj.metadata, { namespaced, nameFn: nameIsRBAC });
  const ref = readObject(errs, 'roleRef', obj.roleRef);
  if (!present(obj.roleRef)) errs.push(required('roleRef'));
  if (ref) {
    const apiGroup = readString(errs, 'roleRef.apiGroup', ref.apiGroup);
    if (apiGroup !== undefined && apiGroup !== '' && apiGroup !== RBAC_GROUP) errs.push(notSupported('roleRef.apiGroup', apiGroup, [RBAC_GROUP]));
    const kind = readString(errs, 'roleRef.kind', ref.kind) ?? '';
    const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
    if (!kinds.includes(kind)) errs.push(notSupported('roleRef.kind', kind, kinds));
    const name = readString(errs, 'roleRef.name', ref.name) ?? '';
    if (!name) errs.push(required('roleRef.name'));
    else for (const m of isValidPathSegmentName(name)) errs.push(invalid('roleRef.name', name, m));
  }
  for (const [s, i] of readObjects(errs, 'subjects', obj.subjects)) validateSubject(errs, index('subjects', i), s, namespaced);
}

export const validateRoleBinding = (errs: Errs, obj: KubeObject): void => validateBinding(errs, obj, true);
export const validateClusterRoleBinding = (errs: Errs, obj: KubeObject): void => validateBinding(errs, obj, false);

const refField = (ref: unknown, f: string): string => {
  const v = (ref as Rec | undefined)?.[f];
  return typeof v === 'string' ? v : '';
};

/** `roleRef: Invalid value: rbac.RoleRef{…}: cannot change roleRef`. */
export function validateBindingUpdate(errs: Errs, n: KubeObject, o: KubeObject): void {
  const group = (ref: unknown): string => refField(ref, 'apiGroup') || RBAC_GROUP;
  if (
    group(n.roleRef) !== group(o.roleRef) ||
    refField(n.roleRef, 'kind') !== refField(o.roleRef, 'kind') ||
    refField(n.roleRef, 'name') !== refField(o.roleRef, 'name')
  ) {
    const lit = new Literal(
      `rbac.RoleRef{APIGroup:${quote(group(n.roleRef))}, Kind:${quote(refField(n.roleRef, 'kind'))}, Name:${quote(refField(n.roleRef, 'name'))}}`,
    );
    errs.push(invalid('roleRef', lit, 'cannot change roleRef'));
  }
}
