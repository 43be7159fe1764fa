// The simulated kube-proxy's rules (src/apiserver/proxy/proxy-rules.ts) as a table of
// Services and EndpointSlices, on a controlled clock.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeObject } from '../../src/apis/kinds.ts';
import { ProxyRules } from '../../src/apiserver/proxy/proxy-rules.ts';

const service = (name: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default' },
  spec: { type: 'ClusterIP', clusterIP: '10.96.0.10', ports: [{ name: 'http', port: 80, protocol: 'TCP' }], ...spec },
});
const slice = (name: string, service: string, ports: unknown[], endpoints: { ip: string; ready?: boolean; node?: string }[]): KubeObject => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name, namespace: 'default', labels: { 'kubernetes.io/service-name': service } },
  addressType: 'IPv4',
  ports,
  endpoints: endpoints.map((e) => ({ addresses: [e.ip], nodeName: e.node ?? 'n1', ...(e.ready === undefined ? {} : { conditions: { ready: e.ready } }) })),
});

describe('ProxyRules', () => {
  test('the Service port picks the slice port by name; ready unset counts as ready; endpoints across slices', () => {
    const rules = new ProxyRules(() => 0);
    rules.set(
      service('web', {
        ports: [
          { name: 'http', port: 80, protocol: 'TCP' },
          { name: 'dns', port: 53, protocol: 'UDP' },
        ],
      }),
    );
    rules.set(
      slice(
        'web-a',
        'web',
        [
          { name: 'http', port: 8080, protocol: 'TCP' },
          { name: 'dns', port: 5353, protocol: 'UDP' },
        ],
        [{ ip: '10.244.0.2' }, { ip: '10.244.0.3', ready: false }],
      ),
    );
    rules.set(slice('web-b', 'web', [{ name: 'http', port: 9090, protocol: 'TCP' }], [{ ip: '10.244.0.4', ready: true }]));
    assert.deepEqual(
      rules.backends('default', 'web', 80)!.map((b) => `${b.ip}:${b.port}`),
      ['10.244.0.2:8080', '10.244.0.4:9090'],
    );
    assert.deepEqual(
      rules.backends('default', 'web', 53)!.map((b) => `${b.ip}:${b.port}/${b.protocol}`),
      ['10.244.0.2:5353/UDP'],
    );
    assert.equal(rules.resolve('default', 'web', 81, 'n1'), null);
    rules.remove(slice('web-b', 'web', [], []));
    assert.deepEqual(
      rules.backends('default', 'web', 80)!.map((b) => b.ip),
      ['10.244.0.2'],
    );
  });

  test('round robin is per node', () => {
    const rules = new ProxyRules(() => 0);
    rules.set(service('rr', {}));
    rules.set(slice('rr-a', 'rr', [{ name: 'http', port: 8080 }], [{ ip: '10.244.0.1' }, { ip: '10.244.0.2' }, { ip: '10.244.0.3' }]));
    const from = (node: string, n: number) => Array.from({ length: n }, () => rules.resolve('default', 'rr', 80, node)!.ip);
    assert.deepEqual(from('n1', 4), ['10.244.0.1', '10.244.0.2', '10.244.0.3', '10.244.0.1']);
    assert.deepEqual(from('n2', 2), ['10.244.0.1', '10.244.0.2']);
  });

  test('ClientIP affinity lasts timeoutSeconds from the last use, and ends when the backend is not ready', () => {
    let now = 0;
    const rules = new ProxyRules(() => now);
    rules.set(service('st', { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 10 } } }));
    rules.set(slice('st-a', 'st', [{ name: 'http', port: 8080 }], [{ ip: '10.244.0.1' }, { ip: '10.244.0.2' }]));
    const first = rules.resolve('default', 'st', 80, 'n1')!.ip;
    now = 9_000;
    assert.equal(rules.resolve('default', 'st', 80, 'n1')!.ip, first);
    now = 18_000; // 9 s after the last use: still held
    assert.equal(rules.resolve('default', 'st', 80, 'n1')!.ip, first);
    now = 29_000; // 11 s: expired, the rotation moves on
    assert.notEqual(rules.resolve('default', 'st', 80, 'n1')!.ip, first);
    const held = rules.resolve('default', 'st', 80, 'n1')!.ip;
    rules.set(
      slice(
        'st-a',
        'st',
        [{ name: 'http', port: 8080 }],
        [
          { ip: '10.244.0.1', ready: held !== '10.244.0.1' },
          { ip: '10.244.0.2', ready: held !== '10.244.0.2' },
        ],
      ),
    );
    assert.notEqual(rules.resolve('default', 'st', 80, 'n1')!.ip, held);
  });

  test('headless and ExternalName Services have no rule; none ready is null', () => {
    const rules = new ProxyRules(() => 0);
    rules.set(service('hl', { clusterIP: 'None' }));
    rules.set(slice('hl-a', 'hl', [{ name: 'http', port: 8080 }], [{ ip: '10.244.0.1' }]));
    assert.equal(rules.resolve('default', 'hl', 80, 'n1'), null);
    rules.set(service('down', {}));
    rules.set(slice('down-a', 'down', [{ name: 'http', port: 8080 }], [{ ip: '10.244.0.1', ready: false }]));
    assert.equal(rules.resolve('default', 'down', 80, 'n1'), null);
    rules.set(service('ext', { type: 'ExternalName', clusterIP: undefined, externalName: 'example.com' }));
    assert.equal(rules.resolve('default', 'ext', 80, null), null);
  });
});
