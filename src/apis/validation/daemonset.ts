// DaemonSets (apps/v1): ValidateDaemonSetSpec and ValidateDaemonSetUpdateStrategy, plus
// the int-or-percent rules of apps' rolling updates that StatefulSets share.

import type { KubeObject } from '../kinds.ts';
import {
  IS_NEGATIVE,
  Literal,
  checkNonNegative,
  child,
  forbidden,
  invalid,
  isRec,
  notSupported,
  present,
  quote,
  readIntOrString,
  readObject,
  readString,
  required,
  type Errs,
  type Rec,
} from './field.ts';
import { validateObjectMeta } from './meta.ts';
import { isValidPercent, nameIsDNSSubdomain } from './names.ts';
import { validatePodTemplateSpec } from './pod.ts';
import { goLabelSelector, goLabels, selectorIsEmpty, selectorMatches, validateLabelSelector, type Selector } from './selector.ts';

export const DAEMONSET_STRATEGY_TYPES = ['RollingUpdate', 'OnDelete'] as const;

// ---- int or percent (apps/validation) -----------------------------------------------

/** getPercentValue: `25%` → 25; anything else is not a percent. */
function percentValue(v: number | string): number | undefined {
  if (typeof v !== 'string' || isValidPercent(v).length) return undefined;
  return Number(v.slice(0, -1));
}

/** getIntOrPercentValue: a percent's number, an int, or a string's intstr.IntValue (0 unless digits). */
export const intOrPercentValue = (v: number | string): number => (typeof v === 'number' ? v : (percentValue(v) ?? (/^[+-]?\d+$/.test(v) ? Number(v) : 0)));

/** ValidatePositiveIntOrPercent. */
export function validatePositiveIntOrPercent(errs: Errs, path: string, v: number | string): void {
  if (typeof v === 'string') for (const m of isValidPercent(v)) errs.push(invalid(path, v, m));
  else if (v < 0) errs.push(invalid(path, v, IS_NEGATIVE));
}

/** IsNotMoreThan100Percent. */
export function checkNotMoreThan100Percent(errs: Errs, path: string, v: number | string): void {
  const percent = percentValue(v);
  if (percent !== undefined && percent > 100) errs.push(invalid(path, v, 'must not be greater than 100%'));
}

// ---- selector and template ----------------------------------------------------------

/** A selector as read, and whether LabelSelectorAsSelector would refuse it. */
export interface ReadSelector {
  selector?: Selector;
  invalid: boolean;
}

/** ValidateLabelSelector; `invalid` when the selector has errors (metav1.LabelSelectorAsSelector fails then). */
export function readSelector(errs: Errs, path: string, v: unknown): ReadSelector {
  const before = errs.length;
  const selector = validateLabelSelector(errs, path, v);
  return { selector, invalid: errs.length !== before };
}

/** The labels of a pod template, unvalidated (validatePodTemplateSpec checks them). */
export const templateLabels = (template: unknown): Record<string, string> | undefined => {
  const meta = isRec(template) && isRec(template.metadata) ? template.metadata : undefined;
  return isRec(meta?.labels) ? (meta.labels as Record<string, string>) : undefined;
};

/** `selector` does not match template `labels` (a nil selector selects nothing, so never matches). */
export function checkSelectorMatches(errs: Errs, templatePath: string, selector: Selector | undefined, labels: Record<string, string> | undefined): void {
  if (!selector || !selectorMatches(selector, labels)) {
    errs.push(invalid(child(templatePath, 'metadata', 'labels'), goLabels(labels), '`selector` does not match template `labels`'));
  }
}

/** The restartPolicy and activeDeadlineSeconds rules of a controller whose pods run forever. */
export function checkAlwaysRestarts(errs: Errs, specPath: string, spec: Rec | undefined, kind: string): void {
  const restartPolicy = typeof spec?.restartPolicy === 'string' ? spec.restartPolicy : '';
  if (restartPolicy !== 'Always') errs.push(notSupported(child(specPath, 'restartPolicy'), restartPolicy, ['Always']));
  if (present(spec?.activeDeadlineSeconds)) {
    errs.push(forbidden(child(specPath, 'activeDeadlineSeconds'), `activeDeadlineSeconds in ${kind} is not Supported`));
  }
}

// ---- update strategy ----------------------------------------------------------------

/** ValidateRollingUpdateDaemonSet: exactly one of maxUnavailable and maxSurge is non-zero. */
function validateRollingUpdate(errs: Errs, path: string, ru: Rec): void {
  const unavailablePath = child(path, 'maxUnavailable');
  const surgePath = child(path, 'maxSurge');
  const maxUnavailable = readIntOrString(errs, unavailablePath, ru.maxUnavailable) ?? 0;
  const maxSurge = readIntOrString(errs, surgePath, ru.maxSurge) ?? 0;
  validatePositiveIntOrPercent(errs, unavailablePath, maxUnavailable);
  validatePositiveIntOrPercent(errs, surgePath, maxSurge);
  checkNotMoreThan100Percent(errs, unavailablePath, maxUnavailable);
  checkNotMoreThan100Percent(errs, surgePath, maxSurge);
  const hasUnavailable = intOrPercentValue(maxUnavailable) !== 0;
  const hasSurge = intOrPercentValue(maxSurge) !== 0;
  if (hasUnavailable && hasSurge) errs.push(invalid(surgePath, maxSurge, 'may not be set when maxUnavailable is non-zero'));
  else if (!hasUnavailable && !hasSurge) errs.push(required(unavailablePath, 'cannot be 0 when maxSurge is 0'));
}

/** ValidateDaemonSetUpdateStrategy (an absent type is defaulted to RollingUpdate before this runs). */
function validateUpdateStrategy(errs: Errs, path: string, v: unknown): void {
  const strategy = readObject(errs, path, v) ?? {};
  const type = readString(errs, child(path, 'type'), strategy.type) ?? '';
  const ruPath = child(path, 'rollingUpdate');
  const ru = readObject(errs, ruPath, strategy.rollingUpdate);
  switch (type) {
    case 'OnDelete':
      break;
    case 'RollingUpdate':
      if (!ru) errs.push(required(ruPath));
      else validateRollingUpdate(errs, ruPath, ru);
      break;
    default: {
      const literal = new Literal(
        `apps.DaemonSetUpdateStrategy{Type:${quote(type)}, RollingUpdate:${ru ? '&apps.RollingUpdateDaemonSet{…}' : '(*apps.RollingUpdateDaemonSet)(nil)'}}`,
      );
      errs.push(notSupported(path, literal, DAEMONSET_STRATEGY_TYPES));
    }
  }
}

// ---- the kind -----------------------------------------------------------------------

/** ValidateDaemonSet: ValidateDaemonSetSpec in Kubernetes' order. */
export function validateDaemonSet(errs: Errs, obj: KubeObject): void {
  validateObjectMeta(errs, obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const s = present(obj.spec) ? readObject(errs, 'spec', obj.spec) : {};
  if (s) {
    // Unlike a Deployment's, a missing selector is not "Required": it selects nothing, so no template matches.
    const { selector, invalid: selectorInvalid } = readSelector(errs, 'spec.selector', s.selector);
    if (!selectorInvalid) checkSelectorMatches(errs, 'spec.template', selector, templateLabels(s.template));
    if (selector && selectorIsEmpty(selector)) errs.push(invalid('spec.selector', goLabelSelector(s.selector), 'empty selector is invalid for daemonset'));

    const { spec } = validatePodTemplateSpec(errs, 'spec.template', s.template);
    checkAlwaysRestarts(errs, 'spec.template.spec', spec, 'DaemonSet');
    checkNonNegative(errs, 'spec.minReadySeconds', s.minReadySeconds);
    validateUpdateStrategy(errs, 'spec.updateStrategy', s.updateStrategy);
    checkNonNegative(errs, 'spec.revisionHistoryLimit', s.revisionHistoryLimit);
  }
  readObject(errs, 'status', obj.status);
}
