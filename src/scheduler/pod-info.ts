// What the scheduler derives from a pod once and reads many times: its requests (as
// NodeResourcesFit counts them), the non-zero requests scoring uses, its host ports and
// whether it carries pod (anti-)affinity terms. Pods from informers are never mutated in
// place, so the derived data is cached by object identity.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { podRequests } from '../apis/quantity.ts';
import type { Resources } from './framework.ts';
import { resourcesOf } from './resources.ts';

/** kube-scheduler's defaults for a container that requests no cpu / memory (schedutil.DefaultMilliCPURequest, DefaultMemoryRequest). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export interface PodInfo {
  /** Effective requests, `pods: 1`. */
  readonly requests: Resources;
  /** cpu / memory with the defaults for containers that request none. */
  readonly nonZeroMilliCPU: number;
  readonly nonZeroMemory: number;
  /** `${protocol}/${hostIP}/${hostPort}` of every container port with a hostPort. */
  readonly hostPorts: readonly string[];
  /** Any pod affinity or anti-affinity (required or preferred). */
  readonly hasAffinity: boolean;
  readonly hasRequiredAntiAffinity: boolean;
  /** The uid of its controller owner (ReplicaSet, StatefulSet, …), if any. */
  readonly controllerUID?: string;
}

const cache = new WeakMap<Pod, PodInfo>();

export function podInfo(pod: Pod): PodInfo {
  let info = cache.get(pod);
  if (!info) {
    info = computePodInfo(pod);
    cache.set(pod, info);
  }
  return info;
}

/** The pod's identity in a NodeInfo: its uid, else namespace/name. */
export const podKey = (pod: Pod): string => pod.metadata?.uid || `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;

type Container = NonNullable<Pod['spec']>['containers'][number];

function withDefaultRequests(c: Container): Container {
  const req = c.resources?.requests as Record<string, unknown> | undefined;
  const hasCPU = req !== undefined && Object.hasOwn(req, 'cpu');
  const hasMem = req !== undefined && Object.hasOwn(req, 'memory');
  if (hasCPU && hasMem) return c;
  return {
    ...c,
    resources: {
      ...c.resources,
      requests: {
        ...(hasCPU ? {} : { cpu: `${DEFAULT_MILLI_CPU_REQUEST}m` }),
        ...(hasMem ? {} : { memory: String(DEFAULT_MEMORY_REQUEST) }),
        ...req,
      } as Record<string, string>,
    },
  };
}

function computePodInfo(pod: Pod): PodInfo {
  const spec = pod.spec;
  const requests = resourcesOf(podRequests(spec));
  requests.pods = 1;
  // Non-zero requests: the same sum with the defaults applied per container whose request is missing.
  const nz = spec
    ? resourcesOf(
        podRequests({
          ...spec,
          containers: (spec.containers ?? []).map(withDefaultRequests),
          initContainers: spec.initContainers?.map(withDefaultRequests),
        }),
      )
    : { milliCPU: DEFAULT_MILLI_CPU_REQUEST, memory: DEFAULT_MEMORY_REQUEST };
  const hostPorts: string[] = [];
  const portsOf = (cs: readonly Container[] | undefined, sidecarsOnly: boolean): void => {
    for (const c of cs ?? []) {
      if (sidecarsOnly && c.restartPolicy !== 'Always') continue;
      for (const p of c.ports ?? []) {
        if (p.hostPort && p.hostPort > 0) hostPorts.push(hostPortKey(p.protocol, p.hostIP, p.hostPort));
      }
    }
  };
  portsOf(spec?.initContainers, true);
  portsOf(spec?.containers, false);
  const a = spec?.affinity;
  const hasAffinity = !!(a?.podAffinity || a?.podAntiAffinity);
  const hasRequiredAntiAffinity = (a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length ?? 0) > 0;
  const controller = pod.metadata?.ownerReferences?.find((o) => o.controller);
  return {
    requests,
    nonZeroMilliCPU: nz.milliCPU,
    nonZeroMemory: nz.memory,
    hostPorts,
    hasAffinity,
    hasRequiredAntiAffinity,
    controllerUID: controller?.uid,
  };
}

/** NodeInfo.usedPorts' key: protocol (TCP when unset), host IP (0.0.0.0 when unset), port. */
export const hostPortKey = (protocol: string | undefined, hostIP: string | undefined, port: number): string =>
  `${protocol || 'TCP'}/${hostIP || '0.0.0.0'}/${port}`;
