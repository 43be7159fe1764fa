// A property test: random sequences of store operations agree with a simple
// in-memory model of an etcd-like store (a map plus a revision counter).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import type { KubeObject } from '../../src/apis/kinds.ts';
import { matchesLabels, parseLabelSelector } from '../../src/apimachinery/labels.ts';
import type { SqlStore } from '../../src/store/index.ts';
import { openTestStore } from '../helpers/database.ts';

let store: SqlStore;
let close: () => Promise<void>;
before(async () => ({ store, close } = await openTestStore()));
after(() => close());

type Op =
  | { op: 'create'; name: string; color: string }
  | { op: 'update'; name: string; color: string; stale: boolean }
  | { op: 'delete'; name: string; stale: boolean }
  | { op: 'list'; selector: string; limit: number };

const names = fc.constantFrom('a', 'b', 'c', 'd');
const colors = fc.constantFrom('red', 'blue', 'green');
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('create' as const), name: names, color: colors }),
  fc.record({ op: fc.constant('update' as const), name: names, color: colors, stale: fc.boolean() }),
  fc.record({ op: fc.constant('delete' as const), name: names, stale: fc.boolean() }),
  fc.record({
    op: fc.constant('list' as const),
    selector: fc.constantFrom('', 'color=red', 'color!=red', 'color in (red,blue)', '!color'),
    limit: fc.integer({ min: 0, max: 3 }),
  }),
);

let run = 0;

test('the store behaves like the model', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
      const ns = `model-${run++}`;
      const model = new Map<string, { color: string; rev: number; uid: string }>();
      let revision = await store.currentRevision();
      const key = (name: string) => ({ kind: 'Pod', namespace: ns, name });
      const object = (name: string, color: string, uid: string): KubeObject => ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: ns, uid, labels: { color } },
        spec: {},
      });

      for (const o of ops) {
        const m = o.op !== 'list' ? model.get(o.name) : undefined;
        switch (o.op) {
          case 'create': {
            const uid = crypto.randomUUID();
            const got = await store.create(key(o.name), object(o.name, o.color, uid));
            if (m) assert.equal(got, undefined);
            else {
              model.set(o.name, { color: o.color, rev: ++revision, uid });
              assert.equal(got?.metadata.resourceVersion, String(revision));
            }
            break;
          }
          case 'update': {
            const expectedRev = m ? (o.stale ? m.rev - 1 : m.rev) : 1;
            const got = await store.update(key(o.name), object(o.name, o.color, m?.uid ?? 'x'), expectedRev);
            if (!m) assert.deepEqual(got, { ok: false, reason: 'not-found' });
            else if (o.stale) {
              assert.ok(!got.ok && got.reason === 'conflict');
              assert.equal(got.current.metadata.resourceVersion, String(m.rev));
            } else {
              m.rev = ++revision;
              m.color = o.color;
              assert.ok(got.ok);
              assert.equal(got.object.metadata.resourceVersion, String(revision));
            }
            break;
          }
          case 'delete': {
            const got = await store.delete(key(o.name), m ? (o.stale ? m.rev - 1 : m.rev) : undefined);
            if (!m) assert.deepEqual(got, { ok: false, reason: 'not-found' });
            else if (o.stale) assert.ok(!got.ok && got.reason === 'conflict');
            else {
              model.delete(o.name);
              assert.ok(got.ok);
              assert.equal(got.object.metadata.resourceVersion, String(++revision));
            }
            break;
          }
          case 'list': {
            const selector = parseLabelSelector(o.selector);
            const want = [...model.entries()]
              .filter(([, v]) => matchesLabels(selector, { color: v.color }))
              .sort(([x], [y]) => x.localeCompare(y))
              .map(([n, v]) => [n, String(v.rev), v.color]);
            const got: string[][] = [];
            let token: string | undefined;
            do {
              const page = await store.list({ kind: 'Pod', namespace: ns, labelSelector: selector, limit: o.limit || undefined, continue: token });
              assert.equal(page.revision, revision);
              got.push(...page.items.map((i) => [i.metadata.name!, i.metadata.resourceVersion!, i.metadata.labels!.color]));
              token = page.continue;
            } while (token);
            assert.deepEqual(got, want);
            break;
          }
        }
        assert.equal(await store.currentRevision(), revision, `revision after ${JSON.stringify(o)}`);
      }
    }),
    { numRuns: 40 },
  );
});
