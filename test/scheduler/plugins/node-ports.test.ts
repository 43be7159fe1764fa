import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodePorts } from '../../../src/scheduler/plugins/node-ports.ts';
import { cluster, mkNode, mkPod, runFilter } from './fixtures.ts';

type P = { hostPort: number; containerPort: number; protocol?: string; hostIP?: string };
const withPorts = (name: string, ports: P[]) => mkPod(name, { containers: [{ name: 'c', image: 'x', ports }] });
const busy = "Unschedulable: node(s) didn't have free ports for the requested pod ports";
const cases: { name: string; used: P[]; want: P[]; result: string }[] = [
  { name: 'no host ports', used: [{ hostPort: 80, containerPort: 80 }], want: [], result: 'ok' },
  { name: 'same port, same protocol', used: [{ hostPort: 80, containerPort: 80 }], want: [{ hostPort: 80, containerPort: 8080 }], result: busy },
  {
    name: 'same port, other protocol',
    used: [{ hostPort: 80, containerPort: 80 }],
    want: [{ hostPort: 80, containerPort: 80, protocol: 'UDP' }],
    result: 'ok',
  },
  { name: 'other port', used: [{ hostPort: 80, containerPort: 80 }], want: [{ hostPort: 81, containerPort: 80 }], result: 'ok' },
  {
    name: 'different host IPs do not conflict',
    used: [{ hostPort: 80, containerPort: 80, hostIP: '10.0.0.1' }],
    want: [{ hostPort: 80, containerPort: 80, hostIP: '10.0.0.2' }],
    result: 'ok',
  },
  {
    name: 'wildcard wanted conflicts with any IP',
    used: [{ hostPort: 80, containerPort: 80, hostIP: '10.0.0.1' }],
    want: [{ hostPort: 80, containerPort: 80 }],
    result: busy,
  },
  {
    name: 'a specific IP conflicts with a used wildcard',
    used: [{ hostPort: 80, containerPort: 80 }],
    want: [{ hostPort: 80, containerPort: 80, hostIP: '10.0.0.2' }],
    result: busy,
  },
];
for (const c of cases) {
  test(`NodePorts filter: ${c.name}`, () => {
    const snap = cluster([mkNode('n')], { n: [withPorts('e', c.used)] });
    assert.equal(runFilter(nodePorts, withPorts('p', c.want), snap).n, c.result);
  });
}
