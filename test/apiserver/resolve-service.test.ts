// resolveService with the EndpointSlice controller running: the test plays scheduler and
// kubelet (binds pods, posts podIP and Ready through the API); the apiserver's proxy rules
// follow the slices through its watch. On PGlite and — with DATABASE_URL — PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BindPodDocument } from '../../src/client/generated/graphql.ts';
import { endpointSliceController } from '../../src/controllers/endpointslice.ts';
import { eventually, startTestCluster, type TestCluster } from '../helpers/cluster.ts';

let c: TestCluster;
before(async () => {
  c = await startTestCluster({ controllers: [endpointSliceController] });
});
after(async () => {
  await c.stop();
});

const pods = () => c.admin.resource('Pod');
type Backend = { ip: string; port: number; protocol: string; nodeName: string | null; targetRef: { name: string } | null; endpointSlice: string };

async function resolve(name: string, port: number, fromNode?: string, namespace = 'default'): Promise<Backend | null> {
  const data = await c.t.ok(
    `query($ns: String, $n: String!, $p: Int!, $f: String) { resolveService(namespace: $ns, name: $n, port: $p, fromNode: $f) { ip port protocol nodeName targetRef { name } endpointSlice } }`,
    { ns: namespace, n: name, p: port, f: fromNode ?? null },
  );
  return data.resolveService;
}

async function setReady(name: string, ip: string, ready: boolean) {
  const status = ready ? 'True' : 'False';
  await pods().updateStatus('default', name, {
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

async function runningPod(name: string, app: string, ip: string, ready: boolean, node = 'node-1') {
  await pods().create({
    metadata: { name, namespace: 'default', labels: { app } },
    spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ name: 'http', containerPort: 8080 }] }] },
  });
  await c.admin.request(BindPodDocument, { namespace: 'default', name, nodeName: node });
  await setReady(name, ip, ready);
}

async function service(name: string, spec: Record<string, unknown> = {}) {
  await c.admin.resource('Service').create({
    metadata: { name, namespace: 'default' },
    spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 'http' }], ...spec } as never,
  });
}

/** Resolves `n` times from `fromNode`; the IPs reached. */
async function spread(name: string, n: number, fromNode?: string): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((await resolve(name, 80, fromNode))?.ip ?? 'null');
  return out;
}

describe('resolveService', () => {
  test('round robin across the ready pods, on the targetPort, skipping not-ready ones', async () => {
    await runningPod('rr-1', 'rr', '10.244.1.1', true);
    await runningPod('rr-2', 'rr', '10.244.1.2', true, 'node-2');
    await runningPod('rr-3', 'rr', '10.244.1.3', false);
    await service('rr');
    await eventually(async () => new Set(await spread('rr', 4)).size === 2, 20_000, 'two ready backends');
    const reached = await spread('rr', 6, 'node-a');
    assert.deepEqual(new Set(reached), new Set(['10.244.1.1', '10.244.1.2']), 'the not-ready pod is skipped');
    for (let i = 1; i < reached.length; i++) assert.notEqual(reached[i], reached[i - 1], 'round robin alternates');
    const one = (await resolve('rr', 80, 'node-a'))!;
    assert.equal(one.port, 8080, "the Service port maps to the pod's named targetPort");
    assert.equal(one.protocol, 'TCP');
    assert.ok(one.targetRef?.name.startsWith('rr-'));
    assert.ok(one.endpointSlice.startsWith('rr-'));
    assert.equal(await resolve('rr', 81, 'node-a'), null, 'no such Service port');
    assert.equal(await resolve('no-such-service', 80), null);

    // Readiness changes converge: rr-3 becomes ready and joins, rr-1 stops being ready and leaves.
    await setReady('rr-3', '10.244.1.3', true);
    await setReady('rr-1', '10.244.1.1', false);
    await eventually(
      async () => {
        const s = new Set(await spread('rr', 6, 'node-b'));
        return s.size === 2 && s.has('10.244.1.2') && s.has('10.244.1.3');
      },
      20_000,
      'rr-3 in, rr-1 out',
    );
  });

  test('null when no endpoint is ready, and a backend once one is', async () => {
    await runningPod('none-1', 'none', '10.244.2.1', false);
    await service('none');
    await eventually(
      async () =>
        (await c.admin.resource('EndpointSlice').list({ namespace: 'default', labelSelector: 'kubernetes.io/service-name=none' })).items.some(
          (s) => s.endpoints?.length,
        ),
      20_000,
      'a slice',
    );
    assert.equal(await resolve('none', 80), null);
    await setReady('none-1', '10.244.2.1', true);
    const b = await eventually(() => resolve('none', 80), 20_000, 'a ready backend');
    assert.equal(b.ip, '10.244.2.1');
  });

  test('sessionAffinity ClientIP: each fromNode keeps its backend until it is no longer ready', async () => {
    for (let i = 1; i <= 3; i++) await runningPod(`sticky-${i}`, 'sticky', `10.244.3.${i}`, true);
    await service('sticky', { sessionAffinity: 'ClientIP' });
    await eventually(
      async () =>
        new Set(await spread('sticky', 3, 'probe')).size === 1 &&
        (await c.admin.resource('EndpointSlice').list({ namespace: 'default', labelSelector: 'kubernetes.io/service-name=sticky' })).items
          .flatMap((s) => s.endpoints ?? [])
          .filter((e) => e.conditions?.ready).length === 3,
      20_000,
      'three ready endpoints',
    );
    const chosen = new Map<string, string>();
    for (const node of ['node-a', 'node-b', 'node-c', 'node-d']) {
      const reached = await spread('sticky', 5, node);
      assert.equal(new Set(reached).size, 1, `${node} sticks to one backend: ${reached}`);
      chosen.set(node, reached[0]);
    }
    // The backend of node-a stops being ready: node-a moves to another one, and stays there.
    const lost = chosen.get('node-a')!;
    const pod = `sticky-${lost.split('.')[3]}`;
    await setReady(pod, lost, false);
    const moved = await eventually(
      async () => {
        const ip = (await resolve('sticky', 80, 'node-a'))?.ip;
        return ip && ip !== lost ? ip : undefined;
      },
      20_000,
      'node-a moved',
    );
    assert.deepEqual(new Set(await spread('sticky', 4, 'node-a')), new Set([moved]));
    for (const node of ['node-b', 'node-c', 'node-d']) {
      if (chosen.get(node) !== lost) assert.deepEqual(new Set(await spread('sticky', 3, node)), new Set([chosen.get(node)]), `${node} keeps its backend`);
    }
  });

  test('follows scaling: pods added and removed change the backends', async () => {
    await runningPod('scale-1', 'scale', '10.244.4.1', true);
    await service('scale');
    await eventually(async () => (await resolve('scale', 80))?.ip === '10.244.4.1', 20_000, 'one backend');
    for (let i = 2; i <= 4; i++) await runningPod(`scale-${i}`, 'scale', `10.244.4.${i}`, true);
    await eventually(async () => new Set(await spread('scale', 8)).size === 4, 20_000, 'four backends');
    for (let i = 1; i <= 3; i++) await pods().delete('default', `scale-${i}`, { gracePeriodSeconds: 0 });
    await eventually(
      async () => {
        const s = new Set(await spread('scale', 4));
        return s.size === 1 && s.has('10.244.4.4');
      },
      20_000,
      'one backend left',
    );
    await pods().delete('default', 'scale-4', { gracePeriodSeconds: 0 });
    await eventually(async () => (await resolve('scale', 80)) === null, 20_000, 'none left');
  });

  test('headless Services have no proxy rule', async () => {
    await runningPod('hl-1', 'hl', '10.244.5.1', true);
    await service('hl', { clusterIP: 'None' });
    await eventually(
      async () =>
        (await c.admin.resource('EndpointSlice').list({ namespace: 'default', labelSelector: 'kubernetes.io/service-name=hl' })).items.some(
          (s) => s.endpoints?.length,
        ),
      20_000,
      'a slice',
    );
    assert.equal(await resolve('hl', 80), null);
  });

  test('resolveService is authorized as get on services and endpointslices in the namespace', async () => {
    await runningPod('authz-1', 'authz', '10.244.6.1', true);
    await service('authz');
    await eventually(() => resolve('authz', 80), 20_000, 'a backend');
    const q = `{ resolveService(name: "authz", port: 80) { ip } }`;
    const nobody = await c.t.gql(q, {}, { authorization: `Bearer ${await c.t.token('nobody')}` });
    assert.equal(nobody.errors?.[0].extensions?.code, 'FORBIDDEN');
    await c.t.ok(
      `mutation { createRole(role: { metadata: { name: "svc-reader" }, rules: [{ apiGroups: [""], resources: ["services"], verbs: ["get"] }] }) { metadata { name } } }`,
    );
    await c.t.ok(
      `mutation { createRoleBinding(roleBinding: { metadata: { name: "svc-reader" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "svc-reader" }, subjects: [{ kind: "User", name: "reader" }] }) { metadata { name } } }`,
    );
    const reader = `Bearer ${await c.t.token('reader')}`;
    const partial = await eventually(
      async () => {
        const r = await c.t.gql(q, {}, { authorization: reader });
        return r.errors?.[0].message.includes('endpointslices') ? r : undefined;
      },
      10_000,
      'services allowed, endpointslices not',
    );
    assert.equal(partial.errors?.[0].extensions?.code, 'FORBIDDEN');
    await c.t.ok(
      `mutation { patchRole(name: "svc-reader", patch: { rules: [{ apiGroups: [""], resources: ["services"], verbs: ["get"] }, { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["get"] }] }) { metadata { name } } }`,
    );
    const allowed = await eventually(async () => (await c.t.gql(q, {}, { authorization: reader })).data?.resolveService, 10_000, 'allowed');
    assert.equal(allowed.ip, '10.244.6.1');
  });
});
