// A node's pod addresses from its podCIDR: .1 is the bridge, addresses go round-robin, a
// freed one is not handed out again at once, a full range says so.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PodIPs } from '../../src/node/pod-ips.ts';

test('pod addresses from a /24: unique, round-robin, released, exhausted', () => {
  const ips = new PodIPs('10.244.3.0/24');
  const first = ips.allocate();
  assert.equal(first, '10.244.3.2');
  assert.equal(ips.allocate(), '10.244.3.3');
  ips.release(first!);
  assert.equal(ips.allocate(), '10.244.3.4', 'a freed address is not reused at once');
  const all = new Set<string>();
  for (let ip = ips.allocate(); ip; ip = ips.allocate()) all.add(ip);
  assert.equal(all.size + 2, 253, 'every usable address once (.2–.254; .3 and .4 held)');
  assert.ok(all.has('10.244.3.2'), 'the freed one comes round again');
  assert.equal(ips.allocate(), undefined);
  assert.ok(ips.contains('10.244.3.254'));
  assert.ok(!ips.contains('10.244.3.1') && !ips.contains('10.244.3.255') && !ips.contains('10.244.4.2'));
  assert.equal(ips.reserve('10.244.3.9'), false, 'held already');
});
