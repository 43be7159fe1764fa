// Deployments (apps/v1): ValidateDeploymentSpec and ValidateDeploymentStrategy.

import type { KubeObject } from '../kinds.ts';
import {
  checkNonNegative,
  child,
  forbidden,
  invalid,
  notSupported,
  present,
  readBool,
  readIntOrString,
  readObject,
  readString,
  IS_NEGATIVE,
  type Errs,
  type Rec,
} from './field.ts';
import { validateObjectMeta } from './meta.ts';
import { isValidPercent, nameIsDNSSubdomain } from './names.ts';
import { validateSelectorAndTemplate } from './replicaset.ts';

export const DEPLOYMENT_STRATEGY_TYPES = ['Recreate', 'RollingUpdate'] as const;
/** What defaulting puts in for an absent maxSurge / maxUnavailable. */
const DEFAULT_INT_OR_PERCENT = '25%';

/** getPercentValue: `25%` → 25; anything else is not a percent. */
function percentValue(v: number | string): number | undefined {
  if (typeof v !== 'string' || isValidPercent(v).length) return undefined;
  return Number(v.slice(0, -1));
}
/** getIntOrPercentValue (a string that is not a percent reads as intstr.IntValue does). */
const intOrPercentValue = (v: number | string): number => (typeof v === 'number' ? v : (percentValue(v) ?? (/^[+-]?\d+$/.test(v) ? Number(v) : 0)));

/** ValidatePositiveIntOrPercent. */
function validatePositiveIntOrPercent(errs: Errs, path: string, v: number | string): void {
  if (typeof v === 'string') for (const m of isValidPercent(v)) errs.push(invalid(path, v, m));
  else if (v < 0) errs.push(invalid(path, v, IS_NEGATIVE));
}

function validateRollingUpdate(errs: Errs, path: string, ru: Rec | undefined): void {
  const unavailablePath = child(path, 'maxUnavailable');
  const surgePath = child(path, 'maxSurge');
  const maxUnavailable = readIntOrString(errs, unavailablePath, ru?.maxUnavailable) ?? DEFAULT_INT_OR_PERCENT;
  const maxSurge = readIntOrString(errs, surgePath, ru?.maxSurge) ?? DEFAULT_INT_OR_PERCENT;
  validatePositiveIntOrPercent(errs, unavailablePath, maxUnavailable);
  validatePositiveIntOrPercent(errs, surgePath, maxSurge);
  if (intOrPercentValue(maxUnavailable) === 0 && intOrPercentValue(maxSurge) === 0) {
    errs.push(invalid(unavailablePath, maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
  }
  const percent = percentValue(maxUnavailable);
  if (percent !== undefined && percent > 100) errs.push(invalid(unavailablePath, maxUnavailable, 'must not be greater than 100%'));
}

/** ValidateDeploymentStrategy. An absent type is RollingUpdate (the default). */
function validateStrategy(errs: Errs, path: string, v: unknown): void {
  const strategy = readObject(errs, path, v);
  const type = readString(errs, child(path, 'type'), strategy?.type) ?? 'RollingUpdate';
  const ruPath = child(path, 'rollingUpdate');
  switch (type) {
    case 'Recreate':
      if (present(strategy?.rollingUpdate)) errs.push(forbidden(ruPath, "may not be specified when strategy `type` is 'Recreate'"));
      break;
    case 'RollingUpdate':
      validateRollingUpdate(errs, ruPath, readObject(errs, ruPath, strategy?.rollingUpdate));
      break;
    default:
      errs.push(notSupported(child(path, 'type'), type, DEPLOYMENT_STRATEGY_TYPES));
  }
}

export function validateDeployment(errs: Errs, obj: KubeObject): void {
  validateObjectMeta(errs, obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const s = present(obj.spec) ? readObject(errs, 'spec', obj.spec) : {};
  if (s) {
    checkNonNegative(errs, 'spec.replicas', s.replicas);
    validateSelectorAndTemplate(errs, 'spec', s);
    validateStrategy(errs, 'spec.strategy', s.strategy);
    const minReady = checkNonNegative(errs, 'spec.minReadySeconds', s.minReadySeconds) ?? 0;
    checkNonNegative(errs, 'spec.revisionHistoryLimit', s.revisionHistoryLimit);
    const deadline = checkNonNegative(errs, 'spec.progressDeadlineSeconds', s.progressDeadlineSeconds);
    if (deadline !== undefined && deadline <= minReady) {
      errs.push(invalid('spec.progressDeadlineSeconds', deadline, 'must be greater than minReadySeconds'));
    }
    readBool(errs, 'spec.paused', s.paused);
  }
  readObject(errs, 'status', obj.status);
}
