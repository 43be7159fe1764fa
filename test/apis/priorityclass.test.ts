// PriorityClass (scheduling.k8s.io/v1) and the Priority admission plugin, through the real apiserver.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let t: TestServer;
before(async () => (t = await startTestServer()));
after(() => t.stop());

const PC = 'metadata { name resourceVersion } value globalDefault description preemptionPolicy';
const createClass = (pc: Record<string, unknown>) => t.gql(`mutation($pc: PriorityClassInput!) { createPriorityClass(priorityClass: $pc) { ${PC} } }`, { pc });
const createPod = (name: string, spec: Record<string, unknown> = {}) =>
  t.gql(`mutation($p: PodInput!) { createPod(pod: $p) { metadata { name } spec { priority priorityClassName } manifest } }`, {
    p: { metadata: { name }, spec: { containers: [{ name: 'app', image: 'nginx' }], ...spec } },
  });
const errorOf = (res: Awaited<ReturnType<TestServer['gql']>>) => {
  assert.ok(res.errors?.length, `expected an error, got ${JSON.stringify(res.data)}`);
  return res.errors[0]!;
};

describe('PriorityClass kind', () => {
  test('system-cluster-critical and system-node-critical exist from the first start', async () => {
    const { priorityClasses } = await t.ok(`{ priorityClasses { items { ${PC} } } }`);
    const byName = new Map(priorityClasses.items.map((pc: { metadata: { name: string } }) => [pc.metadata.name, pc]));
    assert.deepEqual(byName.get('system-cluster-critical'), {
      metadata: (byName.get('system-cluster-critical') as { metadata: unknown }).metadata,
      value: 2000000000,
      globalDefault: null,
      preemptionPolicy: 'PreemptLowerPriority',
      description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.',
    });
    assert.equal((byName.get('system-node-critical') as { value: number }).value, 2000001000);
  });

  test('create, read back with preemptionPolicy defaulted, manifest as kubectl prints it', async () => {
    const { data } = await createClass({ metadata: { name: 'high' }, value: 1000, description: 'important' });
    assert.equal(data?.createPriorityClass.value, 1000);
    assert.equal(data?.createPriorityClass.preemptionPolicy, 'PreemptLowerPriority');
    const { priorityClass } = await t.ok(`{ priorityClass(name: "high") { apiVersion kind manifest } }`);
    assert.equal(priorityClass.apiVersion, 'scheduling.k8s.io/v1');
    assert.equal(priorityClass.kind, 'PriorityClass');
    assert.equal(priorityClass.manifest.value, 1000);
    assert.equal(priorityClass.manifest.metadata.namespace, undefined);
  });

  test('validation: user values above 1000000000, the system- prefix, an unknown preemptionPolicy', async () => {
    let e = errorOf(await createClass({ metadata: { name: 'too-high' }, value: 1000000001 }));
    assert.equal(e.extensions?.code, 'BAD_USER_INPUT');
    assert.deepEqual(e.extensions?.causes, [{ field: 'value', message: 'Forbidden: maximum allowed value of a user defined priority is 1000000000' }]);
    e = errorOf(await createClass({ metadata: { name: 'system-mine' }, value: 5 }));
    assert.deepEqual(e.extensions?.causes, [
      {
        field: 'metadata.name',
        message:
          "Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class",
      },
    ]);
    e = errorOf(await createClass({ metadata: { name: 'odd' }, value: 5, preemptionPolicy: 'Sometimes' }));
    assert.deepEqual(e.extensions?.causes, [
      { field: 'preemptionPolicy', message: 'Unsupported value: "Sometimes": supported values: "PreemptLowerPriority", "Never"' },
    ]);
  });

  test('value and preemptionPolicy are immutable', async () => {
    await createClass({ metadata: { name: 'fixed' }, value: 10 });
    let res = await t.gql(`mutation { patchPriorityClass(name: "fixed", patch: { value: 11 }) { value } }`);
    assert.deepEqual(errorOf(res).extensions?.causes, [{ field: 'value', message: 'Forbidden: may not be changed in an update.' }]);
    res = await t.gql(`mutation { patchPriorityClass(name: "fixed", patch: { preemptionPolicy: "Never" }) { value } }`);
    assert.deepEqual(errorOf(res).extensions?.causes, [{ field: 'preemptionPolicy', message: 'Invalid value: "Never": field is immutable' }]);
    const ok = await t.ok(`mutation { patchPriorityClass(name: "fixed", patch: { description: "now described" }) { description } }`);
    assert.equal(ok.patchPriorityClass.description, 'now described');
  });

  test('the scheduler may read PriorityClasses, not write them', async () => {
    const token = await t.token('system:kube-scheduler');
    const headers = { authorization: `Bearer ${token}` };
    const read = await t.gql(`{ priorityClasses { items { metadata { name } } } }`, undefined, headers);
    assert.equal(read.errors, undefined);
    const write = await t.gql(`mutation { deletePriorityClass(name: "fixed") { value } }`, undefined, headers);
    assert.equal(errorOf(write).extensions?.code, 'FORBIDDEN');
  });
});

describe('Priority admission', () => {
  test('a pod without a class and no global default gets priority 0 and PreemptLowerPriority', async () => {
    const { data } = await createPod('plain');
    assert.equal(data?.createPod.spec.priority, 0);
    assert.equal(data?.createPod.spec.priorityClassName, null);
    assert.equal(data?.createPod.manifest.spec.preemptionPolicy, 'PreemptLowerPriority');
  });

  test('priorityClassName resolves to spec.priority and the class preemptionPolicy', async () => {
    await createClass({ metadata: { name: 'polite' }, value: 500, preemptionPolicy: 'Never' });
    const { data } = await createPod('resolved', { priorityClassName: 'polite' });
    assert.equal(data?.createPod.spec.priority, 500);
    assert.equal(data?.createPod.manifest.spec.preemptionPolicy, 'Never');
    const critical = await createPod('critical', { priorityClassName: 'system-node-critical' });
    assert.equal(critical.data?.createPod.spec.priority, 2000001000);
  });

  test("an unknown class is refused with Kubernetes' message", async () => {
    const e = errorOf(await createPod('lost', { priorityClassName: 'nope' }));
    assert.equal(e.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(e.message, 'pods "lost" is forbidden: no PriorityClass with name nope was found');
    assert.deepEqual(e.extensions?.causes, [{ field: 'spec.priorityClassName', message: 'Forbidden: no PriorityClass with name nope was found' }]);
  });

  test('a given spec.priority must equal the computed one; a matching one is accepted', async () => {
    const e = errorOf(await createPod('liar', { priorityClassName: 'polite', priority: 7 }));
    assert.equal(e.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(
      e.message,
      'pods "liar" is forbidden: the integer value of priority (7) must not be provided in pod spec; priority admission controller computed 500 from the given PriorityClass name',
    );
    const { data } = await createPod('honest', { priorityClassName: 'polite', priority: 500 });
    assert.equal(data?.createPod.spec.priority, 500);
    const p = errorOf(await createPod('pushy', { priorityClassName: 'polite', preemptionPolicy: 'PreemptLowerPriority' }));
    assert.match(
      p.message,
      /the string value of PreemptionPolicy \(PreemptLowerPriority\) must not be provided in pod spec; priority admission controller computed Never/,
    );
  });

  test('a replace that leaves spec.priority out keeps it', async () => {
    const { data } = await createPod('kept', { priorityClassName: 'polite' });
    const manifest = data?.createPod.manifest;
    delete manifest.spec.priority;
    delete manifest.spec.preemptionPolicy;
    manifest.metadata = { name: 'kept', labels: { changed: 'yes' } };
    delete manifest.status;
    const res = await t.ok(`mutation($p: PodInput!) { replacePod(pod: $p) { spec { priority } metadata { labels } } }`, { p: manifest });
    assert.equal(res.replacePod.spec.priority, 500);
    assert.deepEqual(res.replacePod.metadata.labels, { changed: 'yes' });
  });

  test('the global default class applies to pods that name none, and only one may exist', async () => {
    const first = await createClass({ metadata: { name: 'everyone' }, value: 42, globalDefault: true });
    assert.equal(first.errors, undefined);
    const second = errorOf(await createClass({ metadata: { name: 'everyone-else' }, value: 43, globalDefault: true }));
    assert.equal(second.extensions?.code, 'FORBIDDEN');
    assert.match(second.message, /PriorityClass everyone is already marked as default\. Only one default can exist/);
    const made = errorOf(await t.gql(`mutation { patchPriorityClass(name: "high", patch: { globalDefault: true }) { value } }`));
    assert.equal(made.extensions?.code, 'FORBIDDEN');
    const { data } = await createPod('defaulted');
    assert.equal(data?.createPod.spec.priority, 42);
    assert.equal(data?.createPod.spec.priorityClassName, 'everyone');
    const named = await createPod('named', { priorityClassName: 'high' });
    assert.equal(named.data?.createPod.spec.priority, 1000);
    await t.ok(`mutation { deletePriorityClass(name: "everyone") { value } }`);
    const after = await createPod('after-default');
    assert.equal(after.data?.createPod.spec.priority, 0);
  });
});
