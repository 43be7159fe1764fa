// The store's verbs and its etcd-like guarantees, on a real database.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ApiError } from '../../src/apimachinery/errors.ts';
import { parseFieldSelector } from '../../src/apimachinery/fields.ts';
import { parseLabelSelector } from '../../src/apimachinery/labels.ts';
import type { SqlStore, WatchEvent } from '../../src/store/index.ts';
import { openTestStore } from '../helpers/database.ts';
import { podObject, podKey } from '../helpers/objects.ts';

let store: SqlStore;
let close: () => Promise<void>;
before(async () => ({ store, close } = await openTestStore()));
after(() => close());

async function take(iterable: AsyncIterable<WatchEvent>, n: number): Promise<WatchEvent[]> {
  const out: WatchEvent[] = [];
  if (n === 0) return out;
  for await (const e of iterable) {
    out.push(e);
    if (out.length === n) break;
  }
  return out;
}

describe('store verbs', () => {
  test('create assigns a revision and refuses a taken key without changing anything', async () => {
    const before = await store.currentRevision();
    const created = await store.create(podKey('a'), podObject('a'));
    assert.ok(created);
    assert.equal(created.metadata.resourceVersion, String(before + 1));
    assert.equal(await store.create(podKey('a'), podObject('a')), undefined);
    assert.equal(await store.currentRevision(), before + 1, 'a refused create does not bump the revision');
    const got = await store.get(podKey('a'));
    assert.deepEqual(got, created);
  });

  test('update with a stale revision is a conflict that returns the current object', async () => {
    const created = (await store.create(podKey('b'), podObject('b')))!;
    const rv = Number(created.metadata.resourceVersion);
    const first = await store.update(podKey('b'), podObject('b', { x: 1 }), rv);
    assert.equal(first.ok, true);
    const stale = await store.update(podKey('b'), podObject('b', { x: 2 }), rv);
    assert.equal(stale.ok, false);
    assert.ok(!stale.ok && stale.reason === 'conflict');
    assert.equal((stale as { current: { spec?: { x?: number } } }).current.spec?.x, 1);
    const missing = await store.update(podKey('nope'), podObject('nope'), 1);
    assert.deepEqual(missing, { ok: false, reason: 'not-found' });
  });

  test('delete returns the last state at the deletion revision', async () => {
    await store.create(podKey('c'), podObject('c'));
    const rev = await store.currentRevision();
    const deleted = await store.delete(podKey('c'));
    assert.ok(deleted.ok);
    assert.equal(deleted.object.metadata.resourceVersion, String(rev + 1));
    assert.equal(await store.get(podKey('c')), undefined);
    assert.deepEqual(await store.delete(podKey('c')), { ok: false, reason: 'not-found' });
  });

  test('list filters by label and field selectors in SQL', async () => {
    for (const [name, labels, node] of [
      ['l1', { app: 'web', tier: 'a' }, 'n1'],
      ['l2', { app: 'web', tier: 'b' }, 'n2'],
      ['l3', { app: 'db' }, 'n1'],
    ] as const) {
      await store.create(podKey(name), podObject(name, { nodeName: node }, labels));
    }
    const names = async (label?: string, field?: string) =>
      (
        await store.list({
          kind: 'Pod',
          namespace: 'default',
          labelSelector: label ? parseLabelSelector(label) : undefined,
          fieldSelector: field ? parseFieldSelector(field, ['metadata.name', 'spec.nodeName']) : undefined,
        })
      ).items
        .map((o) => o.metadata.name)
        .filter((n) => n!.startsWith('l'));
    assert.deepEqual(await names('app=web'), ['l1', 'l2']);
    assert.deepEqual(await names('app=web,tier notin (a)'), ['l2']);
    assert.deepEqual(await names('!tier'), ['l3']);
    assert.deepEqual(await names(undefined, 'spec.nodeName=n1'), ['l1', 'l3']);
    assert.deepEqual(await names('app', 'spec.nodeName!=n1'), ['l2']);
  });

  test('paging is consistent with the first page even while objects change', async () => {
    const ns = { kind: 'Pod', namespace: 'paging' };
    for (let i = 0; i < 10; i++)
      await store.create({ ...ns, name: `p${i}` }, { ...podObject(`p${i}`), metadata: { name: `p${i}`, namespace: 'paging', uid: crypto.randomUUID() } });
    const page1 = await store.list({ ...ns, limit: 4 });
    assert.equal(page1.items.length, 4);
    assert.ok(page1.continue);
    // Change the world between pages: delete one not yet listed, modify one, add one.
    await store.delete({ ...ns, name: 'p6' });
    const p7 = (await store.get({ ...ns, name: 'p7' }))!;
    await store.update({ ...ns, name: 'p7' }, { ...p7, spec: { changed: true } });
    await store.create({ ...ns, name: 'p55' }, { ...podObject('p55'), metadata: { name: 'p55', namespace: 'paging', uid: crypto.randomUUID() } });
    const rest: string[] = [];
    let token: string | undefined = page1.continue;
    while (token) {
      const page = await store.list({ ...ns, limit: 4, continue: token });
      assert.equal(page.revision, page1.revision, "every page carries the first page's revision");
      rest.push(...page.items.map((o) => o.metadata.name!));
      const p7seen = page.items.find((o) => o.metadata.name === 'p7');
      if (p7seen) {
        assert.equal(p7seen.spec?.changed, undefined, 'p7 is listed as it was at the first page');
        assert.ok(Number(p7seen.metadata.resourceVersion) <= page1.revision);
      }
      token = page.continue;
    }
    assert.deepEqual([...page1.items.map((o) => o.metadata.name), ...rest], ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8', 'p9']);
  });

  test('a malformed continue token is a typed error', async () => {
    await assert.rejects(store.list({ kind: 'Pod', continue: 'garbage' }), (e: unknown) => e instanceof ApiError && e.code === 'BAD_USER_INPUT');
  });
});

describe('watch', () => {
  test('from a revision: every later change, in order, with selector transitions', async () => {
    const from = await store.currentRevision();
    const watch = store.watch({ kind: 'Pod', namespace: 'default', fromRevision: from, matches: (o) => o.metadata.labels?.watch === 'yes' });
    const w = (await store.create(podKey('w1'), podObject('w1', {}, { watch: 'yes' })))!;
    await store.create(podKey('w2'), podObject('w2', {}, { watch: 'no' }));
    const w1b = await store.update(podKey('w1'), { ...w, metadata: { ...w.metadata, labels: { watch: 'no' } } });
    assert.ok(w1b.ok);
    const w2 = (await store.get(podKey('w2')))!;
    await store.update(podKey('w2'), { ...w2, metadata: { ...w2.metadata, labels: { watch: 'yes' } } });
    await store.delete(podKey('w2'));
    const events = await take(watch, 4);
    watch.close();
    assert.deepEqual(
      events.map((e) => [e.type, e.object.metadata.name]),
      [
        ['ADDED', 'w1'],
        ['DELETED', 'w1'],
        ['ADDED', 'w2'],
        ['DELETED', 'w2'],
      ],
    );
    const revs = events.map((e) => e.revision);
    assert.deepEqual(
      revs,
      [...revs].sort((a, b) => a - b),
    );
  });

  test('resuming from an old revision replays history from the log', async () => {
    const from = await store.currentRevision();
    for (let i = 0; i < 5; i++) await store.create(podKey(`h${i}`), podObject(`h${i}`));
    await store.hub.waitFor(await store.currentRevision());
    const events = await take(store.watch({ kind: 'Pod', fromRevision: from }), 5);
    assert.deepEqual(
      events.map((e) => e.object.metadata.name),
      ['h0', 'h1', 'h2', 'h3', 'h4'],
    );
  });

  test('a watch from before the compaction point fails with EXPIRED', async () => {
    const old = await store.currentRevision();
    await store.create(podKey('x1'), podObject('x1'));
    await store.create(podKey('x2'), podObject('x2'));
    await store.compact(old + 1);
    await assert.rejects(take(store.watch({ kind: 'Pod', fromRevision: old }), 1), (e: unknown) => e instanceof ApiError && e.code === 'EXPIRED');
    const ok = await take(store.watch({ kind: 'Pod', fromRevision: old + 1 }), 1);
    assert.equal(ok[0].object.metadata.name, 'x2');
  });

  test('a paged list whose first page was compacted away is EXPIRED', async () => {
    const page = await store.list({ kind: 'Pod', limit: 1 });
    await store.create(podKey('after-page'), podObject('after-page'));
    await store.compact(await store.currentRevision());
    await assert.rejects(store.list({ kind: 'Pod', limit: 1, continue: page.continue }), (e: unknown) => e instanceof ApiError && e.code === 'EXPIRED');
  });
});
