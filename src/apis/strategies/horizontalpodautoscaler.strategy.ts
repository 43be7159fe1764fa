// HorizontalPodAutoscalers (autoscaling/v2; autoscaling/v1 accepted and served as v2, as
// kube-apiserver converts between them). The autoscaler controller is a later issue.
import type { KubeObject } from '../kinds.ts';
import { tryParseQuantity } from '../quantity.ts';
import { isRec, type Rec } from '../validation/field.ts';
import { validateHorizontalPodAutoscaler } from '../validation/horizontalpodautoscaler.ts';
import { AGE_COLUMN, NAME_COLUMN, defineKind, defineStrategy } from './define.ts';

/** autoscaling.DefaultCPUUtilization: the target of an autoscaler that names no metric. */
export const DEFAULT_CPU_UTILIZATION = 80;

const cpuUtilization = (n: unknown): Rec => ({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: n } } });

/**
 * autoscaling/v1 → v2 (Convert_v1_HorizontalPodAutoscaler_To_autoscaling_HorizontalPodAutoscaler):
 * targetCPUUtilizationPercentage becomes a Resource cpu Utilization metric, and the status's
 * currentCPUUtilizationPercentage its current value.
 */
export function convertHorizontalPodAutoscaler(obj: KubeObject): void {
  obj.apiVersion = 'autoscaling/v2';
  const spec = obj.spec;
  if (isRec(spec) && Object.hasOwn(spec, 'targetCPUUtilizationPercentage')) {
    const target = spec.targetCPUUtilizationPercentage;
    delete spec.targetCPUUtilizationPercentage;
    if (target !== null && target !== undefined) spec.metrics = [cpuUtilization(target)];
  }
  const status = obj.status;
  if (isRec(status) && Object.hasOwn(status, 'currentCPUUtilizationPercentage')) {
    const current = status.currentCPUUtilizationPercentage;
    delete status.currentCPUUtilizationPercentage;
    if (current !== null && current !== undefined) {
      status.currentMetrics = [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: current } } }];
    }
  }
}

// What the autoscaler did before behavior existed (pkg/apis/autoscaling/v2/defaults.go).
const defaultScaleUp = (): Rec => ({
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ],
});
/** Scale-down's window is the controller's flag (300 s by default), so it stays unset. */
const defaultScaleDown = (): Rec => ({ selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] });

const absent = (v: unknown): boolean => v === undefined || v === null;

/** copyHPAScalingRules over the defaults: the given rule's set fields win. */
function scalingRules(given: unknown, defaults: Rec): unknown {
  if (absent(given)) return defaults;
  if (!isRec(given)) return given; // the wrong shape is validation's to report
  for (const [k, v] of Object.entries(defaults)) if (absent(given[k])) given[k] = v;
  return given;
}

/**
 * SetDefaults_HorizontalPodAutoscaler (v2): minReplicas 1; no metrics → CPU at 80 %
 * utilization; a behavior gets both scaling rules filled in.
 */
export function defaultHorizontalPodAutoscaler(obj: KubeObject): void {
  const spec = obj.spec;
  if (!isRec(spec)) return;
  if (absent(spec.minReplicas)) spec.minReplicas = 1;
  if (absent(spec.metrics) || (Array.isArray(spec.metrics) && spec.metrics.length === 0)) spec.metrics = [cpuUtilization(DEFAULT_CPU_UTILIZATION)];
  if (isRec(spec.behavior)) {
    spec.behavior.scaleUp = scalingRules(spec.behavior.scaleUp, defaultScaleUp());
    spec.behavior.scaleDown = scalingRules(spec.behavior.scaleDown, defaultScaleDown());
  }
}

const at = (v: unknown, ...path: string[]): unknown => {
  let x = v;
  for (const p of path) x = isRec(x) ? x[p] : undefined;
  return x;
};
/** Quantity.String(): the canonical form of a quantity. */
const quantity = (v: unknown): string => tryParseQuantity(v)?.toString() ?? (typeof v === 'string' ? v : '<unknown>');
const percent = (v: unknown): string | undefined => (typeof v === 'number' ? `${v}%` : undefined);

/** One metric as kubectl's formatHPAMetrics prints it, with its current value from the status. */
function formatMetric(spec: Rec, status: unknown): string {
  const kind = SOURCE_OF[typeof spec.type === 'string' ? spec.type : ''];
  if (!kind) return '<unknown type>';
  const target = at(spec, kind, 'target');
  const current = isRec(status) ? at(status, kind, 'current') : undefined;
  const has = isRec(status) && isRec(status[kind]);
  switch (spec.type) {
    case 'External':
    case 'Object':
      if (!absent(at(target, 'averageValue'))) {
        return `${absent(at(current, 'averageValue')) ? '<unknown>' : quantity(at(current, 'averageValue'))}/${quantity(at(target, 'averageValue'))} (avg)`;
      }
      return `${has ? quantity(at(current, 'value')) : '<unknown>'}/${quantity(at(target, 'value'))}`;
    case 'Pods':
      return `${has ? quantity(at(current, 'averageValue')) : '<unknown>'}/${quantity(at(target, 'averageValue'))}`;
    default: {
      // Resource, ContainerResource
      const name = String(at(spec, kind, 'name') ?? '');
      if (!absent(at(target, 'averageValue')))
        return `${name}: ${has ? quantity(at(current, 'averageValue')) : '<unknown>'}/${quantity(at(target, 'averageValue'))}`;
      return `${name}: ${percent(at(current, 'averageUtilization')) ?? '<unknown>'}/${percent(at(target, 'averageUtilization')) ?? '<auto>'}`;
    }
  }
}
const SOURCE_OF: Readonly<Record<string, string>> = {
  Object: 'object',
  Pods: 'pods',
  Resource: 'resource',
  External: 'external',
  ContainerResource: 'containerResource',
};

/** kubectl's formatHPAMetrics: the first two metrics, `current/target`, and how many more. */
export function formatHPAMetrics(obj: KubeObject): string {
  const specs = Array.isArray(obj.spec?.metrics) ? (obj.spec.metrics as unknown[]) : [];
  if (!specs.length) return '<none>';
  const statuses = Array.isArray(obj.status?.currentMetrics) ? (obj.status.currentMetrics as unknown[]) : [];
  const shown = specs.slice(0, 2).map((s, i) => (isRec(s) ? formatMetric(s, statuses[i]) : '<unknown type>'));
  return specs.length > 2 ? `${shown.join(', ')} + ${specs.length - 2} more...` : shown.join(', ');
}

export const horizontalPodAutoscalerStrategy = defineStrategy({
  info: defineKind('HorizontalPodAutoscaler', 'autoscaling/v2', 'horizontalpodautoscalers', true, {
    shortNames: ['hpa'],
    categories: ['all'],
    acceptedVersions: ['autoscaling/v1'],
  }),
  validate: validateHorizontalPodAutoscaler,
  defaults: defaultHorizontalPodAutoscaler,
  convert: convertHorizontalPodAutoscaler,
  // desiredReplicas has no omitempty: a new autoscaler prints `desiredReplicas: 0`.
  prepareForCreate: (obj) => {
    obj.status = { desiredReplicas: 0 };
  },
  printColumns: [
    NAME_COLUMN,
    {
      name: 'REFERENCE',
      type: 'string',
      source: { compute: (o) => `${String(at(o.spec, 'scaleTargetRef', 'kind') ?? '')}/${String(at(o.spec, 'scaleTargetRef', 'name') ?? '')}` },
      description: 'The target of the autoscaler.',
    },
    { name: 'TARGETS', type: 'string', source: { compute: formatHPAMetrics }, description: 'The metrics and their targets, current/target.' },
    {
      name: 'MINPODS',
      type: 'string',
      source: { compute: (o) => (typeof o.spec?.minReplicas === 'number' ? String(o.spec.minReplicas) : '<unset>') },
      description: 'The lower limit for the number of replicas.',
    },
    { name: 'MAXPODS', type: 'integer', source: 'spec.maxReplicas', description: 'The upper limit for the number of replicas.' },
    { name: 'REPLICAS', type: 'integer', source: 'status.currentReplicas', description: 'Current number of replicas of pods managed by this autoscaler.' },
    AGE_COLUMN,
  ],
});
