// README's quick start: `npm start` serves the API on the embedded store in the data
// dir and runs a cluster — the README's own Deployment, sent as the README sends it,
// turns Running; state survives a restart; /healthz and /readyz answer.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { gqlAt } from '../helpers/server.ts';
import { ROOT, mintToken, spawnKubeql } from '../helpers/process.ts';
import { eventually } from '../helpers/cluster.ts';

/** The README's quick-start requests: each `q '<body>'` of its first shell block that applies a Deployment. */
function readmeRequests(): { apply: { query: string; variables: Record<string, unknown> }; pods: { query: string } } {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const block = readme.slice(readme.indexOf('## Quick start'));
  const bodies = [...block.matchAll(/^q '([\s\S]*?)'$/gm)].map((m) => JSON.parse(m[1].replace(/\n\s*/g, '')));
  const apply = bodies.find((b) => /apply\(manifest/.test(b.query));
  const pods = bodies.find((b) => /\bpods\b/.test(b.query));
  assert.ok(apply && pods, 'the README shows a Deployment applied and its pods listed');
  return { apply, pods };
}

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
    const ns = await gqlAt<{ namespaces: { items: { metadata: { name: string } }[] } }>(
      first.url,
      '{ namespaces { items { metadata { name } } } }',
      undefined,
      auth,
    );
    assert.deepEqual(ns.data?.namespaces.items.map((n) => n.metadata.name).sort(), ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    const created = await gqlAt(
      first.url,
      'mutation { createPod(pod: { metadata: { name: "kept" }, spec: { containers: [{ name: "c", image: "nginx" }] } }) { metadata { uid } } }',
      undefined,
      auth,
    );
    assert.equal(created.errors, undefined);
    // The README's Deployment, applied as the README applies it: its pods turn Running, with addresses.
    const readme = readmeRequests();
    const applied = await gqlAt(first.url, readme.apply.query, readme.apply.variables, auth);
    assert.equal(applied.errors, undefined, JSON.stringify(applied.errors));
    const manifest = readme.apply.variables.m as { metadata: { name: string }; spec: { replicas: number } };
    await eventually(
      async () => {
        const r = await gqlAt<{ pods: { items: { metadata: { name: string }; spec: { nodeName?: string }; status: { phase?: string; podIP?: string } }[] } }>(
          first.url,
          readme.pods.query,
          undefined,
          auth,
        );
        const web = r.data?.pods.items.filter((p) => p.metadata.name.startsWith(`${manifest.metadata.name}-`)) ?? [];
        return (
          web.length === manifest.spec.replicas && web.every((p) => p.status.phase === 'Running' && p.status.podIP && p.spec.nodeName?.startsWith('node-'))
        );
      },
      60_000,
      "the README's Deployment Running",
    );
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

test('kubeql apiserver: the apiserver alone — no nodes, no controller-manager, no scheduler, whatever the environment says', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kubeql-apiserver-'));
  const api = await spawnKubeql('node', ['bin/kubeql.js', 'apiserver', '--port', '0', '--data-dir', dir], {
    DATABASE_URL: '',
    KUBEQL_NODES: '3',
    KUBEQL_CONTROLLERS: '1',
    KUBEQL_SCHEDULER: '1',
  });
  try {
    await eventually(() => /controller-manager: off; scheduler: off; nodes: none/.test(api.output()), 10_000, 'the components line');
    assert.equal((await fetch(api.url.replace(/\/graphql$/, '/readyz'))).status, 200);
    const auth = { authorization: `Bearer ${mintToken(['--user', 'admin', '--group', 'system:masters', '--data-dir', dir])}` };
    const nodes = await gqlAt<{ nodes: { items: unknown[] } }>(api.url, '{ nodes { items { metadata { name } } } }', undefined, auth);
    assert.deepEqual(nodes.data?.nodes.items, []);
  } finally {
    assert.equal(await api.stop(), 0);
    rmSync(dir, { recursive: true, force: true });
  }
  await assert.rejects(
    spawnKubeql('node', ['bin/kubeql.js', 'apiserver', '--port', '0', '--data-dir', dir, '--nodes', '2'], { DATABASE_URL: '' }),
    /--nodes, --no-controllers and --no-scheduler are flags of kubeql up/,
  );
});
