// Two `kubeql scheduler` processes against an apiserver process: one leads (Lease
// kube-system/kube-scheduler); kill -9 of the leader under load — the standby takes over,
// no pod is bound twice (seen from a watch: a pod's node, once set, never changes) and
// none is left unscheduled while a node fits it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Client } from '../../src/client/index.ts';
import { eventually } from '../helpers/cluster.ts';
import { processDatabaseUrl } from '../helpers/database.ts';
import { mintToken, spawnKubeql, type KubeqlProcess } from '../helpers/process.ts';

const dataDir = mkdtempSync(path.join(tmpdir(), 'kubeql-sched-'));
const cleanups: (() => Promise<unknown> | void)[] = [() => rmSync(dataDir, { recursive: true, force: true })];
let admin: Client;

before(async () => {
  const databaseUrl = await processDatabaseUrl(cleanups);
  const apiserver = await spawnKubeql('node', ['bin/kubeql.js', 'up', '--port', '0', '--data-dir', dataDir, '--no-controllers', '--no-scheduler'], {
    DATABASE_URL: databaseUrl,
    KUBEQL_LOG_LEVEL: 'warn',
    KUBEQL_NODES: '0',
  });
  cleanups.push(() => apiserver.stop('SIGKILL'));
  admin = new Client({ server: apiserver.url, token: mintToken(['--user', 'admin', '--group', 'system:masters', '--data-dir', dataDir]) });
  cleanups.push(() => admin.close());
});
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

const READY = /scheduler (\S+) started against/;
async function scheduler(): Promise<KubeqlProcess> {
  const p = await spawnKubeql('node', ['bin/kubeql.js', 'scheduler', '--data-dir', dataDir, '--time-scale', '10'], { KUBEQL_LOG_LEVEL: 'warn' }, READY);
  cleanups.push(() => p.stop('SIGKILL'));
  return p;
}
const identityOf = (p: KubeqlProcess) => READY.exec(p.output())![1];
const leaseHolder = async () => (await admin.resource('Lease').get('kube-system', 'kube-scheduler'))?.spec?.holderIdentity;

test('kill -9 of the leading scheduler under load: the standby takes over; no pod bound twice, none left unscheduled', async () => {
  for (let i = 0; i < 10; i++) {
    await admin.resource('Node').create({ metadata: { name: `n-${i}`, labels: { 'kubernetes.io/hostname': `n-${i}` } } });
    const r = { cpu: '4', memory: '16Gi', pods: '110' };
    await admin.resource('Node').updateStatus(undefined, `n-${i}`, { capacity: r, allocatable: r, conditions: [{ type: 'Ready', status: 'True' }] });
  }
  // A watch of every pod: each pod's node, once set, must never change.
  const nodeOf = new Map<string, string>();
  const rebinds: string[] = [];
  const stop = admin.resource('Pod').watch(
    { namespace: 'default' },
    {
      next: ({ type, object }) => {
        if (type === 'BOOKMARK' || !object.spec?.nodeName) return;
        const was = nodeOf.get(object.metadata.name);
        if (was && was !== object.spec.nodeName) rebinds.push(`${object.metadata.name}: ${was} → ${object.spec.nodeName}`);
        nodeOf.set(object.metadata.name, object.spec.nodeName);
      },
      error: () => undefined,
      complete: () => undefined,
    },
  );
  const [a, b] = await Promise.all([scheduler(), scheduler()]);
  await eventually(async () => [identityOf(a), identityOf(b)].includes((await leaseHolder()) ?? ''), 30_000, 'one scheduler leads');
  const leader = (await leaseHolder()) === identityOf(a) ? a : b;
  const standby = leader === a ? b : a;

  const TOTAL = 400;
  let created = 0;
  const load = (async () => {
    for (; created < TOTAL; created += 20) {
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          admin.resource('Pod').create({
            metadata: { name: `p-${created + i}`, namespace: 'default' },
            spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '50m', memory: '64Mi' } } }] },
          }),
        ),
      );
    }
  })();
  await eventually(() => nodeOf.size >= 100, 60_000, '100 pods bound by the first leader');
  await leader.stop('SIGKILL');
  await load;
  await eventually(() => nodeOf.size === TOTAL, 60_000, 'every pod bound');
  assert.equal(await leaseHolder(), identityOf(standby));
  const pods = (await admin.resource('Pod').list({ namespace: 'default' })).items;
  assert.equal(pods.filter((p) => !p.spec?.nodeName).length, 0, 'none left unscheduled');
  assert.deepEqual(rebinds, [], 'no pod bound twice');
  const perNode = new Map<string, number>();
  for (const p of pods) perNode.set(p.spec!.nodeName!, (perNode.get(p.spec!.nodeName!) ?? 0) + 1);
  assert.ok(
    [...perNode.values()].every((n) => n <= 80),
    'no node holds more than its cpu allows (4 cpu / 50m)',
  );
  stop();
});
