// Two apiserver processes on one PostgreSQL: a change written through either is
// delivered to the watchers of both (LISTEN/NOTIFY), in order, exactly once.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Client } from 'graphql-ws';
import { createPostgresDatabase, onPostgres } from '../helpers/database.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BARE_APISERVER, mintToken, spawnKubeql, type KubeqlProcess } from '../helpers/process.ts';
import { gqlAt, nextResults, wsClient } from '../helpers/server.ts';

let db: Awaited<ReturnType<typeof createPostgresDatabase>>;
let servers: KubeqlProcess[] = [];
const clients: Client[] = [];
let keyDir: string;
let auth: Record<string, string>;
let token: string;

before(async () => {
  if (!onPostgres) return;
  db = await createPostgresDatabase();
  servers = [];
  // The first one migrates the database; the second starts on a migrated one.
  // One cluster: both apiservers share the signing key file.
  keyDir = mkdtempSync(path.join(tmpdir(), 'kubeql-ha-'));
  const key = ['--signing-key-file', path.join(keyDir, 'signing-key.jwk')];
  servers.push(await spawnKubeql('node', ['bin/kubeql.js', 'up', '--port', '0', '--database-url', db.url, ...key], BARE_APISERVER));
  servers.push(await spawnKubeql('node', ['bin/kubeql.js', 'up', '--port', '0', '--database-url', db.url, ...key], BARE_APISERVER));
  token = mintToken(['--user', 'admin', '--group', 'system:masters', ...key]);
  auth = { authorization: `Bearer ${token}` };
});
after(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await Promise.all(servers.map((s) => s.stop()));
  await db?.drop();
  if (keyDir) rmSync(keyDir, { recursive: true, force: true });
});

type Event = { data?: { watchPods: { type: string; object: { metadata: { name: string; resourceVersion: string } } } } };

test('watchers on both apiservers see every write made through either, in order', { skip: !onPostgres && 'needs PostgreSQL (DATABASE_URL)' }, async () => {
  const [a, b] = servers;
  const start = (await gqlAt<{ pods: { metadata: { resourceVersion: string } } }>(a.url, '{ pods { metadata { resourceVersion } } }', undefined, auth)).data!
    .pods.metadata.resourceVersion;
  const watch = (url: string) => {
    const c = wsClient(url.replace('http', 'ws'), token);
    clients.push(c);
    return c.iterate({
      query: `subscription($rv: String) { watchPods(resourceVersion: $rv) { type object { metadata { name resourceVersion } } } }`,
      variables: { rv: start },
    }) as AsyncIterator<Event>;
  };
  const onA = watch(a.url);
  const onB = watch(b.url);
  const N = 40;
  // Writers on both servers at once.
  await Promise.all(
    [a, b].map((s, i) =>
      (async () => {
        for (let k = 0; k < N / 2; k++) {
          const res = await gqlAt(
            s.url,
            `mutation($n: String!) { createPod(pod: { metadata: { name: $n }, spec: { containers: [{ name: "c", image: "nginx" }] } }) { metadata { name } } }`,
            { n: `p-${i}-${k}` },
            auth,
          );
          assert.equal(res.errors, undefined, JSON.stringify(res.errors));
        }
      })(),
    ),
  );
  const [eventsA, eventsB] = await Promise.all([nextResults(onA, N), nextResults(onB, N)]);
  const seq = (events: Event[]) => events.map((e) => `${e.data!.watchPods.object.metadata.resourceVersion}:${e.data!.watchPods.object.metadata.name}`);
  assert.equal(eventsA.length, N);
  assert.deepEqual(seq(eventsB), seq(eventsA), 'both apiservers deliver the same sequence');
  const revs = eventsA.map((e) => Number(e.data!.watchPods.object.metadata.resourceVersion));
  assert.deepEqual(
    revs,
    [...revs].sort((x, y) => x - y),
  );
  assert.equal(new Set(revs).size, N, 'no event twice');
  assert.equal(new Set(seq(eventsA).map((s) => s.split(':')[1])).size, N, 'every pod once');
});
