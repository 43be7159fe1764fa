// watchKind (src/apiserver/registry/watch.ts) on its own, over a real store: the initial
// list page by page then a BOOKMARK, periodic bookmarks, per-object authorization, and
// how the iterator ends (return() at once, an error once, then done).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { KubeObject } from '../../src/apis/kinds.ts';
import { watchKind, type ApiWatchEvent } from '../../src/apiserver/registry/index.ts';
import type { WatchOptions } from '../../src/store/types.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let t: TestServer;
before(async () => (t = await startTestServer()));
after(() => t.stop());

const pod = (namespace: string, name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace },
  spec: { containers: [{ name: 'c', image: 'nginx' }] },
});
const namespace = (name: string) => t.server.registry.create('Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const names = (events: ApiWatchEvent[]) => events.map((e) => `${e.type} ${e.object.metadata.name}`);
const within = <T>(p: Promise<T>, ms = 5000) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), ms).unref())]);

/** Counts the store watches started and closed. */
function spyWatches() {
  const store = t.server.registry.store;
  const original = store.watch.bind(store);
  const spy = {
    started: 0,
    closed: 0,
    restore: () => {
      store.watch = original;
    },
  };
  store.watch = (o: WatchOptions) => {
    spy.started++;
    const w = original(o);
    const close = w.close.bind(w);
    w.close = () => {
      spy.closed++;
      close();
    };
    return w;
  };
  return spy;
}

test('without a resourceVersion: every page of the list as ADDED, a BOOKMARK at its revision, then the changes after it', async () => {
  await namespace('wk-pages');
  // More than one page (500) of the initial list.
  await Promise.all(Array.from({ length: 520 }, (_, i) => t.server.registry.create('Pod', pod('wk-pages', `p-${String(i).padStart(3, '0')}`))));
  const it = watchKind(t.server.registry, 'Pod', { namespace: 'wk-pages' })[Symbol.asyncIterator]();
  const initial: ApiWatchEvent[] = [];
  for (let i = 0; i < 521; i++) initial.push((await it.next()).value as ApiWatchEvent);
  assert.deepEqual(new Set(names(initial.slice(0, 520))), new Set(Array.from({ length: 520 }, (_, i) => `ADDED p-${String(i).padStart(3, '0')}`)));
  const bookmark = initial[520];
  assert.equal(bookmark.type, 'BOOKMARK');
  const listed = Math.max(...initial.slice(0, 520).map((e) => Number(e.object.metadata.resourceVersion)));
  assert.ok(Number(bookmark.object.metadata.resourceVersion) >= listed);
  const created = await t.server.registry.create('Pod', pod('wk-pages', 'later'));
  const next = (await within(it.next())).value as ApiWatchEvent;
  assert.deepEqual([next.type, next.object.metadata.name, next.object.metadata.resourceVersion], ['ADDED', 'later', created.metadata.resourceVersion]);
  await it.return!();
  assert.deepEqual(await it.next(), { value: undefined, done: true });
});

test("allowBookmarks: a BOOKMARK at the watch's progress every interval, behind the events it vouches for; none after return()", async () => {
  await namespace('wk-bookmarks');
  const spy = spyWatches();
  try {
    const rv = (await t.server.registry.create('Pod', pod('wk-bookmarks', 'a'))).metadata.resourceVersion!;
    const it = watchKind(t.server.registry, 'Pod', { namespace: 'wk-bookmarks', resourceVersion: rv, allowBookmarks: true, bookmarkIntervalMs: 30 })[
      Symbol.asyncIterator
    ]();
    const b = await t.server.registry.create('Pod', pod('wk-bookmarks', 'b'));
    // A create slower than the interval lets a BOOKMARK (at a's progress) come first; then b.
    let first: ApiWatchEvent;
    do first = (await within(it.next())).value as ApiWatchEvent;
    while (first.type === 'BOOKMARK' && Number(first.object.metadata.resourceVersion) >= Number(rv));
    assert.deepEqual(names([first]), ['ADDED b']);
    const mark = (await within(it.next())).value as ApiWatchEvent;
    assert.equal(mark.type, 'BOOKMARK');
    assert.equal(mark.object.kind, 'Pod');
    assert.ok(Number(mark.object.metadata.resourceVersion) >= Number(b.metadata.resourceVersion));
    assert.equal(spy.started, 1);
    await it.return!();
    assert.ok(spy.closed >= 1, 'the store watch is closed');
    await new Promise((r) => setTimeout(r, 100)); // the interval is cleared: nothing is queued, nothing throws
    assert.deepEqual(await it.next(), { value: undefined, done: true });
  } finally {
    spy.restore();
  }
});

test('return() ends a watch at once, even while next() waits for an event that never comes', async () => {
  const spy = spyWatches();
  try {
    const it = watchKind(t.server.registry, 'Pod', { namespace: 'nowhere', resourceVersion: String(t.server.store.hub.revision) })[Symbol.asyncIterator]();
    const waiting = it.next();
    await new Promise((r) => setTimeout(r, 20));
    await within(it.return!(), 1000);
    assert.deepEqual(await within(waiting, 1000), { value: undefined, done: true });
    assert.equal(spy.started, 1);
    assert.ok(spy.closed >= 1, 'the store watch is closed');
  } finally {
    spy.restore();
  }
});

test('return() during the initial list starts no store watch', async () => {
  await namespace('wk-early');
  await t.server.registry.create('Pod', pod('wk-early', 'x'));
  const spy = spyWatches();
  try {
    const it = watchKind(t.server.registry, 'Pod', { namespace: 'wk-early' })[Symbol.asyncIterator]();
    const listing = it.next();
    await it.return!();
    await listing;
    assert.deepEqual(await it.next(), { value: undefined, done: true });
    assert.equal(spy.started, 0);
  } finally {
    spy.restore();
  }
});

test('an object the caller may not see ends the watch with FORBIDDEN, in the initial list or live; then done, the store watch closed', async () => {
  await namespace('wk-deny');
  await t.server.registry.create('Pod', pod('wk-deny', 'ok-1'));
  await t.server.registry.create('Pod', pod('wk-deny', 'secret-1'));
  const authorize = (o: KubeObject) => !o.metadata.name!.startsWith('secret');
  // In the initial list: ok-1, then the error.
  const listed = watchKind(t.server.registry, 'Pod', { namespace: 'wk-deny', authorize })[Symbol.asyncIterator]();
  assert.deepEqual(names([(await listed.next()).value as ApiWatchEvent]), ['ADDED ok-1']);
  await assert.rejects(listed.next(), (e: Error & { code?: string }) => e.code === 'FORBIDDEN' && /may no longer watch/.test(e.message));
  assert.deepEqual(await listed.next(), { value: undefined, done: true });
  // Live.
  const spy = spyWatches();
  try {
    const rv = String(t.server.store.hub.revision);
    const live = watchKind(t.server.registry, 'Pod', { namespace: 'wk-deny', resourceVersion: rv, authorize })[Symbol.asyncIterator]();
    const first = live.next();
    await t.server.registry.create('Pod', pod('wk-deny', 'ok-2'));
    await t.server.registry.create('Pod', pod('wk-deny', 'secret-2'));
    assert.deepEqual(names([(await within(first)).value as ApiWatchEvent]), ['ADDED ok-2']);
    await assert.rejects(within(live.next()), (e: Error & { code?: string }) => e.code === 'FORBIDDEN');
    assert.deepEqual(await live.next(), { value: undefined, done: true });
    assert.equal(spy.started, 1);
    assert.ok(spy.closed >= 1, 'the store watch is closed');
  } finally {
    spy.restore();
  }
});

test('a store watch that fails (a compacted resourceVersion) rejects once with its error, then is done', async () => {
  await namespace('wk-old');
  const old = (await t.server.registry.create('Pod', pod('wk-old', 'o1'))).metadata.resourceVersion!;
  await t.server.registry.create('Pod', pod('wk-old', 'o2'));
  await t.server.store.compact(Number(old) + 1);
  const it = watchKind(t.server.registry, 'Pod', { namespace: 'wk-old', resourceVersion: old })[Symbol.asyncIterator]();
  await assert.rejects(within(it.next()), (e: Error & { code?: string }) => e.code === 'EXPIRED');
  assert.deepEqual(await it.next(), { value: undefined, done: true });
});
