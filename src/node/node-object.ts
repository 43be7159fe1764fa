// What a simulated kubelet registers and reports about its Node (pkg/kubelet/kubelet_node_status.go):
// the Node object (labels kubernetes.io/hostname, kubernetes.io/os, the zone) and its status —
// capacity and allocatable, the four node conditions, addresses and nodeInfo.
import { createHash } from 'node:crypto';
import type { Node, NodeCondition, NodeStatus } from 'kubernetes-types/core/v1.js';
import { timestamp } from '../apimachinery/clock.ts';

export interface NodeShape {
  cpu: string;
  memory: string;
  pods: number;
  zone: string;
  region: string;
}

export const KUBELET_VERSION = 'v1.31.0-kubeql';

/** A stable InternalIP for a node name, in 172.16.0.0/12 (node addresses are not pod addresses). */
export function nodeIP(name: string): string {
  const h = createHash('sha256').update(name).digest();
  const n = ((h[0] & 0x0f) << 16) | (h[1] << 8) | h[2];
  const host = Math.max(1, Math.min(n, 0xffffe));
  return `172.${16 + (host >> 16)}.${(host >> 8) & 0xff}.${host & 0xff || 1}`;
}

export function nodeObject(name: string, shape: NodeShape): Node & { metadata: { name: string } } {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'beta.kubernetes.io/arch': 'amd64',
        'topology.kubernetes.io/zone': shape.zone,
        'topology.kubernetes.io/region': shape.region,
        type: 'kubeql-sim',
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'kubeql.io/simulated': 'true' },
    },
    spec: {},
  };
}

const CONDITIONS: [type: string, readyStatus: 'True' | 'False', reason: string, message: string][] = [
  ['MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
  ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
  ['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
  ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'],
];

/** The kubelet's view of its node's status; `previous` keeps transition times of conditions whose status holds. */
export function nodeStatus(name: string, shape: NodeShape, previous: NodeCondition[] | undefined, now: Date, bootID: string): NodeStatus {
  const resources = { cpu: shape.cpu, memory: shape.memory, pods: String(shape.pods), 'ephemeral-storage': '100Gi', 'hugepages-2Mi': '0' };
  const at = timestamp(now);
  return {
    capacity: resources,
    allocatable: resources,
    conditions: CONDITIONS.map(([type, status, reason, message]) => {
      const before = previous?.find((c) => c.type === type);
      return {
        type,
        status,
        lastHeartbeatTime: at,
        lastTransitionTime: before?.status === status && before.lastTransitionTime ? before.lastTransitionTime : at,
        reason,
        message,
      };
    }),
    addresses: [
      { type: 'InternalIP', address: nodeIP(name) },
      { type: 'Hostname', address: name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: createHash('md5').update(`machine:${name}`).digest('hex'),
      systemUUID: createHash('md5')
        .update(`system:${name}`)
        .digest('hex')
        .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5'),
      bootID,
      kernelVersion: '6.1.0-kubeql',
      osImage: 'kubeql simulated node',
      containerRuntimeVersion: 'kubeql-sim://1.0.0',
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: KUBELET_VERSION,
      operatingSystem: 'linux',
      architecture: 'amd64',
    },
  };
}

/** The node conditions the kubelet would post differ from what the Node says (another party, e.g. the node lifecycle controller, changed them). */
export function conditionsDiffer(node: Node | undefined): boolean {
  const conditions = node?.status?.conditions ?? [];
  return CONDITIONS.some(([type, status]) => conditions.find((c) => c.type === type)?.status !== status);
}
