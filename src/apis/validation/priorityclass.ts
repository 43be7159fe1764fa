// PriorityClasses (scheduling.k8s.io/v1): ValidatePriorityClass and
// ValidatePriorityClassUpdate of pkg/apis/scheduling/validation, with the system classes
// that every cluster has (pkg/apis/scheduling/v1/helpers.go).

import type { KubeObject } from '../kinds.ts';
import { FIELD_IMMUTABLE, checkEnum, forbidden, invalid, readBool, readInt, readString, type Errs } from './field.ts';
import { validateObjectMeta } from './meta.ts';
import { nameIsDNSSubdomain } from './names.ts';

/** Names starting with this are reserved for the system classes below. */
export const SYSTEM_PRIORITY_CLASS_PREFIX = 'system-';
/** Priorities above this are for the system classes only. */
export const HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000;
/** system-cluster-critical's value; system-node-critical's is 1000 more. */
export const SYSTEM_CRITICAL_PRIORITY = 2 * HIGHEST_USER_DEFINABLE_PRIORITY;
/** A pod's priority when it names no class and no class is the global default. */
export const DEFAULT_PRIORITY_WHEN_NO_DEFAULT_CLASS_EXISTS = 0;
export const PREEMPTION_POLICIES = ['PreemptLowerPriority', 'Never'] as const;
export type PreemptionPolicy = (typeof PREEMPTION_POLICIES)[number];

export interface SystemPriorityClass {
  name: string;
  value: number;
  description: string;
}

/** Created at cluster start (the apiserver's bootstrap), never user-definable otherwise. */
export const SYSTEM_PRIORITY_CLASSES: readonly SystemPriorityClass[] = [
  {
    name: 'system-node-critical',
    value: SYSTEM_CRITICAL_PRIORITY + 1000,
    description: 'Used for system critical pods that must not be moved from their current node.',
  },
  {
    name: 'system-cluster-critical',
    value: SYSTEM_CRITICAL_PRIORITY,
    description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.',
  },
];

/** The system classes as objects, for the apiserver's bootstrap. */
export const systemPriorityClassObjects = (): KubeObject[] =>
  SYSTEM_PRIORITY_CLASSES.map((c) => ({
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name: c.name },
    value: c.value,
    description: c.description,
    preemptionPolicy: 'PreemptLowerPriority',
  }));

/** IsKnownSystemPriorityClass: the error text when `name` with this value and globalDefault is not one of them. */
function systemClassError(name: string, value: number, globalDefault: boolean): string | undefined {
  const spc = SYSTEM_PRIORITY_CLASSES.find((c) => c.name === name);
  if (!spc) return `${name} is not a known system priority class`;
  if (spc.value !== value) return `value of ${spc.name} PriorityClass must be ${spc.value}`;
  if (globalDefault) return `globalDefault of ${spc.name} PriorityClass must be false`;
  return undefined;
}

export function validatePriorityClass(errs: Errs, obj: KubeObject): void {
  const meta = validateObjectMeta(errs, obj.metadata, { namespaced: false, nameFn: nameIsDNSSubdomain });
  const value = readInt(errs, 'value', obj.value) ?? 0;
  const globalDefault = readBool(errs, 'globalDefault', obj.globalDefault) ?? false;
  readString(errs, 'description', obj.description);
  const name = typeof meta?.name === 'string' ? meta.name : '';
  if (name.startsWith(SYSTEM_PRIORITY_CLASS_PREFIX)) {
    const error = systemClassError(name, value, globalDefault);
    if (error)
      errs.push(
        forbidden('metadata.name', `priority class names with '${SYSTEM_PRIORITY_CLASS_PREFIX}' prefix are reserved for system use only. error: ${error}`),
      );
  } else if (value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    errs.push(forbidden('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`));
  }
  if (obj.preemptionPolicy !== undefined && obj.preemptionPolicy !== null) checkEnum(errs, 'preemptionPolicy', obj.preemptionPolicy, PREEMPTION_POLICIES);
}

/** value and preemptionPolicy are immutable (the name is, as every object's). */
export function validatePriorityClassUpdate(errs: Errs, obj: KubeObject, old: KubeObject): void {
  if ((obj.value ?? 0) !== (old.value ?? 0)) errs.push(forbidden('value', 'may not be changed in an update.'));
  if ((obj.preemptionPolicy ?? null) !== (old.preemptionPolicy ?? null)) errs.push(invalid('preemptionPolicy', obj.preemptionPolicy ?? null, FIELD_IMMUTABLE));
}
