// Group commit: many writers' writes commit together in one transaction, each writer
// gets its own answer, revisions stay consecutive, a refused write changes nothing, a
// write PostgreSQL refuses fails alone, and writeAll is all or nothing. On PostgreSQL,
// two stores on one database keep commit order = revision order.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { KubeObject } from '../../src/apis/kinds.ts';
import { ApiError } from '../../src/apimachinery/errors.ts';
import { SqlStore, type Change, type WriteResult } from '../../src/store/index.ts';
import { createTestDatabase, onPostgres, openTestStore } from '../helpers/database.ts';
import { podKey, podObject } from '../helpers/objects.ts';

let store: SqlStore;
let close: () => Promise<void>;
const delivered: Change[] = [];
before(async () => {
  ({ store, close } = await openTestStore());
  const deliver = store.hub.deliver.bind(store.hub);
  store.hub.deliver = (changes: Change[]) => {
    delivered.push(...changes);
    deliver(changes);
  };
});
after(() => close());

const rv = (o: KubeObject | undefined) => Number(o?.metadata.resourceVersion);

interface LogRow {
  revision: number;
  name: string;
  type: string;
  object: KubeObject;
  prevObject?: KubeObject;
  prevRevision?: number;
  tx: string;
}

/** The change log after `from`, with each record's transaction id. */
async function changesAfter(from: number): Promise<LogRow[]> {
  const rows = await store.db.prisma.$queryRawUnsafe<
    { revision: bigint; name: string; type: string; object: KubeObject; prev_object: KubeObject | null; prev_revision: bigint | null; tx: string }[]
  >('SELECT revision, name, type, object, prev_object, prev_revision, xmin::text AS tx FROM kubeql_change WHERE revision > $1 ORDER BY revision', from);
  return rows.map((r) => ({
    revision: Number(r.revision),
    name: r.name,
    type: r.type,
    object: r.object,
    prevObject: r.prev_object ?? undefined,
    prevRevision: r.prev_revision === null ? undefined : Number(r.prev_revision),
    tx: r.tx,
  }));
}

const consecutive = (revisions: number[], from: number) =>
  assert.deepEqual(
    [...revisions].sort((a, b) => a - b),
    revisions.map((_, i) => from + 1 + i),
    'consecutive revisions, no gaps',
  );

describe('group commit', () => {
  test('concurrent creates, updates and deletes: each caller gets its own answer; successes are consecutive and logged once', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `mix-${i}`);
    const existing = new Map<string, KubeObject>();
    for (const n of names.slice(0, 8)) existing.set(n, (await store.create(podKey(n), podObject(n)))!);
    const start = await store.currentRevision();

    // All submitted in one turn of the event loop: they share batches.
    type Expect = { name: string; verb: string; ok: boolean; reason?: string };
    const calls: { expect: Expect; result: Promise<KubeObject | undefined | WriteResult> }[] = [];
    const call = (expect: Expect, result: Promise<KubeObject | undefined | WriteResult>) => calls.push({ expect, result });
    const rvOf = (n: string) => rv(existing.get(n));
    call({ name: 'mix-0', verb: 'create', ok: false }, store.create(podKey('mix-0'), podObject('mix-0'))); // taken
    call({ name: 'mix-8', verb: 'create', ok: true }, store.create(podKey('mix-8'), podObject('mix-8')));
    call({ name: 'mix-8', verb: 'create', ok: false }, store.create(podKey('mix-8'), podObject('mix-8'))); // same key, same batch
    call({ name: 'mix-9', verb: 'create', ok: true }, store.create(podKey('mix-9'), podObject('mix-9')));
    call({ name: 'mix-1', verb: 'update', ok: true }, store.update(podKey('mix-1'), podObject('mix-1', { v: 1 }), rvOf('mix-1')));
    call({ name: 'mix-1', verb: 'update', ok: false, reason: 'conflict' }, store.update(podKey('mix-1'), podObject('mix-1', { v: 2 }), rvOf('mix-1'))); // stale by then
    call({ name: 'mix-2', verb: 'update', ok: false, reason: 'conflict' }, store.update(podKey('mix-2'), podObject('mix-2'), rvOf('mix-2') - 1));
    call({ name: 'mix-10', verb: 'update', ok: false, reason: 'not-found' }, store.update(podKey('mix-10'), podObject('mix-10'), 1));
    call({ name: 'mix-3', verb: 'update', ok: true }, store.update(podKey('mix-3'), podObject('mix-3', { v: 3 })));
    call({ name: 'mix-4', verb: 'delete', ok: true }, store.delete(podKey('mix-4'), rvOf('mix-4')));
    call({ name: 'mix-4', verb: 'delete', ok: false, reason: 'not-found' }, store.delete(podKey('mix-4')));
    call({ name: 'mix-5', verb: 'delete', ok: false, reason: 'conflict' }, store.delete(podKey('mix-5'), rvOf('mix-5') + 1000));
    call({ name: 'mix-11', verb: 'delete', ok: false, reason: 'not-found' }, store.delete(podKey('mix-11')));
    // One key, four writes in one turn: they commit in the order they were made.
    call({ name: 'mix-6', verb: 'delete', ok: true }, store.delete(podKey('mix-6')));
    call({ name: 'mix-6', verb: 'create', ok: true }, store.create(podKey('mix-6'), podObject('mix-6', { again: true })));
    call({ name: 'mix-6', verb: 'update', ok: true }, store.update(podKey('mix-6'), podObject('mix-6', { again: 2 })));
    call({ name: 'mix-6', verb: 'delete', ok: true }, store.delete(podKey('mix-6')));
    for (let i = 0; i < 40; i++) call({ name: `bulk-${i}`, verb: 'create', ok: true }, store.create(podKey(`bulk-${i}`), podObject(`bulk-${i}`)));

    const results = await Promise.all(calls.map((c) => c.result));
    const revisions: number[] = [];
    for (const [i, { expect }] of calls.entries()) {
      const got = results[i];
      const what = `call ${i}: ${expect.verb} ${expect.name}`;
      if (expect.verb === 'create') {
        assert.equal(got !== undefined, expect.ok, what);
        if (got) revisions.push(rv(got as KubeObject));
      } else {
        const r = got as WriteResult;
        assert.equal(r.ok, expect.ok, what);
        if (r.ok) revisions.push(rv(r.object));
        else assert.equal(r.reason, expect.reason, what);
        if (!r.ok && r.reason === 'conflict') {
          // The current object comes back: for mix-1, as the first update left it.
          const first = results[calls.findIndex((c) => c.expect.name === expect.name)] as WriteResult;
          assert.equal(rv(r.current), expect.name === 'mix-1' && first.ok ? rv(first.object) : rv(existing.get(expect.name)), what);
        }
      }
    }
    // Writes to one key commit in the order they were made; so do the bulk creates.
    const mix6 = calls
      .flatMap((c, i) => (c.expect.name === 'mix-6' ? [results[i]] : []))
      .map((r) => rv((r as { object?: KubeObject }).object ?? (r as KubeObject)));
    assert.deepEqual(
      mix6,
      [...mix6].sort((a, b) => a - b),
    );
    const bulk = calls.flatMap((c, i) => (c.expect.name.startsWith('bulk-') ? [rv(results[i] as KubeObject)] : []));
    assert.deepEqual(
      bulk,
      [...bulk].sort((a, b) => a - b),
    );

    consecutive(revisions, start);
    assert.equal(await store.currentRevision(), start + revisions.length, 'refused writes did not bump the revision');
    const log = await changesAfter(start);
    assert.deepEqual(
      log.map((c) => c.revision),
      revisions.sort((a, b) => a - b),
      'one change record per success',
    );
    assert.ok(new Set(log.map((c) => c.tx)).size < log.length, 'some writes shared a transaction');

    // Each record carries the state before it.
    const state = new Map<string, { revision: number; object: KubeObject }>([...existing].map(([n, o]) => [n, { revision: rv(o), object: o }]));
    for (const c of log) {
      const before = state.get(c.name);
      if (c.type === 'ADDED') assert.equal(before, undefined, `${c.revision} ADDED ${c.name}`);
      else {
        assert.equal(c.prevRevision, before?.revision, `${c.revision} ${c.type} ${c.name}`);
        assert.deepEqual(c.prevObject?.spec, before?.object.spec);
      }
      if (c.type === 'DELETED') state.delete(c.name);
      else state.set(c.name, { revision: c.revision, object: c.object });
    }
    const mix1 = (await store.get(podKey('mix-1')))!;
    assert.deepEqual(mix1.spec, podObject('mix-1', { v: 1 }).spec, 'the stale update changed nothing');
    assert.equal(await store.get(podKey('mix-6')), undefined);
  });

  test('committed changes reach the hub in revision order with their previous state, as the log has them', async () => {
    const start = await store.currentRevision();
    delivered.length = 0;
    const a = (await store.create(podKey('hub-a'), podObject('hub-a')))!;
    await Promise.all([
      store.update(podKey('hub-a'), { ...a, spec: { changed: true } }, rv(a)),
      store.create(podKey('hub-b'), podObject('hub-b')),
      store.create(podKey('hub-a'), podObject('hub-a')), // refused: not a change
    ]);
    await store.delete(podKey('hub-a'));
    const log = await changesAfter(start);
    const mine = delivered.filter((c) => c.revision > start);
    assert.deepEqual(
      mine.map((c) => c.revision),
      log.map((c) => c.revision),
    );
    for (const [i, c] of mine.entries()) {
      const row = log[i];
      assert.equal(c.type, row.type);
      assert.equal(c.name, row.name);
      assert.equal(c.object.metadata.resourceVersion, String(c.revision));
      assert.deepEqual(c.object.spec, row.object.spec);
      assert.equal(c.prevObject?.metadata.resourceVersion, row.prevRevision === undefined ? undefined : String(row.prevRevision));
      assert.deepEqual(c.prevObject?.spec, row.prevObject?.spec);
    }
  });

  test('a batch of refused writes bumps nothing and logs nothing', async () => {
    const existing = (await store.create(podKey('refused'), podObject('refused')))!;
    const start = await store.currentRevision();
    const results = await Promise.all([
      store.create(podKey('refused'), podObject('refused')),
      store.update(podKey('refused'), podObject('refused'), rv(existing) - 1),
      store.update(podKey('refused-missing'), podObject('refused-missing')),
      store.delete(podKey('refused-missing')),
    ]);
    assert.deepEqual(
      results.map((r) => (r === undefined ? 'exists' : (r as WriteResult).ok ? 'ok' : (r as { reason: string }).reason)),
      ['exists', 'conflict', 'not-found', 'not-found'],
    );
    assert.equal(await store.currentRevision(), start);
    assert.deepEqual(await changesAfter(start), []);
  });

  test('a write PostgreSQL refuses (NUL character, lone surrogate) fails alone; its batch mates commit', async () => {
    const start = await store.currentRevision();
    const good = Array.from({ length: 10 }, (_, i) => `fine-${i}`);
    const settled = await Promise.allSettled([
      ...good.slice(0, 5).map((n) => store.create(podKey(n), podObject(n))),
      store.create(podKey('nul'), podObject('nul', { note: 'a\u0000b' })),
      ...good.slice(5).map((n) => store.create(podKey(n), podObject(n))),
      store.update(podKey('fine-0'), podObject('fine-0', { note: '\ud800' })),
    ]);
    const [bad1, bad2] = [settled[5], settled[11]];
    for (const bad of [bad1, bad2]) {
      assert.equal(bad.status, 'rejected');
      assert.ok(
        bad.status === 'rejected' && bad.reason instanceof ApiError && bad.reason.code === 'BAD_USER_INPUT',
        String((bad as PromiseRejectedResult).reason),
      );
    }
    const ok = settled.filter((s, i) => i !== 5 && i !== 11);
    assert.ok(ok.every((s) => s.status === 'fulfilled' && s.value));
    consecutive(
      ok.map((s) => rv((s as PromiseFulfilledResult<KubeObject>).value)),
      start,
    );
    assert.equal(await store.currentRevision(), start + 10);
    assert.equal(await store.get(podKey('nul')), undefined);
    assert.equal((await changesAfter(start)).length, 10);
  });

  test('writeAll writes every op or none', async () => {
    const b = (await store.create(podKey('unit-b'), podObject('unit-b')))!;
    const d = (await store.create(podKey('unit-d'), podObject('unit-d')))!;
    const start = await store.currentRevision();

    // A stale op refuses the whole unit, while single writes in the same batch go through.
    const [refused, alone] = await Promise.all([
      store.writeAll([
        { verb: 'create', key: podKey('unit-a'), object: podObject('unit-a') },
        { verb: 'update', key: podKey('unit-b'), object: podObject('unit-b', { v: 1 }), expectedRevision: rv(b) - 1 },
      ]),
      store.create(podKey('unit-alone'), podObject('unit-alone')),
    ]);
    assert.equal(refused.ok, false);
    assert.ok(!refused.ok && refused.index === 1 && refused.result.reason === 'conflict' && rv(refused.result.current) === rv(b));
    assert.equal(await store.get(podKey('unit-a')), undefined);
    assert.equal(rv(alone), start + 1);
    assert.equal(await store.currentRevision(), start + 1);

    const taken = await store.writeAll([
      { verb: 'delete', key: podKey('unit-d') },
      { verb: 'create', key: podKey('unit-b'), object: podObject('unit-b') },
    ]);
    assert.ok(!taken.ok && taken.index === 1 && taken.result.reason === 'exists' && rv(taken.result.current) === rv(b));
    assert.ok(await store.get(podKey('unit-d')));

    const missing = await store.writeAll([{ verb: 'delete', key: podKey('unit-nope') }]);
    assert.deepEqual(missing, { ok: false, index: 0, result: { ok: false, reason: 'not-found' } });

    const done = await store.writeAll([
      { verb: 'create', key: podKey('unit-c'), object: podObject('unit-c') },
      { verb: 'update', key: podKey('unit-b'), object: podObject('unit-b', { v: 2 }), expectedRevision: rv(b) },
      { verb: 'delete', key: podKey('unit-d'), expectedRevision: rv(d) },
    ]);
    assert.ok(done.ok);
    assert.deepEqual(done.objects.map(rv), [start + 2, start + 3, start + 4]);
    assert.deepEqual(
      done.objects.map((o) => o.metadata.name),
      ['unit-c', 'unit-b', 'unit-d'],
    );
    assert.deepEqual((await store.get(podKey('unit-b')))!.spec, podObject('unit-b', { v: 2 }).spec);
    assert.equal(await store.get(podKey('unit-d')), undefined);
    const log = await changesAfter(start + 1);
    assert.deepEqual(
      log.map((c) => [c.revision, c.type, c.name]),
      [
        [start + 2, 'ADDED', 'unit-c'],
        [start + 3, 'MODIFIED', 'unit-b'],
        [start + 4, 'DELETED', 'unit-d'],
      ],
    );
    assert.equal(new Set(log.map((c) => c.tx)).size, 1, 'one transaction');

    await assert.rejects(
      store.writeAll([
        { verb: 'create', key: podKey('twice'), object: podObject('twice') },
        { verb: 'delete', key: podKey('twice') },
      ]),
      (e: unknown) => e instanceof ApiError && e.code === 'BAD_USER_INPUT',
    );
    assert.deepEqual(await store.writeAll([]), { ok: true, objects: [] });
  });

  test('a unit holding a write PostgreSQL refuses fails whole, alone', async () => {
    const start = await store.currentRevision();
    const [unit, other] = await Promise.allSettled([
      store.writeAll([
        { verb: 'create', key: podKey('u-fine'), object: podObject('u-fine') },
        { verb: 'create', key: podKey('u-nul'), object: podObject('u-nul', { x: '\u0000' }) },
      ]),
      store.create(podKey('u-other'), podObject('u-other')),
    ]);
    assert.ok(unit.status === 'rejected' && unit.reason instanceof ApiError && unit.reason.code === 'BAD_USER_INPUT');
    assert.ok(other.status === 'fulfilled' && rv(other.value) === start + 1);
    assert.equal(await store.get(podKey('u-fine')), undefined);
  });
});

test('close commits the writes already submitted, then refuses new ones', async () => {
  const other = await openTestStore();
  const writes = Array.from({ length: 30 }, (_, i) => other.store.create(podKey(`c-${i}`), podObject(`c-${i}`)));
  const closing = other.close();
  await assert.rejects(other.store.create(podKey('late'), podObject('late')), (e: unknown) => e instanceof ApiError && e.code === 'UNAVAILABLE');
  assert.ok((await Promise.all(writes)).every(Boolean));
  await closing;
});

describe('two stores on one PostgreSQL database', { skip: !onPostgres && 'PostgreSQL only (DATABASE_URL)' }, () => {
  let a: SqlStore;
  let b: SqlStore;
  let drop: () => Promise<void>;
  before(async () => {
    const db = await createTestDatabase();
    drop = db.drop;
    a = await SqlStore.open({ ...db.options, compactIntervalMs: 0 });
    b = await SqlStore.open({ ...db.options, compactIntervalMs: 0 });
  });
  after(async () => {
    await b?.close();
    await a?.close();
    await drop?.();
  });

  test('commit order is revision order: a reader never sees a revision before a lower one', async () => {
    const start = await a.currentRevision();
    let writing = true;
    const writer = async (s: SqlStore, id: string) => {
      for (let round = 0; round < 15; round++) {
        await Promise.all(
          Array.from({ length: 12 }, async (_, i) => {
            const name = `${id}-${round}-${i}`;
            const o = (await s.create(podKey(name), podObject(name)))!;
            if (i % 3 === 0) await s.update(podKey(name), { ...o, spec: { round } }, rv(o));
          }),
        );
      }
    };
    let looks = 0;
    const reader = (async () => {
      while (writing) {
        const [row] = await a.db.prisma.$queryRawUnsafe<{ n: bigint; top: bigint | null }[]>(
          'SELECT count(*) AS n, max(revision) AS top FROM kubeql_change WHERE revision > $1',
          start,
        );
        if (row.top !== null) assert.equal(Number(row.top) - start, Number(row.n), 'no hole below the newest visible revision');
        looks++;
      }
    })();
    const watch = b.watch({ kind: 'Pod', fromRevision: start });
    await Promise.all([writer(a, 'a'), writer(b, 'b')]).finally(() => (writing = false));
    await reader;
    assert.ok(looks > 1);
    const top = await a.currentRevision();
    assert.equal(top - start, 2 * 15 * 16);
    const seen: number[] = [];
    for await (const e of watch) {
      seen.push(e.revision);
      if (e.revision === top) break;
    }
    assert.deepEqual(
      seen,
      Array.from({ length: top - start }, (_, i) => start + 1 + i),
    );
  });

  test('the same key created through both stores at once: exactly one wins, once', async () => {
    const start = await a.currentRevision();
    const keys = Array.from({ length: 40 }, (_, i) => `race-${i}`);
    const results = await Promise.all(keys.flatMap((k) => [a.create(podKey(k), podObject(k)), b.create(podKey(k), podObject(k))]));
    for (const [i, k] of keys.entries()) {
      const pair = [results[2 * i], results[2 * i + 1]];
      assert.equal(pair.filter(Boolean).length, 1, k);
    }
    assert.equal(await a.currentRevision(), start + keys.length);
  });

  test('of K concurrent updates from one resourceVersion through both stores exactly one wins', async () => {
    const created = (await a.create(podKey('contended'), podObject('contended')))!;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? b : a).update(podKey('contended'), { ...created, spec: { writer: i } }, rv(created))),
    );
    assert.equal(results.filter((r) => r.ok).length, 1);
    assert.equal(await a.currentRevision(), rv(created) + 1);
  });
});
