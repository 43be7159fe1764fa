// A store that cannot be reached is UNAVAILABLE — HTTP 503 with Retry-After, the code
// UNAVAILABLE on WebSocket, /readyz 503 — and the apiserver recovers by itself once the
// store answers again. On PostgreSQL the outage is a TCP proxy between the apiserver and
// the database that the test stops and starts again (the database itself keeps running).
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createPostgresDatabase, onPostgres } from '../helpers/database.ts';
import { startTestServer, type GraphQLResponse, type TestServer } from '../helpers/server.ts';

/** A TCP proxy to PostgreSQL on 127.0.0.1 that can be stopped (cutting every connection) and restarted on its port. */
class Proxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target.port, this.target.host);
      for (const [s, other] of [
        [client, upstream],
        [upstream, client],
      ] as const) {
        this.sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => {
          this.sockets.delete(s);
          other.destroy();
        });
        s.pipe(other);
      }
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const POD = `query($name: String!) { pod(name: $name) { metadata { name resourceVersion } } }`;
const CREATE = `mutation($name: String!) { createPod(pod: { metadata: { name: $name }, spec: { containers: [{ name: "c", image: "nginx" }] } }) { metadata { name resourceVersion } } }`;

/** POST with the admin token; the status, Retry-After and body. */
async function post(t: TestServer, query: string, variables: Record<string, unknown>) {
  const res = await fetch(t.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...t.adminHeaders },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as GraphQLResponse };
}

const readyz = async (t: TestServer) => (await fetch(t.url.replace('/graphql', '/readyz'))).status;

async function eventually<T>(what: string, attempt: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await attempt();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(v)} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** One operation over WebSocket; its first result (data or errors). */
async function overWs(t: TestServer, query: string, variables: Record<string, unknown>): Promise<GraphQLResponse> {
  const client = t.ws();
  const it = client.iterate({ query, variables })[Symbol.asyncIterator]();
  try {
    const r = await it.next();
    return r.value as GraphQLResponse;
  } catch (err) {
    // graphql-ws rejects with the `error` message's errors.
    return { errors: err as GraphQLResponse['errors'] };
  } finally {
    await it.return?.();
  }
}

describe('the store cannot be reached (PostgreSQL behind a proxy)', {
  skip: !onPostgres && 'needs PostgreSQL (DATABASE_URL): the outage is a TCP proxy in front of it',
}, () => {
  let db: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let proxy: Proxy;
  let t: TestServer;

  before(async () => {
    db = await createPostgresDatabase();
    const target = new URL(db.url);
    proxy = new Proxy({ host: target.hostname, port: Number(target.port || 5432) });
    await proxy.start();
    const viaProxy = new URL(db.url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    t = await startTestServer({ rateLimit: 0, store: { url: viaProxy.toString(), poolSize: 2 } });
  });
  after(async () => {
    await t?.stop();
    await proxy?.stop();
    await db?.drop();
  });

  test('503 with Retry-After and UNAVAILABLE while it is down; everything recovers once it is back', async () => {
    const created = await post(t, CREATE, { name: 'before-outage' });
    assert.equal(created.body.errors, undefined, JSON.stringify(created.body.errors));
    const acknowledged = created.body.data!.createPod.metadata.resourceVersion;
    assert.equal(await readyz(t), 200);

    await proxy.stop();

    const read = await post(t, POD, { name: 'before-outage' });
    assert.equal(read.body.errors?.[0]?.extensions?.code, 'UNAVAILABLE', JSON.stringify(read.body));
    assert.match(read.body.errors![0].message, /the server is currently unable to handle the request/);
    assert.equal(read.status, 503);
    assert.equal(read.retryAfter, '1');
    assert.doesNotMatch(JSON.stringify(read.body), /127\.0\.0\.1|ECONNREFUSED|prisma|postgres/i, 'nothing internal reaches the client');

    const write = await post(t, CREATE, { name: 'during-outage' });
    assert.equal(write.body.errors?.[0]?.extensions?.code, 'UNAVAILABLE', JSON.stringify(write.body));
    assert.equal(write.status, 503);
    assert.equal(write.retryAfter, '1');

    const ws = await overWs(t, POD, { name: 'before-outage' });
    assert.equal(ws.errors?.[0]?.extensions?.code, 'UNAVAILABLE', JSON.stringify(ws));

    assert.equal(await readyz(t), 503);

    await proxy.start(); // the same port

    await eventually(
      '/readyz',
      () => readyz(t),
      (s) => s === 200,
    );
    const again = await eventually(
      'a read',
      () => post(t, POD, { name: 'before-outage' }),
      (r) => r.status === 200 && !r.body.errors,
    );
    assert.equal(again.body.data!.pod.metadata.resourceVersion, acknowledged, 'a write acknowledged before the outage is still there');
    const after = await post(t, CREATE, { name: 'after-outage' });
    assert.equal(after.body.errors, undefined, JSON.stringify(after.body.errors));
    assert.equal(after.status, 200);
    const overWsAgain = await overWs(t, POD, { name: 'after-outage' });
    assert.equal(overWsAgain.errors, undefined, JSON.stringify(overWsAgain));
    assert.equal(overWsAgain.data!.pod.metadata.name, 'after-outage');
  });
});

describe('a closed store (PGlite)', { skip: onPostgres && 'PGlite only: a closed PGlite cannot be reopened, PostgreSQL is covered above' }, () => {
  let t: TestServer;
  before(async () => (t = await startTestServer({ rateLimit: 0 })));
  after(() => t.stop());

  test('is UNAVAILABLE (503, Retry-After) on HTTP and WebSocket, and /readyz is 503', async () => {
    assert.equal(await readyz(t), 200);
    await t.server.store.db.close();
    const read = await post(t, POD, { name: 'x' });
    assert.equal(read.body.errors?.[0]?.extensions?.code, 'UNAVAILABLE', JSON.stringify(read.body));
    assert.equal(read.status, 503);
    assert.equal(read.retryAfter, '1');
    const write = await post(t, CREATE, { name: 'x' });
    assert.equal(write.body.errors?.[0]?.extensions?.code, 'UNAVAILABLE', JSON.stringify(write.body));
    assert.equal(write.status, 503);
    const ws = await overWs(t, POD, { name: 'x' });
    assert.equal(ws.errors?.[0]?.extensions?.code, 'UNAVAILABLE', JSON.stringify(ws));
    assert.equal(await readyz(t), 503);
  });
});
