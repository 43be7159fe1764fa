// The generic operations of API.md through the real apiserver over HTTP.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let t: TestServer;
before(async () => (t = await startTestServer()));
after(() => t.stop());

const POD = `apiVersion kind metadata { name namespace uid resourceVersion generation labels annotations creationTimestamp deletionTimestamp deletionGracePeriodSeconds finalizers }
  spec { nodeName restartPolicy terminationGracePeriodSeconds schedulerName containers { name image imagePullPolicy } } status { phase qosClass conditions { type status } } manifest`;
const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  metadata: { name, labels: { app: 'web' } },
  spec: { containers: [{ name: 'app', image: 'nginx:1.27', resources: { requests: { cpu: '500m', memory: '128Mi' } } }], ...extra },
});
const revision = async () => Number((await t.ok(`{ namespaces { metadata { resourceVersion } } }`)).namespaces.metadata.resourceVersion);

describe('bootstrap', () => {
  test('namespaces default, kube-system and kube-node-lease exist from the first start', async () => {
    const data = await t.ok(`{ namespaces { items { metadata { name namespace } status { phase } } } }`);
    const names = data.namespaces.items.map((n: { metadata: { name: string } }) => n.metadata.name);
    for (const n of ['default', 'kube-system', 'kube-node-lease']) assert.ok(names.includes(n), n);
    assert.equal(data.namespaces.items[0].metadata.namespace, null);
    assert.equal(data.namespaces.items[0].status.phase, 'Active');
  });
});

describe('create', () => {
  test('admission fills Kubernetes defaults, uid, timestamps and generation', async () => {
    const { createPod: p } = await t.ok(`mutation($p: PodInput!) { createPod(pod: $p) { ${POD} } }`, { p: pod('web') });
    assert.equal(p.apiVersion, 'v1');
    assert.equal(p.kind, 'Pod');
    assert.equal(p.metadata.namespace, 'default');
    assert.match(p.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.match(p.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(p.metadata.generation, 1);
    assert.equal(p.spec.restartPolicy, 'Always');
    assert.equal(p.spec.terminationGracePeriodSeconds, 30);
    assert.equal(p.spec.schedulerName, 'default-scheduler');
    assert.equal(p.spec.containers[0].imagePullPolicy, 'IfNotPresent');
    assert.equal(p.status.phase, 'Pending');
    assert.equal(p.status.qosClass, 'Burstable');
    assert.equal(p.manifest.metadata.resourceVersion, p.metadata.resourceVersion);
    assert.deepEqual(Object.keys(p.manifest), ['apiVersion', 'kind', 'metadata', 'spec', 'status']);
  });

  test('fields kubeql does not type are kept and returned in manifest', async () => {
    const volumes = [{ name: 'data', emptyDir: { sizeLimit: '1Gi' } }];
    const probe = { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 5 };
    const input = pod('extras', { volumes, securityContext: { runAsNonRoot: true } });
    (input.spec.containers[0] as Record<string, unknown>).readinessProbe = probe;
    const { createPod: p } = await t.ok(`mutation($p: PodInput!) { createPod(pod: $p) { manifest } }`, { p: input });
    assert.deepEqual(p.manifest.spec.volumes, volumes);
    // Kubernetes defaults the probe's unset fields (timeoutSeconds, scheme…); the set ones stay.
    assert.deepEqual(p.manifest.spec.containers[0].readinessProbe.httpGet.path, '/healthz');
    assert.equal(p.manifest.spec.containers[0].readinessProbe.periodSeconds, 5);
    assert.deepEqual(p.manifest.spec.securityContext, { runAsNonRoot: true });
  });

  test('generateName makes a unique name', async () => {
    const { a, b } = await t.ok(`mutation($p: PodInput!) { a: createPod(pod: $p) { metadata { name } } b: createPod(pod: $p) { metadata { name } } }`, {
      p: { metadata: { generateName: 'gen-' }, spec: pod('x').spec },
    });
    assert.match(a.metadata.name, /^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.notEqual(a.metadata.name, b.metadata.name);
  });

  test('a taken name is ALREADY_EXISTS and changes nothing', async () => {
    await t.ok(`mutation($p: PodInput!) { createPod(pod: $p) { metadata { name } } }`, { p: pod('dup') });
    const rev = await revision();
    const res = await t.gql(`mutation($p: PodInput!) { createPod(pod: $p) { metadata { name } } }`, { p: pod('dup') });
    assert.equal(res.errors?.[0].extensions?.code, 'ALREADY_EXISTS');
    assert.equal(res.errors?.[0].message, 'pods "dup" already exists');
    assert.equal(await revision(), rev);
  });

  test('a namespace that does not exist is NOT_FOUND', async () => {
    const res = await t.gql(`mutation($p: PodInput!) { createPod(pod: $p) { metadata { name } } }`, {
      p: { ...pod('x'), metadata: { name: 'x', namespace: 'nowhere' } },
    });
    assert.equal(res.errors?.[0].extensions?.code, 'NOT_FOUND');
    assert.equal(res.errors?.[0].message, 'namespaces "nowhere" not found');
  });

  test('invalid objects are BAD_USER_INPUT with field paths, and nothing is written', async () => {
    const rev = await revision();
    const res = await t.gql(`mutation($p: PodInput!) { createPod(pod: $p) { metadata { name } } }`, {
      p: {
        metadata: { name: 'Bad_Name', labels: { 'bad key!': 'x' } },
        spec: { containers: [{ name: 'app' }, { name: 'b', image: 'x', resources: { requests: { cpu: 'lots' } } }], restartPolicy: 'Sometimes' },
      },
    });
    const err = res.errors?.[0];
    assert.equal(err?.extensions?.code, 'BAD_USER_INPUT');
    const fields = err?.extensions?.causes?.map((c) => c.field) ?? [];
    for (const f of ['metadata.name', 'metadata.labels', 'spec.containers[0].image', 'spec.containers[1].resources.requests[cpu]', 'spec.restartPolicy']) {
      assert.ok(fields.includes(f), `cause for ${f} in ${JSON.stringify(fields)}`);
    }
    assert.match(err!.message, /^Pod "Bad_Name" is invalid: /);
    assert.equal(await revision(), rev);
  });

  test('text PostgreSQL cannot store (NUL, unpaired surrogates) is BAD_USER_INPUT and writes nothing', async () => {
    const rev = await revision();
    for (const bad of ['nul\u0000here', 'lone\ud800', '\udc00tail']) {
      const res = await t.gql(`mutation($p: PodInput!) { createPod(pod: $p) { metadata { name } } }`, {
        p: { ...pod('text'), metadata: { name: 'text', annotations: { note: bad } } },
      });
      assert.equal(res.errors?.[0].extensions?.code, 'BAD_USER_INPUT', JSON.stringify(bad));
      const get = await t.gql(`query($n: String!) { pod(name: $n) { metadata { name } } }`, { n: bad });
      assert.ok(get.errors === undefined || get.errors[0].extensions?.code === 'BAD_USER_INPUT', JSON.stringify(get));
    }
    assert.equal(await revision(), rev);
  });

  test('an input of the wrong kind or apiVersion is refused', async () => {
    const res = await t.gql(`mutation($p: PodInput!) { createPod(pod: $p) { metadata { name } } }`, { p: { ...pod('k'), kind: 'Node' } });
    assert.equal(res.errors?.[0].extensions?.code, 'BAD_USER_INPUT');
    const res2 = await t.gql(`mutation($p: PodInput!) { createPod(pod: $p) { metadata { name } } }`, { p: { ...pod('k'), apiVersion: 'apps/v1' } });
    assert.equal(res2.errors?.[0].extensions?.code, 'BAD_USER_INPUT');
  });
});

describe('read', () => {
  test('get returns null when absent; list pages and selects', async () => {
    assert.equal((await t.ok(`{ pod(name: "absent") { metadata { name } } }`)).pod, null);
    for (const [n, tier] of [
      ['r1', 'a'],
      ['r2', 'b'],
      ['r3', 'a'],
    ]) {
      await t.ok(`mutation($p: PodInput!) { createPod(pod: $p) { metadata { name } } }`, {
        p: { ...pod(n), metadata: { name: n, namespace: 'kube-system', labels: { tier } } },
      });
    }
    const all = await t.ok(`{ pods(namespace: "kube-system", labelSelector: "tier=a") { items { metadata { name } } } }`);
    assert.deepEqual(
      all.pods.items.map((p: { metadata: { name: string } }) => p.metadata.name),
      ['r1', 'r3'],
    );
    const page1 = await t.ok(`{ pods(namespace: "kube-system", limit: 2) { items { metadata { name } } metadata { continue resourceVersion } } }`);
    assert.equal(page1.pods.items.length, 2);
    const page2 = await t.ok(
      `query($c: String) { pods(namespace: "kube-system", limit: 2, continue: $c) { items { metadata { name } } metadata { continue resourceVersion } } }`,
      { c: page1.pods.metadata.continue },
    );
    assert.deepEqual(
      page2.pods.items.map((p: { metadata: { name: string } }) => p.metadata.name),
      ['r3'],
    );
    assert.equal(page2.pods.metadata.continue, null);
    assert.equal(page2.pods.metadata.resourceVersion, page1.pods.metadata.resourceVersion);
    const across = await t.ok(`{ pods(namespace: null, allNamespaces: true, fieldSelector: "metadata.name=r2") { items { metadata { name namespace } } } }`);
    assert.deepEqual(
      across.pods.items.map((p: { metadata: { namespace: string } }) => p.metadata.namespace),
      ['kube-system'],
    );
  });

  test('bad selectors are BAD_USER_INPUT', async () => {
    const a = await t.gql(`{ pods(labelSelector: "a in (") { items { metadata { name } } } }`);
    assert.equal(a.errors?.[0].extensions?.code, 'BAD_USER_INPUT');
    const b = await t.gql(`{ pods(fieldSelector: "spec.image=x") { items { metadata { name } } } }`);
    assert.equal(b.errors?.[0].extensions?.code, 'BAD_USER_INPUT');
    assert.match(b.errors![0].message, /field label not supported: spec.image/);
  });
});

describe('update', () => {
  test('replace: generation bumps on spec change only; status is ignored; stale resourceVersion is CONFLICT', async () => {
    const { createPod: p } = await t.ok(`mutation($p: PodInput!) { createPod(pod: $p) { ${POD} } }`, { p: pod('up') });
    const labelled = { metadata: { name: 'up', labels: { app: 'web', v: '2' } }, spec: pod('up').spec, status: { phase: 'Running' } };
    const { replacePod: r1 } = await t.ok(`mutation($p: PodInput!) { replacePod(pod: $p) { ${POD} } }`, { p: labelled });
    assert.equal(r1.metadata.generation, 1, 'a label change keeps the generation');
    assert.equal(r1.status.phase, 'Pending', "status is the status subresource's");
    assert.equal(r1.metadata.uid, p.metadata.uid);
    assert.equal(r1.metadata.creationTimestamp, p.metadata.creationTimestamp);
    const changed = { metadata: { name: 'up', resourceVersion: r1.metadata.resourceVersion }, spec: { ...pod('up').spec, activeDeadlineSeconds: 60 } };
    const { replacePod: r2 } = await t.ok(`mutation($p: PodInput!) { replacePod(pod: $p) { ${POD} } }`, { p: changed });
    assert.equal(r2.metadata.generation, 2);
    const stale = await t.gql(`mutation($p: PodInput!) { replacePod(pod: $p) { metadata { name } } }`, { p: changed });
    assert.equal(stale.errors?.[0].extensions?.code, 'CONFLICT');
    assert.match(stale.errors![0].message, /the object has been modified/);
  });

  test('patch: merge and JSON patch; immutable fields refused', async () => {
    await t.ok(`mutation($p: PodInput!) { createPod(pod: $p) { metadata { name } } }`, { p: pod('pt') });
    const merged = await t.ok(`mutation { patchPod(name: "pt", patch: { metadata: { labels: { extra: "yes", app: null } } }) { metadata { labels } } }`);
    assert.deepEqual(merged.patchPod.metadata.labels, { extra: 'yes' });
    const json = await t.ok(`mutation($p: JSON!) { patchPod(name: "pt", type: JSON, patch: $p) { spec { containers { image } } } }`, {
      p: [{ op: 'replace', path: '/spec/containers/0/image', value: 'nginx:1.28' }],
    });
    assert.equal(json.patchPod.spec.containers[0].image, 'nginx:1.28');
    const bad = await t.gql(`mutation($p: JSON!) { patchPod(name: "pt", type: JSON, patch: $p) { metadata { name } } }`, {
      p: [{ op: 'test', path: '/spec/nodeName', value: 'x' }],
    });
    assert.equal(bad.errors?.[0].extensions?.code, 'BAD_USER_INPUT');
    const rename = await t.gql(`mutation { patchPod(name: "pt", patch: { metadata: { namespace: "kube-system" } }) { metadata { name } } }`);
    assert.equal(rename.errors?.[0].extensions?.code, 'BAD_USER_INPUT');
    const missing = await t.gql(`mutation { patchPod(name: "nope", patch: {}) { metadata { name } } }`);
    assert.equal(missing.errors?.[0].extensions?.code, 'NOT_FOUND');
  });

  test('status subresource, binding, and spec.nodeName immutability', async () => {
    await t.ok(`mutation($p: PodInput!) { createPod(pod: $p) { metadata { name } } }`, { p: pod('bound') });
    const s = await t.ok(
      `mutation { updatePodStatus(name: "bound", status: { phase: "Running", podIP: "10.0.0.7" }) { status { phase podIP } metadata { generation } } }`,
    );
    assert.deepEqual(s.updatePodStatus.status, { phase: 'Running', podIP: '10.0.0.7' });
    assert.equal(s.updatePodStatus.metadata.generation, 1);
    const b = await t.ok(`mutation { bindPod(name: "bound", nodeName: "node-1") { spec { nodeName } status { conditions { type status } } } }`);
    assert.equal(b.bindPod.spec.nodeName, 'node-1');
    assert.deepEqual(b.bindPod.status.conditions, [{ type: 'PodScheduled', status: 'True' }]);
    const again = await t.gql(`mutation { bindPod(name: "bound", nodeName: "node-2") { spec { nodeName } } }`);
    assert.equal(again.errors?.[0].extensions?.code, 'CONFLICT');
    const moved = await t.gql(`mutation { patchPod(name: "bound", patch: { spec: { nodeName: "node-2" } }) { spec { nodeName } } }`);
    assert.equal(moved.errors?.[0].extensions?.code, 'BAD_USER_INPUT');
  });
});

describe('delete', () => {
  test('unbound pods go at once; bound pods terminate gracefully; preconditions', async () => {
    await t.ok(`mutation($p: PodInput!) { createPod(pod: $p) { metadata { name } } }`, { p: pod('d1') });
    const gone = await t.ok(`mutation { deletePod(name: "d1") { metadata { name deletionTimestamp } } }`);
    assert.equal(gone.deletePod.metadata.name, 'd1');
    assert.equal((await t.ok(`{ pod(name: "d1") { metadata { name } } }`)).pod, null);

    const { createPod: p } = await t.ok(`mutation($p: PodInput!) { createPod(pod: $p) { metadata { uid } } }`, { p: pod('d2', { nodeName: 'node-1' }) });
    const wrongUid = await t.gql(`mutation { deletePod(name: "d2", preconditions: { uid: "00000000-0000-0000-0000-000000000000" }) { metadata { name } } }`);
    assert.equal(wrongUid.errors?.[0].extensions?.code, 'CONFLICT');
    const term = await t.ok(
      `mutation($u: String) { deletePod(name: "d2", gracePeriodSeconds: 10, preconditions: { uid: $u }) { metadata { deletionTimestamp deletionGracePeriodSeconds } } }`,
      { u: p.metadata.uid },
    );
    assert.ok(term.deletePod.metadata.deletionTimestamp);
    assert.equal(term.deletePod.metadata.deletionGracePeriodSeconds, 10);
    assert.ok((await t.ok(`{ pod(name: "d2") { metadata { name } } }`)).pod, 'still there while it terminates');
    await t.ok(`mutation { deletePod(name: "d2", gracePeriodSeconds: 0) { metadata { name } } }`);
    assert.equal((await t.ok(`{ pod(name: "d2") { metadata { name } } }`)).pod, null);
    const missing = await t.gql(`mutation { deletePod(name: "d2") { metadata { name } } }`);
    assert.equal(missing.errors?.[0].extensions?.code, 'NOT_FOUND');
  });

  test('finalizers hold an object until they are removed', async () => {
    await t.ok(`mutation($p: PodInput!) { createPod(pod: $p) { metadata { name } } }`, {
      p: { ...pod('fin'), metadata: { name: 'fin', finalizers: ['example.com/hold'] } },
    });
    const held = await t.ok(`mutation { deletePod(name: "fin") { metadata { deletionTimestamp finalizers } } }`);
    assert.ok(held.deletePod.metadata.deletionTimestamp);
    const add = await t.gql(`mutation { patchPod(name: "fin", patch: { metadata: { finalizers: ["example.com/hold", "more"] } }) { metadata { name } } }`);
    assert.equal(add.errors?.[0].extensions?.code, 'BAD_USER_INPUT', 'no new finalizers on a terminating object');
    await t.ok(`mutation { patchPod(name: "fin", patch: { metadata: { finalizers: null } }) { metadata { name } } }`);
    assert.equal((await t.ok(`{ pod(name: "fin") { metadata { name } } }`)).pod, null);
  });

  test('a terminating namespace refuses new content', async () => {
    await t.ok(`mutation { createNamespace(namespace: { metadata: { name: "doomed" } }) { metadata { name } } }`);
    const ns = await t.ok(`mutation { deleteNamespace(name: "doomed") { metadata { deletionTimestamp } status { phase } } }`);
    assert.equal(ns.deleteNamespace.status.phase, 'Terminating');
    const res = await t.gql(`mutation($p: PodInput!) { createPod(pod: $p) { metadata { name } } }`, {
      p: { ...pod('late'), metadata: { name: 'late', namespace: 'doomed' } },
    });
    assert.equal(res.errors?.[0].extensions?.code, 'FORBIDDEN');
  });
});

describe('apply', () => {
  test('creates, then updates the fields the manifest sets and removes the ones it dropped', async () => {
    const manifest = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web', team: 'a' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
      },
    };
    const q = `mutation($m: JSON!) { apply(manifest: $m) { ... on Deployment { metadata { labels generation resourceVersion } spec { replicas strategy { type } } } } }`;
    const first = (await t.ok(q, { m: manifest })).apply;
    assert.equal(first.spec.replicas, 2);
    assert.equal(first.spec.strategy.type, 'RollingUpdate');
    const same = (await t.ok(q, { m: manifest })).apply;
    assert.equal(same.metadata.resourceVersion, first.metadata.resourceVersion, 're-applying the same manifest writes nothing');
    const next = { ...manifest, metadata: { name: 'web', labels: { app: 'web' } }, spec: { ...manifest.spec, replicas: 3 } };
    const second = (await t.ok(q, { m: next })).apply;
    assert.equal(second.spec.replicas, 3);
    assert.deepEqual(second.metadata.labels, { app: 'web' });
    assert.equal(second.metadata.generation, 2);
    const dry = (
      await t.ok(`mutation($m: JSON!) { apply(manifest: $m, dryRun: true) { ... on Deployment { spec { replicas } } } }`, {
        m: { ...next, spec: { ...next.spec, replicas: 9 } },
      })
    ).apply;
    assert.equal(dry.spec.replicas, 9);
    assert.equal((await t.ok(`{ deployment(name: "web") { spec { replicas } } }`)).deployment.spec.replicas, 3);
  });

  test('applyAll applies in order and an unknown kind is BAD_USER_INPUT', async () => {
    const res = await t.ok(
      `mutation($ms: [JSON!]!) { applyAll(manifests: $ms) { __typename ... on Namespace { metadata { name } } ... on Service { spec { type ports { port targetPort protocol } } } } }`,
      {
        ms: [
          { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
          { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } },
        ],
      },
    );
    assert.deepEqual(
      res.applyAll.map((r: { __typename: string }) => r.__typename),
      ['Namespace', 'Service'],
    );
    assert.deepEqual(res.applyAll[1].spec, { type: 'ClusterIP', ports: [{ port: 80, targetPort: 80, protocol: 'TCP' }] });
    const bad = await t.gql(`mutation { apply(manifest: { apiVersion: "v1", kind: "Gizmo", metadata: { name: "g" } }) { __typename } }`);
    assert.equal(bad.errors?.[0].extensions?.code, 'BAD_USER_INPUT');
  });
});
