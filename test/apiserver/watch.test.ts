// Subscriptions (watch) over graphql-ws against the real apiserver.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { nextResults, startTestServer, type TestServer } from '../helpers/server.ts';

let t: TestServer;
before(async () => (t = await startTestServer()));
after(() => t.stop());

type Event = {
  data?: { watchPods: { type: string; object: { metadata: { name: string; resourceVersion: string; labels?: Record<string, string> } } } };
  errors?: { message: string; extensions?: { code?: string } }[];
};
const WATCH = `subscription($ns: String, $rv: String, $sel: String) { watchPods(namespace: $ns, resourceVersion: $rv, labelSelector: $sel) { type object { metadata { name resourceVersion labels } } } }`;
const create = (name: string, labels: Record<string, string> = {}, namespace = 'default') =>
  t.ok(`mutation($p: PodInput!) { createPod(pod: $p) { metadata { resourceVersion } } }`, {
    p: { metadata: { name, namespace, labels }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
  });
const summary = (events: Event[]) => events.map((e) => [e.data!.watchPods.type, e.data!.watchPods.object.metadata.name]);

test('without resourceVersion: ADDED for the current state, a BOOKMARK, then changes', async () => {
  await t.ok(`mutation { createNamespace(namespace: { metadata: { name: "w1" } }) { metadata { name } } }`);
  await create('a', {}, 'w1');
  await create('b', {}, 'w1');
  const it = t.ws().iterate({ query: WATCH, variables: { ns: 'w1' } }) as AsyncIterator<Event>;
  const initial = await nextResults(it, 3);
  assert.deepEqual(summary(initial), [
    ['ADDED', 'a'],
    ['ADDED', 'b'],
    ['BOOKMARK', ''],
  ]);
  const bookmarkRv = Number(initial[2].data!.watchPods.object.metadata.resourceVersion);
  const c = await create('c', {}, 'w1');
  const [added] = await nextResults(it, 1);
  assert.deepEqual(summary([added]), [['ADDED', 'c']]);
  assert.equal(added.data!.watchPods.object.metadata.resourceVersion, c.createPod.metadata.resourceVersion);
  assert.ok(Number(c.createPod.metadata.resourceVersion) > bookmarkRv);
  await it.return!();
});

test('with resourceVersion: every change after it, in order; selector transitions are ADDED/DELETED', async () => {
  await t.ok(`mutation { createNamespace(namespace: { metadata: { name: "w2" } }) { metadata { name } } }`);
  const start = (await create('x', { color: 'red' }, 'w2')).createPod.metadata.resourceVersion;
  await create('y', { color: 'blue' }, 'w2');
  await t.ok(`mutation { patchPod(namespace: "w2", name: "x", patch: { metadata: { labels: { color: "blue" } } }) { metadata { name } } }`);
  await t.ok(`mutation { patchPod(namespace: "w2", name: "y", patch: { metadata: { labels: { color: "red" } } }) { metadata { name } } }`);
  await t.ok(`mutation { deletePod(namespace: "w2", name: "y") { metadata { name } } }`);
  const all = t.ws().iterate({ query: WATCH, variables: { ns: 'w2', rv: start } }) as AsyncIterator<Event>;
  assert.deepEqual(summary(await nextResults(all, 4)), [
    ['ADDED', 'y'],
    ['MODIFIED', 'x'],
    ['MODIFIED', 'y'],
    ['DELETED', 'y'],
  ]);
  const red = t.ws().iterate({ query: WATCH, variables: { ns: 'w2', rv: start, sel: 'color=red' } }) as AsyncIterator<Event>;
  assert.deepEqual(summary(await nextResults(red, 3)), [
    ['DELETED', 'x'],
    ['ADDED', 'y'],
    ['DELETED', 'y'],
  ]);
  await all.return!();
  await red.return!();
});

test('a compacted resourceVersion ends the subscription with EXPIRED', async () => {
  const old = (await create('old1')).createPod.metadata.resourceVersion;
  await create('old2');
  await t.server.store.compact(Number(old) + 1);
  const it = t.ws().iterate({ query: WATCH, variables: { rv: old } }) as AsyncIterator<Event>;
  const results = await nextResults(it, 1).catch((err: unknown) => [{ errors: Array.isArray(err) ? err : [err] }] as Event[]);
  const error = results[0]?.errors?.[0] as { extensions?: { code?: string } } | undefined;
  assert.equal(error?.extensions?.code, 'EXPIRED');
});

test('a malformed resourceVersion or selector is BAD_USER_INPUT', async () => {
  for (const variables of [{ rv: 'abc' }, { sel: 'a in (' }]) {
    const it = t.ws().iterate({ query: WATCH, variables }) as AsyncIterator<Event>;
    const err = await nextResults(it, 1).then(
      (r) => r[0]?.errors?.[0],
      (e: unknown) => (Array.isArray(e) ? e[0] : e),
    );
    assert.equal((err as { extensions?: { code?: string } }).extensions?.code, 'BAD_USER_INPUT', JSON.stringify(variables));
  }
});
