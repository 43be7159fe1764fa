// The PodStatus a kubelet posts for a pod runtime (pkg/kubelet/kubelet_pods.go
// generateAPIPodStatus and getPhase; status/generate.go for the conditions): phase,
// hostIP, podIP, startTime, the kubelet's four conditions (PodScheduled, Initialized,
// ContainersReady, Ready — readiness gates included) and the container statuses.
// Conditions that others own (DisruptionTarget, a readiness gate's own type, …) are kept
// from the pod as last seen; a condition keeps its lastTransitionTime while its status holds.
import type { ContainerStatus, Pod, PodCondition, PodStatus } from 'kubernetes-types/core/v1.js';
import { timestamp } from '../apimachinery/clock.ts';
import type { ContainerRuntime, ContainerState, PodRuntime } from './pod-runtime.ts';

const KUBELET_CONDITIONS = new Set(['PodScheduled', 'Initialized', 'ContainersReady', 'Ready', 'PodReadyToStartContainers']);

export interface PodPlacement {
  hostIP: string;
  podIP?: string;
}

export function podPhase(rt: PodRuntime): 'Pending' | 'Running' | 'Succeeded' | 'Failed' {
  if (rt.initFailed) return 'Failed';
  if (!rt.initialized) return 'Pending';
  let waiting = 0,
    running = 0,
    succeeded = 0,
    failed = 0,
    restarting = 0;
  for (const c of rt.containers) {
    if ('running' in c.state) running++;
    else if ('terminated' in c.state) c.state.terminated.exitCode === 0 ? succeeded++ : failed++;
    else if (c.lastState)
      restarting++; // between incarnations (back-off, re-creating)
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0 || restarting > 0) return 'Running';
  if (rt.terminating && rt.restartPolicy === 'Always') return 'Running'; // stopped by the deletion, not done
  return failed > 0 ? 'Failed' : 'Succeeded';
}

const stateJson = (s: ContainerState | undefined): Record<string, unknown> => {
  if (!s) return {};
  if ('waiting' in s) return { waiting: { reason: s.waiting.reason, ...(s.waiting.message ? { message: s.waiting.message } : {}) } };
  if ('running' in s) return { running: { startedAt: timestamp(s.running.startedAt) } };
  const t = s.terminated;
  return {
    terminated: { exitCode: t.exitCode, reason: t.reason, ...(t.startedAt ? { startedAt: timestamp(t.startedAt) } : {}), finishedAt: timestamp(t.finishedAt) },
  };
};

function containerStatus(c: ContainerRuntime, uid: string): ContainerStatus {
  return {
    name: c.name,
    image: c.image,
    imageID: `sim://${c.image}`,
    ...(c.incarnation > 0 ? { containerID: `sim://${uid.slice(0, 8)}-${c.name}-${c.incarnation}` } : {}),
    ready: c.ready,
    started: c.started,
    restartCount: c.restartCount,
    state: stateJson(c.state),
    lastState: stateJson(c.lastState),
  } as ContainerStatus;
}

const names = (cs: ContainerRuntime[]) => `[${cs.map((c) => c.name).join(' ')}]`;

export function podStatus(pod: Pod, rt: PodRuntime, placement: PodPlacement, now: Date): PodStatus {
  const phase = podPhase(rt);
  const old = pod.status?.conditions ?? [];
  const condition = (type: string, ok: boolean, reason?: string, message?: string): PodCondition => {
    const status = ok ? 'True' : 'False';
    const before = old.find((c) => c.type === type);
    return {
      type,
      status,
      lastTransitionTime: before?.status === status && before.lastTransitionTime ? before.lastTransitionTime : timestamp(now),
      ...(reason ? { reason } : {}),
      ...(message ? { message } : {}),
    };
  };
  const uninitialized = rt.initContainers.filter((c) => !('terminated' in c.state && c.state.terminated.exitCode === 0));
  const unready = rt.containers.filter((c) => !c.ready);
  const done = phase === 'Succeeded' || phase === 'Failed';
  const containersReady = !done && unready.length === 0 && rt.initialized;
  const gates = (pod.spec?.readinessGates ?? []).map((g) => g.conditionType);
  const missingGates = gates.filter((g) => old.find((c) => c.type === g)?.status !== 'True');
  const conditions: PodCondition[] = [
    condition('PodReadyToStartContainers', true),
    condition(
      'Initialized',
      rt.initialized,
      rt.initialized ? undefined : 'ContainersNotInitialized',
      rt.initialized ? undefined : `containers with incomplete status: ${names(uninitialized)}`,
    ),
    condition(
      'Ready',
      containersReady && missingGates.length === 0,
      done ? 'PodCompleted' : !containersReady ? 'ContainersNotReady' : missingGates.length ? 'ReadinessGatesNotReady' : undefined,
      done
        ? undefined
        : !containersReady
          ? `containers with unready status: ${names(unready)}`
          : missingGates.length
            ? `corresponding condition of pod readiness gate "${missingGates[0]}" does not exist.`
            : undefined,
    ),
    condition(
      'ContainersReady',
      containersReady,
      done ? 'PodCompleted' : containersReady ? undefined : 'ContainersNotReady',
      done || containersReady ? undefined : `containers with unready status: ${names(unready)}`,
    ),
    condition('PodScheduled', true),
  ];
  const foreign = old.filter((c) => !KUBELET_CONDITIONS.has(c.type));
  const uid = pod.metadata?.uid ?? '';
  return {
    phase,
    conditions: [...conditions, ...foreign],
    hostIP: placement.hostIP,
    hostIPs: [{ ip: placement.hostIP }],
    ...(placement.podIP ? { podIP: placement.podIP, podIPs: [{ ip: placement.podIP }] } : {}),
    startTime: timestamp(rt.startedAt ?? now),
    ...(pod.status?.qosClass ? { qosClass: pod.status.qosClass } : {}),
    ...(rt.initContainers.length ? { initContainerStatuses: rt.initContainers.map((c) => containerStatus(c, uid)) } : {}),
    containerStatuses: rt.containers.map((c) => containerStatus(c, uid)),
  };
}
