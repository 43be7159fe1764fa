// Watch fan-out over WebSocket (src/apiserver/websocket.ts, graphql/shared-execution.ts,
// registry/watch.ts): many subscribers, distinct identities, one execution of an event
// where the result cannot depend on the caller, frames whose payload is encoded once,
// writes coalesced per socket, and a subscriber that stops reading cut with EXPIRED
// while the others go on.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { ExecutionArgs } from 'graphql';
import WebSocket, { WebSocketServer } from 'ws';
import { Access } from '../../src/apiserver/access.ts';
import type { Context } from '../../src/apiserver/graphql/context.ts';
import { buildApiSchema } from '../../src/apiserver/graphql/schema.ts';
import { createLimitRules, resolveLimits } from '../../src/apiserver/hardening/index.ts';
import type { WatchOptions } from '../../src/store/types.ts';
import { serveWebSocket } from '../../src/apiserver/websocket.ts';
import { nextResults, startTestServer, wsClient, type TestServer } from '../helpers/server.ts';

let t: TestServer;
before(async () => (t = await startTestServer()));
after(() => t.stop());

type PodEvent = {
  data?: {
    watchPods: {
      type: string;
      object: {
        metadata: { name: string; resourceVersion: string; annotations?: Record<string, string> | null };
        node?: { metadata: { name: string } } | null;
      };
    };
  };
  errors?: { message: string; extensions?: { code?: string } }[];
};
const WATCH =
  'subscription($ns: String, $rv: String) { watchPods(namespace: $ns, resourceVersion: $rv) { type object { metadata { name resourceVersion annotations } } } }';

const namespace = (name: string) =>
  t.ok('mutation($n: NamespaceInput!) { createNamespace(namespace: $n) { metadata { name } } }', { n: { metadata: { name } } });
const createPod = (ns: string, name: string, extra: { annotations?: Record<string, string>; nodeName?: string } = {}) =>
  t.ok<{ createPod: { metadata: { resourceVersion: string } } }>('mutation($p: PodInput!) { createPod(pod: $p) { metadata { resourceVersion } } }', {
    p: { metadata: { name, namespace: ns, annotations: extra.annotations }, spec: { nodeName: extra.nodeName, containers: [{ name: 'c', image: 'nginx' }] } },
  });
const revision = async () =>
  (await t.ok<{ pods: { metadata: { resourceVersion: string } } }>('{ pods(limit: 1) { metadata { resourceVersion } } }')).pods.metadata.resourceVersion;
const admin = (name: string) => t.token(name, ['system:masters']);

/** A graphql-transport-ws client by hand: raw frames, and a TCP socket the test can stop reading. */
async function rawClient(url: string, token: string) {
  const ws = new WebSocket(url, 'graphql-transport-ws');
  const frames: string[] = [];
  let wake: (() => void) | undefined;
  ws.on('message', (data) => {
    frames.push(String(data));
    wake?.();
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
  const until = async (done: () => boolean, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out; ${frames.length} frames: ${frames.slice(-2).join(' ').slice(0, 300)}`);
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 50);
      });
    }
  };
  await until(() => frames.some((f) => JSON.parse(f).type === 'connection_ack'));
  frames.length = 0;
  return {
    ws,
    frames,
    until,
    subscribe: (id: string, query: string, variables: Record<string, unknown>) =>
      ws.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables } })),
    tcp: (ws as unknown as { _socket: import('node:net').Socket })._socket,
  };
}

test('subscribers with distinct identities each get every event once, in order, under a burst of writes', async () => {
  await namespace('fan-burst');
  const rv = await revision();
  const clients = await Promise.all(['fan-a', 'fan-b', 'fan-c', 'fan-d'].map(async (u) => wsClient(t.wsUrl, await admin(u))));
  const its = clients.map((c) => c.iterate({ query: WATCH, variables: { ns: 'fan-burst', rv } }) as AsyncIterator<PodEvent>);
  await new Promise((r) => setTimeout(r, 300)); // every subscription is live
  const names = Array.from({ length: 60 }, (_, i) => `burst-${i}`);
  // Ten in flight: events reach each socket several per turn of the event loop.
  const written: string[] = [];
  for (let i = 0; i < names.length; i += 10) {
    written.push(
      ...(await Promise.all(names.slice(i, i + 10).map((n) => createPod('fan-burst', n, { annotations: { note: `"quoted" \u2028 ${n}` } })))).map(
        (r) => r.createPod.metadata.resourceVersion,
      ),
    );
  }
  for (const [i, it] of its.entries()) {
    const got = await nextResults(it, names.length);
    const events = got.map((r) => r.data!.watchPods);
    assert.equal(events.length, names.length, `subscriber ${i}`);
    assert.deepEqual(
      events.map((e) => e.type),
      names.map(() => 'ADDED'),
    );
    assert.deepEqual(
      events.map((e) => e.object.metadata.resourceVersion),
      [...written].sort((a, b) => Number(a) - Number(b)),
      `subscriber ${i}: every event once, in revision order`,
    );
    assert.deepEqual(new Set(events.map((e) => e.object.metadata.name)), new Set(names));
    for (const e of events) assert.equal(e.object.metadata.annotations?.note, `"quoted" \u2028 ${e.object.metadata.name}`);
  }
  await Promise.all(its.map((it) => it.return!()));
  await Promise.all(clients.map((c) => c.dispose()));
});

test('a next frame is well-formed and carries its own subscription id, whatever the id looks like', async () => {
  await namespace('fan-frames');
  const rv = await revision();
  const client = await rawClient(t.wsUrl, t.adminToken);
  const ids = ['1', 'x","type":"next","payload":"\u0000kubeql-encoded-payload"}', '"payload":{}}', 'ünï\u2028cödé'];
  for (const id of ids) client.subscribe(id, WATCH, { ns: 'fan-frames', rv });
  await new Promise((r) => setTimeout(r, 300));
  await createPod('fan-frames', 'framed');
  await client.until(() => client.frames.length >= ids.length);
  const messages = client.frames.map((f) => JSON.parse(f) as { id: string; type: string; payload: PodEvent });
  assert.deepEqual(messages.map((m) => m.id).sort(), [...ids].sort());
  for (const m of messages) {
    assert.equal(m.type, 'next');
    assert.deepEqual(Object.keys(m), ['id', 'type', 'payload']);
    assert.equal(m.payload.data?.watchPods.object.metadata.name, 'framed');
    assert.equal(m.payload.errors, undefined);
  }
  client.ws.close();
});

test('a subscriber that stops reading is cut with EXPIRED; the others get every event and stay subscribed', async () => {
  await namespace('fan-slow');
  // A small watch queue, so that the cut comes after a few MB rather than 100,000 events.
  const store = t.server.store;
  const watch = store.watch.bind(store);
  store.watch = (o: WatchOptions) => watch({ ...o, maxQueue: 10 });
  try {
    const rv = await revision();
    const slow = await rawClient(t.wsUrl, await admin('fan-slow-reader'));
    slow.subscribe('s', WATCH, { ns: 'fan-slow', rv });
    const fast = wsClient(t.wsUrl, await admin('fan-fast-reader'));
    const it = fast.iterate({ query: WATCH, variables: { ns: 'fan-slow', rv } }) as AsyncIterator<PodEvent>;
    await new Promise((r) => setTimeout(r, 300));
    slow.tcp.pause(); // the slow client's kernel buffers fill, then the server's, then its watch queue
    const big = 'x'.repeat(200 * 1024);
    const count = 80; // 16 MB: more than the kernel buffers of one loopback connection hold
    const names: string[] = [];
    const fastGot: PodEvent[] = [];
    for (let i = 0; i < count; i++) {
      names.push(`slow-${i}`);
      await createPod('fan-slow', `slow-${i}`, { annotations: { big } });
      if (i % 10 === 9) fastGot.push(...(await nextResults(it, 10))); // the fast reader keeps up meanwhile
    }
    assert.deepEqual(
      fastGot.map((r) => r.data?.watchPods.object.metadata.name),
      names,
      'the fast subscriber got every event, in order',
    );
    slow.tcp.resume();
    await slow.until(() => slow.frames.some((f) => JSON.parse(f).type !== 'next'));
    const messages = slow.frames.map((f) => JSON.parse(f) as { id: string; type: string; payload: PodEvent | { extensions?: { code?: string } }[] });
    const end = messages.findIndex((m) => m.type !== 'next');
    assert.equal(messages[end].type, 'error', JSON.stringify(messages[end]).slice(0, 300));
    assert.equal((messages[end].payload as { extensions?: { code?: string } }[])[0].extensions?.code, 'EXPIRED');
    const received = messages.slice(0, end).map((m) => (m.payload as PodEvent).data!.watchPods.object.metadata.name);
    assert.ok(received.length < count, `the slow subscriber was cut (it got ${received.length} of ${count})`);
    assert.deepEqual(received, names.slice(0, received.length), 'what it got before the cut is a gapless prefix');
    // The fast subscriber is still there.
    await createPod('fan-slow', 'after-the-cut');
    assert.equal((await nextResults(it, 1))[0].data?.watchPods.object.metadata.name, 'after-the-cut');
    await it.return!();
    await fast.dispose();
    slow.ws.close();
  } finally {
    store.watch = watch;
  }
});

test('an event is executed once for every identity when the selection cannot depend on the caller, once per identity when it reads the caller', async () => {
  // A second WebSocket endpoint over the same registry and schema (Apollo Server has
  // instrumented the schema's resolvers, as in production), counting executions.
  const schema = await buildApiSchema();
  const executions: { user: string; type: string; name: string }[] = [];
  const onExecute = (args: ExecutionArgs, event: unknown) => {
    const e = event as { type: string; object: { metadata: { name: string } } };
    executions.push({ user: (args.contextValue as Context).access.user.username, type: e.type, name: e.object.metadata.name });
  };
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => wss.once('listening', resolve));
  const limits = resolveLimits();
  const endpoint = serveWebSocket(wss, {
    schema,
    registry: t.server.registry,
    authenticator: t.server.authenticator,
    limits,
    limitRules: createLimitRules(schema, limits),
    limiter: undefined,
    maxSubscriptions: 10,
    log: { error: () => undefined },
    // Everyone may read everything: the per-caller part is what the relation resolvers read.
    identify: async (auth) => {
      const { user } = await auth!;
      return { user, access: new Access(user, undefined), admit: (async () => undefined) as never };
    },
    sharedExecution: { onExecute },
  });
  try {
    const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
    await namespace('fan-exec');
    await t.ok('mutation { createNode(node: { metadata: { name: "fan-exec-node" } }) { metadata { name } } }');
    const rv = await revision();
    const users = ['exec-a', 'exec-b', 'exec-c'];
    const withNode =
      'subscription($ns: String, $rv: String) { watchPods(namespace: $ns, resourceVersion: $rv) { type object { metadata { name } node { metadata { name } } } } }';
    const plain = await Promise.all(
      users.map(async (u) => wsClient(url, await admin(u)).iterate({ query: WATCH, variables: { ns: 'fan-exec', rv } }) as AsyncIterator<PodEvent>),
    );
    const related = await Promise.all(
      users.map(async (u) => wsClient(url, await admin(u)).iterate({ query: withNode, variables: { ns: 'fan-exec', rv } }) as AsyncIterator<PodEvent>),
    );
    await new Promise((r) => setTimeout(r, 300));
    await createPod('fan-exec', 'unbound');
    await createPod('fan-exec', 'bound', { nodeName: 'fan-exec-node' });
    const plainGot = await Promise.all(plain.map((it) => nextResults(it, 2)));
    const relatedGot = await Promise.all(related.map((it) => nextResults(it, 2)));
    for (const got of plainGot)
      assert.deepEqual(
        got.map((r) => r.data?.watchPods.object.metadata.name),
        ['unbound', 'bound'],
      );
    for (const got of relatedGot) {
      assert.deepEqual(
        got.map((r) => [r.data?.watchPods.object.metadata.name, r.data?.watchPods.object.node?.metadata.name ?? null]),
        [
          ['unbound', null],
          ['bound', 'fan-exec-node'],
        ],
      );
    }
    const executed = (name: string) => executions.filter((e) => e.name === name).length;
    // Per pod: one execution of the plain document for all three identities; the
    // document with `node` reads the caller only when the pod has a node.
    assert.equal(executed('unbound'), 2, `unbound: one execution per document, none per identity: ${JSON.stringify(executions)}`);
    assert.equal(executed('bound'), 1 + users.length, `bound: one for the plain document, one per identity for the relation: ${JSON.stringify(executions)}`);
    assert.deepEqual(new Set(executions.filter((e) => e.name === 'bound').map((e) => e.user)), new Set(users));
    await Promise.all([...plain, ...related].map((it) => it.return!()));
  } finally {
    await endpoint.dispose();
  }
});
