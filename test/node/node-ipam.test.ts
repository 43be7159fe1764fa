// Node IPAM: every Node gets its own /24 of 10.244.0.0/16, never one already held, even when
// many register at once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cidrBlocks, nodeIpam, nodeIpamController } from '../../src/controllers/node-ipam.ts';
import { eventually, startTestCluster } from '../helpers/cluster.ts';

test('cidrBlocks cuts the cluster range into node ranges', () => {
  const b = cidrBlocks('10.244.0.0/16', 24);
  assert.equal(b.count, 256);
  assert.equal(b.block(0), '10.244.0.0/24');
  assert.equal(b.block(255), '10.244.255.0/24');
});

test('nodes registering at once each get a distinct pod CIDR; one already held is skipped', async () => {
  const d = await startTestCluster({ controllers: [nodeIpam] });
  try {
    const nodes = d.admin.resource('Node');
    await nodes.create({ metadata: { name: 'held' }, spec: { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] } });
    await Promise.all(Array.from({ length: 30 }, (_, i) => nodes.create({ metadata: { name: `n${i}` } })));
    const list = await eventually(
      async () => {
        const items = (await nodes.list()).items;
        return items.length === 31 && items.every((n) => n.spec?.podCIDR) ? items : undefined;
      },
      20_000,
      'every node with a pod CIDR',
    );
    const cidrs = list.map((n) => n.spec!.podCIDR!);
    assert.equal(new Set(cidrs).size, 31);
    for (const n of list) assert.deepEqual(n.spec!.podCIDRs, [n.spec!.podCIDR]);
  } finally {
    await d.stop();
  }
});

test('an exhausted cluster range leaves a node without one until a range comes free', async () => {
  const c = await startTestCluster({ controllers: [nodeIpamController({ clusterCIDR: '10.244.0.0/23', nodeMaskSize: 24 })] });
  try {
    const nodes = c.admin.resource('Node');
    for (const n of ['x', 'y', 'z']) await nodes.create({ metadata: { name: n } });
    const held = await eventually(
      async () => {
        const items = (await nodes.list()).items.filter((n) => n.spec?.podCIDR);
        return items.length === 2 ? items : undefined;
      },
      20_000,
      'two of three nodes with a range',
    );
    assert.deepEqual(held.map((n) => n.spec!.podCIDR).sort(), ['10.244.0.0/24', '10.244.1.0/24']);
    const waiting = (await nodes.list()).items.find((n) => !n.spec?.podCIDR)!;
    await nodes.delete(undefined, held[0].metadata.name);
    const got = await eventually(async () => (await nodes.get(undefined, waiting.metadata.name))?.spec?.podCIDR, 20_000, 'the freed range reassigned');
    assert.equal(got, held[0].spec!.podCIDR);
  } finally {
    await c.stop();
  }
});
