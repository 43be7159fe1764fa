// README's quick start: `npm start` serves the API on the embedded store in the data
// dir; state survives a restart; /healthz and /readyz answer.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { gqlAt } from '../helpers/server.ts';
import { mintToken, spawnKubeql } from '../helpers/process.ts';

const dataDir = mkdtempSync(path.join(tmpdir(), 'kubeql-quickstart-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

test('npm start serves GraphQL on PGlite in KUBEQL_DATA, and the data survives a restart', async () => {
  const env = { PORT: '0', KUBEQL_DATA: dataDir, DATABASE_URL: '' };
  let auth: Record<string, string> = {};
  const first = await spawnKubeql('npm', ['start', '--silent'], env);
  try {
    const base = first.url.replace(/\/graphql$/, '');
    assert.equal(await (await fetch(`${base}/healthz`)).text(), 'ok');
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    const anonymous = await gqlAt(first.url, '{ namespaces { items { metadata { name } } } }');
    assert.equal(anonymous.errors?.[0].extensions?.code, 'UNAUTHENTICATED', 'anonymous callers get nothing');
    auth = { authorization: `Bearer ${mintToken(['--user', 'admin', '--group', 'system:masters', '--data-dir', dataDir])}` };
    const ns = await gqlAt<{ namespaces: { items: { metadata: { name: string } }[] } }>(first.url, '{ namespaces { items { metadata { name } } } }', undefined, auth);
    assert.deepEqual(ns.data?.namespaces.items.map((n) => n.metadata.name).sort(), ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    const created = await gqlAt(first.url, 'mutation { createPod(pod: { metadata: { name: "kept" }, spec: { containers: [{ name: "c", image: "nginx" }] } }) { metadata { uid } } }', undefined, auth);
    assert.equal(created.errors, undefined);
  } finally {
    await first.stop();
  }
  const second = await spawnKubeql('node', ['bin/kubeql.js', 'up', '--port', '0', '--data-dir', dataDir], { DATABASE_URL: '' });
  try {
    // The signing key is kept in the data dir: the token minted before the restart still works.
    const pod = await gqlAt<{ pod: { metadata: { name: string } } | null }>(second.url, '{ pod(name: "kept") { metadata { name } } }', undefined, auth);
    assert.equal(pod.data?.pod?.metadata.name, 'kept');
  } finally {
    assert.equal(await second.stop(), 0, 'a clean shutdown on SIGTERM');
  }
});
