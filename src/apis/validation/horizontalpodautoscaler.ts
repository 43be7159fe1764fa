// HorizontalPodAutoscalers (autoscaling/v2): ValidateHorizontalPodAutoscaler of
// pkg/apis/autoscaling/validation — the replica bounds, the scale target, the metrics of
// each source type with their targets, and the scaling behavior's policies.

import type { KubeObject } from '../kinds.ts';
import type { Quantity } from '../quantity.ts';
import {
  checkEnum,
  child,
  forbidden,
  index,
  invalid,
  notSupported,
  present,
  readInt,
  readObject,
  readObjects,
  readString,
  required,
  type Errs,
  type Rec,
} from './field.ts';
import { validateObjectMeta } from './meta.ts';
import { checkDNS1123Label, isQualifiedName, isValidPathSegmentName, nameIsDNSSubdomain } from './names.ts';
import { readQuantity } from './pod.ts';

/** The largest scaling policy period (MaxPeriodSeconds). */
export const MAX_PERIOD_SECONDS = 1800;
/** The largest stabilization window (MaxStabilizationWindowSeconds). */
export const MAX_STABILIZATION_WINDOW_SECONDS = 3600;
/** The metric source types, as sets.List() sorts them in Kubernetes' messages. */
export const METRIC_SOURCE_TYPES = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'] as const;
export const SELECT_POLICIES = ['Disabled', 'Max', 'Min'] as const;
export const SCALING_POLICY_TYPES = ['Percent', 'Pods'] as const;
const METRIC_TARGET_TYPES = ['Utilization', 'Value', 'AverageValue'];

/** The field of a MetricSpec that holds each source type's details. */
const SOURCE_FIELD: Readonly<Record<string, string>> = {
  Object: 'object',
  Pods: 'pods',
  Resource: 'resource',
  External: 'external',
  ContainerResource: 'containerResource',
};

/** ValidateCrossVersionObjectReference: kind and name are required path segments. */
export function validateCrossVersionObjectReference(errs: Errs, path: string, v: unknown): void {
  const ref = readObject(errs, path, v) ?? {};
  readString(errs, child(path, 'apiVersion'), ref.apiVersion);
  for (const f of ['kind', 'name'] as const) {
    const s = readString(errs, child(path, f), ref[f]) ?? '';
    if (!s) errs.push(required(child(path, f)));
    else for (const m of isValidPathSegmentName(s)) errs.push(invalid(child(path, f), s, m));
  }
}

const positive = (q: Quantity | undefined): boolean => q !== undefined && q.nano > 0n;

interface Target {
  value?: Quantity;
  averageValue?: Quantity;
  averageUtilization?: number;
}

/** validateMetricTarget. */
function validateMetricTarget(errs: Errs, path: string, v: unknown): Target {
  const mt = readObject(errs, path, v) ?? {};
  const type = readString(errs, child(path, 'type'), mt.type) ?? '';
  if (!type) errs.push(required(child(path, 'type'), 'must specify a metric target type'));
  if (!METRIC_TARGET_TYPES.includes(type)) errs.push(invalid(child(path, 'type'), type, 'must be either Utilization, Value, or AverageValue'));
  const out: Target = {};
  for (const f of ['value', 'averageValue'] as const) {
    const q = readQuantity(errs, child(path, f), mt[f]);
    if (q === undefined) continue;
    out[f] = q;
    if (!positive(q)) errs.push(invalid(child(path, f), q.toString(), 'must be positive'));
  }
  const utilization = readInt(errs, child(path, 'averageUtilization'), mt.averageUtilization);
  if (utilization !== undefined) {
    out.averageUtilization = utilization;
    if (utilization < 1) errs.push(invalid(child(path, 'averageUtilization'), utilization, 'must be greater than 0'));
  }
  return out;
}

/** validateMetricIdentifier: a required path-segment name (and an optional selector). */
function validateMetricIdentifier(errs: Errs, path: string, v: unknown): void {
  const id = readObject(errs, path, v) ?? {};
  const name = readString(errs, child(path, 'name'), id.name) ?? '';
  if (!name) errs.push(required(child(path, 'name'), 'must specify a metric name'));
  else for (const m of isValidPathSegmentName(name)) errs.push(invalid(child(path, 'name'), name, m));
  readObject(errs, child(path, 'selector'), id.selector);
}

/** Resource and ContainerResource targets: a raw value or a utilization, not both. */
function checkUtilizationOrValue(errs: Errs, path: string, t: Target): void {
  const target = child(path, 'target');
  if (t.averageUtilization === undefined && t.averageValue === undefined) {
    errs.push(required(child(target, 'averageUtilization'), 'must set either a target raw value or a target utilization'));
  }
  if (t.averageUtilization !== undefined && t.averageValue !== undefined) {
    errs.push(forbidden(child(target, 'averageValue'), 'may not set both a target raw value and a target utilization'));
  }
}

function validateObjectSource(errs: Errs, path: string, src: Rec): void {
  validateCrossVersionObjectReference(errs, child(path, 'describedObject'), src.describedObject);
  validateMetricIdentifier(errs, child(path, 'metric'), src.metric);
  const t = validateMetricTarget(errs, child(path, 'target'), src.target);
  if (t.value === undefined && t.averageValue === undefined) {
    errs.push(required(child(path, 'target', 'averageValue'), 'must set either a target value or averageValue'));
  }
}

function validateExternalSource(errs: Errs, path: string, src: Rec): void {
  validateMetricIdentifier(errs, child(path, 'metric'), src.metric);
  const t = validateMetricTarget(errs, child(path, 'target'), src.target);
  if (t.value === undefined && t.averageValue === undefined) {
    errs.push(required(child(path, 'target', 'averageValue'), 'must set either a target value for metric or a per-pod target'));
  }
  if (t.value !== undefined && t.averageValue !== undefined) {
    errs.push(forbidden(child(path, 'target', 'value'), 'may not set both a target value for metric and a per-pod target'));
  }
}

function validatePodsSource(errs: Errs, path: string, src: Rec): void {
  validateMetricIdentifier(errs, child(path, 'metric'), src.metric);
  const t = validateMetricTarget(errs, child(path, 'target'), src.target);
  if (t.averageValue === undefined) errs.push(required(child(path, 'target', 'averageValue'), 'must specify a positive target averageValue'));
}

function validateResourceSource(errs: Errs, path: string, src: Rec): void {
  const name = readString(errs, child(path, 'name'), src.name) ?? '';
  if (!name) errs.push(required(child(path, 'name'), 'must specify a resource name'));
  checkUtilizationOrValue(errs, path, validateMetricTarget(errs, child(path, 'target'), src.target));
}

/** ValidateContainerResourceName: a qualified name; without a domain, a standard container resource. */
function validateContainerResourceName(errs: Errs, path: string, name: string): void {
  const msgs = isQualifiedName(name);
  for (const m of msgs) errs.push(invalid(path, name, m));
  if (!msgs.length && !name.includes('/') && !['cpu', 'memory', 'ephemeral-storage'].includes(name) && !name.startsWith('hugepages-')) {
    errs.push(invalid(path, name, 'must be a standard resource for containers'));
  }
}

function validateContainerResourceSource(errs: Errs, path: string, src: Rec): void {
  const name = readString(errs, child(path, 'name'), src.name) ?? '';
  if (!name) errs.push(required(child(path, 'name'), 'must specify a resource name'));
  else validateContainerResourceName(errs, child(path, 'name'), name);
  const container = readString(errs, child(path, 'container'), src.container) ?? '';
  if (!container) errs.push(required(child(path, 'container'), 'must specify a container'));
  else checkDNS1123Label(errs, child(path, 'container'), container);
  checkUtilizationOrValue(errs, path, validateMetricTarget(errs, child(path, 'target'), src.target));
}

const SOURCE_VALIDATORS: ReadonlyArray<[string, (errs: Errs, path: string, src: Rec) => void]> = [
  ['object', validateObjectSource],
  ['external', validateExternalSource],
  ['pods', validatePodsSource],
  ['resource', validateResourceSource],
  ['containerResource', validateContainerResourceSource],
];

/** validateMetricSpec: the type names one source, which must be the only one set. */
function validateMetricSpec(errs: Errs, path: string, spec: Rec): void {
  const type = readString(errs, child(path, 'type'), spec.type) ?? '';
  if (!type) errs.push(required(child(path, 'type'), 'must specify a metric source type'));
  if (!Object.hasOwn(SOURCE_FIELD, type)) errs.push(notSupported(child(path, 'type'), type, METRIC_SOURCE_TYPES));
  const set: string[] = [];
  for (const [f, validate] of SOURCE_VALIDATORS) {
    if (!present(spec[f])) continue;
    set.push(f);
    const src = readObject(errs, child(path, f), spec[f]);
    if (src && set.length === 1) validate(errs, child(path, f), src); // only the first source is looked into
  }
  const expected = Object.hasOwn(SOURCE_FIELD, type) ? SOURCE_FIELD[type]! : undefined;
  if (expected && !set.includes(expected)) errs.push(required(child(path, expected), 'must populate information for the given metric source'));
  if (set.length !== 1) {
    for (const f of set) if (f !== expected) errs.push(forbidden(child(path, f), 'must populate the given metric source only'));
  }
}

function validateScalingPolicy(errs: Errs, path: string, p: Rec): void {
  const type = readString(errs, child(path, 'type'), p.type) ?? '';
  if (!(SCALING_POLICY_TYPES as readonly string[]).includes(type)) errs.push(notSupported(child(path, 'type'), type, SCALING_POLICY_TYPES));
  const value = readInt(errs, child(path, 'value'), p.value) ?? 0;
  if (value <= 0) errs.push(invalid(child(path, 'value'), value, 'must be greater than zero'));
  const period = readInt(errs, child(path, 'periodSeconds'), p.periodSeconds) ?? 0;
  if (period <= 0) errs.push(invalid(child(path, 'periodSeconds'), period, 'must be greater than zero'));
  if (period > MAX_PERIOD_SECONDS) errs.push(invalid(child(path, 'periodSeconds'), period, `must be less than or equal to ${MAX_PERIOD_SECONDS}`));
}

/** validateScalingRules (scaleUp, scaleDown): the defaults fill what a given rule leaves out. */
function validateScalingRules(errs: Errs, path: string, v: unknown): void {
  const rules = readObject(errs, path, v);
  if (!rules) return;
  const window = readInt(errs, child(path, 'stabilizationWindowSeconds'), rules.stabilizationWindowSeconds);
  if (window !== undefined && window < 0) errs.push(invalid(child(path, 'stabilizationWindowSeconds'), window, 'must be greater than or equal to zero'));
  if (window !== undefined && window > MAX_STABILIZATION_WINDOW_SECONDS) {
    errs.push(invalid(child(path, 'stabilizationWindowSeconds'), window, `must be less than or equal to ${MAX_STABILIZATION_WINDOW_SECONDS}`));
  }
  checkEnum(errs, child(path, 'selectPolicy'), rules.selectPolicy, SELECT_POLICIES);
  const policiesPath = child(path, 'policies');
  const policies = readObjects(errs, policiesPath, rules.policies);
  if (!policies.length && !(Array.isArray(rules.policies) && rules.policies.length)) errs.push(required(policiesPath, 'must specify at least one Policy'));
  for (const [p, i] of policies) validateScalingPolicy(errs, index(policiesPath, i), p);
}

/** The lowest minReplicas: 1 (HPAScaleToZero is an alpha feature, off). */
const MIN_REPLICAS_LOWER_BOUND = 1;

function validateSpec(errs: Errs, s: Rec, minReplicasLowerBound: number): void {
  const min = readInt(errs, 'spec.minReplicas', s.minReplicas);
  if (min !== undefined && min < minReplicasLowerBound) {
    errs.push(invalid('spec.minReplicas', min, `must be greater than or equal to ${minReplicasLowerBound}`));
  }
  const max = readInt(errs, 'spec.maxReplicas', s.maxReplicas) ?? 0;
  if (max < 1) errs.push(invalid('spec.maxReplicas', max, 'must be greater than 0'));
  if (min !== undefined && max < min) errs.push(invalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  validateCrossVersionObjectReference(errs, 'spec.scaleTargetRef', s.scaleTargetRef);
  for (const [m, i] of readObjects(errs, 'spec.metrics', s.metrics)) validateMetricSpec(errs, index('spec.metrics', i), m);
  const behavior = readObject(errs, 'spec.behavior', s.behavior);
  if (behavior) {
    validateScalingRules(errs, 'spec.behavior.scaleUp', behavior.scaleUp);
    validateScalingRules(errs, 'spec.behavior.scaleDown', behavior.scaleDown);
  }
}

export function validateHorizontalPodAutoscaler(errs: Errs, obj: KubeObject): void {
  validateObjectMeta(errs, obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const s = present(obj.spec) ? readObject(errs, 'spec', obj.spec) : {};
  if (s) validateSpec(errs, s, MIN_REPLICAS_LOWER_BOUND);
  const status = readObject(errs, 'status', obj.status);
  if (status) {
    for (const f of ['currentReplicas', 'desiredReplicas'] as const) {
      const n = readInt(errs, child('status', f), status[f]);
      if (n !== undefined && n < 0) errs.push(invalid(child('status', f), n, 'must be greater than or equal to 0'));
    }
  }
}
