// Updates start from the watch cache's copy of the object (as kube-apiserver's
// GuaranteedUpdate does) and let the compare-and-swap prove it current. A cache that
// lags — another apiserver's write not yet read — must never decide an outcome: every
// case below hands the registry a stale copy and expects what a fresh read would give.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { KubeObject } from '../../src/apis/kinds.ts';
import { ApiError, ErrorCode } from '../../src/apimachinery/errors.ts';
import { Registry } from '../../src/apiserver/registry/index.ts';
import type { ObjectKey, SqlStore } from '../../src/store/index.ts';
import { openTestStore } from '../helpers/database.ts';

let store: SqlStore;
let close: () => Promise<void>;
/** What the lagging watch cache holds, by name. */
const stale = new Map<string, KubeObject>();
let registry: Registry;
let reads = 0;
before(async () => {
  ({ store, close } = await openTestStore());
  const counted = new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'get')
        return (key: ObjectKey) => {
          reads++;
          return target.get(key);
        };
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  registry = new Registry(counted, { recent: (key) => stale.get(key.name) && structuredClone(stale.get(key.name)) });
  await registry.create('Namespace', { metadata: { name: 'default' } }).catch(() => undefined);
});
after(() => close());

const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  metadata: { name, namespace: 'default', labels: { a: '1' } },
  spec: { containers: [{ name: 'c', image: 'nginx' }], ...extra },
});

/** Creates the pod, remembers that state as the cache's, then changes it behind the cache. */
async function lagging(name: string, change: (p: KubeObject) => Promise<unknown>, extra?: Record<string, unknown>): Promise<KubeObject> {
  const created = await registry.create('Pod', pod(name, extra));
  stale.set(name, created);
  await change(created);
  return (await store.get({ kind: 'Pod', namespace: 'default', name }))!;
}

const code = (err: unknown) => (err instanceof ApiError ? err.code : String(err));

test('an update from a fresh cache costs no read', async () => {
  const created = await registry.create('Pod', pod('fresh'));
  stale.set('fresh', created);
  reads = 0;
  const patched = await registry.patch('Pod', 'default', 'fresh', { metadata: { labels: { b: '2' } } }, 'MERGE');
  assert.equal(reads, 0);
  assert.deepEqual(patched.metadata.labels, { a: '1', b: '2' });
});

test('a patch from a stale copy loses no concurrent change', async () => {
  await lagging('p1', () => registry.patch('Pod', 'default', 'p1', { metadata: { labels: { a: '2' } } }, 'MERGE'));
  const patched = await registry.patch('Pod', 'default', 'p1', { metadata: { labels: { b: '1' } } }, 'MERGE');
  assert.deepEqual(patched.metadata.labels, { a: '2', b: '1' });
});

test('a status write that is a no-op only against the stale copy is written', async () => {
  const created = await registry.create('Pod', pod('p2'));
  const running = await registry.updateStatus('Pod', 'default', 'p2', { ...(created.status as object), phase: 'Running' });
  stale.set('p2', running);
  await registry.updateStatus('Pod', 'default', 'p2', { ...(created.status as object), phase: 'Pending' });
  const written = await registry.updateStatus('Pod', 'default', 'p2', { ...(created.status as object), phase: 'Running' });
  assert.equal((written.status as { phase: string }).phase, 'Running');
  assert.equal(((await store.get({ kind: 'Pod', namespace: 'default', name: 'p2' }))!.status as { phase: string }).phase, 'Running');
});

test('a binding refused only by the stale copy is decided on the current object', async () => {
  // The cache says bound; the pod was unbound… impossible for pods, so the reverse: the cache says unbound, the pod is bound.
  await lagging('p3', () => registry.updateSubresource('Pod', 'default', 'p3', 'binding', { nodeName: 'node-a' }));
  await assert.rejects(
    registry.updateSubresource('Pod', 'default', 'p3', 'binding', { nodeName: 'node-b' }),
    (err) => code(err) === ErrorCode.CONFLICT && /already assigned to node "node-a"/.test((err as Error).message),
  );
});

test('a precondition that names the current resourceVersion holds although the cache is stale', async () => {
  const current = await lagging('p4', () => registry.patch('Pod', 'default', 'p4', { metadata: { labels: { a: '3' } } }, 'MERGE'));
  const replaced = await registry.updateStatus('Pod', 'default', 'p4', { phase: 'Running' }, current.metadata.resourceVersion);
  assert.equal((replaced.status as { phase: string }).phase, 'Running');
  await assert.rejects(
    registry.updateStatus('Pod', 'default', 'p4', { phase: 'Failed' }, current.metadata.resourceVersion),
    (err) => code(err) === ErrorCode.CONFLICT,
  );
});

test('an object deleted behind the cache is NOT_FOUND', async () => {
  await lagging('p5', () => registry.delete('Pod', 'default', 'p5'));
  await assert.rejects(registry.patch('Pod', 'default', 'p5', { metadata: { labels: { b: '1' } } }, 'MERGE'), (err) => code(err) === ErrorCode.NOT_FOUND);
});
