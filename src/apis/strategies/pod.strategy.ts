// Pods (pkg/registry/core/pod/strategy.go): Pending with a QoS class on create, graceful
// deletion once a kubelet runs them, the binding subresource, and kubectl's columns.
import { badInput, conflict } from '../../apimachinery/errors.ts';
import { DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS, defaultPod } from '../defaults.ts';
import type { KubeObject } from '../kinds.ts';
import { readObject } from '../validation/field.ts';
import { validatePod, validatePodUpdate } from '../validation/pod.ts';
import { AGE_COLUMN, NAME_COLUMN, defineKind, defineStrategy, keepStoredStatus } from './define.ts';
import { isRecord } from '../../apimachinery/json.ts';
import { printPod } from './pod.printer.ts';

/** The QoS class Kubernetes assigns a pod from its containers' requests and limits (any shape tolerated). */
export function qosClass(pod: KubeObject): 'BestEffort' | 'Burstable' | 'Guaranteed' {
  const spec = isRecord(pod.spec) ? pod.spec : {};
  const containers = Array.isArray(spec.containers) ? spec.containers : [];
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const resources = isRecord(c) && isRecord(c.resources) ? c.resources : {};
    const requests = isRecord(resources.requests) ? resources.requests : {};
    const limits = isRecord(resources.limits) ? resources.limits : {};
    if (Object.keys(requests).length || Object.keys(limits).length) any = true;
    for (const r of ['cpu', 'memory']) {
      const limit = limits[r];
      const request = requests[r] ?? limit;
      if (limit === undefined || String(request) !== String(limit)) guaranteed = false;
    }
  }
  return !any ? 'BestEffort' : guaranteed ? 'Guaranteed' : 'Burstable';
}

/**
 * The Priority admission plugin resolved spec.priority and spec.preemptionPolicy at
 * creation (src/apiserver/admission/priority.ts): an update that leaves them out keeps
 * them (the plugin's update branch), so that a replace from a manifest is not refused as
 * a change of an immutable field.
 */
function keepResolvedPriority(pod: KubeObject, old: KubeObject): void {
  if (!isRecord(pod.spec) || !isRecord(old.spec)) return;
  for (const f of ['priority', 'preemptionPolicy'] as const) {
    if ((pod.spec[f] === undefined || pod.spec[f] === null) && old.spec[f] !== undefined && old.spec[f] !== null) pod.spec[f] = old.spec[f];
  }
}

export const podStrategy = defineStrategy({
  info: defineKind('Pod', 'v1', 'pods', true, {
    shortNames: ['po'],
    categories: ['all'],
    fieldSelectors: ['spec.nodeName', 'status.phase', 'spec.schedulerName', 'spec.restartPolicy'],
  }),
  validate: validatePod,
  validateUpdate: validatePodUpdate,
  // A status write changes only the status: the stored spec and metadata were validated when written.
  validateStatus: (errs, pod) => void readObject(errs, 'status', pod.status),
  defaults: defaultPod,

  prepareForCreate(pod) {
    pod.status = { phase: 'Pending', qosClass: qosClass(pod) };
  },
  prepareForUpdate(pod, old) {
    keepStoredStatus(pod, old);
    keepResolvedPriority(pod, old);
  },

  /** The QoS class is the apiserver's, fixed at creation: a status write that leaves it out keeps it. */
  prepareForStatusUpdate(pod, old) {
    const qos = isRecord(old.status) ? old.status.qosClass : undefined;
    if (isRecord(pod.status) && (pod.status.qosClass ?? '') === '' && qos !== undefined) pod.status.qosClass = qos;
  },

  /** Only pods that a kubelet runs terminate gracefully; unbound or finished pods go at once. */
  gracePeriod(pod, requested) {
    const spec = (isRecord(pod.spec) ? pod.spec : {}) as { nodeName?: unknown; terminationGracePeriodSeconds?: unknown };
    const phase = isRecord(pod.status) ? pod.status.phase : undefined;
    if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
    const fromSpec = typeof spec.terminationGracePeriodSeconds === 'number' ? spec.terminationGracePeriodSeconds : undefined;
    return requested ?? fromSpec ?? DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS;
  },

  subresources: {
    /** pods/binding: the scheduler assigns the pod to a node, once. */
    binding: {
      check(input) {
        if (!input.nodeName) throw badInput('Binding is invalid: target.name: Required value', [{ field: 'target.name', message: 'Required value' }]);
      },
      update(pod, input, now) {
        const name = pod.metadata.name ?? '';
        const spec = (pod.spec ??= {}) as { nodeName?: string };
        if (pod.metadata.deletionTimestamp) throw conflict('pods/binding', name, 'pod is being deleted, cannot be assigned to a host');
        if (spec.nodeName) throw conflict('pods/binding', name, `pod ${name} is already assigned to node "${spec.nodeName}"`);
        spec.nodeName = String(input.nodeName);
        const status = (pod.status ??= {}) as { conditions?: unknown };
        const conditions = (Array.isArray(status.conditions) ? status.conditions : []).filter((c: unknown) => !isRecord(c) || c.type !== 'PodScheduled');
        conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now });
        status.conditions = conditions;
        return pod;
      },
    },
  },

  printColumns: [
    NAME_COLUMN,
    { name: 'READY', type: 'string', source: { compute: (p, now) => printPod(p, now).ready }, description: 'Ready containers of all containers.' },
    { name: 'STATUS', type: 'string', source: { compute: (p, now) => printPod(p, now).status } },
    { name: 'RESTARTS', type: 'string', source: { compute: (p, now) => printPod(p, now).restarts } },
    AGE_COLUMN,
    { name: 'IP', type: 'string', source: { compute: (p, now) => printPod(p, now).ip }, priority: 1 },
    { name: 'NODE', type: 'string', source: 'spec.nodeName', priority: 1 },
    { name: 'NOMINATED NODE', type: 'string', source: 'status.nominatedNodeName', priority: 1 },
    { name: 'READINESS GATES', type: 'string', source: { compute: (p, now) => printPod(p, now).readinessGates }, priority: 1 },
  ],
});
