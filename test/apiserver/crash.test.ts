// kill -9 of the apiserver under create load, as a machine crash would end it: no write
// it acknowledged is lost, and a watcher that resumes from the last resourceVersion it
// saw gets every change after it — none missing, none twice — from the restarted server.
// On the engine the suite runs on (PGlite in a data dir, or a fresh PostgreSQL database).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { createPostgresDatabase, onPostgres } from '../helpers/database.ts';
import { BARE_APISERVER, mintToken, spawnKubeql, type KubeqlProcess } from '../helpers/process.ts';
import { gqlAt, nextResults, wsClient } from '../helpers/server.ts';

const dataDir = mkdtempSync(path.join(tmpdir(), 'kubeql-crash-'));
const cleanups: (() => Promise<void> | void)[] = [() => rmSync(dataDir, { recursive: true, force: true })];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

type Watched = { data?: { watchPods: { type: string; object: { metadata: { name: string; resourceVersion: string } } } } };
const CREATE =
  'mutation($n: String!) { createPod(pod: { metadata: { name: $n }, spec: { containers: [{ name: "c", image: "nginx" }] } }) { metadata { name resourceVersion } } }';
const WATCH = 'subscription($rv: String) { watchPods(namespace: "default", resourceVersion: $rv) { type object { metadata { name resourceVersion } } } }';

test('kill -9 under create load loses no acknowledged write, and a resumed watch has no gap', async () => {
  let databaseUrl = '';
  if (onPostgres) {
    const db = await createPostgresDatabase();
    databaseUrl = db.url;
    cleanups.push(() => db.drop());
  }
  const start = () => spawnKubeql('node', ['bin/kubeql.js', 'up', '--port', '0', '--data-dir', dataDir], { DATABASE_URL: databaseUrl, ...BARE_APISERVER });
  let server: KubeqlProcess = await start();
  cleanups.push(() => void server.stop('SIGKILL'));
  const token = mintToken(['--user', 'admin', '--group', 'system:masters', '--data-dir', dataDir]);
  const auth = { authorization: `Bearer ${token}` };

  // A watcher that remembers the last resourceVersion it saw.
  let lastSeen = '0';
  const watcher = wsClient(server.url.replace('http', 'ws'), token);
  const watching = (async () => {
    try {
      for await (const r of watcher.iterate({ query: WATCH }) as AsyncIterable<Watched>)
        lastSeen = r.data?.watchPods.object.metadata.resourceVersion || lastSeen;
    } catch {
      // the server died
    }
  })();

  // Creates from 16 clients until the server is killed.
  const acknowledged = new Map<string, string>();
  let killed = false;
  let n = 0;
  const load = Array.from({ length: 16 }, async () => {
    while (!killed) {
      const name = `p-${n++}`;
      try {
        const res = await gqlAt<{ createPod: { metadata: { name: string; resourceVersion: string } } }>(server.url, CREATE, { n: name }, auth);
        if (res.data?.createPod) acknowledged.set(name, res.data.createPod.metadata.resourceVersion);
      } catch {
        // no answer: not acknowledged
      }
    }
  });
  while (acknowledged.size < 150) await new Promise((r) => setTimeout(r, 20));
  assert.equal(await server.stop('SIGKILL'), 'SIGKILL');
  killed = true;
  await Promise.all(load);
  await watching;
  await watcher.dispose();
  assert.ok(Number(lastSeen) > 0, 'the watcher saw events before the crash');

  server = await start();
  const list = await gqlAt<{ pods: { items: { metadata: { name: string; resourceVersion: string } }[] } }>(
    server.url,
    '{ pods(namespace: "default") { items { metadata { name resourceVersion } } } }',
    undefined,
    auth,
  );
  const present = new Map(list.data!.pods.items.map((p) => [p.metadata.name, p.metadata.resourceVersion]));
  for (const [name, rv] of acknowledged) assert.equal(present.get(name), rv, `acknowledged ${name} at ${rv} survived`);

  // Resume from the last resourceVersion seen before the crash: every pod created after it, in order, then a new one.
  const missed = [...present].filter(([, rv]) => Number(rv) > Number(lastSeen)).sort((a, b) => Number(a[1]) - Number(b[1]));
  const client = wsClient(server.url.replace('http', 'ws'), token);
  cleanups.push(() => client.dispose());
  const it = client.iterate({ query: WATCH, variables: { rv: lastSeen } })[Symbol.asyncIterator]() as AsyncIterator<Watched>;
  const replayed = await nextResults(it, missed.length);
  const sentinel = await gqlAt<{ createPod: { metadata: { name: string; resourceVersion: string } } }>(server.url, CREATE, { n: 'after-restart' }, auth);
  const [next] = await nextResults(it, 1);
  await it.return!();
  const summary = (rs: Watched[]) =>
    rs.map((r) => [r.data!.watchPods.type, r.data!.watchPods.object.metadata.name, r.data!.watchPods.object.metadata.resourceVersion]);
  assert.deepEqual(
    summary(replayed),
    missed.map(([name, rv]) => ['ADDED', name, rv]),
  );
  assert.deepEqual(summary([next]), [['ADDED', 'after-restart', sentinel.data!.createPod.metadata.resourceVersion]]);
  assert.equal(await server.stop(), 0);
});
