// Services through the real apiserver: the clusterIP and node port allocators
// (kube-apiserver's), on PGlite and — with DATABASE_URL — PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let t: TestServer;
before(async () => (t = await startTestServer()));
after(() => t.stop());

const SVC = `metadata { name resourceVersion } spec { type clusterIP clusterIPs ports { name port nodePort } } manifest`;
type Svc = {
  metadata: { name: string; resourceVersion: string };
  spec: { type: string; clusterIP: string | null; clusterIPs: string[] | null; ports: { port: number; nodePort: number | null }[] };
  manifest: any;
};

const service = (name: string, spec: Record<string, unknown> = {}) => ({
  metadata: { name },
  spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }], ...spec },
});

async function create(name: string, spec: Record<string, unknown> = {}, namespace = 'default'): Promise<Svc> {
  const svc = service(name, spec);
  (svc.metadata as Record<string, unknown>).namespace = namespace;
  return (await t.ok(`mutation($s: ServiceInput!) { createService(service: $s) { ${SVC} } }`, { s: svc })).createService;
}
async function createError(name: string, spec: Record<string, unknown>) {
  const res = await t.gql(`mutation($s: ServiceInput!) { createService(service: $s) { ${SVC} } }`, { s: service(name, spec) });
  assert.ok(res.errors?.length, 'expected an error');
  return res.errors![0] as { message: string; extensions: { code: string; causes?: { field: string; message: string }[] } };
}
const remove = (name: string) => t.ok(`mutation($n: String!) { deleteService(name: $n) { metadata { name } } }`, { n: name });

/** 10.96.0.0/12 without its network and broadcast addresses. */
function inServiceRange(ip: string): boolean {
  const n = ip.split('.').reduce((a, p) => a * 256 + Number(p), 0);
  const base = (10 * 256 + 96) * 65536;
  return /^\d+\.\d+\.\d+\.\d+$/.test(ip) && n > base && n < base + 2 ** 20 - 1;
}

describe('clusterIP allocation', () => {
  test('a Service gets a clusterIP from 10.96.0.0/12, mirrored in clusterIPs', async () => {
    const s = await create('alloc-one');
    assert.ok(inServiceRange(s.spec.clusterIP!), s.spec.clusterIP!);
    assert.deepEqual(s.spec.clusterIPs, [s.spec.clusterIP]);
    assert.deepEqual(s.manifest.spec.ipFamilies, ['IPv4']);
    assert.equal(s.manifest.spec.ipFamilyPolicy, 'SingleStack');
  });

  test('many concurrent creates get distinct clusterIPs, all in range', async () => {
    await t.ok(`mutation { createNamespace(namespace: { metadata: { name: "svc-burst" } }) { metadata { name } } }`);
    const created = await Promise.all(Array.from({ length: 60 }, (_, i) => create(`burst-${i}`, {}, 'svc-burst')));
    const ips = created.map((s) => s.spec.clusterIP!);
    assert.equal(new Set(ips).size, ips.length, 'clusterIPs are unique');
    for (const ip of ips) assert.ok(inServiceRange(ip), ip);
    const listed = await t.ok(`{ services(namespace: "svc-burst") { items { spec { clusterIP } } } }`);
    assert.deepEqual(new Set(listed.services.items.map((s: Svc) => s.spec.clusterIP)), new Set(ips));
  });

  test('concurrent creates asking for the same IP: exactly one wins, the others read "provided IP is already allocated"', async () => {
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => create(`race-${i}`, { clusterIP: '10.96.7.7' })));
    const won = results.filter((r) => r.status === 'fulfilled');
    assert.equal(won.length, 1);
    for (const r of results.filter((r) => r.status === 'rejected'))
      assert.match(String((r as PromiseRejectedResult).reason), /provided IP is already allocated/);
  });

  test('a requested IP is honoured when free, refused with Kubernetes wording when taken or out of range', async () => {
    const s = await create('wants-ip', { clusterIP: '10.100.0.42' });
    assert.equal(s.spec.clusterIP, '10.100.0.42');
    assert.deepEqual(s.spec.clusterIPs, ['10.100.0.42']);
    const taken = await createError('wants-ip-too', { clusterIP: '10.100.0.42' });
    assert.equal(taken.extensions.code, 'BAD_USER_INPUT');
    assert.equal(
      taken.message,
      'Service "wants-ip-too" is invalid: spec.clusterIPs: Invalid value: []string{"10.100.0.42"}: failed to allocate IP 10.100.0.42: provided IP is already allocated',
    );
    assert.deepEqual(
      taken.extensions.causes?.map((c) => c.field),
      ['spec.clusterIPs'],
    );
    const outside = await createError('outside', { clusterIP: '10.0.0.5' });
    assert.match(
      outside.message,
      /failed to allocate IP 10\.0\.0\.5: the provided IP \(10\.0\.0\.5\) is not in the valid range\. The range of valid IPs is 10\.96\.0\.0\/12/,
    );
    // clusterIPs alone is honoured too, and clusterIP mirrors it.
    const byList = await create('wants-ips', { clusterIPs: ['10.100.0.43'] });
    assert.equal(byList.spec.clusterIP, '10.100.0.43');
  });

  test('the clusterIP is freed on delete and can be allocated again', async () => {
    const s = await create('freed', { clusterIP: '10.101.1.1' });
    assert.equal(s.spec.clusterIP, '10.101.1.1');
    await remove('freed');
    const again = await create('freed-again', { clusterIP: '10.101.1.1' });
    assert.equal(again.spec.clusterIP, '10.101.1.1');
  });

  test('the clusterIP is kept on update (left out) and immutable (changed)', async () => {
    const s = await create('kept');
    const replaced = (
      await t.ok(`mutation($s: ServiceInput!) { replaceService(service: $s) { ${SVC} } }`, {
        s: { metadata: { name: 'kept' }, spec: { selector: { app: 'other' }, ports: [{ port: 81 }] } },
      })
    ).replaceService as Svc;
    assert.equal(replaced.spec.clusterIP, s.spec.clusterIP);
    assert.deepEqual(replaced.spec.clusterIPs, [s.spec.clusterIP]);
    const patched = (await t.ok(`mutation { patchService(name: "kept", patch: { metadata: { labels: { a: "b" } } }) { ${SVC} } }`)).patchService as Svc;
    assert.equal(patched.spec.clusterIP, s.spec.clusterIP);
    const res = await t.gql(`mutation { patchService(name: "kept", patch: { spec: { clusterIP: "10.96.9.9", clusterIPs: ["10.96.9.9"] } }) { ${SVC} } }`);
    assert.equal(res.errors?.[0].extensions?.code, 'BAD_USER_INPUT');
    assert.match(res.errors![0].message, /spec\.clusterIP: Invalid value: "10\.96\.9\.9": field is immutable/);
    // The old IP is still held: nobody else may take it.
    const dup = await createError('kept-dup', { clusterIP: s.spec.clusterIP });
    assert.match(dup.message, /provided IP is already allocated/);
  });

  test('headless: clusterIP None allocates nothing', async () => {
    const s = await create('headless', { clusterIP: 'None' });
    assert.equal(s.spec.clusterIP, 'None');
    assert.deepEqual(s.spec.clusterIPs, ['None']);
    const s2 = await create('headless-2', { clusterIP: 'None' });
    assert.equal(s2.spec.clusterIP, 'None');
  });

  test('concurrent creates and deletes: every live Service holds a distinct IP, every freed IP can be taken again', async () => {
    await t.ok(`mutation { createNamespace(namespace: { metadata: { name: "svc-churn" } }) { metadata { name } } }`);
    const first = await Promise.all(Array.from({ length: 30 }, (_, i) => create(`churn-${i}`, {}, 'svc-churn')));
    const del = (n: string) => t.ok(`mutation($n: String!) { deleteService(namespace: "svc-churn", name: $n) { metadata { name } } }`, { n });
    const [, second] = await Promise.all([
      Promise.all(first.filter((_, i) => i % 2 === 0).map((s) => del(s.metadata.name))),
      Promise.all(Array.from({ length: 30 }, (_, i) => create(`churn-b-${i}`, {}, 'svc-churn'))),
    ]);
    const live = (await t.ok(`{ services(namespace: "svc-churn") { items { metadata { name } spec { clusterIP } } } }`)).services.items as Svc[];
    assert.equal(live.length, 45);
    assert.equal(new Set(live.map((s) => s.spec.clusterIP)).size, 45);
    assert.ok(second.every((s) => inServiceRange(s.spec.clusterIP!)));
    const freed = first
      .filter((_, i) => i % 2 === 0)
      .map((s) => s.spec.clusterIP!)
      .filter((ip) => !live.some((s) => s.spec.clusterIP === ip));
    const retaken = await Promise.all(freed.map((ip, i) => create(`churn-c-${i}`, { clusterIP: ip }, 'svc-churn')));
    assert.deepEqual(
      retaken.map((s) => s.spec.clusterIP),
      freed,
    );
  });

  test('a dry-run create shows the values it would get and holds nothing', async () => {
    const res = await t.ok(`mutation($m: JSON!) { apply(manifest: $m, dryRun: true) { ... on Service { spec { clusterIP } } } }`, {
      m: { apiVersion: 'v1', kind: 'Service', ...service('dry', { clusterIP: '10.103.0.3' }) },
    });
    assert.equal(res.apply.spec.clusterIP, '10.103.0.3');
    assert.equal((await create('not-dry', { clusterIP: '10.103.0.3' })).spec.clusterIP, '10.103.0.3');
  });

  test('ExternalName has no clusterIP', async () => {
    const s = (
      await t.ok(`mutation($s: ServiceInput!) { createService(service: $s) { ${SVC} } }`, {
        s: { metadata: { name: 'ext' }, spec: { type: 'ExternalName', externalName: 'example.com' } },
      })
    ).createService as Svc;
    assert.equal(s.spec.clusterIP, null);
    assert.equal(s.spec.clusterIPs, null);
  });

  test('applyAll allocates too', async () => {
    const res = await t.ok(`mutation($m: [JSON!]!) { applyAll(manifests: $m) { ... on Service { spec { clusterIP clusterIPs } } } }`, {
      m: [
        { apiVersion: 'v1', kind: 'Service', ...service('applied-a') },
        { apiVersion: 'v1', kind: 'Service', ...service('applied-b', { clusterIP: '10.102.0.2' }) },
      ],
    });
    const [a, b] = res.applyAll;
    assert.ok(inServiceRange(a.spec.clusterIP));
    assert.equal(b.spec.clusterIP, '10.102.0.2');
    const again = await t.gql(`mutation($m: [JSON!]!) { applyAll(manifests: $m) { __typename } }`, {
      m: [{ apiVersion: 'v1', kind: 'Service', ...service('applied-c', { clusterIP: '10.102.0.2' }) }],
    });
    assert.match(again.errors![0].message, /provided IP is already allocated/);
    assert.equal((again.errors![0].extensions as any).causes[0].field, 'manifests[0].spec.clusterIPs');
  });
});

describe('node port allocation', () => {
  /** A port from `from` up that no Service holds: the earlier tests' random allocations may have taken any (41 of 2,768). */
  const freeNodePort = async (from: number): Promise<number> => {
    const services = (await t.server.registry.list('Service', {})).items;
    const held = new Set(services.flatMap((o) => ((o.spec?.ports ?? []) as { nodePort?: number }[]).map((p) => p.nodePort)));
    let port = from;
    while (held.has(port)) port++;
    return port;
  };

  test('NodePort and LoadBalancer services get unique node ports from 30000-32767', async () => {
    const two = {
      type: 'NodePort',
      ports: [
        { name: 'http', port: 80 },
        { name: 'https', port: 443 },
      ],
    };
    const made = await Promise.all(Array.from({ length: 20 }, (_, i) => create(`np-${i}`, two)));
    const lb = await create('lb', { type: 'LoadBalancer' });
    const ports = [...made.flatMap((s) => s.spec.ports.map((p) => p.nodePort!)), lb.spec.ports[0].nodePort!];
    assert.equal(new Set(ports).size, ports.length, 'node ports are unique');
    for (const p of ports) assert.ok(p >= 30000 && p <= 32767, String(p));
    assert.ok(inServiceRange(lb.spec.clusterIP!));
  });

  test('a requested node port is honoured, refused when taken or out of range, freed on delete', async () => {
    const wanted = await freeNodePort(30080);
    const s = await create('np-req', { type: 'NodePort', ports: [{ port: 80, nodePort: wanted }] });
    assert.equal(s.spec.ports[0].nodePort, wanted);
    const taken = await createError('np-req-2', { type: 'NodePort', ports: [{ port: 80, nodePort: wanted }] });
    assert.equal(taken.message, `Service "np-req-2" is invalid: spec.ports[0].nodePort: Invalid value: ${wanted}: provided port is already allocated`);
    const outside = await createError('np-out', { type: 'NodePort', ports: [{ port: 80, nodePort: 8080 }] });
    assert.equal(
      outside.message,
      'Service "np-out" is invalid: spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767',
    );
    await remove('np-req');
    const again = await create('np-req-3', { type: 'NodePort', ports: [{ port: 80, nodePort: wanted }] });
    assert.equal(again.spec.ports[0].nodePort, wanted);
  });

  test('node ports are kept on update and released when the type goes back to ClusterIP', async () => {
    const wanted = await freeNodePort(30091);
    const s = await create('np-type', { type: 'NodePort', ports: [{ port: 80, nodePort: wanted }] });
    const kept = (await t.ok(`mutation { patchService(name: "np-type", patch: { metadata: { labels: { x: "y" } } }) { ${SVC} } }`)).patchService as Svc;
    assert.equal(kept.spec.ports[0].nodePort, wanted);
    const replaced = (
      await t.ok(`mutation($s: ServiceInput!) { replaceService(service: $s) { ${SVC} } }`, {
        s: { metadata: { name: 'np-type' }, spec: { type: 'NodePort', selector: { app: 'np' }, ports: [{ port: 80 }] } },
      })
    ).replaceService as Svc;
    assert.equal(replaced.spec.ports[0].nodePort, wanted);
    assert.equal(replaced.spec.clusterIP, s.spec.clusterIP);
    const back = (await t.ok(`mutation { patchService(name: "np-type", patch: { spec: { type: "ClusterIP" } }) { ${SVC} } }`)).patchService as Svc;
    assert.equal(back.spec.ports[0].nodePort, null);
    const reuse = await create('np-type-2', { type: 'NodePort', ports: [{ port: 80, nodePort: wanted }] });
    assert.equal(reuse.spec.ports[0].nodePort, wanted);
  });
});

describe('exhausted ranges', () => {
  test('a full range reads as kube-apiserver\'s "range is full"', async () => {
    const { serviceAllocator, NODE_PORT_KIND, IP_ADDRESS_KIND, intToIp } = await import('../../src/apis/strategies/service.allocator.ts');
    const svc = (spec: Record<string, unknown>) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'full', namespace: 'default' },
      spec: { ports: [{ port: 80 }], ...spec },
    });
    const allPorts = new Set(Array.from({ length: 2768 }, (_, i) => String(30000 + i)));
    const lostPorts = new Set(['30000', '30001', '30002', '30003'].map((p) => `${NODE_PORT_KIND}/${p}`));
    await assert.rejects(
      serviceAllocator.assign(svc({ type: 'NodePort', clusterIP: '10.96.0.9' }), undefined, lostPorts, async () => allPorts),
      (err: any) => err.code === 'INTERNAL_SERVER_ERROR' && err.message === 'Internal error occurred: failed to allocate a nodePort: range is full',
    );
    const base = (10 * 256 + 96) * 65536;
    const allIPs = new Set(Array.from({ length: 2 ** 20 }, (_, i) => intToIp(base + i)));
    const lostIPs = new Set([1, 2, 3, 4].map((i) => `${IP_ADDRESS_KIND}/${intToIp(base + i)}`));
    await assert.rejects(
      serviceAllocator.assign(svc({ type: 'ClusterIP' }), undefined, lostIPs, async () => allIPs),
      (err: any) => err.code === 'INTERNAL_SERVER_ERROR' && err.message === 'Internal error occurred: failed to allocate a serviceIP: range is full',
    );
  });
});
