// The watch hub's edges: bookmarks carry progress, replays from the log go at the
// client's pace with bounded buffers, slow live clients are cut, and a compaction past
// the hub's own position ends live watches with EXPIRED instead of skipping records.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { KubeObject } from '../../src/apis/kinds.ts';
import { ApiError, ErrorCode } from '../../src/apimachinery/errors.ts';
import { compact } from '../../src/store/compact.ts';
import { WatchHub } from '../../src/store/watch-hub.ts';
import type { SqlStore, Watch, WatchEvent } from '../../src/store/index.ts';
import { openTestStore } from '../helpers/database.ts';
import { podObject } from '../helpers/objects.ts';

let store: SqlStore;
let close: () => Promise<void>;
before(async () => ({ store, close } = await openTestStore({ windowSize: 5, batchSize: 10 })));
after(() => close());

const key = (namespace: string, name: string) => ({ kind: 'Pod', namespace, name });
const pod = (namespace: string, name: string, labels: Record<string, string> = {}): KubeObject => ({
  ...podObject(name, {}, labels),
  metadata: { ...podObject(name, {}, labels).metadata, namespace },
});
const createPod = async (namespace: string, name: string, labels?: Record<string, string>) =>
  Number((await store.create(key(namespace, name), pod(namespace, name, labels)))!.metadata.resourceVersion);
const createNode = async (name: string) =>
  Number(
    (await store.create({ kind: 'Node', namespace: '', name }, { apiVersion: 'v1', kind: 'Node', metadata: { name, uid: crypto.randomUUID() } }))!.metadata
      .resourceVersion,
  );

async function take(watch: Watch, n: number, timeoutMs = 10_000): Promise<WatchEvent[]> {
  const out: WatchEvent[] = [];
  const it = watch[Symbol.asyncIterator]();
  const timer = setTimeout(() => watch.close(), timeoutMs);
  try {
    while (out.length < n) {
      const r = await it.next();
      if (r.done) break;
      out.push(r.value);
    }
  } finally {
    clearTimeout(timer);
  }
  return out;
}

async function error(watch: Watch): Promise<unknown> {
  try {
    for await (const _ of watch) {
      /* drain */
    }
  } catch (err) {
    return err;
  }
  return undefined;
}

test("a BOOKMARK carries the hub's progress, not the last delivered event", async () => {
  const from = await store.currentRevision();
  const watch = store.watch({ kind: 'Pod', namespace: 'bm', fromRevision: from, matches: (o) => o.metadata.labels?.color === 'red' });
  const red = await createPod('bm', 'red', { color: 'red' });
  for (let i = 0; i < 4; i++) await createPod('bm', `blue-${i}`, { color: 'blue' });
  for (let i = 0; i < 3; i++) await createPod('elsewhere', `p-${i}`);
  const latest = await createNode('bm-node');
  await store.hub.waitFor(latest);
  watch.bookmark();
  const events = await take(watch, 2);
  watch.close();
  assert.deepEqual(
    events.map((e) => [e.type, e.revision]),
    [
      ['ADDED', red],
      ['BOOKMARK', latest],
    ],
  );
  assert.equal(events[1].object.metadata.resourceVersion, String(latest));
  // So a quiet watch resumes near now: history up to the bookmark may be compacted away.
  await store.compact(latest);
  const resumed = store.watch({ kind: 'Pod', namespace: 'bm', fromRevision: latest });
  const next = await createPod('bm', 'after-bookmark');
  assert.deepEqual(
    (await take(resumed, 1)).map((e) => [e.type, e.revision]),
    [['ADDED', next]],
  );
  resumed.close();
});

test("a replay from the change log goes at the client's pace: nothing piles up, nothing is cut", async () => {
  const from = await store.currentRevision();
  const names: string[] = [];
  for (let i = 0; i < 60; i++) names.push(`old-${i}`);
  for (const n of names) await createPod('replay', n);
  // Far behind the window (5), with room for only 15 queued events and a client that reads nothing yet.
  const watch = store.watch({ kind: 'Pod', namespace: 'replay', fromRevision: from, maxQueue: 15 });
  for (let i = 0; i < 40; i++) {
    names.push(`new-${i}`);
    await createPod('replay', `new-${i}`);
  }
  await new Promise((r) => setTimeout(r, 200));
  const events = await take(watch, names.length);
  watch.close();
  assert.deepEqual(
    events.map((e) => e.object.metadata.name),
    names,
  );
  assert.ok(events.every((e, i) => i === 0 || e.revision > events[i - 1].revision));
});

test('a live watcher whose client does not read is cut with EXPIRED', async () => {
  const watch = store.watch({ kind: 'Pod', namespace: 'slow', fromRevision: await store.currentRevision(), maxQueue: 10 });
  let last = 0;
  for (let i = 0; i < 20; i++) last = await createPod('slow', `p-${i}`);
  await store.hub.waitFor(last);
  const err = await error(watch);
  assert.ok(err instanceof ApiError && err.code === ErrorCode.EXPIRED, String(err));
  assert.match((err as Error).message, /too slow/);
});

test("a compaction past the hub's own position ends its live watches with EXPIRED instead of skipping records", async () => {
  // A hub of its own that only reads the log when poked (as a second apiserver would).
  const hub = new WatchHub(store.db.prisma, { pollIntervalMs: 3_600_000 });
  await hub.start();
  try {
    const pods = hub.watch({ kind: 'Pod', namespace: 'gap', fromRevision: hub.revision });
    const nodes = hub.watch({ kind: 'Node', fromRevision: hub.revision });
    const first = await createPod('gap', 'a');
    hub.poke();
    await hub.waitFor(first);
    await createPod('gap', 'b');
    const missed = await createPod('gap', 'c');
    await compact(store.db.prisma, missed); // behind this hub's back
    await createPod('gap', 'd');
    hub.poke();
    const seen: string[] = [];
    const err = await (async () => {
      try {
        for await (const e of pods) seen.push(e.object.metadata.name!);
      } catch (e) {
        return e;
      }
    })();
    assert.deepEqual(seen, ['a'], 'b and c were compacted before the hub read them; d must not follow as if nothing was lost');
    assert.ok(err instanceof ApiError && err.code === ErrorCode.EXPIRED, String(err));
    const nodeErr = await error(nodes);
    assert.ok(nodeErr instanceof ApiError && nodeErr.code === ErrorCode.EXPIRED, 'every live watch may have missed something');
  } finally {
    await hub.close();
  }
});
