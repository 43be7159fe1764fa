// The EndpointSlice controller against a real apiserver, running through the SDK as
// system:kube-controller-manager. The test plays scheduler and kubelet: it binds pods and
// posts their status (podIP, Ready) through the API.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { BindPodDocument } from '../../src/client/generated/graphql.ts';
import { endpointSliceController, MANAGED_BY_LABEL, SERVICE_NAME_LABEL } from '../../src/controllers/endpointslice.ts';
import { eventually, startTestCluster, type TestCluster } from '../helpers/cluster.ts';

let c: TestCluster;
before(async () => {
  c = await startTestCluster({ controllers: [endpointSliceController] });
});
after(async () => {
  await c.stop();
});

const pods = () => c.admin.resource('Pod');
const slicesOf = async (service: string, namespace = 'default'): Promise<EndpointSlice[]> =>
  (await c.admin.resource('EndpointSlice').list({ namespace, labelSelector: `${SERVICE_NAME_LABEL}=${service}` })).items;
const endpointsOf = (slices: EndpointSlice[]) => slices.flatMap((s) => s.endpoints ?? []);

/** A pod of `app`, bound to `node`, running with `ip` and ready or not (as a kubelet reports it). */
async function runningPod(name: string, app: string, ip: string, ready: boolean, node = 'node-1', namespace = 'default') {
  await pods().create({
    metadata: { name, namespace, labels: { app } },
    spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ name: 'http', containerPort: 8080 }] }] },
  });
  await c.admin.request(BindPodDocument, { namespace, name, nodeName: node });
  await setReady(name, ip, ready, namespace);
}

async function setReady(name: string, ip: string, ready: boolean, namespace = 'default') {
  const status = ready ? 'True' : 'False';
  await pods().updateStatus(namespace, name, {
    phase: 'Running',
    podIP: ip,
    podIPs: [{ ip }],
    hostIP: '10.0.0.1',
    conditions: [
      { type: 'Ready', status },
      { type: 'ContainersReady', status },
    ],
  });
}

describe('EndpointSlices follow the Service and its pods', () => {
  test('a Service selecting pods gets a managed slice listing their IPs, node, targetRef, readiness and the resolved ports', async () => {
    await runningPod('web-1', 'web', '10.244.1.1', true);
    await runningPod('web-2', 'web', '10.244.1.2', false);
    await pods().create({ metadata: { name: 'web-pending', labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } }); // no IP: not listed
    const svc = await c.admin.resource('Service').create({
      metadata: { name: 'web', namespace: 'default', labels: { team: 'a' } },
      spec: {
        selector: { app: 'web' },
        ports: [
          { name: 'http', port: 80, targetPort: 'http' },
          { name: 'metrics', port: 9090, targetPort: 9100 },
        ],
      },
    });

    const [slice] = await eventually(
      async () => {
        const s = await slicesOf('web');
        return s.length === 1 && endpointsOf(s).length === 2 ? s : undefined;
      },
      20_000,
      'a slice with two endpoints',
    );
    assert.equal(slice.addressType, 'IPv4');
    assert.equal(slice.metadata?.labels?.[MANAGED_BY_LABEL], 'endpointslice-controller.k8s.io');
    assert.equal(slice.metadata?.labels?.team, 'a', 'the Service labels are copied');
    assert.ok(slice.metadata?.name?.startsWith('web-'));
    assert.deepEqual(slice.metadata?.ownerReferences, [
      { apiVersion: 'v1', kind: 'Service', name: 'web', uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true },
    ]);
    assert.deepEqual(slice.ports, [
      { name: 'http', protocol: 'TCP', port: 8080 },
      { name: 'metrics', protocol: 'TCP', port: 9100 },
    ]);
    const byName = Object.fromEntries(endpointsOf([slice]).map((e) => [e.targetRef?.name, e]));
    assert.deepEqual(byName['web-1'].addresses, ['10.244.1.1']);
    assert.equal(byName['web-1'].nodeName, 'node-1');
    assert.equal(byName['web-1'].targetRef?.kind, 'Pod');
    assert.deepEqual(byName['web-1'].conditions, { ready: true, serving: true, terminating: false });
    assert.deepEqual(byName['web-2'].conditions, { ready: false, serving: false, terminating: false });

    // Readiness changes are followed.
    await setReady('web-2', '10.244.1.2', true);
    await eventually(async () => endpointsOf(await slicesOf('web')).every((e) => e.conditions?.ready), 20_000, 'web-2 ready');

    // A terminating pod is listed as terminating, not ready, still serving.
    await pods().create({
      metadata: { name: 'web-3', labels: { app: 'web' }, finalizers: ['example.com/hold'] },
      spec: { containers: [{ name: 'web', image: 'nginx' }] },
    });
    await setReady('web-3', '10.244.1.3', true);
    await eventually(async () => endpointsOf(await slicesOf('web')).length === 3, 20_000, 'three endpoints');
    await pods().delete('default', 'web-3');
    const terminating = await eventually(
      async () => endpointsOf(await slicesOf('web')).find((e) => e.targetRef?.name === 'web-3' && e.conditions?.terminating),
      20_000,
      'web-3 terminating',
    );
    assert.deepEqual(terminating.conditions, { ready: false, serving: true, terminating: true });
    await pods().patch('default', 'web-3', { metadata: { finalizers: null } });

    // A pod that stops matching leaves the slice; a deleted one too.
    await pods().patch('default', 'web-2', { metadata: { labels: { app: 'other' } } });
    await pods().delete('default', 'web-1', { gracePeriodSeconds: 0 });
    // What stays is one empty placeholder slice (created as the last real one goes).
    const [placeholder] = await eventually(
      async () => {
        const s = await slicesOf('web');
        return s.length === 1 && endpointsOf(s).length === 0 ? s : undefined;
      },
      20_000,
      'one empty placeholder slice',
    );
    assert.deepEqual(placeholder.ports ?? [], []);
  });

  test('more than 100 selected pods are split over two slices, and scaling down empties them again', async () => {
    await c.admin.resource('Service').create({ metadata: { name: 'big', namespace: 'default' }, spec: { selector: { app: 'big' }, ports: [{ port: 80 }] } });
    const n = 130;
    for (let i = 0; i < n; i++) {
      await pods().create({ metadata: { name: `big-${i}`, labels: { app: 'big' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
      await setReady(`big-${i}`, `10.244.2.${i}`, true);
    }
    const slices = await eventually(
      async () => {
        const s = await slicesOf('big');
        return endpointsOf(s).length === n ? s : undefined;
      },
      60_000,
      `${n} endpoints`,
    );
    assert.equal(slices.length, 2);
    assert.ok(slices.every((s) => (s.endpoints ?? []).length <= 100));
    assert.deepEqual(
      slices.map((s) => s.ports),
      [[{ name: '', protocol: 'TCP', port: 80 }], [{ name: '', protocol: 'TCP', port: 80 }]],
    );
    assert.equal(new Set(endpointsOf(slices).map((e) => e.addresses[0])).size, n, 'every pod once');

    for (let i = 0; i < 100; i++) await pods().delete('default', `big-${i}`, { gracePeriodSeconds: 0 });
    const left = await eventually(
      async () => {
        const s = await slicesOf('big');
        return endpointsOf(s).length === n - 100 ? s : undefined;
      },
      60_000,
      `${n - 100} endpoints`,
    );
    assert.equal(left.length, 1, 'the emptied slice is deleted');
  });

  test('the slices go when the Service loses its selector, and when it is deleted', async () => {
    await runningPod('db-1', 'db', '10.244.3.1', true);
    await c.admin.resource('Service').create({ metadata: { name: 'db', namespace: 'default' }, spec: { selector: { app: 'db' }, ports: [{ port: 5432 }] } });
    await eventually(async () => endpointsOf(await slicesOf('db')).length === 1, 20_000, 'db endpoint');
    await c.admin.resource('Service').patch('default', 'db', { spec: { selector: null } });
    await eventually(async () => (await slicesOf('db')).length === 0, 20_000, 'no db slice without a selector');

    await c.admin.resource('Service').patch('default', 'db', { spec: { selector: { app: 'db' } } });
    await eventually(async () => endpointsOf(await slicesOf('db')).length === 1, 20_000, 'db endpoint again');
    await c.admin.resource('Service').delete('default', 'db');
    await eventually(async () => (await slicesOf('db')).length === 0, 20_000, 'no db slice once the Service is gone');
  });
});
