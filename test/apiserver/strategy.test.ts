// The registry is kind-blind: what a kind does on create, update, status writes and
// deletion comes from its strategy (src/apis/strategies), through the real apiserver;
// every write is admitted in one pass; namespaced creates check their namespace in a
// cache that reads its own writes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { KubeObject } from '../../src/apis/kinds.ts';
import { STRATEGIES, strategyFor } from '../../src/apis/strategies/index.ts';
import { createConformanceCheck } from '../../src/apiserver/graphql/conformance.ts';
import { buildApiSchema } from '../../src/apiserver/graphql/schema.ts';
import { NamespaceCache } from '../../src/apiserver/registry/namespace-cache.ts';
import { Registry } from '../../src/apiserver/registry/registry.ts';
import { columnsOf, printRow, type Strategy } from '../../src/apis/strategy.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let t: TestServer;
before(async () => (t = await startTestServer()));
after(() => t.stop());

const POD = 'metadata { name deletionTimestamp deletionGracePeriodSeconds } spec { nodeName } status { phase qosClass podIP }';
const container = (resources?: Record<string, unknown>) => ({ name: 'app', image: 'nginx:1.27', ...(resources ? { resources } : {}) });
const createPod = async (name: string, spec: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  (await t.ok(`mutation($p: PodInput!) { createPod(pod: $p) { ${POD} } }`, { p: { metadata: { name }, spec, ...extra } })).createPod;
const getPod = async (name: string) => (await t.ok(`query($n: String!) { pod(name: $n) { ${POD} } }`, { n: name })).pod;
const deletePod = async (name: string) => (await t.ok(`mutation($n: String!) { deletePod(name: $n) { ${POD} } }`, { n: name })).deletePod;

describe('the registry names no kind', () => {
  test('registry.ts has no per-kind branch; every served kind has a strategy', () => {
    const source = readFileSync(new URL('../../src/apiserver/registry/registry.ts', import.meta.url), 'utf8');
    assert.doesNotMatch(source, /kind\s*[!=]==?\s*'[A-Z]/, 'no `kind === ...` branches');
    for (const s of STRATEGIES) {
      // The one name left is bindPod's, the GraphQL resolver's entry to updateSubresource.
      const mentions = source.match(new RegExp(`'${s.info.kind}'`, 'g')) ?? [];
      assert.ok(mentions.length <= (s.info.kind === 'Pod' ? 1 : 0), `registry.ts names ${s.info.kind}`);
    }
    assert.deepEqual(STRATEGIES.map((s) => s.info.kind).sort(), [...new Set(STRATEGIES.map((s) => s.info.kind))].sort());
  });

  test('a kind behaves as its strategy says: the same registry, another Pod strategy', async () => {
    const pods = strategyFor('Pod')!;
    const patient: Strategy = {
      ...pods,
      gracePeriod: () => 300,
      prepareForCreate: (o) => {
        o.status = { phase: 'Queued' };
      },
    };
    const registry = new Registry(t.server.store, { strategies: (kind) => (kind === 'Pod' ? patient : strategyFor(kind)) });
    const created = await registry.create('Pod', { metadata: { name: 'other-strategy' }, spec: { containers: [container()] } });
    assert.deepEqual(created.status, { phase: 'Queued' });
    const deleted = await registry.delete('Pod', 'default', 'other-strategy');
    assert.equal(deleted?.metadata.deletionGracePeriodSeconds, 300, 'unbound, yet graceful: the strategy decides');
    await registry.delete('Pod', 'default', 'other-strategy', { gracePeriodSeconds: 0 });
  });
});

describe('Pod strategy', () => {
  test('create resets the status to Pending with the QoS class', async () => {
    const p = await createPod('reset', { containers: [container({ requests: { cpu: '100m' } })] }, { status: { phase: 'Running', podIP: '10.0.0.9' } });
    assert.deepEqual(p.status, { phase: 'Pending', qosClass: 'Burstable', podIP: null });
  });

  test('QoS class: BestEffort, Burstable, Guaranteed', async () => {
    const guaranteed = { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } };
    assert.equal((await createPod('qos-be', { containers: [container()] })).status.qosClass, 'BestEffort');
    assert.equal((await createPod('qos-bu', { containers: [container({ limits: { cpu: '1' } })] })).status.qosClass, 'Burstable');
    assert.equal((await createPod('qos-g', { containers: [container(guaranteed)] })).status.qosClass, 'Guaranteed');
    assert.equal(
      (await createPod('qos-limits', { containers: [container({ limits: guaranteed.limits })] })).status.qosClass,
      'Guaranteed',
      'limits stand in for requests',
    );
  });

  test('main-resource writes keep the stored status; status writes keep the spec (and the QoS class)', async () => {
    await createPod('writes', { containers: [container()] });
    const replaced = (
      await t.ok(`mutation($p: PodInput!) { replacePod(pod: $p) { ${POD} } }`, {
        p: { metadata: { name: 'writes' }, spec: { containers: [container()] }, status: { phase: 'Running' } },
      })
    ).replacePod;
    assert.equal(replaced.status.phase, 'Pending');
    const status = (
      await t.ok(`mutation { updatePodStatus(name: "writes", status: { phase: "Running", podIP: "10.1.2.3" }) { ${POD} spec { containers { image } } } }`)
    ).updatePodStatus;
    assert.deepEqual(status.status, { phase: 'Running', qosClass: 'BestEffort', podIP: '10.1.2.3' });
    assert.equal(status.spec.containers[0].image, 'nginx:1.27');
  });

  test('graceful deletion only for pods a kubelet runs', async () => {
    await createPod('unbound', { containers: [container()] });
    assert.equal((await deletePod('unbound')).metadata.deletionTimestamp, null);
    assert.equal(await getPod('unbound'), null, 'an unbound pod goes at once');

    await createPod('bound', { nodeName: 'node-1', containers: [container()] });
    const terminating = await deletePod('bound');
    assert.ok(terminating.metadata.deletionTimestamp);
    assert.equal(terminating.metadata.deletionGracePeriodSeconds, 30, "the spec's terminationGracePeriodSeconds (defaulted)");
    assert.ok(await getPod('bound'), 'kept while the kubelet stops it');

    await createPod('finished', { nodeName: 'node-1', containers: [container()] });
    await t.ok(`mutation { updatePodStatus(name: "finished", status: { phase: "Succeeded" }) { metadata { name } } }`);
    await deletePod('finished');
    assert.equal(await getPod('finished'), null, 'a finished pod goes at once');
  });

  test('binding is a subresource of pods only', async () => {
    await createPod('to-bind', { containers: [container()] });
    const bound = await t.server.registry.updateSubresource('Pod', 'default', 'to-bind', 'binding', { nodeName: 'node-2' });
    assert.equal((bound.spec as { nodeName?: string }).nodeName, 'node-2');
    await assert.rejects(t.server.registry.updateSubresource('Node', undefined, 'x', 'binding', { nodeName: 'n' }), /nodes have no binding subresource/);
    await assert.rejects(t.server.registry.updateSubresource('Pod', 'default', 'to-bind', 'binding', {}), /Binding is invalid: target.name: Required value/);
  });
});

describe('Node and Namespace strategies', () => {
  test('a node keeps the status it registers with (allocatable defaults to capacity)', async () => {
    const capacity = { cpu: '4', memory: '8Gi', pods: '110' };
    const n = (
      await t.ok(`mutation($n: NodeInput!) { createNode(node: $n) { status { capacity allocatable conditions { type status } } } }`, {
        n: { metadata: { name: 'kept' }, status: { capacity, conditions: [{ type: 'Ready', status: 'True' }] } },
      })
    ).createNode;
    assert.deepEqual(n.status, { capacity, allocatable: capacity, conditions: [{ type: 'Ready', status: 'True' }] });
  });

  test('a namespace starts Active, and terminates while spec.finalizers hold it', async () => {
    const ns = (await t.ok(`mutation { createNamespace(namespace: { metadata: { name: "ending" } }) { spec { finalizers } status { phase } } }`))
      .createNamespace;
    assert.deepEqual(ns, { spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
    const terminating = (await t.ok(`mutation { deleteNamespace(name: "ending") { metadata { deletionTimestamp } status { phase } } }`)).deleteNamespace;
    assert.equal(terminating.status.phase, 'Terminating');
    assert.ok(terminating.metadata.deletionTimestamp);
    // The namespace controller's last step: the finalizer goes, and so does the namespace.
    await t.ok(`mutation { patchNamespace(name: "ending", patch: { spec: { finalizers: [] } }) { metadata { name } } }`);
    assert.equal((await t.ok(`{ namespace(name: "ending") { metadata { name } } }`)).namespace, null);
  });
});

describe('one pass of admission', () => {
  /** A registry over the server's store whose strategies and conformance count their calls. */
  function counting() {
    const calls = { conformance: 0, validate: 0, defaults: 0, validateUpdate: 0 };
    const schema = buildApiSchema();
    let conformance: ReturnType<typeof createConformanceCheck> | undefined;
    const wrapped = new Map<string, Strategy>();
    const strategies = (kind: string) => {
      const s = strategyFor(kind);
      if (!s) return undefined;
      if (!wrapped.has(kind)) {
        wrapped.set(kind, {
          ...s,
          validate: (o) => (calls.validate++, s.validate(o)),
          validateUpdate: (o, old) => (calls.validateUpdate++, s.validateUpdate(o, old)),
          defaults: (o) => (calls.defaults++, s.defaults(o)),
        });
      }
      return wrapped.get(kind);
    };
    return {
      calls,
      async registry() {
        conformance ??= createConformanceCheck(await schema);
        return new Registry(t.server.store, { strategies, conformance: (o, f) => (calls.conformance++, conformance!(o, f)) });
      },
      reset: () => Object.assign(calls, { conformance: 0, validate: 0, defaults: 0, validateUpdate: 0 }),
    };
  }

  test('create, replace, patch and apply: conformance, defaults and validation once per write', async () => {
    const c = counting();
    const registry = await c.registry();
    const spec = {
      replicas: 1,
      selector: { matchLabels: { app: 'once' } },
      template: { metadata: { labels: { app: 'once' } }, spec: { containers: [container()] } },
    };
    await registry.create('Deployment', { metadata: { name: 'once' }, spec });
    assert.deepEqual(c.calls, { conformance: 1, validate: 1, defaults: 1, validateUpdate: 0 }, 'create');
    c.reset();
    await registry.patch('Deployment', 'default', 'once', { spec: { replicas: 2 } });
    assert.deepEqual(c.calls, { conformance: 1, validate: 1, defaults: 1, validateUpdate: 1 }, 'patch');
    c.reset();
    const manifest = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'once-applied' }, spec };
    await registry.apply(manifest);
    assert.deepEqual(c.calls, { conformance: 1, validate: 1, defaults: 1, validateUpdate: 0 }, 'apply (create)');
    c.reset();
    await registry.apply({ ...manifest, spec: { ...spec, replicas: 3 } });
    assert.deepEqual(c.calls, { conformance: 1, validate: 1, defaults: 1, validateUpdate: 1 }, 'apply (update)');
  });

  test('update rules only judge valid objects (a fuzz finding: a selector of nulls is INVALID, not internal)', async () => {
    const spec = { selector: { matchLabels: { app: 'sel' } }, template: { metadata: { labels: { app: 'sel' } }, spec: { containers: [container()] } } };
    await t.ok(`mutation($d: DeploymentInput!) { createDeployment(deployment: $d) { metadata { name } } }`, { d: { metadata: { name: 'sel' }, spec } });
    const patched = await t.gql(`mutation($p: JSON!) { patchDeployment(name: "sel", patch: $p) { metadata { name } } }`, {
      p: { spec: { selector: { matchExpressions: [null] } } },
    });
    assert.equal(patched.errors?.[0].extensions?.code, 'BAD_USER_INPUT', JSON.stringify(patched.errors));
    const applied = await t.gql(`mutation($m: JSON!) { apply(manifest: $m) { __typename } }`, {
      m: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'sel' }, spec: { ...spec, selector: { matchExpressions: [null, 7] } } },
    });
    assert.equal(applied.errors?.[0].extensions?.code, 'BAD_USER_INPUT', JSON.stringify(applied.errors));
    const moved = await t.gql(`mutation($p: JSON!) { patchDeployment(name: "sel", patch: $p) { metadata { name } } }`, {
      p: { spec: { selector: { matchLabels: { app: 'other' } }, template: { metadata: { labels: { app: 'other' } } } } },
    });
    assert.match(
      moved.errors?.[0].message ?? '',
      /spec.selector: Invalid value: v1.LabelSelector\{MatchLabels:map\[string\]string\{"app":"other"\}.*field is immutable/,
    );
  });

  test('the shape is checked before the strategy and the defaults read it', async () => {
    for (const spec of [
      { containers: false },
      { containers: 7 },
      { containers: [7] },
      { containers: [{ name: 'a', image: 'x', resources: 'lots' }] },
      'nope',
    ]) {
      const res = await t.gql(`mutation($p: PodInput!) { createPod(pod: $p) { metadata { name } } }`, { p: { metadata: { name: 'shape' }, spec } });
      assert.equal(res.errors?.[0].extensions?.code, 'BAD_USER_INPUT', JSON.stringify(spec));
      assert.match(res.errors![0].message, /^Pod "shape" is invalid: spec/);
    }
  });
});

describe('namespace lifecycle from the cache', () => {
  test('a create right after its namespace was created by this apiserver succeeds', async () => {
    for (let i = 0; i < 10; i++) {
      const res = await t.ok(
        `mutation($p: PodInput!) {
        ns: createNamespace(namespace: { metadata: { name: "fresh-${i}" } }) { metadata { name } }
        pod: createPod(pod: $p) { metadata { namespace } }
      }`,
        { p: { metadata: { name: 'p', namespace: `fresh-${i}` }, spec: { containers: [container()] } } },
      );
      assert.equal(res.pod.metadata.namespace, `fresh-${i}`);
    }
  });

  test("a namespace the cache has yet to hear of (another apiserver's) is read from the store", async () => {
    const ns: KubeObject = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'elsewhere', uid: crypto.randomUUID() },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    };
    await t.server.store.create({ kind: 'Namespace', namespace: '', name: 'elsewhere' }, ns);
    const pod = await t.server.registry.create('Pod', { metadata: { name: 'p', namespace: 'elsewhere' }, spec: { containers: [container()] } });
    assert.equal(pod.metadata.namespace, 'elsewhere');
  });

  test('a create in a namespace being terminated is FORBIDDEN, at once', async () => {
    await t.ok(`mutation { createNamespace(namespace: { metadata: { name: "closing" } }) { metadata { name } } }`);
    const res = await t.gql(
      `mutation($p: PodInput!) {
      del: deleteNamespace(name: "closing") { status { phase } }
      pod: createPod(pod: $p) { metadata { name } }
    }`,
      { p: { metadata: { name: 'late', namespace: 'closing' }, spec: { containers: [container()] } } },
    );
    assert.equal(res.errors?.[0].extensions?.code, 'FORBIDDEN'); // (the non-null createPod takes `data` down with it)
    assert.equal((await t.ok(`{ namespace(name: "closing") { status { phase } } }`)).namespace.status.phase, 'Terminating');
    assert.equal(res.errors?.[0].message, 'pods is forbidden: unable to create new content in namespace closing because it is being terminated');
    const missing = await t.gql(`mutation($p: PodInput!) { createPod(pod: $p) { metadata { name } } }`, {
      p: { metadata: { name: 'x', namespace: 'never-made' }, spec: { containers: [container()] } },
    });
    assert.equal(missing.errors?.[0].message, 'namespaces "never-made" not found');
  });

  test('creates in a known namespace read no Namespace from the store', async () => {
    const store = t.server.store;
    const get = store.get.bind(store);
    let namespaceReads = 0;
    store.get = (key) => {
      if (key.kind === 'Namespace') namespaceReads++;
      return get(key);
    };
    try {
      for (let i = 0; i < 5; i++) await createPod(`cached-${i}`, { containers: [container()] });
    } finally {
      store.get = get;
    }
    assert.equal(namespaceReads, 0);
  });

  test('a cache that was never started, or was stopped, reads the store', async () => {
    const cache = new NamespaceCache(t.server.store);
    await cache.admit('pods', 'default');
    await assert.rejects(cache.admit('pods', 'nowhere'), /namespaces "nowhere" not found/);
    await cache.start();
    await cache.admit('pods', 'default');
    cache.stop();
    await cache.admit('pods', 'default');
  });
});

describe('printed columns', () => {
  test("kubectl get's columns are data, printed by one printer", () => {
    const pods = strategyFor('Pod')!;
    assert.deepEqual(
      columnsOf(pods).map((c) => c.name),
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
    );
    assert.deepEqual(
      columnsOf(pods, true).map((c) => c.name),
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES'],
    );
    const now = new Date('2026-01-01T01:00:00Z');
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', creationTimestamp: '2026-01-01T00:55:00Z' },
      spec: { nodeName: 'n1', containers: [{ name: 'a' }, { name: 'b' }] },
      status: {
        phase: 'Running',
        podIP: '10.0.0.1',
        containerStatuses: [
          { name: 'a', ready: true, restartCount: 2, state: { running: { startedAt: '2026-01-01T00:58:00Z' } } },
          { name: 'b', ready: false, restartCount: 1, state: { running: { startedAt: '2026-01-01T00:56:00Z' } } },
        ],
      },
    } as KubeObject;
    assert.deepEqual(printRow(columnsOf(pods, true), pod, now), ['web', '1/2', 'Running', '3', '5m', '10.0.0.1', 'n1', '<none>', '<none>']);
    const terminating = { ...pod, metadata: { ...pod.metadata, deletionTimestamp: '2026-01-01T01:00:30Z' } };
    assert.equal(printRow(columnsOf(pods), terminating, now)[2], 'Terminating');

    const node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n1', creationTimestamp: '2025-12-29T01:00:00Z', labels: { 'node-role.kubernetes.io/control-plane': '' } },
      spec: { unschedulable: true },
      status: { conditions: [{ type: 'Ready', status: 'True' }], nodeInfo: { kubeletVersion: 'v1.31.0' } },
    } as KubeObject;
    assert.deepEqual(printRow(columnsOf(strategyFor('Node')!), node, now), ['n1', 'Ready,SchedulingDisabled', 'control-plane', '3d', 'v1.31.0']);

    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', creationTimestamp: '2026-01-01T00:59:10Z' },
      spec: {
        type: 'ClusterIP',
        clusterIP: '10.96.0.10',
        ports: [
          { port: 80, protocol: 'TCP' },
          { port: 53, protocol: 'UDP' },
        ],
      },
    } as KubeObject;
    assert.deepEqual(printRow(columnsOf(strategyFor('Service')!), svc, now), ['web', 'ClusterIP', '10.96.0.10', '<none>', '80/TCP,53/UDP', '50s']);
    for (const s of STRATEGIES) assert.equal(s.printColumns[0].name, s.info.kind === 'Event' ? 'LAST SEEN' : 'NAME', s.info.kind);
  });
});
