// A property test of watch: random interleavings of writes of several kinds (namespaced
// and cluster-scoped, in several namespaces) and watches of every kind, started at random
// revisions — now, inside the in-memory window, behind it in the change log, below a
// compaction — with and without namespace and label filters; on PostgreSQL also on a
// second store fed only by NOTIFY. Every watch must see exactly the changes of its kind,
// namespace and selector after its revision, once each, in revision order (or end with
// EXPIRED, and then only when its revision was compacted). The expected events come from
// a model of the writes kept by the test, not from the store.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import type { KubeObject } from '../../src/apis/kinds.ts';
import { ApiError, ErrorCode } from '../../src/apimachinery/errors.ts';
import { SqlStore, type Watch, type WatchEvent } from '../../src/store/index.ts';
import { createTestDatabase, onPostgres, type TestDatabase } from '../helpers/database.ts';

const KINDS = [
  { kind: 'Pod', namespaced: true },
  { kind: 'Lease', namespaced: true },
  { kind: 'Role', namespaced: true },
  { kind: 'Node', namespaced: false },
  { kind: 'Namespace', namespaced: false },
] as const;
const NAMESPACES = ['ns-a', 'ns-b'];
const NAMES = ['x', 'y', 'z'];

let db: TestDatabase;
let a: SqlStore;
let b: SqlStore | undefined;
before(async () => {
  db = await createTestDatabase();
  // A tiny window and small log pages: watches resume from memory, from the log, and across both.
  a = await SqlStore.open({ ...db.options, compactIntervalMs: 0, windowSize: 2, batchSize: 1 });
  if (onPostgres) b = await SqlStore.open({ ...db.options, compactIntervalMs: 0, windowSize: 2, batchSize: 1, pollIntervalMs: 60_000 });
});
after(async () => {
  await b?.close();
  await a.close();
  await db.drop();
});

type Action =
  | { do: 'write'; kind: number; ns: number; name: number; color: 'red' | 'blue'; deleteIt: boolean }
  | { do: 'watch'; kind: number; ns: number | null; selector: boolean; from: number; onB: boolean; lazy: boolean }
  | { do: 'compact'; at: number }
  | { do: 'settle' };

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      do: fc.constant('write' as const),
      kind: fc.nat(KINDS.length - 1),
      ns: fc.nat(NAMESPACES.length - 1),
      name: fc.nat(NAMES.length - 1),
      color: fc.constantFrom('red' as const, 'blue' as const),
      deleteIt: fc.boolean(),
    }),
  },
  // `from`: a fraction of the run's revisions so far (0 = the run's start, 1 = now).
  {
    weight: 3,
    arbitrary: fc.record({
      do: fc.constant('watch' as const),
      kind: fc.nat(KINDS.length - 1),
      ns: fc.option(fc.nat(NAMESPACES.length - 1), { nil: null }),
      selector: fc.boolean(),
      from: fc.double({ min: 0, max: 1, noNaN: true }),
      onB: fc.boolean(),
      lazy: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ do: fc.constant('compact' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  { weight: 1, arbitrary: fc.constant({ do: 'settle' as const }) },
);

interface Written {
  revision: number;
  kind: string;
  namespace: string;
  name: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  color: string;
  prevColor?: string;
}

interface Started {
  watch: Watch;
  kind: string;
  namespace?: string;
  selector: boolean;
  from: number;
  /** The compaction point when it started, when it started on the store that compacted (a). */
  compactedBefore: number;
  events: WatchEvent[];
  error?: unknown;
  done: Promise<void>;
}

const isRed = (o: KubeObject | undefined) => o?.metadata.labels?.color === 'red';

/** Kubernetes' watch semantics over the model's writes. */
function expected(w: Started, log: Written[]): [string, string, number][] {
  const out: [string, string, number][] = [];
  for (const c of log) {
    if (c.revision <= w.from || c.kind !== w.kind) continue;
    if (w.namespace !== undefined && c.namespace !== w.namespace) continue;
    const match = (color: string | undefined) => !w.selector || color === 'red';
    const now = c.type !== 'DELETED' && match(c.color);
    const before = c.type === 'DELETED' ? match(c.color) : c.prevColor !== undefined && match(c.prevColor);
    const type = now && before ? 'MODIFIED' : now ? 'ADDED' : before ? 'DELETED' : undefined;
    if (type) out.push([type, `${c.namespace}/${c.name}`, c.revision]);
  }
  return out;
}

const CI_SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : process.env.CI ? 20261201 : undefined;
let run = 0;

test('every watch sees exactly the changes of its kind, namespace and selector after its revision, once each, in order', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(action, { minLength: 10, maxLength: 60 }), async (actions) => {
      const tag = `r${run++}`;
      const start = await a.currentRevision();
      const log: Written[] = [];
      const live = new Map<string, { color: string; object: KubeObject }>();
      const watches: Started[] = [];
      let compacted = 0;
      let startReading!: () => void;
      const readAll = new Promise<void>((r) => (startReading = r));

      for (const act of actions) {
        if (act.do === 'write') {
          const { kind, namespaced } = KINDS[act.kind];
          const namespace = namespaced ? NAMESPACES[act.ns] : '';
          const name = `${tag}-${NAMES[act.name]}`;
          const id = `${kind}/${namespace}/${name}`;
          const key = { kind, namespace, name };
          const current = live.get(id);
          const store = b && act.name === 2 ? b : a; // some writes come from the other apiserver
          if (!current) {
            const object = {
              apiVersion: 'v1',
              kind,
              metadata: { name, ...(namespaced ? { namespace } : {}), uid: crypto.randomUUID(), labels: { color: act.color } },
            } as KubeObject;
            const created = await store.create(key, object);
            assert.ok(created);
            log.push({ revision: Number(created.metadata.resourceVersion), kind, namespace, name, type: 'ADDED', color: act.color });
            live.set(id, { color: act.color, object: created });
          } else if (act.deleteIt) {
            const r = await store.delete(key, Number(current.object.metadata.resourceVersion));
            assert.ok(r.ok);
            log.push({ revision: Number(r.object.metadata.resourceVersion), kind, namespace, name, type: 'DELETED', color: current.color });
            live.delete(id);
          } else {
            const next = { ...current.object, metadata: { ...current.object.metadata, labels: { color: act.color } } };
            const r = await store.update(key, next, Number(current.object.metadata.resourceVersion));
            assert.ok(r.ok);
            log.push({
              revision: Number(r.object.metadata.resourceVersion),
              kind,
              namespace,
              name,
              type: 'MODIFIED',
              color: act.color,
              prevColor: current.color,
            });
            live.set(id, { color: act.color, object: r.object });
          }
        } else if (act.do === 'watch') {
          const { kind, namespaced } = KINDS[act.kind];
          const now = log.length ? log[log.length - 1].revision : start;
          const from = start + Math.floor(act.from * (now - start));
          const namespace = namespaced && act.ns !== null ? NAMESPACES[act.ns] : undefined;
          const store = b && act.onB ? b : a;
          const watch = store.watch({ kind, namespace, fromRevision: from, matches: act.selector ? isRed : undefined });
          const w: Started = {
            watch,
            kind,
            namespace,
            selector: act.selector,
            from,
            compactedBefore: store === a ? compacted : 0,
            events: [],
            done: Promise.resolve(),
          };
          // A lazy client reads nothing until the end: its replay waits on it, page by page,
          // while writes and compactions go on.
          const consumerStarts = act.lazy ? readAll : Promise.resolve();
          w.done = (async () => {
            await consumerStarts;
            try {
              for await (const e of watch) w.events.push(e);
            } catch (err) {
              w.error = err;
            }
          })();
          watches.push(w);
        } else if (act.do === 'compact') {
          const now = log.length ? log[log.length - 1].revision : start;
          const at = start + Math.floor(act.at * (now - start));
          if (at > compacted) compacted = await a.compact(at);
        } else {
          await Promise.all([a, b].map((s) => s?.hub.waitFor(log.length ? log[log.length - 1].revision : start)));
        }
      }

      // Every watch is complete once it reports progress past the last write (a BOOKMARK
      // is queued behind every event it vouches for) — or it ended.
      const last = log.length ? log[log.length - 1].revision : start;
      startReading();
      await Promise.all(
        watches.map(async (w) => {
          const deadline = Date.now() + 30_000;
          while (!w.error && !w.events.some((e) => e.type === 'BOOKMARK' && e.revision >= last)) {
            assert.ok(Date.now() < deadline, `watch of ${w.kind} from ${w.from} did not catch up to ${last}`);
            w.watch.bookmark();
            await new Promise((r) => setTimeout(r, 10));
          }
          w.watch.close();
          await w.done;
        }),
      );

      for (const w of watches) {
        const label = `watch ${w.kind} ns=${w.namespace ?? '*'} red=${w.selector} from=${w.from}`;
        const got = w.events
          .filter((e) => e.type !== 'BOOKMARK')
          .map((e) => [e.type, `${e.object.metadata.namespace ?? ''}/${e.object.metadata.name}`, e.revision] as [string, string, number]);
        for (const e of w.events) {
          assert.equal(e.object.kind, w.kind, `${label}: delivered a ${e.object.kind}`);
          if (e.type !== 'BOOKMARK') assert.equal(e.object.metadata.resourceVersion, String(e.revision), label);
        }
        const want = expected(w, log);
        if (w.error) {
          // Only a compaction past its revision may end a watch, and then after a prefix of its events.
          assert.ok(w.error instanceof ApiError && w.error.code === ErrorCode.EXPIRED, `${label}: ${String(w.error)}`);
          assert.ok(compacted > w.from, `${label}: EXPIRED although ${w.from} was never compacted (point ${compacted})`);
          assert.deepEqual(got, want.slice(0, got.length), label);
          if (w.compactedBefore > w.from) assert.equal(got.length, 0, `${label}: started below the compaction point`);
        } else {
          // (A second apiserver may still serve a compacted revision from its window: the events are right.)
          assert.ok(w.compactedBefore <= w.from, `${label}: started below the compaction point ${w.compactedBefore} but was not EXPIRED`);
          assert.deepEqual(got, want, label);
        }
        // Bookmarks never go backwards, and never claim progress an event later contradicts.
        let seen = w.from;
        for (const e of w.events) {
          assert.ok(e.revision >= seen || e.type !== 'BOOKMARK', `${label}: bookmark went backwards`);
          if (e.type !== 'BOOKMARK') assert.ok(e.revision > seen, `${label}: event at ${e.revision} after progress ${seen}`);
          seen = Math.max(seen, e.revision);
        }
      }
    }),
    { numRuns: onPostgres ? 25 : 40, ...(CI_SEED === undefined ? {} : { seed: CI_SEED }) },
  );
});
