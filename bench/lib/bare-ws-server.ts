// The baseline of bench/watch-fanout.bench.ts, in a process of its own: a bare
// graphql-ws server (graphql-ws/use/ws on a `ws` server, no Apollo, no auth, no store)
// with a tiny graphql-js schema whose `watchPods` subscription has kubeql's shape
// (`{ type object { metadata { … } } }`) and is fed from memory: `publish` hands `count`
// pod-shaped objects, paced at `rate` per second, to every subscription, each stamped
// with its publish time (annotation SENT_AT). Like kubeql's watches, a subscription
// starts with a BOOKMARK (so a subscriber knows it is registered).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLBoolean, GraphQLEnumType, GraphQLNonNull, GraphQLObjectType, GraphQLScalarType, GraphQLSchema, GraphQLString } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { serve, wallMs } from './ipc.ts';
import { SENT_AT } from './pods.ts';

interface PodEvent {
  type: string;
  object: { metadata: { name: string; namespace: string; resourceVersion: string; annotations?: Record<string, string> } } & Record<string, unknown>;
}

/** One subscription's queue, as an async iterator. */
class Channel implements AsyncIterableIterator<PodEvent> {
  private readonly queue: PodEvent[] = [];
  private wake: (() => void) | undefined;
  private done = false;
  constructor(
    readonly namespace: string,
    private readonly detach: (c: Channel) => void,
  ) {}
  push(e: PodEvent): void {
    this.queue.push(e);
    this.wake?.();
  }
  async next(): Promise<IteratorResult<PodEvent>> {
    while (!this.queue.length && !this.done) await new Promise<void>((r) => (this.wake = r));
    this.wake = undefined;
    if (this.done) return { value: undefined, done: true };
    return { value: this.queue.shift()!, done: false };
  }
  async return(): Promise<IteratorResult<PodEvent>> {
    this.done = true;
    this.detach(this);
    this.wake?.();
    return { value: undefined, done: true };
  }
  [Symbol.asyncIterator]() {
    return this;
  }
}

const channels = new Set<Channel>();
let revision = 1;

const JSONScalar = new GraphQLScalarType({ name: 'JSON', serialize: (v) => v });
const ObjectMeta = new GraphQLObjectType({
  name: 'ObjectMeta',
  fields: {
    name: { type: GraphQLString },
    namespace: { type: GraphQLString },
    uid: { type: GraphQLString },
    resourceVersion: { type: GraphQLString },
    labels: { type: JSONScalar },
    annotations: { type: JSONScalar },
  },
});
const Pod = new GraphQLObjectType({
  name: 'Pod',
  fields: { metadata: { type: new GraphQLNonNull(ObjectMeta) }, spec: { type: JSONScalar }, status: { type: JSONScalar } },
});
const WatchEventType = new GraphQLEnumType({ name: 'WatchEventType', values: { ADDED: {}, MODIFIED: {}, DELETED: {}, BOOKMARK: {} } });
const PodWatchEvent = new GraphQLObjectType({
  name: 'PodWatchEvent',
  fields: { type: { type: new GraphQLNonNull(WatchEventType) }, object: { type: new GraphQLNonNull(Pod) } },
});
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLBoolean, resolve: () => true } } }),
  subscription: new GraphQLObjectType({
    name: 'Subscription',
    fields: {
      watchPods: {
        type: new GraphQLNonNull(PodWatchEvent),
        args: { namespace: { type: GraphQLString } },
        subscribe: (_root, args: { namespace?: string }) => {
          const c = new Channel(args.namespace ?? 'default', (ch) => channels.delete(ch));
          channels.add(c);
          c.push({ type: 'BOOKMARK', object: { metadata: { name: '', namespace: c.namespace, resourceVersion: String(revision) } } });
          return c;
        },
        resolve: (e: PodEvent) => e,
      },
    },
  }),
});

const httpServer = http.createServer((_req, res) => res.writeHead(404).end());
const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
const disposable = useServer({ schema }, wsServer);
const port = await new Promise<number>((resolve) => httpServer.listen(0, '127.0.0.1', () => resolve((httpServer.address() as AddressInfo).port)));

/** A pod as kubeql stores it (the resolvers pick the fields a subscription selects). */
function pod(name: string, namespace: string) {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      uid: crypto.randomUUID(),
      resourceVersion: String(++revision),
      generation: 1,
      creationTimestamp: now,
      labels: { app: 'bench', tier: 'web' },
      annotations: { [SENT_AT]: String(wallMs()) },
    },
    spec: {
      containers: [
        {
          name: 'app',
          image: 'nginx:1.27',
          resources: { requests: { cpu: '100m', memory: '64Mi' } },
          imagePullPolicy: 'IfNotPresent',
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
        },
      ],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      priority: 0,
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
    },
    status: { phase: 'Pending', qosClass: 'Burstable' },
  };
}

serve({
  info: () => ({ wsUrl: `ws://127.0.0.1:${port}/graphql` }),
  /** This process's CPU time so far (user + system, ms). */
  cpu: () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  },
  /** Publishes `count` pods to the subscriptions on `namespace`, at `rate` per second. */
  publish: async (args: { count: number; rate: number; namespace: string; prefix: string }) => {
    const start = performance.now();
    for (let i = 0; i < args.count; i++) {
      const due = start + (i * 1000) / args.rate;
      const wait = due - performance.now();
      if (wait > 0.5) await new Promise((r) => setTimeout(r, wait));
      const event: PodEvent = { type: 'ADDED', object: pod(`${args.prefix}-${i}`, args.namespace) };
      for (const c of channels) if (c.namespace === args.namespace) c.push(event);
    }
    return { seconds: (performance.now() - start) / 1000 };
  },
  stop: async () => {
    await disposable.dispose();
    wsServer.close();
    httpServer.close();
  },
});
