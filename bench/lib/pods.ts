// What the load client sends: the pods, the kubelet status, the run requests.
import type { LoadResult } from './load.ts';

export const SENT_AT = 'bench.kubeql.io/sent-at';

export type Operation = 'create' | 'bind' | 'status';

export interface RunRequest {
  op: Operation;
  concurrency: number;
  ops: number;
  namespace: string;
  /** Pod names are `${prefix}-${i}`, i < ops. */
  prefix: string;
  /** Puts the send time (wallMs) in annotation SENT_AT of created pods. */
  annotateSentAt?: boolean;
}

export interface RunResult extends LoadResult {
  /** Requests answered 429 (then waited out and retried). */
  rejected: number;
}

/** The small pod of bench/store.bench.ts. */
export function benchPod(name: string, namespace: string, annotations?: Record<string, string>) {
  return {
    metadata: { name, namespace, labels: { app: 'bench', tier: 'web' }, ...(annotations ? { annotations } : {}) },
    spec: { containers: [{ name: 'app', image: 'nginx:1.27', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
  };
}

/** What a kubelet reports for a running pod. */
export function runningStatus(i: number) {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const ip = `10.244.${(i >> 8) & 255}.${i & 255}`;
  return {
    phase: 'Running',
    hostIP: `10.0.0.${i % 16}`,
    podIP: ip,
    podIPs: [{ ip }],
    startTime: now,
    qosClass: 'Burstable',
    conditions: ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].map((type) => ({
      type,
      status: 'True',
      lastProbeTime: null,
      lastTransitionTime: now,
    })),
    containerStatuses: [
      {
        name: 'app',
        image: 'nginx:1.27',
        imageID: 'docker.io/library/nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31',
        containerID: `sim://${i.toString(16).padStart(12, '0')}`,
        ready: true,
        started: true,
        restartCount: 0,
        state: { running: { startedAt: now } },
        lastState: {},
      },
    ],
  };
}
