// kubectl get pods' READY, STATUS, RESTARTS and READINESS GATES, and AGE's durations, as
// kube-apiserver 1.30's printers compute them (pkg/printers/internalversion/printers.go,
// apimachinery's duration.HumanDuration).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeObject } from '../../src/apis/kinds.ts';
import { printPod } from '../../src/apis/strategies/pod.printer.ts';
import { humanAge } from '../../src/apis/strategy.ts';

const now = new Date('2026-01-01T01:00:00Z');
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString();
const pod = (spec: Record<string, unknown>, status: Record<string, unknown>, metadata: Record<string, unknown> = {}): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', ...metadata }, spec: { containers: [{ name: 'a' }], ...spec }, status }) as KubeObject;
const running = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  ready: true,
  restartCount: 0,
  state: { running: { startedAt: ago(60) } },
  ...extra,
});

describe('kubectl get pods columns', () => {
  const cases: [string, KubeObject, Partial<ReturnType<typeof printPod>>][] = [
    ['pending, nothing reported', pod({}, { phase: 'Pending' }), { ready: '0/1', status: 'Pending', restarts: '0' }],
    [
      'scheduling gated',
      pod({}, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }),
      { status: 'SchedulingGated' },
    ],
    [
      'a container being created',
      pod({}, { phase: 'Pending', containerStatuses: [{ name: 'a', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] }),
      { ready: '0/1', status: 'ContainerCreating' },
    ],
    ['running and ready', pod({}, { phase: 'Running', containerStatuses: [running('a')] }), { ready: '1/1', status: 'Running', restarts: '0' }],
    [
      'crash-looping, restarted two minutes ago',
      pod(
        {},
        {
          phase: 'Running',
          containerStatuses: [
            {
              name: 'a',
              ready: false,
              restartCount: 5,
              state: { waiting: { reason: 'CrashLoopBackOff' } },
              lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(125) } },
            },
          ],
        },
      ),
      { ready: '0/1', status: 'CrashLoopBackOff', restarts: '5 (2m5s ago)' },
    ],
    [
      'succeeded',
      pod(
        {},
        { phase: 'Succeeded', containerStatuses: [{ name: 'a', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] },
      ),
      { ready: '0/1', status: 'Completed' },
    ],
    [
      'a completed pod being deleted stays Completed (a terminal phase)',
      pod(
        {},
        { phase: 'Succeeded', containerStatuses: [{ name: 'a', restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] },
        { deletionTimestamp: ago(1) },
      ),
      { status: 'Completed' },
    ],
    [
      'exited without a reason',
      pod({}, { phase: 'Failed', containerStatuses: [{ name: 'a', restartCount: 0, state: { terminated: { exitCode: 137 } } }] }),
      { status: 'ExitCode:137' },
    ],
    [
      'killed by a signal',
      pod({}, { phase: 'Failed', containerStatuses: [{ name: 'a', restartCount: 0, state: { terminated: { exitCode: 0, signal: 9 } } }] }),
      { status: 'Signal:9' },
    ],
    [
      'one container completed while another runs: Running when the pod is Ready',
      pod(
        { containers: [{ name: 'a' }, { name: 'b' }] },
        {
          phase: 'Running',
          conditions: [{ type: 'Ready', status: 'True' }],
          containerStatuses: [running('a'), { name: 'b', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
        },
      ),
      { ready: '1/2', status: 'Running' },
    ],
    [
      '… and NotReady when it is not',
      pod(
        { containers: [{ name: 'a' }, { name: 'b' }] },
        {
          phase: 'Running',
          conditions: [{ type: 'Ready', status: 'False' }],
          containerStatuses: [running('a'), { name: 'b', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
        },
      ),
      { status: 'NotReady' },
    ],
    [
      'the second of two init containers running',
      pod(
        { initContainers: [{ name: 'i0' }, { name: 'i1' }] },
        {
          phase: 'Pending',
          initContainerStatuses: [
            { name: 'i0', restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
            { name: 'i1', restartCount: 0, state: { running: { startedAt: ago(5) } } },
          ],
          containerStatuses: [{ name: 'a', restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }],
        },
      ),
      { ready: '0/1', status: 'Init:1/2' },
    ],
    [
      'an init container crash-looping',
      pod(
        { initContainers: [{ name: 'i0' }] },
        { phase: 'Pending', initContainerStatuses: [{ name: 'i0', restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } } }] },
      ),
      { status: 'Init:CrashLoopBackOff', restarts: '3' },
    ],
    [
      'an init container failed',
      pod(
        { initContainers: [{ name: 'i0' }] },
        { phase: 'Failed', initContainerStatuses: [{ name: 'i0', restartCount: 0, state: { terminated: { exitCode: 2, reason: 'Error' } } }] },
      ),
      { status: 'Init:Error' },
    ],
    [
      'a started sidecar (restartable init container) counts as a container',
      pod(
        { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] },
        {
          phase: 'Running',
          conditions: [{ type: 'Initialized', status: 'True' }],
          initContainerStatuses: [{ name: 'proxy', ready: true, started: true, restartCount: 1, state: { running: { startedAt: ago(30) } } }],
          containerStatuses: [running('a')],
        },
      ),
      { ready: '2/2', status: 'Running', restarts: '1' },
    ],
    ['deleted', pod({}, { phase: 'Running', containerStatuses: [running('a')] }, { deletionTimestamp: ago(1) }), { status: 'Terminating' }],
    ['deleted on a lost node', pod({}, { phase: 'Running', reason: 'NodeLost' }, { deletionTimestamp: ago(1) }), { status: 'Unknown' }],
    [
      'readiness gates, one of two true',
      pod(
        { readinessGates: [{ conditionType: 'example.com/lb' }, { conditionType: 'example.com/db' }] },
        { phase: 'Running', conditions: [{ type: 'example.com/lb', status: 'True' }], containerStatuses: [running('a')] },
      ),
      { readinessGates: '1/2' },
    ],
    ['no readiness gates', pod({}, { phase: 'Running' }), { readinessGates: '<none>' }],
    ['the first of podIPs', pod({}, { phase: 'Running', podIP: '10.0.0.1', podIPs: [{ ip: '10.0.0.2' }] }), { ip: '10.0.0.2' }],
    ['podIP when podIPs is absent', pod({}, { phase: 'Running', podIP: '10.0.0.1' }), { ip: '10.0.0.1' }],
  ];
  for (const [name, p, want] of cases) {
    test(name, () => {
      const got = printPod(p, now);
      for (const [k, v] of Object.entries(want)) assert.equal(got[k as keyof typeof got], v, k);
    });
  }
});

test("AGE's durations are apimachinery's HumanDuration", () => {
  const m = 60;
  const h = 3600;
  const d = 86400;
  const y = 365 * d;
  const cases: [number, string][] = [
    [-5, '<invalid>'],
    [-0.5, '0s'],
    [0, '0s'],
    [119, '119s'],
    [200, '3m20s'],
    [5 * m, '5m'],
    [10 * m + 5, '10m'],
    [179 * m, '179m'],
    [3 * h, '3h'],
    [4 * h + 10 * m, '4h10m'],
    [20 * h, '20h'],
    [3 * d + 6 * h, '3d6h'],
    [7 * d, '7d'],
    [30 * d + 5 * h, '30d'],
    [2 * y + 100 * d, '2y100d'],
    [9 * y, '9y'],
  ];
  for (const [seconds, want] of cases) assert.equal(humanAge(seconds), want, String(seconds));
});
