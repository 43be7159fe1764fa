// The shared execution of watch events (src/apiserver/graphql/shared-execution.ts), on a
// schema of its own: subscribers of one document and variables share an event's result
// across identities only when the execution never touched the caller's context; a
// result that read it is kept for that identity, and every other identity executes its own.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GraphQLObjectType, GraphQLSchema, GraphQLString, parse, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { createSharedSubscribe } from '../../src/apiserver/graphql/shared-execution.ts';

type Obj = { name: string; private?: boolean };
type Ctx = { access: { user: { username: string; groups: string[] } } };
const HOOK = Symbol('hook');

const ObjectType = new GraphQLObjectType<Obj, Ctx>({
  name: 'Object',
  fields: {
    name: { type: GraphQLString },
    // Reads the caller only for private objects (as a relation reads it only when there is one).
    viewer: { type: GraphQLString, resolve: (o, _a, ctx) => (o.private ? ctx.access.user.username : 'anyone') },
    slowName: { type: GraphQLString, resolve: async (o) => o.name },
    // Looks for keys no context has (as Apollo's instrumentation and type-graphql do).
    probe: {
      type: GraphQLString,
      resolve: (o, _a, ctx) =>
        `${String((ctx as unknown as Record<PropertyKey, unknown>)[HOOK])} ${String((ctx as unknown as { then?: unknown }).then)} ${'extra' in ctx}`,
    },
  },
});
const Event = new GraphQLObjectType({ name: 'Event', fields: { type: { type: GraphQLString }, object: { type: ObjectType } } });

/** Every subscriber of a test sees the same event objects, as the hub hands them out. */
function setup() {
  const feeds: { push(e: object): void }[] = [];
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: { x: { type: GraphQLString } } }),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: {
        watch: {
          type: Event,
          // the root field's arguments choose a subscriber's events (as selectors do), not their execution
          args: { selector: { type: GraphQLString }, resourceVersion: { type: GraphQLString } },
          resolve: (e) => e,
          subscribe: () => {
            const queue: object[] = [];
            let wake: (() => void) | undefined;
            feeds.push({
              push: (e) => {
                queue.push(e);
                wake?.();
              },
            });
            return {
              [Symbol.asyncIterator]() {
                return {
                  async next() {
                    while (!queue.length) await new Promise<void>((r) => (wake = r));
                    return { value: queue.shift()!, done: false };
                  },
                  async return() {
                    return { value: undefined, done: true as const };
                  },
                };
              },
            };
          },
        },
      },
    }),
  });
  const executions: string[] = [];
  const subscribe = createSharedSubscribe({ onExecute: (args) => executions.push((args.contextValue as Ctx).access.user.username) });
  // One document per text, as the apiserver's document cache hands it to every socket.
  const documents = new Map<string, DocumentNode>();
  const subscriber = async (query: string, username: string, variableValues?: Record<string, unknown>) => {
    if (!documents.has(query)) documents.set(query, parse(query));
    const args: ExecutionArgs = {
      schema,
      document: documents.get(query)!,
      variableValues,
      contextValue: { access: { user: { username, groups: [] } } } satisfies Ctx,
    };
    const it = ((await subscribe(args)) as AsyncIterable<ExecutionResult>)[Symbol.asyncIterator]();
    // Plain objects (graphql-js builds results with a null prototype), as the client reads them.
    return {
      username,
      next: async () => JSON.parse(JSON.stringify((await it.next()).value)) as ExecutionResult<{ watch: { type?: string; object: Record<string, string> } }>,
    };
  };
  return { feeds, executions, subscriber, publish: (e: object) => feeds.forEach((f) => f.push(e)) };
}

test('subscribers of one document without identity-dependent fields share one execution per event across identities', async () => {
  const s = setup();
  const subs = await Promise.all(['alice', 'bob', 'carol', 'alice'].map((u) => s.subscriber('subscription { watch { type object { name slowName } } }', u)));
  for (const name of ['a', 'b', 'c']) {
    s.publish({ type: 'ADDED', object: { name } });
    const results = await Promise.all(subs.map((x) => x.next()));
    for (const r of results) assert.deepEqual(r.data?.watch.object, { name, slowName: name });
  }
  assert.equal(s.executions.length, 3, `one execution per event: ${s.executions}`);
});

for (const [how, selection] of [
  ['synchronously', 'name viewer'],
  ['asynchronously', 'name viewer slowName'],
]) {
  test(`a result whose execution read the caller is shared only with that identity; every other identity executes its own (${how})`, async () => {
    const s = setup();
    const subs = await Promise.all(['alice', 'bob', 'alice', 'bob', 'carol'].map((u) => s.subscriber(`subscription { watch { object { ${selection} } } }`, u)));
    // Public: no resolver reads the caller, one execution for all.
    s.publish({ type: 'ADDED', object: { name: 'public' } });
    for (const r of await Promise.all(subs.map((x) => x.next()))) assert.equal(r.data?.watch.object.viewer, 'anyone');
    assert.equal(s.executions.length, 1);
    // Private: the caller is read, so one execution per identity, each with its own answer.
    s.executions.length = 0;
    s.publish({ type: 'MODIFIED', object: { name: 'private', private: true } });
    const results = await Promise.all(subs.map((x) => x.next()));
    assert.deepEqual(
      results.map((r) => r.data?.watch.object.viewer),
      subs.map((x) => x.username),
    );
    assert.deepEqual([...s.executions].sort(), ['alice', 'bob', 'carol']);
  });
}

test('looking for keys that no context has is not reading the caller', async () => {
  const s = setup();
  const subs = await Promise.all(['alice', 'bob'].map((u) => s.subscriber('subscription { watch { object { name probe } } }', u)));
  s.publish({ type: 'ADDED', object: { name: 'x' } });
  for (const r of await Promise.all(subs.map((x) => x.next()))) assert.equal(r.data?.watch.object.probe, 'undefined undefined false');
  assert.equal(s.executions.length, 1);
});

test('different documents or variables never share a result', async () => {
  const s = setup();
  const a = await s.subscriber('subscription { watch { object { name } } }', 'alice');
  const b = await s.subscriber('subscription { watch { type object { name } } }', 'alice');
  const withType = 'subscription($t: Boolean!) { watch { type @include(if: $t) object { name } } }';
  const c = await s.subscriber(withType, 'alice', { t: true });
  const d = await s.subscriber(withType, 'bob', { t: false });
  s.publish({ type: 'ADDED', object: { name: 'x' } });
  assert.deepEqual((await a.next()).data?.watch, { object: { name: 'x' } });
  assert.deepEqual((await b.next()).data?.watch, { type: 'ADDED', object: { name: 'x' } });
  assert.deepEqual((await c.next()).data?.watch, { type: 'ADDED', object: { name: 'x' } });
  assert.deepEqual((await d.next()).data?.watch, { object: { name: 'x' } });
  assert.equal(s.executions.length, 4);
});

test("watchers whose variables differ only in the root field's arguments (selectors, resourceVersion) share each event", async () => {
  const s = setup();
  const query =
    'subscription($sel: String, $rv: String, $t: Boolean!) { watch(selector: $sel, resourceVersion: $rv) { type @include(if: $t) object { name } } }';
  const subs = await Promise.all([
    s.subscriber(query, 'fleet', { sel: 'spec.nodeName!=', rv: '10', t: true }),
    s.subscriber(query, 'scheduler', { sel: 'status.phase!=Succeeded', t: true }),
    s.subscriber(query, 'manager', { t: true }),
    s.subscriber(query, 'viewer', { sel: 'app=web', t: false }), // a variable the execution reads: its own
  ]);
  s.publish({ type: 'MODIFIED', object: { name: 'p' } });
  const results = await Promise.all(subs.map((x) => x.next()));
  assert.deepEqual(
    results.map((r) => r.data?.watch),
    [
      { type: 'MODIFIED', object: { name: 'p' } },
      { type: 'MODIFIED', object: { name: 'p' } },
      { type: 'MODIFIED', object: { name: 'p' } },
      { object: { name: 'p' } },
    ],
  );
  assert.deepEqual(s.executions, ['fleet', 'viewer'], 'one execution for the three that read the same variables, one for the other');
});

test('the same object under a different event type is executed again', async () => {
  const s = setup();
  const a = await s.subscriber('subscription { watch { type object { name } } }', 'alice');
  const b = await s.subscriber('subscription { watch { type object { name } } }', 'bob');
  const object = { name: 'x' };
  s.feeds[0].push({ type: 'ADDED', object });
  s.feeds[1].push({ type: 'DELETED', object }); // b's selector no longer matches it
  assert.equal((await a.next()).data?.watch.type, 'ADDED');
  assert.equal((await b.next()).data?.watch.type, 'DELETED');
});
