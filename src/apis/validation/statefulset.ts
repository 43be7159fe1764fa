// StatefulSets (apps/v1): ValidateStatefulSetSpec and ValidateStatefulSetUpdate.
//
// As in Kubernetes, a StatefulSet's pod template is checked for its labels and
// annotations only, not as a pod spec (ValidatePodTemplateSpecForStatefulSet leaves that
// as a TODO): a template Kubernetes stores, kubeql stores too.

import type { KubeObject } from '../kinds.ts';
import { semanticEqual } from './equality.ts';
import {
  Literal,
  checkNonNegative,
  child,
  forbidden,
  invalid,
  notSupported,
  present,
  quote,
  readInt,
  readIntOrString,
  readObject,
  readObjects,
  readString,
  required,
  type Errs,
  type Rec,
} from './field.ts';
import { validateAnnotations, validateLabels, validateObjectMeta } from './meta.ts';
import { nameIsDNSLabel } from './names.ts';
import { validateSelectorUpdate } from './replicaset.ts';
import { goLabelSelector, selectorIsEmpty } from './selector.ts';
import {
  checkAlwaysRestarts,
  checkNotMoreThan100Percent,
  checkSelectorMatches,
  intOrPercentValue,
  readSelector,
  templateLabels,
  validatePositiveIntOrPercent,
} from './daemonset.ts';

export const POD_MANAGEMENT_POLICIES = ['OrderedReady', 'Parallel'] as const;
export const PVC_RETENTION_POLICIES = ['Retain', 'Delete'] as const;
export const STATEFULSET_UPDATE_FORBIDDEN =
  "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";
/** The spec fields an update may change (STATEFULSET_UPDATE_FORBIDDEN's list). */
const UPDATABLE_FIELDS = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'] as const;

/** An intstr pointer as %#v prints the struct it points to. */
const goIntOrString = (v: unknown): string =>
  typeof v === 'number'
    ? `&intstr.IntOrString{Type:0, IntVal:${v}, StrVal:""}`
    : typeof v === 'string'
      ? `&intstr.IntOrString{Type:1, IntVal:0, StrVal:${quote(v)}}`
      : '(*intstr.IntOrString)(nil)';
const goRollingUpdate = (ru: Rec): string =>
  `apps.RollingUpdateStatefulSetStrategy{Partition:${typeof ru.partition === 'number' ? ru.partition : 0}, MaxUnavailable:${goIntOrString(ru.maxUnavailable)}}`;

/** validateRollingUpdateStatefulSet. */
function validateRollingUpdate(errs: Errs, path: string, ru: Rec): void {
  checkNonNegative(errs, child(path, 'partition'), ru.partition);
  const unavailablePath = child(path, 'maxUnavailable');
  const maxUnavailable = readIntOrString(errs, unavailablePath, ru.maxUnavailable);
  if (maxUnavailable === undefined) return;
  validatePositiveIntOrPercent(errs, unavailablePath, maxUnavailable);
  if (intOrPercentValue(maxUnavailable) === 0) errs.push(invalid(unavailablePath, maxUnavailable, 'cannot be 0'));
  checkNotMoreThan100Percent(errs, unavailablePath, maxUnavailable);
}

function validateUpdateStrategy(errs: Errs, path: string, v: unknown): void {
  const strategy = readObject(errs, path, v) ?? {};
  const type = readString(errs, child(path, 'type'), strategy.type) ?? '';
  const ruPath = child(path, 'rollingUpdate');
  const ru = readObject(errs, ruPath, strategy.rollingUpdate);
  switch (type) {
    case '':
      errs.push(required(path));
      break;
    case 'OnDelete':
      if (ru) errs.push(invalid(ruPath, new Literal(goRollingUpdate(ru)), "only allowed for updateStrategy 'RollingUpdate'"));
      break;
    case 'RollingUpdate':
      if (ru) validateRollingUpdate(errs, ruPath, ru);
      break;
    default: {
      const literal = new Literal(
        `apps.StatefulSetUpdateStrategy{Type:${quote(type)}, RollingUpdate:${ru ? `&${goRollingUpdate(ru)}` : '(*apps.RollingUpdateStatefulSetStrategy)(nil)'}}`,
      );
      errs.push(invalid(path, literal, "must be 'RollingUpdate' or 'OnDelete'"));
    }
  }
}

/** ValidatePersistentVolumeClaimRetentionPolicy (each type is defaulted to Retain before this runs). */
function validateRetentionPolicy(errs: Errs, path: string, v: unknown): void {
  const policy = readObject(errs, path, v);
  if (!policy) return;
  for (const f of ['whenDeleted', 'whenScaled']) {
    const value = readString(errs, child(path, f), policy[f]) ?? '';
    if (!(PVC_RETENTION_POLICIES as readonly string[]).includes(value)) errs.push(notSupported(child(path, f), value, PVC_RETENTION_POLICIES));
  }
}

/**
 * ValidatePodTemplateSpecForStatefulSet's labels and annotations (`check`: Kubernetes
 * skips them when the selector is invalid); returns the template's spec.
 */
function validateTemplate(errs: Errs, path: string, v: unknown, check: boolean): Rec | undefined {
  const t = present(v) ? readObject(errs, path, v) : {};
  if (!t) return undefined;
  const meta = readObject(errs, child(path, 'metadata'), t.metadata);
  if (check) {
    validateLabels(errs, child(path, 'labels'), meta?.labels);
    validateAnnotations(errs, child(path, 'annotations'), meta?.annotations);
  }
  return readObject(errs, child(path, 'spec'), t.spec);
}

export function validateStatefulSet(errs: Errs, obj: KubeObject): void {
  // Its pods are named `<name>-<ordinal>` and are their own hostnames: a DNS label.
  validateObjectMeta(errs, obj.metadata, { namespaced: true, nameFn: nameIsDNSLabel });
  const s = present(obj.spec) ? readObject(errs, 'spec', obj.spec) : {};
  if (s) {
    const policy = readString(errs, 'spec.podManagementPolicy', s.podManagementPolicy) ?? '';
    if (policy === '') errs.push(required('spec.podManagementPolicy'));
    else if (!(POD_MANAGEMENT_POLICIES as readonly string[]).includes(policy)) {
      errs.push(invalid('spec.podManagementPolicy', policy, "must be 'OrderedReady' or 'Parallel'"));
    }
    validateUpdateStrategy(errs, 'spec.updateStrategy', s.updateStrategy);
    validateRetentionPolicy(errs, 'spec.persistentVolumeClaimRetentionPolicy', s.persistentVolumeClaimRetentionPolicy);
    checkNonNegative(errs, 'spec.replicas', s.replicas);
    checkNonNegative(errs, 'spec.minReadySeconds', s.minReadySeconds);
    const ordinals = readObject(errs, 'spec.ordinals', s.ordinals);
    if (ordinals) checkNonNegative(errs, 'spec.ordinals.start', ordinals.start);

    const { selector, invalid: selectorInvalid } = readSelector(errs, 'spec.selector', s.selector);
    if (!present(s.selector)) errs.push(required('spec.selector'));
    else if (selector && selectorIsEmpty(selector))
      errs.push(invalid('spec.selector', goLabelSelector(s.selector), 'empty selector is invalid for statefulset'));
    if (selectorInvalid) {
      errs.push(invalid('spec.selector', goLabelSelector(s.selector), ''));
    } else if (!selector || !selectorIsEmpty(selector)) {
      checkSelectorMatches(errs, 'spec.template', selector, templateLabels(s.template));
    }
    const spec = validateTemplate(errs, 'spec.template', s.template, !selectorInvalid);
    checkAlwaysRestarts(errs, 'spec.template.spec', spec, 'StatefulSet');

    readString(errs, 'spec.serviceName', s.serviceName);
    readInt(errs, 'spec.revisionHistoryLimit', s.revisionHistoryLimit);
    readObjects(errs, 'spec.volumeClaimTemplates', s.volumeClaimTemplates);
  }
  readObject(errs, 'status', obj.status);
}

/**
 * ValidateStatefulSetUpdate: only replicas, ordinals, template, updateStrategy,
 * persistentVolumeClaimRetentionPolicy and minReadySeconds may change; and, in apps/v1,
 * the selector is immutable (the strategy's check, reported after the first).
 */
export function validateStatefulSetUpdate(errs: Errs, n: KubeObject, o: KubeObject): void {
  const newSpec: Rec = { ...(n.spec ?? {}) };
  const oldSpec: Rec = o.spec ?? {};
  for (const f of UPDATABLE_FIELDS) {
    if (oldSpec[f] === undefined) delete newSpec[f];
    else newSpec[f] = oldSpec[f];
  }
  if (!semanticEqual(newSpec, oldSpec)) errs.push(forbidden('spec', STATEFULSET_UPDATE_FORBIDDEN));
  validateSelectorUpdate(errs, n, o);
}
