// `kubeql up` as a user runs it (a real process, time scale 20): its fleet of `--nodes`
// simulated nodes makes /readyz answer 200 once they are Ready, and a Deployment applied to
// it runs; a separate `kubeql node` process joins with its own nodes, and killing it (-9) is
// a node crash: its nodes go Ready=Unknown.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Client } from '../../src/client/index.ts';
import { eventually } from '../helpers/cluster.ts';
import { isReady } from '../helpers/kubelet.ts';
import { mintToken, spawnKubeql, type KubeqlProcess } from '../helpers/process.ts';

const dataDir = mkdtempSync(path.join(tmpdir(), 'kubeql-up-nodes-'));
const cleanups: (() => Promise<unknown> | void)[] = [() => rmSync(dataDir, { recursive: true, force: true })];
let up: KubeqlProcess;
let admin: Client;
const SCALE = '20';

before(async () => {
  // the embedded store (PGlite), as npm start runs it
  up = await spawnKubeql('node', ['bin/kubeql.js', 'up', '--port', '0', '--data-dir', dataDir, '--nodes', '2', '--time-scale', SCALE], {
    KUBEQL_LOG_LEVEL: 'warn',
    DATABASE_URL: '',
  });
  cleanups.push(() => up.stop('SIGKILL'));
  admin = new Client({ server: up.url, token: mintToken(['--user', 'admin', '--group', 'system:masters', '--data-dir', dataDir]) });
  cleanups.push(() => admin.close());
});
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

const readyz = async () => (await fetch(up.url.replace('/graphql', '/readyz'))).status;

test("kubeql up: /readyz is 200 once its nodes are Ready, and a Deployment's pods run there", async () => {
  await eventually(async () => (await readyz()) === 200, 30_000, '/readyz 200');
  const nodes = (await admin.resource('Node').list()).items;
  assert.deepEqual(nodes.map((n) => n.metadata.name).sort(), ['node-0', 'node-1']);
  assert.ok(nodes.every((n) => n.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True'));
  await admin.resource('Deployment').create({
    metadata: { name: 'hello', namespace: 'default' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'hello' } },
      template: { metadata: { labels: { app: 'hello' } }, spec: { containers: [{ name: 'hello', image: 'nginx' }] } },
    },
  });
  const pods = await eventually(
    async () => {
      const items = (await admin.resource('Pod').list({ labelSelector: 'app=hello' })).items;
      return items.length === 3 && items.every((p) => p.status?.phase === 'Running' && isReady(p) && p.status.podIP) ? items : undefined;
    },
    90_000,
    'three pods Running',
  );
  assert.equal(new Set(pods.map((p) => p.status!.podIP)).size, 3);
});

test('kubeql node: a separate fleet registers; kill -9 is a node crash (Ready=Unknown)', async () => {
  const fleet = await spawnKubeql(
    'node',
    ['bin/kubeql.js', 'node', '--count', '2', '--name-prefix', 'extra', '--data-dir', dataDir, '--time-scale', SCALE, '--cpu', '8', '--zones', '1'],
    { KUBEQL_LOG_LEVEL: 'warn' },
    /kubeql node: (\d+) simulated nodes/,
  );
  cleanups.push(() => fleet.stop('SIGKILL'));
  const extra = async () => (await admin.resource('Node').list()).items.filter((n) => n.metadata.name.startsWith('extra-'));
  await eventually(
    async () => {
      const ns = await extra();
      return ns.length === 2 && ns.every((n) => n.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' && n.spec?.podCIDR);
    },
    90_000,
    'extra nodes Ready with pod CIDRs',
  );
  assert.equal((await extra())[0].status!.allocatable!.cpu, '8');
  await fleet.stop('SIGKILL');
  await eventually(
    async () => (await extra()).every((n) => n.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'Unknown'),
    30_000,
    'extra nodes Ready=Unknown',
  );
  // up's own nodes keep heartbeating
  for (const n of (await admin.resource('Node').list()).items.filter((x) => x.metadata.name.startsWith('node-'))) {
    assert.equal(n.status!.conditions!.find((c) => c.type === 'Ready')!.status, 'True');
  }
});
