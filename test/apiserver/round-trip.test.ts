// Every kind round-trips a real manifest through the real apiserver over HTTP: the
// manifests of test/helpers/manifests.ts (one per served kind) are applied as one YAML
// text with applyYaml, and again through each kind's typed create<Kind> mutation in a
// second namespace; each object read back by its typed query has, in `manifest`, every
// field its manifest set, with the value it set (defaults may add fields). Where
// Kubernetes itself transforms a field, the transformation is asserted instead.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { KINDS, kindInfo, type KindInfo } from '../../src/apis/kinds.ts';
import { MANIFESTS, MANIFESTS_NAMESPACE, copyOf, kindsWithoutManifest, manifestsFor, manifestsOfUnservedKinds, type Manifest } from '../helpers/manifests.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let t: TestServer;
/** Each kind's GraphQL names, from discovery. */
const graphqlNames = new Map<string, { type: string; object: string }>();

before(async () => {
  t = await startTestServer();
  const { apiResources } = await t.ok<{ apiResources: { kind: string; graphql: { type: string; object: string } }[] }>(
    '{ apiResources { kind graphql { type object } } }',
  );
  for (const r of apiResources) graphqlNames.set(r.kind, r.graphql);
});
after(() => t.stop());

const info = (kind: string): KindInfo => kindInfo(kind)!;
const namesOf = (kind: string) => {
  const n = graphqlNames.get(kind);
  assert.ok(n, `${kind} is not in apiResources`);
  return n;
};

/** The object's `manifest`, read by the kind's typed query (`deployment(namespace:, name:)`); null when absent. */
async function readBack(m: Manifest): Promise<Manifest | null> {
  const { object } = namesOf(m.kind);
  const args = info(m.kind).namespaced
    ? `namespace: ${JSON.stringify(m.metadata.namespace)}, name: ${JSON.stringify(m.metadata.name)}`
    : `name: ${JSON.stringify(m.metadata.name)}`;
  const data = await t.ok<Record<string, { manifest: Manifest } | null>>(`{ ${object}(${args}) { manifest } }`);
  return data[object]?.manifest ?? null;
}

/**
 * Every path that `expected` sets, with a different value (or none) in `actual`: objects
 * compare key by key, arrays item by item (defaults and admission may add keys, and may
 * append items, e.g. DefaultTolerationSeconds' tolerations); scalars must be equal.
 */
function differences(expected: unknown, actual: unknown, path = ''): string[] {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${path}: expected an array, got ${JSON.stringify(actual)}`];
    if (actual.length < expected.length) return [`${path}: expected ${expected.length} items, got ${JSON.stringify(actual)}`];
    return expected.flatMap((item, i) => differences(item, actual[i], `${path}[${i}]`));
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return [`${path}: expected an object, got ${JSON.stringify(actual)}`];
    return Object.entries(expected).flatMap(([k, v]) => differences(v, (actual as Record<string, unknown>)[k], path ? `${path}.${k}` : k));
  }
  return Object.is(expected, actual) ? [] : [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
}

function assertKeeps(actual: Manifest | null, expected: Manifest, what: string): void {
  assert.ok(actual, `${what}: not found`);
  const diffs = differences(expected, actual);
  assert.deepEqual(diffs, [], `${what}: fields changed on the round trip\n${diffs.join('\n')}`);
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/**
 * The manifest as Kubernetes stores it, where Kubernetes itself transforms what was
 * written: a Secret's stringData is write-only — its keys are merged into data, base64
 * encoded, overwriting data's values for the same keys — and is never stored or returned.
 */
function asStored(m: Manifest): Manifest {
  const out = copyOf(m);
  if (m.kind === 'Secret' && m.stringData) {
    out.data = { ...m.data, ...Object.fromEntries(Object.entries(m.stringData as Record<string, string>).map(([k, v]) => [k, b64(v)])) };
    delete out.stringData;
  }
  return out;
}

/** What Kubernetes does to each manifest besides keeping its fields, asserted per kind. */
function assertTransformations(m: Manifest, actual: Manifest): void {
  if (m.kind === 'Secret') {
    assert.equal(Object.hasOwn(actual, 'stringData'), false, 'a Secret never returns stringData');
    assert.equal(Buffer.from(actual.data.username, 'base64').toString(), 'admin', "stringData's username overwrites data's");
    assert.equal(actual.data['config.json'], b64(m.stringData['config.json']));
  }
}

/** The system fields of metadata: set by the server on create, never from the manifest. */
function assertSystemMetadata(m: Manifest, actual: Manifest, startedAt: number): void {
  const meta = actual.metadata;
  assert.match(meta.uid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, `${m.kind}: uid`);
  assert.match(meta.resourceVersion, /^[1-9][0-9]*$/, `${m.kind}: resourceVersion`);
  assert.match(meta.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, `${m.kind}: creationTimestamp, RFC 3339 in seconds`);
  assert.ok(Date.parse(meta.creationTimestamp) >= Math.floor(startedAt / 1000) * 1000 - 1000, `${m.kind}: creationTimestamp is the time of the write`);
  assert.equal(meta.generation, 1, `${m.kind}: a new object's generation`);
  if (info(m.kind).namespaced) assert.equal(meta.namespace, m.metadata.namespace);
  else assert.equal(meta.namespace, undefined, `${m.kind} is cluster-scoped`);
}

const manifestsInOrder = (set: Record<string, Manifest>): Manifest[] => Object.values(set);

test('every served kind has a realistic manifest, and every manifest is of a served kind', () => {
  assert.deepEqual(kindsWithoutManifest(), [], 'add a manifest for each to test/helpers/manifests.ts');
  assert.deepEqual(manifestsOfUnservedKinds(), []);
  for (const [kind, m] of Object.entries(MANIFESTS)) {
    assert.equal(m.kind, kind);
    assert.equal(m.apiVersion, info(kind).apiVersion, `${kind} is written in its served apiVersion`);
    assert.equal(m.status, undefined, `${kind}: manifests set no status`);
    if (info(kind).namespaced) assert.equal(m.metadata.namespace, MANIFESTS_NAMESPACE);
  }
});

describe('applyYaml: every manifest in one YAML text', () => {
  const manifests = manifestsInOrder(MANIFESTS);
  const yaml = manifests.map((m) => stringify(m)).join('---\n');
  const APPLY_YAML = 'mutation($y: String!) { applyYaml(yaml: $y) { action object { __typename } } }';
  let results: { action: string; object: { __typename: string } }[];
  let wholeTextErrors: unknown;
  /** When the whole text was refused: the documents refused on their own, by kind. */
  const documentErrors = new Map<string, string>();
  let startedAt: number;

  before(async () => {
    startedAt = Date.now();
    const res = await t.gql<{ applyYaml: typeof results }>(APPLY_YAML, { y: yaml });
    wholeTextErrors = res.errors;
    if (!res.errors) {
      results = res.data!.applyYaml;
      return;
    }
    // The text as one was refused (the first test says why): the documents one by one, in
    // order, as kubectl sends them, so that the round trip of each kind is still checked.
    results = [];
    for (const m of manifests) {
      const one = await t.gql<{ applyYaml: typeof results }>(APPLY_YAML, { y: stringify(m) });
      if (one.errors) documentErrors.set(m.kind, JSON.stringify(one.errors));
      else results.push(...one.data!.applyYaml);
    }
  });

  test('the whole text applies as one (kubectl apply -f of a file: a Pod may name the PriorityClass the file creates before it)', (c) => {
    assert.equal(wholeTextErrors, undefined, JSON.stringify(wholeTextErrors, null, 2));
  });

  test('each document is created, in order, as its kind', () => {
    const applied = manifests.filter((m) => !documentErrors.has(m.kind)); // those refused fail below
    assert.deepEqual(
      results.map((r) => r.action),
      applied.map(() => 'CREATED'),
    );
    assert.deepEqual(
      results.map((r) => r.object.__typename),
      applied.map((m) => namesOf(m.kind).type),
    );
  });

  for (const k of KINDS) {
    test(`${k.kind} reads back with every field it set`, async (c) => {
      const m = MANIFESTS[k.kind];
      if (!m) return void c.skip(`no manifest for ${k.kind} (the manifest check fails)`);
      const refused = documentErrors.get(k.kind);
      assert.equal(refused, undefined, `applyYaml refused the ${k.kind} document`);
      const actual = await readBack(m);
      assertKeeps(actual, asStored(m), k.kind);
      assertTransformations(m, actual!);
      assertSystemMetadata(m, actual!, startedAt);
      // kubectl's record of what was applied, for the next three-way merge.
      assert.deepEqual(
        JSON.parse(actual!.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']),
        m,
        `${k.kind}: last-applied-configuration`,
      );
    });
  }

  test('applying the same YAML again leaves every object UNCHANGED and writes nothing', async (c) => {
    const before = await t.server.store.currentRevision();
    const res = await t.gql<{ applyYaml: { action: string }[] }>(APPLY_YAML, { y: yaml });
    const problems: string[] = [];
    let actions: [string, string][];
    if (res.errors) {
      // Said, and each document checked on its own, so that what else is wrong shows too.
      problems.push(`the whole text was refused: ${JSON.stringify(res.errors)}`);
      actions = [];
      for (const m of manifests.filter((m) => !documentErrors.has(m.kind))) {
        const one = await t.gql<{ applyYaml: { action: string }[] }>(APPLY_YAML, { y: stringify(m) });
        actions.push([m.kind, one.errors ? JSON.stringify(one.errors) : one.data!.applyYaml[0].action]);
      }
    } else {
      actions = res.data!.applyYaml.map((r, i) => [manifests[i].kind, r.action]);
    }
    for (const [kind, action] of actions) if (action !== 'UNCHANGED') problems.push(`${kind}: ${action}`);
    const after = await t.server.store.currentRevision();
    if (after !== before) problems.push(`the store revision moved from ${before} to ${after}`);
    assert.deepEqual(problems, [], 'a second identical apply changed something');
  });

  test('table(apiVersion, kind, name) prints one row for each, a cell for each column', async () => {
    const problems: string[] = [];
    for (const m of manifests.filter((m) => !documentErrors.has(m.kind))) {
      // those refused fail above
      const ns = info(m.kind).namespaced ? `, namespace: ${JSON.stringify(m.metadata.namespace)}` : '';
      for (const wide of [false, true]) {
        const res = await t.gql<{ table: { columnDefinitions: { name: string }[]; rows: { cells: unknown[]; object: { __typename: string } }[] } }>(
          `{ table(apiVersion: ${JSON.stringify(m.apiVersion)}, kind: ${JSON.stringify(m.kind)}${ns}, name: ${JSON.stringify(m.metadata.name)}, wide: ${wide}) { columnDefinitions { name } rows { cells object { __typename } } } }`,
        );
        if (res.errors) {
          problems.push(`${m.kind}: ${JSON.stringify(res.errors)}`);
          continue;
        }
        const { columnDefinitions, rows } = res.data!.table;
        // kubectl prints events without a NAME column (LAST SEEN TYPE REASON OBJECT MESSAGE); every other kind starts with it.
        const named = m.kind !== 'Event';
        if (named && columnDefinitions[0]?.name !== 'NAME') problems.push(`${m.kind}: first column ${columnDefinitions[0]?.name}`);
        if (!named && columnDefinitions[0]?.name !== 'LAST SEEN') problems.push(`${m.kind}: first column ${columnDefinitions[0]?.name}`);
        if (rows.length !== 1) {
          problems.push(`${m.kind}: ${rows.length} rows`);
          continue;
        }
        if (rows[0].cells.length !== columnDefinitions.length)
          problems.push(`${m.kind}${wide ? ' (wide)' : ''}: ${rows[0].cells.length} cells for ${columnDefinitions.length} columns`);
        if (named && rows[0].cells[0] !== m.metadata.name) problems.push(`${m.kind}: NAME cell ${JSON.stringify(rows[0].cells[0])}`);
        if (rows[0].object.__typename !== namesOf(m.kind).type) problems.push(`${m.kind}: row object ${rows[0].object.__typename}`);
      }
    }
    assert.deepEqual(problems, []);
  });
});

describe('applyYaml reads a file as kubectl apply -f does', () => {
  const namespace = `${MANIFESTS_NAMESPACE}-yaml`;
  const set = manifestsFor(namespace, '-yaml');
  const APPLY_YAML = 'mutation($y: String!) { applyYaml(yaml: $y) { action object { __typename } } }';

  before(async () => {
    await t.ok(APPLY_YAML, { y: stringify(set.Namespace) });
  });

  test('a Pod in the same text as the PriorityClass it names, after it', async (c) => {
    const res = await t.gql(APPLY_YAML, { y: [set.PriorityClass, set.ServiceAccount, set.ConfigMap, set.Pod].map((m) => stringify(m)).join('---\n') });
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    assert.equal((await readBack(set.Pod))!.spec.priority, set.PriorityClass.value, "the Pod's priority is its class's");
  });

  test('unquoted timestamps are the strings written (kubectl keeps them as they are, microseconds and all)', async (c) => {
    const text = stringify(set.Lease);
    assert.match(text, /acquireTime: 2024-05-01T10:00:00\.000000Z\n/, 'written unquoted, as by hand');
    const res = await t.gql(APPLY_YAML, { y: text });
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const actual = (await readBack(set.Lease))!;
    assert.equal(actual.spec.acquireTime, '2024-05-01T10:00:00.000000Z');
    assert.equal(actual.spec.renewTime, '2024-05-01T10:05:30.123456Z');
  });

  test('YAML 1.1 scalars as kubectl reads them: an octal defaultMode, yes/no', async () => {
    const text = stringify(set.Deployment).replace('defaultMode: 420', 'defaultMode: 0644').replace('defaultMode: 256', 'defaultMode: 0400');
    assert.match(text, /defaultMode: 0644/);
    const res = await t.gql(APPLY_YAML, { y: text });
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const actual = (await readBack(set.Deployment))!;
    assertKeeps(actual, set.Deployment, 'Deployment with octal modes');
    const cm = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: yes-no\n  namespace: ${namespace}\ndata:\n  quoted: "yes"\nimmutable: yes\n`;
    const r2 = await t.gql(APPLY_YAML, { y: cm });
    assert.equal(r2.errors, undefined, JSON.stringify(r2.errors));
    const stored = (await readBack({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'yes-no', namespace } }))!;
    assert.deepEqual([stored.data, stored.immutable], [{ quoted: 'yes' }, true]);
  });
});

describe('create<Kind>: every manifest through its typed mutation, in a second namespace', () => {
  const namespace = `${MANIFESTS_NAMESPACE}-typed`;
  const set = manifestsFor(namespace, '-typed');
  const created = new Map<string, Manifest>();
  const failures = new Map<string, string>();
  let startedAt: number;

  before(async () => {
    startedAt = Date.now();
    // In order: the Namespace and the classes before what uses them.
    for (const m of manifestsInOrder(set)) {
      const { object, type } = namesOf(m.kind);
      // The input takes the manifest one to one: Kubernetes' field names and nesting.
      const res = await t.gql<Record<string, { manifest: Manifest }>>(`mutation($o: ${type}Input!) { create${type}(${object}: $o) { manifest } }`, { o: m });
      if (res.errors) failures.set(m.kind, JSON.stringify(res.errors));
      else created.set(m.kind, res.data![`create${type}`].manifest);
    }
  });

  for (const k of KINDS) {
    test(`${k.kind}: create${k.kind} answers the object it stored, with every field the manifest set`, async (c) => {
      const m = set[k.kind];
      if (!m) return void c.skip(`no manifest for ${k.kind} (the manifest check fails)`);
      assert.equal(failures.get(k.kind), undefined, `create${k.kind} refused the manifest`);
      const answered = created.get(k.kind)!;
      const actual = await readBack(m);
      assert.deepEqual(actual, answered, 'the query reads what the mutation answered');
      assertKeeps(actual, asStored(m), k.kind);
      assertTransformations(m, actual!);
      assertSystemMetadata(m, actual!, startedAt);
      assert.equal(actual!.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'], undefined, 'only apply records the applied manifest');
    });
  }

  test("the typed create and applyYaml store the same object (but for the names and apply's annotation)", async () => {
    const problems: string[] = [];
    for (const k of KINDS) {
      const typed = created.get(k.kind);
      const applied = MANIFESTS[k.kind] && (await readBack(MANIFESTS[k.kind]));
      if (!typed || !applied) continue;
      const strip = (o: Manifest): Manifest => {
        const { uid: _u, resourceVersion: _r, creationTimestamp: _c, ...meta } = o.metadata;
        const annotations = { ...meta.annotations };
        delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
        const text = JSON.stringify({ ...o, metadata: { ...meta, annotations }, status: undefined })
          .replaceAll(`${MANIFESTS_NAMESPACE}-typed`, MANIFESTS_NAMESPACE)
          .replaceAll('-typed', '')
          .replaceAll('stabletyped.example.com', 'stable.example.com')
          .replace(/"aws:\/\/\/us-east-1a\/i-0abc123def4567891"/, '"aws:///us-east-1a/i-0abc123def4567890"');
        return JSON.parse(text);
      };
      const a = strip(typed);
      const b = strip(applied);
      // Values the server hands out (a Service's clusterIP) and the labels derived from the uid (a Job's) differ.
      for (const o of [a, b]) {
        if (o.kind === 'Service') {
          delete o.spec.clusterIP;
          delete o.spec.clusterIPs;
        }
        if (o.kind === 'Job') {
          delete o.spec.selector;
          for (const l of ['controller-uid', 'batch.kubernetes.io/controller-uid']) delete o.spec.template.metadata.labels[l];
        }
      }
      const diffs = [...differences(a, b), ...differences(b, a)];
      if (diffs.length) problems.push(`${k.kind}:\n  ${diffs.join('\n  ')}`);
    }
    assert.deepEqual(problems, []);
  });
});

describe('what Kubernetes resets or converts on create', () => {
  const namespace = `${MANIFESTS_NAMESPACE}-status`;
  const set = manifestsFor(namespace, '-status');

  before(async () => {
    await t.ok('mutation($m: JSON!) { apply(manifest: $m) { __typename } }', { m: set.Namespace });
  });

  test('a status given on create is dropped for kinds with a status subresource, kept otherwise (a Node registers with its status)', async () => {
    const problems: string[] = [];
    for (const k of KINDS) {
      const m = set[k.kind];
      if (!m || !k.hasStatus || k.kind === 'Namespace') continue;
      const status = {
        observedGeneration: 42,
        conditions: [{ type: 'Ready', status: 'True', reason: 'WrittenByTheClient', lastTransitionTime: '2024-05-01T10:00:00Z' }],
      };
      const nodeStatus = {
        capacity: { cpu: '4', memory: '16Gi', pods: '110' },
        allocatable: { cpu: '3900m', memory: '15Gi', pods: '110' },
        conditions: [
          { type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: '2024-05-01T10:00:00Z', lastTransitionTime: '2024-05-01T10:00:00Z' },
        ],
      };
      const given = k.kind === 'Node' ? nodeStatus : status;
      const res = await t.gql('mutation($m: JSON!) { apply(manifest: $m) { __typename } }', { m: { ...m, status: given } });
      // A status whose fields the kind's status does not have may be refused, as Kubernetes would; it may not be kept.
      if (res.errors) {
        if (k.kind === 'Node') problems.push(`Node: ${JSON.stringify(res.errors)}`);
        continue;
      }
      const actual = await readBack(m);
      const kept = differences(given, actual!.status).length === 0;
      if (k.kind === 'Node' && !kept) problems.push(`Node: the status it registered with was not kept: ${JSON.stringify(actual!.status)}`);
      if (k.kind !== 'Node' && kept) problems.push(`${k.kind}: the client's status was stored: ${JSON.stringify(actual!.status)}`);
      if (k.kind !== 'Node' && JSON.stringify(actual!.status ?? {}).includes('WrittenByTheClient'))
        problems.push(`${k.kind}: part of the client's status was stored`);
    }
    assert.deepEqual(problems, []);
  });

  test('a Namespace created with a status is Active', async () => {
    const m = { ...set.Namespace, metadata: { name: `${namespace}-2` }, status: { phase: 'Terminating' } };
    await t.ok('mutation($m: JSON!) { apply(manifest: $m) { __typename } }', { m });
    assert.deepEqual((await readBack(m))!.status, { phase: 'Active' });
  });

  test('system metadata in a manifest is replaced by the server', async () => {
    const m = copyOf(set.ConfigMap);
    Object.assign(m.metadata, {
      uid: '00000000-0000-0000-0000-000000000000',
      resourceVersion: undefined,
      creationTimestamp: '2001-01-01T00:00:00Z',
      generation: 99,
    });
    delete m.metadata.resourceVersion;
    await t.ok('mutation($m: JSON!) { apply(manifest: $m) { __typename } }', { m });
    const actual = (await readBack(m))!;
    assert.notEqual(actual.metadata.uid, '00000000-0000-0000-0000-000000000000');
    assert.notEqual(actual.metadata.creationTimestamp, '2001-01-01T00:00:00Z');
    assert.equal(actual.metadata.generation, 1);
  });

  test('a HorizontalPodAutoscaler written as autoscaling/v1 is stored and served as autoscaling/v2', async () => {
    const v1 = {
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'php-apache', namespace, labels: { app: 'php-apache' } },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'php-apache' },
        minReplicas: 1,
        maxReplicas: 10,
        targetCPUUtilizationPercentage: 50,
      },
    };
    const res = await t.gql<{ applyYaml: { action: string }[] }>('mutation($y: String!) { applyYaml(yaml: $y) { action } }', { y: stringify(v1) });
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const actual = (await readBack(v1))!;
    const { targetCPUUtilizationPercentage: _, ...v2spec } = v1.spec;
    assertKeeps(
      actual,
      {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: v1.metadata,
        spec: { ...v2spec, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }] },
      },
      'autoscaling/v1 HorizontalPodAutoscaler',
    );
    assert.equal(actual.spec.targetCPUUtilizationPercentage, undefined, 'the v1 field is converted, not kept');
  });
});
