// The bulk operations — create<Kinds> and update<Kind>Statuses: many objects in one
// request, each item authorized, admitted, validated and written exactly as the single
// operation would, on its own — a failed item is null with its typed error at its index
// and leaves the others written; too many items, or more than the caller's rate limit
// allows, and nothing is written.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ApiError, Client, ErrorCode } from '../../src/client/index.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let t: TestServer;
let admin: Client;
before(async () => {
  // the users' level at 20/s (burst 40) so that a bulk can exceed it; components and masters as usual
  t = await startTestServer({ rateLimit: { 'global-default': { ratePerSecond: 20, burst: 40 } } });
  admin = new Client({ server: t.url, token: t.adminToken });
  for (const name of ['team-a', 'team-b']) await admin.resource('Namespace').create({ metadata: { name } });
});
after(async () => {
  await admin.close();
  await t.stop();
});

const pod = (namespace: string, name: string) =>
  admin.resource('Pod').create({ metadata: { name, namespace }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });

test('every item is written and seen by a watch; namespaces, order and per-item resourceVersions kept', async () => {
  const made = await Promise.all([pod('team-a', 'p0'), pod('team-b', 'p1'), pod('team-a', 'p2')]);
  const events: string[] = [];
  const stop = admin.resource('Pod').watch(
    { namespace: null, resourceVersion: made[2].metadata.resourceVersion },
    {
      next: (e) => {
        if (e.type === 'MODIFIED') events.push(`${e.object.metadata.namespace}/${e.object.metadata.name}:${e.object.status?.phase}`);
      },
      error: () => undefined,
      complete: () => undefined,
    },
  );
  const results = await admin.resource('Pod').updateStatuses(
    made.map((p, i) => ({
      namespace: p.metadata.namespace,
      name: p.metadata.name,
      status: { phase: 'Running', podIP: `10.244.0.${i + 2}` },
      resourceVersion: p.metadata.resourceVersion,
    })),
  );
  assert.deepEqual(
    results.map((r) => (r instanceof ApiError ? r.code : `${r.metadata.namespace}/${r.metadata.name}:${r.status?.podIP}`)),
    ['team-a/p0:10.244.0.2', 'team-b/p1:10.244.0.3', 'team-a/p2:10.244.0.4'],
  );
  for (const p of made) assert.equal((await admin.resource('Pod').get(p.metadata.namespace, p.metadata.name))?.status?.phase, 'Running');
  const deadline = Date.now() + 10_000;
  while (events.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  stop();
  assert.deepEqual(events.sort(), ['team-a/p0:Running', 'team-a/p2:Running', 'team-b/p1:Running']);
});

test('a cluster-scoped kind and another namespaced kind go through the same bulk write', async () => {
  await admin.resource('Node').create({ metadata: { name: 'bulk-n1' } });
  await admin.resource('Node').create({ metadata: { name: 'bulk-n2' } });
  const nodes = await admin.resource('Node').updateStatuses([
    { name: 'bulk-n1', status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }] } },
    { name: 'bulk-n2', status: { conditions: [{ type: 'Ready', status: 'False', reason: 'KubeletNotReady' }] } },
  ]);
  assert.deepEqual(
    nodes.map((n) => (n instanceof ApiError ? n.code : n.status?.conditions?.[0].status)),
    ['True', 'False'],
  );
  await admin.resource('Deployment').create({
    metadata: { name: 'd', namespace: 'team-b' },
    spec: {
      selector: { matchLabels: { app: 'd' } },
      template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    },
  });
  const [d] = await admin.resource('Deployment').updateStatuses([{ namespace: 'team-b', name: 'd', status: { replicas: 0, observedGeneration: 1 } }]);
  assert.ok(!(d instanceof ApiError));
  assert.equal(d.status?.observedGeneration, 1);
});

test('failed items are null with their own typed error; the others are written', async () => {
  const ok1 = await pod('team-a', 'ok1');
  const stale = await pod('team-a', 'stale');
  await admin.resource('Pod').updateStatus('team-a', 'stale', { phase: 'Pending', message: 'moved on' }); // its resourceVersion moves on
  const ok2 = await pod('team-b', 'ok2');
  await pod('team-b', 'invalid');
  const results = await admin.resource('Pod').updateStatuses([
    { namespace: 'team-a', name: 'ok1', status: { phase: 'Running' } },
    { namespace: 'team-a', name: 'absent', status: { phase: 'Running' } },
    { namespace: 'team-a', name: 'stale', status: { phase: 'Running' }, resourceVersion: stale.metadata.resourceVersion },
    { namespace: 'team-b', name: 'invalid', status: 'Running' },
    { namespace: 'team-b', name: 'ok2', status: { phase: 'Succeeded' }, resourceVersion: ok2.metadata.resourceVersion },
  ]);
  const codes = results.map((r) => (r instanceof ApiError ? r.code : 'ok'));
  assert.deepEqual(codes, ['ok', ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.BAD_USER_INPUT, 'ok']);
  assert.ok(
    (results[3] as ApiError).causes.some((c) => c.field === 'status'),
    'the invalid item carries its field path',
  );
  assert.equal((await admin.resource('Pod').get('team-a', 'ok1'))?.status?.phase, 'Running');
  assert.equal((await admin.resource('Pod').get('team-a', 'stale'))?.status?.message, 'moved on', 'the conflicting item changed nothing');
  assert.equal((await admin.resource('Pod').get('team-b', 'invalid'))?.status?.phase, 'Pending', 'the invalid item changed nothing');
  assert.equal((await admin.resource('Pod').get('team-b', 'ok2'))?.status?.phase, 'Succeeded');
  assert.equal(ok1.metadata.namespace, 'team-a');
});

test('RBAC per item: a caller allowed pods/status in one namespace writes there and is FORBIDDEN elsewhere', async () => {
  await admin
    .resource('Role')
    .create({ metadata: { name: 'status-writer', namespace: 'team-a' }, rules: [{ apiGroups: [''], resources: ['pods/status'], verbs: ['update'] }] });
  await admin.resource('RoleBinding').create({
    metadata: { name: 'status-writer', namespace: 'team-a' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'status-writer' },
    subjects: [{ kind: 'User', name: 'jane', apiGroup: 'rbac.authorization.k8s.io' }],
  });
  await pod('team-a', 'mine');
  await pod('team-b', 'theirs');
  const jane = new Client({ server: t.url, token: await t.token('jane') });
  try {
    const results = await jane.resource('Pod').updateStatuses([
      { namespace: 'team-b', name: 'theirs', status: { phase: 'Failed' } },
      { namespace: 'team-a', name: 'mine', status: { phase: 'Running' } },
    ]);
    assert.equal((results[0] as ApiError).code, ErrorCode.FORBIDDEN);
    assert.ok(!(results[1] instanceof ApiError));
    assert.equal((await admin.resource('Pod').get('team-b', 'theirs'))?.status?.phase, 'Pending');
    assert.equal((await admin.resource('Pod').get('team-a', 'mine'))?.status?.phase, 'Running');
  } finally {
    await jane.close();
  }
});

test("more than 500 items, or more than the caller's rate limit allows: a typed error and nothing written", async () => {
  const target = await pod('team-a', 'limited');
  const many = Array.from({ length: 501 }, () => ({ namespace: 'team-a', name: 'limited', status: { phase: 'Running' } }));
  await assert.rejects(admin.resource('Pod').updateStatuses(many), (e: ApiError) => e.code === ErrorCode.BAD_USER_INPUT && /at most 500/.test(e.message));

  await admin
    .resource('Role')
    .create({ metadata: { name: 'status-writer', namespace: 'team-a' }, rules: [{ apiGroups: [''], resources: ['pods/status'], verbs: ['update'] }] })
    .catch(() => undefined);
  await admin.resource('RoleBinding').create({
    metadata: { name: 'bulk-bob', namespace: 'team-a' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'status-writer' },
    subjects: [{ kind: 'User', name: 'bob', apiGroup: 'rbac.authorization.k8s.io' }],
  });
  // bob's bucket holds 40: one request of 100 items is 100 requests' worth
  const raw = await t.gql(
    'mutation($items: [StatusUpdate!]!) { updatePodStatuses(items: $items) { metadata { name } } }',
    { items: Array.from({ length: 100 }, () => ({ namespace: 'team-a', name: 'limited', status: { phase: 'Running' } })) },
    { authorization: `Bearer ${await t.token('bob')}` },
  );
  assert.equal(raw.errors?.[0]?.extensions?.code, ErrorCode.TOO_MANY_REQUESTS);
  assert.equal(raw.data?.updatePodStatuses ?? null, null);
  const now = await admin.resource('Pod').get('team-a', 'limited');
  assert.equal(now?.metadata.resourceVersion, target.metadata.resourceVersion, 'nothing was written');
});

test('createPods: generateName gives each its own name; a failed item (exists, invalid, forbidden) leaves the others created', async () => {
  const template = {
    metadata: { generateName: 'batch-', namespace: 'team-a', labels: { app: 'batch' } },
    spec: { containers: [{ name: 'c', image: 'nginx' }] },
  };
  const made = await admin.resource('Pod').createMany([template, template, template]);
  assert.ok(made.every((p) => !(p instanceof ApiError)));
  const names = made.map((p) => (p as { metadata: { name: string } }).metadata.name);
  assert.equal(new Set(names).size, 3);
  assert.ok(names.every((n) => n.startsWith('batch-')));

  await admin
    .resource('Role')
    .create({ metadata: { name: 'pod-creator', namespace: 'team-a' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }] });
  await admin.resource('RoleBinding').create({
    metadata: { name: 'pod-creator', namespace: 'team-a' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-creator' },
    subjects: [{ kind: 'User', name: 'carol', apiGroup: 'rbac.authorization.k8s.io' }],
  });
  const carol = new Client({ server: t.url, token: await t.token('carol') });
  try {
    const results = await carol.resource('Pod').createMany([
      { metadata: { name: 'fresh', namespace: 'team-a' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
      { metadata: { name: names[0], namespace: 'team-a' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
      { metadata: { name: 'no-image', namespace: 'team-a' }, spec: { containers: [{ name: 'c' }] } },
      { metadata: { name: 'elsewhere', namespace: 'team-b' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    ] as never);
    assert.deepEqual(
      results.map((r) => (r instanceof ApiError ? r.code : 'ok')),
      ['ok', ErrorCode.ALREADY_EXISTS, ErrorCode.BAD_USER_INPUT, ErrorCode.FORBIDDEN],
    );
    assert.ok((results[2] as ApiError).causes.some((c) => c.field === 'spec.containers[0].image'));
  } finally {
    await carol.close();
  }
  assert.ok(await admin.resource('Pod').get('team-a', 'fresh'));
  assert.equal(await admin.resource('Pod').get('team-a', 'no-image'), null);
  assert.equal(await admin.resource('Pod').get('team-b', 'elsewhere'), null);
});

test('create<Kinds> serves every kind: Namespaces (cluster-scoped) and Events; more than 500 is refused whole', async () => {
  const namespaces = await admin.resource('Namespace').createMany([{ metadata: { name: 'bulk-x' } }, { metadata: { name: 'bulk-y' } }]);
  assert.deepEqual(
    namespaces.map((n) => (n instanceof ApiError ? n.code : n.metadata.name)),
    ['bulk-x', 'bulk-y'],
  );
  const involved = { kind: 'Pod', namespace: 'bulk-x', name: 'p', apiVersion: 'v1' };
  const events = await admin.resource('Event').createMany(
    [1, 2].map((i) => ({
      metadata: { name: `p.${i}`, namespace: 'bulk-x' },
      involvedObject: involved,
      reason: 'Tested',
      message: `event ${i}`,
      type: 'Normal',
    })) as never,
  );
  assert.ok(
    events.every((e) => !(e instanceof ApiError)),
    JSON.stringify(events),
  );
  const many = Array.from({ length: 501 }, (_, i) => ({ metadata: { name: `too-many-${i}` } }));
  await assert.rejects(admin.resource('Namespace').createMany(many), (e: ApiError) => e.code === ErrorCode.BAD_USER_INPUT && /at most 500/.test(e.message));
  assert.equal(await admin.resource('Namespace').get(undefined, 'too-many-0'), null);
});

test('bindPods: each binding as bindPod makes it — bound, CONFLICT when bound already, NOT_FOUND, FORBIDDEN without the binding right', async () => {
  await admin.resource('Node').create({ metadata: { name: 'bind-n1' } });
  for (const name of ['b1', 'b2', 'b3']) await pod('team-a', name);
  await admin.resource('Pod').bindMany([{ namespace: 'team-a', name: 'b3', nodeName: 'bind-n1' }]);
  const results = await admin.resource('Pod').bindMany([
    { namespace: 'team-a', name: 'b1', nodeName: 'bind-n1' },
    { namespace: 'team-a', name: 'b3', nodeName: 'bind-n1' },
    { namespace: 'team-a', name: 'absent', nodeName: 'bind-n1' },
    { namespace: 'team-a', name: 'b2', nodeName: 'bind-n1' },
  ]);
  assert.deepEqual(
    results.map((r) => (r instanceof ApiError ? r.code : r.spec?.nodeName)),
    ['bind-n1', ErrorCode.CONFLICT, ErrorCode.NOT_FOUND, 'bind-n1'],
  );
  await pod('team-a', 'b4');
  const dave = new Client({ server: t.url, token: await t.token('dave') });
  try {
    const [r] = await dave.resource('Pod').bindMany([{ namespace: 'team-a', name: 'b4', nodeName: 'bind-n1' }]);
    assert.equal((r as ApiError).code, ErrorCode.FORBIDDEN);
  } finally {
    await dave.close();
  }
  assert.equal((await admin.resource('Pod').get('team-a', 'b4'))?.spec?.nodeName, undefined);
});
