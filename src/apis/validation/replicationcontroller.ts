// ReplicationControllers (core/v1): ValidateReplicationController and its status check.
// Unlike a ReplicaSet's, the selector is a plain map of labels (an equality selector),
// required and non-empty (defaulting copies the template's labels into it), and mutable.

import type { KubeObject } from '../kinds.ts';
import { checkNonNegative, child, forbidden, invalid, isRec, notSupported, present, readObject, readStringMap, required, type Errs } from './field.ts';
import { validateObjectMeta } from './meta.ts';
import { nameIsDNSSubdomain } from './names.ts';
import { validatePodTemplateSpec } from './pod.ts';
import { goLabels } from './selector.ts';

/** labels.Set(selector).AsSelector().Matches(labels): every pair of the selector is among the labels. */
const matches = (selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>> | undefined): boolean =>
  Object.entries(selector).every(([k, v]) => labels !== undefined && Object.hasOwn(labels, k) && labels[k] === v);

/** ValidatePodTemplateSpecForRC: the template, selected by the selector, restartPolicy Always. */
function validateTemplate(errs: Errs, path: string, selector: Record<string, string> | undefined, v: unknown): void {
  if (!present(v)) {
    errs.push(required(path));
    return;
  }
  const meta = isRec(v) && isRec(v.metadata) ? v.metadata : undefined;
  const rawLabels = meta && isRec(meta.labels) ? meta.labels : undefined;
  const labels = rawLabels && Object.values(rawLabels).every((x) => typeof x === 'string') ? (rawLabels as Record<string, string>) : undefined;
  if (selector && Object.keys(selector).length > 0 && !matches(selector, labels)) {
    errs.push(invalid(child(path, 'metadata', 'labels'), goLabels(labels), '`selector` does not match template `labels`'));
  }
  const { spec } = validatePodTemplateSpec(errs, path, v);
  const specPath = child(path, 'spec');
  // An absent restartPolicy is defaulted to Always before validation.
  if (typeof spec?.restartPolicy === 'string' && spec.restartPolicy !== 'Always') {
    errs.push(notSupported(child(specPath, 'restartPolicy'), spec.restartPolicy, ['Always']));
  }
  if (present(spec?.activeDeadlineSeconds)) {
    errs.push(forbidden(child(specPath, 'activeDeadlineSeconds'), 'activeDeadlineSeconds in ReplicationController is not Supported'));
  }
}

export function validateReplicationController(errs: Errs, obj: KubeObject): void {
  validateObjectMeta(errs, obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const s = present(obj.spec) ? readObject(errs, 'spec', obj.spec) : {};
  if (!s) return;
  checkNonNegative(errs, 'spec.minReadySeconds', s.minReadySeconds);
  const selector = readStringMap(errs, 'spec.selector', s.selector);
  if (!selector || Object.keys(selector).length === 0) errs.push(required('spec.selector'));
  checkNonNegative(errs, 'spec.replicas', s.replicas);
  validateTemplate(errs, 'spec.template', selector, s.template);
}

/** ValidateReplicationControllerStatus. */
export function validateReplicationControllerStatus(errs: Errs, obj: KubeObject): void {
  const status = readObject(errs, 'status', obj.status);
  if (!status) return;
  const n: Record<string, number> = {};
  for (const f of ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration']) {
    n[f] = checkNonNegative(errs, child('status', f), status[f]) ?? 0;
  }
  const msg = 'cannot be greater than status.replicas';
  for (const f of ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas']) {
    if (n[f]! > n.replicas!) errs.push(invalid(child('status', f), n[f], msg));
  }
  if (n.availableReplicas! > n.readyReplicas!) errs.push(invalid('status.availableReplicas', n.availableReplicas, 'cannot be greater than readyReplicas'));
}
