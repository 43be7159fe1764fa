// ReplicaSets (apps/v1): ValidateReplicaSetSpec and ValidatePodTemplateSpecForReplicaSet,
// shared with Deployments; `spec.selector` is immutable in apps/v1.

import type { KubeObject } from '../kinds.ts';
import { semanticEqual } from './equality.ts';
import { FIELD_IMMUTABLE, checkNonNegative, child, invalid, notSupported, present, readObject, required, type Errs, type Rec } from './field.ts';
import { validateObjectMeta } from './meta.ts';
import { nameIsDNSSubdomain } from './names.ts';
import { validatePodTemplateSpec } from './pod.ts';
import { goLabelSelector, goLabels, selectorIsEmpty, selectorMatches, validateLabelSelector } from './selector.ts';

/**
 * The selector and template of a ReplicaSet or Deployment spec (`path` is `spec`): the
 * selector is required, non-empty and must select the template's labels; the template is
 * a pod template whose restartPolicy is Always. As in Kubernetes, an invalid selector
 * stops the template from being checked.
 */
export function validateSelectorAndTemplate(errs: Errs, path: string, s: Rec): void {
  const selPath = child(path, 'selector');
  const before = errs.length;
  const selector = validateLabelSelector(errs, selPath, s.selector);
  const selectorInvalid = errs.length !== before;
  if (!present(s.selector)) errs.push(required(selPath));
  else if (selector && !selectorInvalid && selectorIsEmpty(selector)) {
    errs.push(invalid(selPath, goLabelSelector(s.selector), 'empty selector is invalid for deployment'));
  }
  if (present(s.selector) && selectorInvalid) {
    errs.push(invalid(selPath, goLabelSelector(s.selector), 'invalid label selector'));
    return;
  }

  const templatePath = child(path, 'template');
  const { labels, spec } = validatePodTemplateSpec(errs, templatePath, s.template);
  // A missing selector selects nothing (labels.Nothing()), so it matches no template either.
  if (!selector || !selectorIsEmpty(selector)) {
    if (!selector || !selectorMatches(selector, labels)) {
      errs.push(invalid(child(templatePath, 'metadata', 'labels'), goLabels(labels), '`selector` does not match template `labels`'));
    }
  }
  const specPath = child(templatePath, 'spec');
  if (typeof spec?.restartPolicy === 'string' && spec.restartPolicy !== 'Always') {
    errs.push(notSupported(child(specPath, 'restartPolicy'), spec.restartPolicy, ['Always']));
  }
  if (present(spec?.activeDeadlineSeconds)) {
    errs.push(invalid(child(specPath, 'activeDeadlineSeconds'), spec!.activeDeadlineSeconds, 'activeDeadlineSeconds in ReplicaSet is not Supported'));
  }
}

export function validateReplicaSet(errs: Errs, obj: KubeObject): void {
  validateObjectMeta(errs, obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const s = present(obj.spec) ? readObject(errs, 'spec', obj.spec) : {};
  if (s) {
    checkNonNegative(errs, 'spec.replicas', s.replicas);
    checkNonNegative(errs, 'spec.minReadySeconds', s.minReadySeconds);
    validateSelectorAndTemplate(errs, 'spec', s);
  }
  readObject(errs, 'status', obj.status);
}

/** apps/v1: `spec.selector` may not change. */
export function validateSelectorUpdate(errs: Errs, n: KubeObject, o: KubeObject): void {
  const ns = n.spec?.selector;
  const os = o.spec?.selector;
  if (!semanticEqual(ns, os)) errs.push(invalid('spec.selector', goLabelSelector(ns), FIELD_IMMUTABLE));
}
