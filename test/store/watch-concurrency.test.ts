// N concurrent writers and M watchers — some resuming mid-stream, some (on
// PostgreSQL) on a second store instance fed only by LISTEN/NOTIFY: every watcher
// sees every change exactly once, in revision order.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { KubeObject } from '../../src/apis/kinds.ts';
import { SqlStore, type Watch, type WatchEvent } from '../../src/store/index.ts';
import { createTestDatabase, onPostgres, type TestDatabase } from '../helpers/database.ts';
import { podObject } from '../helpers/objects.ts';

const WRITERS = 6;
const OPS_PER_WRITER = 60;
const KEYS_PER_WRITER = 5;

let db: TestDatabase;
let a: SqlStore;
let b: SqlStore | undefined;
before(async () => {
  db = await createTestDatabase();
  a = await SqlStore.open({ ...db.options, compactIntervalMs: 0, windowSize: 50 }); // a small window forces replays from the log
  if (onPostgres) b = await SqlStore.open({ ...db.options, compactIntervalMs: 0, pollIntervalMs: 60_000 }); // notifications only
});
after(async () => {
  await b?.close();
  await a.close();
  await db.drop();
});

const key = (name: string) => ({ kind: 'Pod', namespace: 'default', name });

async function writer(id: number, seed: number): Promise<void> {
  let x = seed;
  const rand = (n: number) => (x = (x * 1103515245 + 12345) % 2 ** 31) % n;
  for (let i = 0; i < OPS_PER_WRITER; i++) {
    const name = `w${id}-k${rand(KEYS_PER_WRITER)}`;
    const current = await a.get(key(name));
    const labels = { writer: String(id), color: rand(2) ? 'red' : 'blue' };
    if (!current) await a.create(key(name), podObject(name, { i }, labels));
    else if (rand(4) === 0) await a.delete(key(name), Number(current.metadata.resourceVersion));
    else
      await (b && rand(2) ? b : a).update(
        key(name),
        { ...current, metadata: { ...current.metadata, labels }, spec: { i } },
        Number(current.metadata.resourceVersion),
      );
  }
}

async function collectUntil(watch: Watch, sentinel: string): Promise<WatchEvent[]> {
  const events: WatchEvent[] = [];
  for await (const e of watch) {
    events.push(e);
    if (e.object.metadata.name === sentinel) break;
  }
  return events;
}

/** Kubernetes' filtered-watch semantics, computed from the change log: the reference. */
function expected(changes: { revision: number; type: string; object: KubeObject; prev?: KubeObject }[], match: (o: KubeObject) => boolean) {
  const out: [number, string, string][] = [];
  for (const c of changes) {
    const now = c.type !== 'DELETED' && match(c.object);
    const before = c.type === 'DELETED' ? match(c.object) : c.prev !== undefined && match(c.prev);
    const type = now && before ? 'MODIFIED' : now ? 'ADDED' : before ? 'DELETED' : undefined;
    if (type) out.push([c.revision, type, c.object.metadata.name!]);
  }
  return out;
}

test('every watcher sees every change exactly once, in revision order', async () => {
  const start = await a.currentRevision();
  const red = (o: KubeObject) => o.metadata.labels?.color === 'red' || o.metadata.name === 'sentinel';
  const watchers: { name: string; from: number; match: (o: KubeObject) => boolean; done: Promise<WatchEvent[]> }[] = [];
  const add = (name: string, store: SqlStore, from: number, match: (o: KubeObject) => boolean = () => true, filtered = false) => {
    const watch = store.watch({ kind: 'Pod', fromRevision: from, ...(filtered ? { matches: match } : {}) });
    watchers.push({ name, from, match, done: collectUntil(watch, 'sentinel') });
  };
  add('a-all', a, start);
  add('a-red', a, start, red, true);
  if (b) {
    add('b-all', b, start);
    add('b-red', b, start, red, true);
  }

  const writing = Promise.all(Array.from({ length: WRITERS }, (_, i) => writer(i, i + 1)));
  // Join mid-stream: resume from a revision seen while the writers run.
  await new Promise((r) => setTimeout(r, 50));
  const middle = await a.currentRevision();
  add('a-resume', a, middle);
  if (b) add('b-resume', b, middle);
  await writing;
  // A late watcher resumes from far behind the in-memory window: history from the log.
  add('a-late', a, start + 1);
  await a.create(key('sentinel'), podObject('sentinel', {}, { color: 'red' }));

  const rows = await a.db.prisma.change.findMany({ where: { revision: { gt: start } }, orderBy: { revision: 'asc' } });
  const changes = rows.map((r) => ({
    revision: Number(r.revision),
    type: r.type,
    object: r.object as unknown as KubeObject,
    prev: (r.prevObject ?? undefined) as unknown as KubeObject | undefined,
  }));
  assert.ok(changes.length > WRITERS * OPS_PER_WRITER * 0.9, `the writers wrote (${changes.length} changes)`);

  for (const w of watchers) {
    const events = await w.done;
    const got = events.map((e) => [e.revision, e.type, e.object.metadata.name!] as [number, string, string]);
    const want = expected(
      changes.filter((c) => c.revision > w.from),
      w.match,
    );
    assert.deepEqual(got, want, `watcher ${w.name} from ${w.from}`);
    for (const e of events) assert.equal(e.object.metadata.resourceVersion, String(e.revision));
  }
});

test('of K concurrent updates from the same resourceVersion exactly one wins', async () => {
  const created = (await a.create(key('contended'), podObject('contended')))!;
  const rv = Number(created.metadata.resourceVersion);
  const K = 16;
  const stores = b ? [a, b] : [a];
  const results = await Promise.all(
    Array.from({ length: K }, (_, i) => stores[i % stores.length].update(key('contended'), { ...created, spec: { writer: i } }, rv)),
  );
  const winners = results.filter((r) => r.ok);
  assert.equal(winners.length, 1);
  const conflicts = results.filter((r) => !r.ok && r.reason === 'conflict');
  assert.equal(conflicts.length, K - 1);
  const final = (await a.get(key('contended')))!;
  assert.deepEqual(final.spec, winners[0].ok ? winners[0].object.spec : undefined);
  assert.equal(final.metadata.resourceVersion, String(rv + 1), 'losers did not bump the revision');
});
