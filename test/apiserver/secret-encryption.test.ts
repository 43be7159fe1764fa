// Secrets are encrypted at rest (API.md "ConfigMaps and Secrets"), through a real apiserver:
// a Secret applied over GraphQL leaves neither its data nor its base64 in any row of the store,
// and reads back as written through get, list with a label selector, a watch's initial state,
// its replay and its live events; apiservers on one database read each other's Secrets when
// they share the key file, and a wrong key stops an apiserver at startup.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startApiServer, type ApiServer } from '../../src/apiserver/index.ts';
import type { SqlStore } from '../../src/store/index.ts';
import { createPostgresDatabase, onPostgres, processDatabaseUrl } from '../helpers/database.ts';
import { BARE_APISERVER, mintToken, spawnKubeql } from '../helpers/process.ts';
import { gqlAt, nextResults, startTestServer, type TestServer } from '../helpers/server.ts';

const PLAIN = 's3cr3t-value';
const B64 = Buffer.from(PLAIN).toString('base64');

const dir = mkdtempSync(path.join(tmpdir(), 'kubeql-enc-api-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const manifest = (name: string, data: Record<string, string> = { password: B64 }) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: 'default', labels: { app: 'web' } },
  type: 'Opaque',
  data,
});

const APPLY = `mutation($m: JSON!) { apply(manifest: $m) { __typename ... on Secret { metadata { resourceVersion } } } }`;
const GET = `query($name: String!) { resource(apiVersion: "v1", kind: "Secret", namespace: "default", name: $name) { ... on Secret { manifest } } }`;
const LIST = `query($sel: String) { resources(apiVersion: "v1", kind: "Secret", namespace: "default", labelSelector: $sel) { items { ... on Secret { manifest } } } }`;
const WATCH = `subscription($rv: String) { watchResources(apiVersion: "v1", kind: "Secret", namespace: "default", resourceVersion: $rv) { type object { ... on Secret { manifest } } } }`;

type Manifest = { metadata: { name: string; resourceVersion: string }; data?: Record<string, string> };
type WatchResult = { data?: { watchResources: { type: string; object: { manifest: Manifest } } }; errors?: unknown[] };

/** Every stored text of the objects table and the change log, as SQL reads it. */
async function rawRows(store: SqlStore): Promise<string> {
  const rows = await store.db.prisma.$queryRawUnsafe<{ t: string }[]>(
    `SELECT object::text || coalesce(prev_object::text, '') AS t FROM kubeql_change UNION ALL SELECT object::text FROM kubeql_resource`,
  );
  return rows.map((r) => r.t).join('\n');
}

function assertNoPlaintext(text: string): void {
  assert.ok(!text.includes(PLAIN), 'the store holds the plaintext');
  assert.ok(!text.includes(B64), 'the store holds the base64 of the plaintext');
}

describe('one apiserver', () => {
  let t: TestServer;
  before(async () => (t = await startTestServer()));
  after(() => t.stop());

  test("the rows hold no plaintext; get, list by label, a watch's initial state, replay and live events return it", async () => {
    const before = await t.server.store.currentRevision();
    const applied = await t.ok(APPLY, { m: manifest('db') });
    assert.equal(applied.apply.__typename, 'Secret');
    const raw = await rawRows(t.server.store);
    assertNoPlaintext(raw);
    assert.match(raw, /k8s:enc:aesgcm:v1:[0-9a-f]{16}:/);

    const got = (await t.ok(GET, { name: 'db' })).resource.manifest as Manifest;
    assert.equal(got.data?.password, B64);
    const listed = (await t.ok(LIST, { sel: 'app=web' })).resources.items as { manifest: Manifest }[];
    assert.deepEqual(
      listed.map((i) => [i.manifest.metadata.name, i.manifest.data?.password]),
      [['db', B64]],
    );
    assert.deepEqual((await t.ok(LIST, { sel: 'app=other' })).resources.items, []);

    const initial = t.ws().iterate({ query: WATCH, variables: {} }) as AsyncIterator<WatchResult>;
    const [added] = await nextResults(initial, 1);
    assert.deepEqual([added.data?.watchResources.type, added.data?.watchResources.object.manifest.data?.password], ['ADDED', B64], JSON.stringify(added));
    const replay = t.ws().iterate({ query: WATCH, variables: { rv: String(before) } }) as AsyncIterator<WatchResult>;
    const [replayed] = await nextResults(replay, 1);
    assert.deepEqual(
      [replayed.data?.watchResources.type, replayed.data?.watchResources.object.manifest.data?.password],
      ['ADDED', B64],
      JSON.stringify(replayed),
    );

    await t.ok(APPLY, { m: manifest('db', { password: B64, user: Buffer.from('admin').toString('base64') }) });
    for (const it of [initial, replay]) {
      let [modified] = await nextResults(it, 1);
      if (modified.data?.watchResources.type === 'BOOKMARK') [modified] = await nextResults(it, 1); // the initial state's end
      assert.equal(modified.data?.watchResources.type, 'MODIFIED', JSON.stringify(modified));
      assert.equal(modified.data?.watchResources.object.manifest.data?.password, B64);
      await it.return?.();
    }
    assertNoPlaintext(await rawRows(t.server.store));
  });
});

describe('apiservers of one cluster on one PostgreSQL database', { skip: !onPostgres && 'needs PostgreSQL (DATABASE_URL)' }, () => {
  let db: Awaited<ReturnType<typeof createPostgresDatabase>>;
  const servers: ApiServer[] = [];
  const keyFile = path.join(dir, 'cluster-key');
  before(async () => {
    db = await createPostgresDatabase();
    writeFileSync(keyFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await db?.drop();
  });
  const start = async (encryptionKeyFile: string) => {
    const s = await startApiServer({
      port: 0,
      host: '127.0.0.1',
      logger: { error: () => undefined },
      store: { url: db.url, encryptionKeyFile, compactIntervalMs: 0 },
    });
    servers.push(s);
    return s;
  };

  test("with the same key file each reads the other's Secrets, live and stored; with another key one does not start", async () => {
    const a = await start(keyFile);
    const b = await start(keyFile);
    const ok = async (s: ApiServer, query: string, variables: Record<string, unknown>) => {
      const res = await gqlAt<Record<string, any>>(s.url, query, variables);
      assert.equal(res.errors, undefined, JSON.stringify(res.errors));
      return res.data!;
    };
    const { createClient } = await import('graphql-ws');
    const WebSocket = (await import('ws')).default;
    const client = createClient({ url: b.url.replace('http', 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
    try {
      const rv = String(await b.store.currentRevision());
      const onB = client.iterate({ query: WATCH, variables: { rv } }) as AsyncIterator<WatchResult>;
      await ok(a, APPLY, { m: manifest('shared') });
      const [event] = await nextResults(onB, 1);
      assert.equal(event.data?.watchResources.object.manifest.data?.password, B64, 'a live event of a write through the other apiserver');
      assert.equal((await ok(b, GET, { name: 'shared' })).resource.manifest.data.password, B64);
      await ok(b, APPLY, { m: manifest('from-b', { token: B64 }) });
      assert.equal((await ok(a, GET, { name: 'from-b' })).resource.manifest.data.token, B64);
    } finally {
      await client.dispose();
    }
    assertNoPlaintext(await rawRows(a.store));

    const wrong = path.join(dir, 'wrong-key');
    writeFileSync(wrong, randomBytes(32).toString('hex'));
    await assert.rejects(
      start(wrong),
      /the Secrets in this database cannot be decrypted: .*encrypted with key "[0-9a-f]{16}", but this apiserver has key "[0-9a-f]{16}" \(the key file .*wrong-key\)/,
    );
  });
});

test("kubeql apiserver: the data directory's key is made 0600 on first start and kept (KUBEQL_ENCRYPTION_KEY_FILE names it); a wrong --encryption-key-file stops it with a clear error", async () => {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  try {
    const dataDir = path.join(dir, 'data');
    const env = { ...BARE_APISERVER, DATABASE_URL: await processDatabaseUrl(cleanups), KUBEQL_ENCRYPTION_KEY_FILE: '' };
    const args = ['bin/kubeql.js', 'apiserver', '--port', '0', '--data-dir', dataDir];
    const first = await spawnKubeql('node', args, env);
    cleanups.push(() => first.stop());
    const keyFile = path.join(dataDir, 'encryption-key');
    assert.ok(existsSync(keyFile));
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    const auth = { authorization: `Bearer ${mintToken(['--user', 'admin', '--group', 'system:masters', '--data-dir', dataDir])}` };
    const applied = await gqlAt(first.url, APPLY, { m: manifest('kept') }, auth);
    assert.equal(applied.errors, undefined, JSON.stringify(applied.errors));
    await first.stop();

    const wrong = path.join(dir, 'cli-wrong-key');
    writeFileSync(wrong, randomBytes(32).toString('base64'));
    await assert.rejects(
      spawnKubeql('node', [...args, '--encryption-key-file', wrong], env),
      /kubeql: the Secrets in this database cannot be decrypted: .*but this apiserver has key "[0-9a-f]{16}" \(the key file .*cli-wrong-key\)/,
    );

    const again = await spawnKubeql('node', args, { ...env, KUBEQL_ENCRYPTION_KEY_FILE: keyFile });
    cleanups.push(() => again.stop());
    const got = await gqlAt<{ resource: { manifest: Manifest } }>(again.url, GET, { name: 'kept' }, auth);
    assert.equal(got.data?.resource.manifest.data?.password, B64, JSON.stringify(got.errors));
  } finally {
    for (const c of cleanups.reverse()) await c();
  }
});
