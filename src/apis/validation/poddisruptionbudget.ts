// PodDisruptionBudgets (policy/v1): ValidatePodDisruptionBudgetSpec of
// pkg/apis/policy/validation — minAvailable or maxUnavailable (not both), each a
// non-negative integer or a percentage up to 100 %, a valid selector, and the unhealthy
// pod eviction policy.

import type { KubeObject } from '../kinds.ts';
import { IS_NEGATIVE, checkEnum, child, invalid, present, readInt, readIntOrString, readObject, type Errs } from './field.ts';
import { validateObjectMeta } from './meta.ts';
import { isValidPercent, nameIsPathSegment } from './names.ts';
import { validateLabelSelector } from './selector.ts';

/** sets.List() order, as Kubernetes' message prints them. */
export const UNHEALTHY_POD_EVICTION_POLICIES = ['AlwaysAllow', 'IfHealthyBudget'] as const;

/** ValidatePositiveIntOrPercent and IsNotMoreThan100Percent. */
export function validateIntOrPercent(errs: Errs, path: string, v: number | string): void {
  if (typeof v === 'string') {
    const msgs = isValidPercent(v);
    for (const m of msgs) errs.push(invalid(path, v, m));
    if (!msgs.length && Number(v.slice(0, -1)) > 100) errs.push(invalid(path, v, 'must not be greater than 100%'));
  } else if (v < 0) {
    errs.push(invalid(path, v, IS_NEGATIVE));
  }
}

export function validatePodDisruptionBudget(errs: Errs, obj: KubeObject): void {
  // The strategy adds nothing to ObjectMeta's own rules: any path segment names a budget.
  validateObjectMeta(errs, obj.metadata, { namespaced: true, nameFn: nameIsPathSegment });
  const s = present(obj.spec) ? readObject(errs, 'spec', obj.spec) : {};
  if (s) {
    const minAvailable = readIntOrString(errs, 'spec.minAvailable', s.minAvailable);
    const maxUnavailable = readIntOrString(errs, 'spec.maxUnavailable', s.maxUnavailable);
    if (minAvailable !== undefined && maxUnavailable !== undefined) errs.push(invalid('spec', s, 'minAvailable and maxUnavailable cannot be both set'));
    if (minAvailable !== undefined) validateIntOrPercent(errs, 'spec.minAvailable', minAvailable);
    if (maxUnavailable !== undefined) validateIntOrPercent(errs, 'spec.maxUnavailable', maxUnavailable);
    validateLabelSelector(errs, 'spec.selector', s.selector);
    checkEnum(errs, 'spec.unhealthyPodEvictionPolicy', s.unhealthyPodEvictionPolicy, UNHEALTHY_POD_EVICTION_POLICIES);
  }
  const status = readObject(errs, 'status', obj.status);
  if (status) {
    for (const f of ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods'] as const) {
      const n = readInt(errs, child('status', f), status[f]);
      if (n !== undefined && n < 0) errs.push(invalid(child('status', f), n, IS_NEGATIVE));
    }
  }
}
