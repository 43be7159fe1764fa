// The core/v1 kinds ConfigMap, Secret, PersistentVolume, PersistentVolumeClaim,
// ReplicationController, Endpoints, ResourceQuota, LimitRange and PodTemplate: their
// validation (Kubernetes' paths and messages), defaults and kubectl's columns, calling the
// strategies directly.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeObject } from '../../src/apis/kinds.ts';
import { columnsOf, printRow, type Strategy } from '../../src/apis/strategy.ts';
import { strategyFor } from '../../src/apis/strategies/index.ts';
import { decodeBase64 } from '../../src/apis/validation/secret.ts';

const strategy = (kind: string): Strategy => {
  const s = strategyFor(kind);
  assert.ok(s, `${kind} is served`);
  return s;
};

/** An object as a create prepares it: prepareForCreate, then the defaults. */
function created(obj: Record<string, unknown>): KubeObject {
  const o = structuredClone(obj) as KubeObject;
  const s = strategy(o.kind);
  s.prepareForCreate(o);
  s.defaults(o);
  return o;
}
/** The causes of a new object, as `field: message`. */
const causes = (obj: Record<string, unknown>): string[] =>
  strategy(obj.kind as string)
    .validate(created(obj))
    .map((c) => `${c.field}: ${c.message}`);
/** The causes of an update of `old` (as stored) to `next`. */
function updateCauses(old: KubeObject, next: Record<string, unknown>): string[] {
  const s = strategy(old.kind);
  const n = structuredClone(next) as KubeObject;
  s.prepareForUpdate(n, old);
  s.defaults(n);
  return [...s.validateUpdate(n, old), ...s.validate(n)].map((c) => `${c.field}: ${c.message}`);
}
const row = (obj: KubeObject, wide = false): unknown[] => printRow(columnsOf(strategy(obj.kind), wide), obj);
const headers = (kind: string, wide = false): string[] => columnsOf(strategy(kind), wide).map((c) => c.name);

const meta = (name: string, namespace: string | null = 'default') => (namespace ? { name, namespace } : { name });
const POD_TEMPLATE = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } };

describe('kind table', () => {
  test('names, scope, short names, status subresources as kubectl and discovery show them', () => {
    const info = (k: string) => strategy(k).info;
    const rows = [
      'ConfigMap',
      'Secret',
      'PersistentVolume',
      'PersistentVolumeClaim',
      'ReplicationController',
      'Endpoints',
      'ResourceQuota',
      'LimitRange',
      'PodTemplate',
    ].map((k) => [k, info(k).resource, info(k).plural, info(k).namespaced, info(k).hasStatus, info(k).shortNames.join(',')]);
    assert.deepEqual(rows, [
      ['ConfigMap', 'configmaps', 'configMaps', true, false, 'cm'],
      ['Secret', 'secrets', 'secrets', true, false, ''],
      ['PersistentVolume', 'persistentvolumes', 'persistentVolumes', false, true, 'pv'],
      ['PersistentVolumeClaim', 'persistentvolumeclaims', 'persistentVolumeClaims', true, true, 'pvc'],
      ['ReplicationController', 'replicationcontrollers', 'replicationControllers', true, true, 'rc'],
      ['Endpoints', 'endpoints', 'endpointsList', true, false, 'ep'],
      ['ResourceQuota', 'resourcequotas', 'resourceQuotas', true, true, 'quota'],
      ['LimitRange', 'limitranges', 'limitRanges', true, false, 'limits'],
      ['PodTemplate', 'podtemplates', 'podTemplates', true, false, ''],
    ]);
    assert.deepEqual(info('ReplicationController').categories, ['all']);
    assert.deepEqual(info('ReplicationController').scale, {
      specReplicasPath: 'spec.replicas',
      statusReplicasPath: 'status.replicas',
      labelSelectorPath: 'spec.selector',
    });
    assert.ok(info('Secret').fieldSelectors.includes('type'));
  });
});

describe('ConfigMap', () => {
  const cm = (fields: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('settings'), ...fields });

  test('a realistic ConfigMap is valid; keys, duplicates across data and binaryData, and base64 are checked', () => {
    assert.deepEqual(causes(cm({ data: { 'app.properties': 'a=1\nb=2', LOG_LEVEL: 'debug' }, binaryData: { 'logo.png': 'iVBORw0KGgo=' } })), []);
    assert.deepEqual(causes(cm({ data: { 'bad key': 'x', '..x': 'y', same: 'z' }, binaryData: { same: 'eg==', blob: 'not base64!' } })), [
      'binaryData[blob]: Invalid value: "not base64!": illegal base64 data at input byte 3',
      `data[bad key]: Invalid value: "bad key": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
      `data[..x]: Invalid value: "..x": must not start with '..'`,
      'data[same]: Invalid value: "same": duplicate of key present in binaryData',
    ]);
    assert.deepEqual(causes(cm({ data: { n: 5 } })), ['data[n]: Invalid value: 5: must be of type string']);
  });

  test('more than 1 MiB of data and binaryData together is too long, at the whole object', () => {
    const half = 'x'.repeat(600 * 1024);
    assert.deepEqual(causes(cm({ data: { a: half } })), []);
    assert.deepEqual(causes(cm({ data: { a: half }, binaryData: { b: Buffer.alloc(500 * 1024).toString('base64') } })), [
      ': Too long: must have at most 1048576 bytes',
    ]);
  });

  test("binaryData is kept in base64's canonical form", () => {
    const o = created(cm({ binaryData: { b: 'aGVs\nbG8=' } }));
    assert.deepEqual(o.binaryData, { b: 'aGVsbG8=' });
  });

  test('immutable: data, binaryData and immutable itself may not change; a mutable one may change', () => {
    const old = created(cm({ data: { a: '1' }, immutable: true }));
    assert.deepEqual(updateCauses(old, cm({ data: { a: '1' }, immutable: true })), []);
    assert.deepEqual(updateCauses(old, cm({ data: { a: '2' }, binaryData: { b: 'eA==' } })), [
      'immutable: Forbidden: field is immutable when `immutable` is set',
      'data: Forbidden: field is immutable when `immutable` is set',
      'binaryData: Forbidden: field is immutable when `immutable` is set',
    ]);
    const mutable = created(cm({ data: { a: '1' } }));
    assert.deepEqual(updateCauses(mutable, cm({ data: { a: '2' }, immutable: true })), []);
  });

  test('columns: NAME DATA AGE, DATA counting the keys of data and binaryData', () => {
    assert.deepEqual(headers('ConfigMap'), ['NAME', 'DATA', 'AGE']);
    const o = created(cm({ data: { a: '1', b: '2' }, binaryData: { c: 'eA==' } }));
    assert.deepEqual(row(o).slice(0, 2), ['settings', 3]);
    assert.deepEqual(row(created(cm({}))).slice(0, 2), ['settings', 0]);
  });
});

describe('Secret', () => {
  const secret = (fields: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Secret', metadata: meta('creds'), ...fields });

  test('stringData is folded into data as base64 (its keys win) and dropped; type defaults to Opaque', () => {
    const o = created(secret({ data: { user: 'YWRtaW4=', pass: 'b2xk' }, stringData: { pass: 's3cr€t', token: 'abc' } }));
    assert.deepEqual(o.data, { user: 'YWRtaW4=', pass: Buffer.from('s3cr€t').toString('base64'), token: 'YWJj' });
    assert.equal('stringData' in o, false);
    assert.equal(o.type, 'Opaque');
    assert.deepEqual(strategy('Secret').validate(o), []);
    // On update as well.
    const u = structuredClone(secret({ stringData: { token: 'xyz' } })) as KubeObject;
    strategy('Secret').prepareForUpdate(u, o);
    assert.deepEqual(u.data, { token: 'eHl6' });
    assert.equal('stringData' in u, false);
  });

  test("data must be base64: Go's decoding error at data[key], the value redacted; newlines are ignored and the stored form is canonical", () => {
    assert.deepEqual(causes(secret({ data: { a: 'YWJj', b: 'YWJ', c: 'YW=j', d: 'Y W J j' } })), [
      'data[b]: Invalid value: "<secret contents redacted>": illegal base64 data at input byte 0',
      'data[c]: Invalid value: "<secret contents redacted>": illegal base64 data at input byte 2',
      'data[d]: Invalid value: "<secret contents redacted>": illegal base64 data at input byte 1',
    ]);
    assert.deepEqual(created(secret({ data: { pem: 'LS0tLS1C\nRUdJTg==\n' } })).data, { pem: 'LS0tLS1CRUdJTg==' });
    assert.equal(decodeBase64('YWJjZA==').toString(), 'abcd');
    assert.equal(decodeBase64('YWJjZA==x'), 'illegal base64 data at input byte 8');
    assert.equal(decodeBase64('YWJjZA='), 'illegal base64 data at input byte 7');
  });

  test('config-map keys and the 1 MiB limit on the decoded bytes', () => {
    assert.deepEqual(
      causes(secret({ stringData: { 'a/b': 'x' } })).map((c) => c.slice(0, 31)),
      ['data[a/b]: Invalid value: "a/b"'],
    );
    const mib = Buffer.alloc(1024 * 1024).toString('base64');
    assert.deepEqual(causes(secret({ data: { a: mib } })), []);
    assert.deepEqual(causes(secret({ data: { a: mib, b: 'eA==' } })), ['data: Too long: must have at most 1048576 bytes']);
  });

  test('each well-known type requires its keys', () => {
    const t = (type: string, fields: Record<string, unknown> = {}) => causes(secret({ type, ...fields }));
    assert.deepEqual(t('kubernetes.io/service-account-token'), ['metadata.annotations[kubernetes.io/service-account.name]: Required value']);
    assert.deepEqual(
      causes({
        ...secret({ type: 'kubernetes.io/service-account-token' }),
        metadata: { ...meta('creds'), annotations: { 'kubernetes.io/service-account.name': 'default' } },
      }),
      [],
    );
    assert.deepEqual(t('kubernetes.io/dockerconfigjson'), ['data[.dockerconfigjson]: Required value']);
    assert.deepEqual(t('kubernetes.io/dockerconfigjson', { stringData: { '.dockerconfigjson': '{"auths":{}}' } }), []);
    assert.deepEqual(t('kubernetes.io/dockerconfigjson', { stringData: { '.dockerconfigjson': '[1]' } }), [
      'data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": json: cannot unmarshal array into Go value of type map[string]interface {}',
    ]);
    assert.deepEqual(t('kubernetes.io/dockercfg', { stringData: { '.dockercfg': '<x>' } }), [
      'data[.dockercfg]: Invalid value: "<secret contents redacted>": invalid character \'<\' looking for beginning of value',
    ]);
    assert.deepEqual(t('kubernetes.io/basic-auth'), ['data[username]: Required value', 'data[password]: Required value']);
    assert.deepEqual(t('kubernetes.io/basic-auth', { stringData: { password: '' } }), []);
    assert.deepEqual(t('kubernetes.io/ssh-auth', { stringData: { 'ssh-privatekey': '' } }), ['data[ssh-privatekey]: Required value']);
    assert.deepEqual(t('kubernetes.io/tls', { stringData: { 'tls.crt': 'c' } }), ['data[tls.key]: Required value']);
    assert.deepEqual(t('example.com/custom'), []);
  });

  test('type may not change; an immutable Secret keeps its data and its immutable', () => {
    const old = created(secret({ stringData: { a: '1' }, immutable: true }));
    assert.deepEqual(updateCauses(old, secret({ data: { a: 'MQ==' }, immutable: true })), []);
    assert.deepEqual(updateCauses(old, secret({ stringData: { a: '2' }, type: 'kubernetes.io/basic-auth' })), [
      'type: Invalid value: "kubernetes.io/basic-auth": field is immutable',
      'immutable: Forbidden: field is immutable when `immutable` is set',
      'data: Forbidden: field is immutable when `immutable` is set',
      // and the whole object is validated as the new type
      'data[username]: Required value',
      'data[password]: Required value',
    ]);
    // The same bytes written differently are no change.
    assert.deepEqual(updateCauses(old, secret({ data: { a: 'MQ\n==' }, immutable: true })), []);
  });

  test('columns: NAME TYPE DATA AGE', () => {
    assert.deepEqual(headers('Secret'), ['NAME', 'TYPE', 'DATA', 'AGE']);
    assert.deepEqual(row(created(secret({ type: 'kubernetes.io/tls', stringData: { 'tls.crt': 'c', 'tls.key': 'k' } }))).slice(0, 3), [
      'creds',
      'kubernetes.io/tls',
      2,
    ]);
  });
});

describe('PersistentVolume', () => {
  const pv = (spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: meta('pv-1', null), spec });
  const hostPathPV = { capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data/pv-1' } };

  test('defaults: reclaim policy Retain, volumeMode Filesystem, hostPath type ""; a new volume is Pending', () => {
    const o = created(pv(hostPathPV));
    assert.equal(o.spec!.persistentVolumeReclaimPolicy, 'Retain');
    assert.equal(o.spec!.volumeMode, 'Filesystem');
    assert.deepEqual(o.spec!.hostPath, { path: '/data/pv-1', type: '' });
    assert.equal(o.status!.phase, 'Pending');
    assert.match(String(o.status!.lastPhaseTransitionTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(created(pv({ ...hostPathPV, persistentVolumeReclaimPolicy: 'Delete' })).spec!.persistentVolumeReclaimPolicy, 'Delete');
    assert.deepEqual(strategy('PersistentVolume').validate(o), []);
  });

  test('capacity, access modes, reclaim policy and volume mode', () => {
    assert.deepEqual(causes(pv({ hostPath: { path: '/x' } })), [
      'spec.accessModes: Required value',
      'spec.capacity: Required value',
      'spec.capacity: Unsupported value: core.ResourceList(nil): supported values: "storage"',
    ]);
    assert.deepEqual(
      causes(
        pv({
          ...hostPathPV,
          accessModes: ['RWO', 'ReadWriteOncePod', 'ReadOnlyMany'],
          capacity: { storage: '0' },
          persistentVolumeReclaimPolicy: 'Keep',
          volumeMode: 'Raw',
        }),
      ),
      [
        'spec.accessModes: Unsupported value: "RWO": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"',
        'spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes',
        'spec.capacity[storage]: Invalid value: "0": must be greater than zero',
        'spec.persistentVolumeReclaimPolicy: Unsupported value: "Keep": supported values: "Delete", "Recycle", "Retain"',
        'spec.volumeMode: Unsupported value: "Raw": supported values: "Block", "Filesystem"',
      ],
    );
    assert.deepEqual(causes(pv({ ...hostPathPV, capacity: { storage: 'lots' } })), [
      'spec.capacity[storage]: Invalid value: "lots": quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\'',
    ]);
  });

  test('exactly one volume source, each with its required fields; a local volume needs node affinity', () => {
    const base = { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] };
    assert.deepEqual(causes(pv(base)), ['spec: Required value: must specify a volume type']);
    assert.deepEqual(causes(pv({ ...base, hostPath: { path: '/a' }, nfs: { server: 'nfs', path: '/b' } })), [
      'spec.nfs: Forbidden: may not specify more than 1 volume type',
    ]);
    assert.deepEqual(causes(pv({ ...base, nfs: { path: 'exports' } })), [
      'spec.nfs.server: Required value',
      'spec.nfs.path: Invalid value: "exports": must be an absolute path',
    ]);
    assert.deepEqual(causes(pv({ ...base, hostPath: { path: '/a/../etc', type: 'Dir' } })), [
      `spec.hostPath.path: Invalid value: "/a/../etc": must not contain '..'`,
      'spec.hostPath.type: Unsupported value: "Dir": supported values: "", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"',
    ]);
    assert.deepEqual(
      causes(pv({ ...base, csi: { driver: 'Bad_Driver' } })).map((c) => c.slice(0, 45)),
      ['spec.csi.driver: Invalid value: "Bad_Driver":', 'spec.csi.volumeHandle: Required value'],
    );
    assert.deepEqual(causes(pv({ ...base, csi: { driver: 'ebs.csi.aws.com', volumeHandle: 'vol-1', nodePublishSecretRef: { name: 's' } } })), [
      'spec.csi.nodePublishSecretRef.namespace: Required value',
    ]);
    assert.deepEqual(causes(pv({ ...base, local: { path: '/mnt/disks/ssd1' } })), ['spec.nodeAffinity: Required value: Local volume requires node affinity']);
    const affinity = { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-1'] }] }] } };
    assert.deepEqual(causes(pv({ ...base, local: { path: '/mnt/disks/ssd1' }, nodeAffinity: affinity })), []);
    assert.deepEqual(
      causes(
        pv({ ...base, local: { path: '/mnt' }, nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'k', operator: 'In' }] }] } } }),
      ),
      ["spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"],
    );
    assert.deepEqual(causes(pv({ ...base, local: { path: '/mnt' }, nodeAffinity: {} })), [
      'spec.nodeAffinity.required: Required value: must specify required node constraints',
    ]);
    assert.deepEqual(causes(pv({ ...base, hostPath: { path: '/' }, persistentVolumeReclaimPolicy: 'Recycle' })), [
      "spec.persistentVolumeReclaimPolicy: Forbidden: may not be 'recycle' for a hostPath mount of '/'",
    ]);
  });

  test('cluster-scoped: a namespace is refused', () => {
    assert.deepEqual(causes({ ...pv(hostPathPV), metadata: { name: 'pv-1', namespace: 'default' } }), [
      'metadata.namespace: Forbidden: not allowed on this type',
    ]);
  });

  test('the volume source and volumeMode are immutable; capacity, reclaim policy and claimRef may change', () => {
    const old = created(pv(hostPathPV));
    assert.deepEqual(
      updateCauses(
        old,
        pv({ ...hostPathPV, capacity: { storage: '20Gi' }, persistentVolumeReclaimPolicy: 'Delete', claimRef: { namespace: 'default', name: 'data' } }),
      ),
      [],
    );
    assert.deepEqual(updateCauses(old, pv({ ...hostPathPV, hostPath: { path: '/other' }, volumeMode: 'Block' })), [
      'spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation',
      'volumeMode: Invalid value: "Block": field is immutable',
    ]);
  });

  test('a status write that changes the phase moves lastPhaseTransitionTime; one that keeps it keeps the time', () => {
    const s = strategy('PersistentVolume');
    const old = created(pv(hostPathPV));
    old.status = { phase: 'Pending', lastPhaseTransitionTime: '2024-01-01T00:00:00Z' };
    const same = { ...old, status: { phase: 'Pending' } } as KubeObject;
    s.prepareForStatusUpdate(same, old);
    assert.equal(same.status!.lastPhaseTransitionTime, '2024-01-01T00:00:00Z');
    const bound = { ...old, status: { phase: 'Bound' } } as KubeObject;
    s.prepareForStatusUpdate(bound, old);
    assert.notEqual(bound.status!.lastPhaseTransitionTime, '2024-01-01T00:00:00Z');
  });

  test('columns as kubectl prints them', () => {
    assert.deepEqual(headers('PersistentVolume'), [
      'NAME',
      'CAPACITY',
      'ACCESS MODES',
      'RECLAIM POLICY',
      'STATUS',
      'CLAIM',
      'STORAGECLASS',
      'VOLUMEATTRIBUTESCLASS',
      'REASON',
      'AGE',
    ]);
    assert.deepEqual(headers('PersistentVolume', true).at(-1), 'VOLUMEMODE');
    const o = created(
      pv({
        ...hostPathPV,
        capacity: { storage: '10240Mi' },
        accessModes: ['ReadWriteMany', 'ReadWriteOnce'],
        storageClassName: 'manual',
        claimRef: { namespace: 'default', name: 'data' },
      }),
    );
    o.status = { phase: 'Bound' };
    assert.deepEqual(
      row(o, true).filter((_, i) => i !== 9),
      ['pv-1', '10Gi', 'RWO,RWX', 'Retain', 'Bound', 'default/data', 'manual', '<unset>', '<none>', 'Filesystem'],
    );
  });
});

describe('PersistentVolumeClaim', () => {
  const pvc = (spec: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: meta('data'),
    spec,
    ...extra,
  });
  const spec = { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'standard' };

  test('a new claim is Pending with volumeMode Filesystem; requests.storage and access modes are required', () => {
    const o = created(pvc(spec));
    assert.deepEqual(o.status, { phase: 'Pending' });
    assert.equal(o.spec!.volumeMode, 'Filesystem');
    assert.deepEqual(strategy('PersistentVolumeClaim').validate(o), []);
    assert.deepEqual(causes(pvc({})), ['spec.accessModes: Required value: at least 1 access mode is required', 'spec.resources[storage]: Required value']);
    assert.deepEqual(
      causes(
        pvc({ ...spec, resources: { requests: { storage: '0' } }, storageClassName: 'Fast_SSD', volumeMode: 'block', accessModes: ['ReadWriteOnce', 'Bogus'] }),
      ).map((c) => c.slice(0, 60)),
      [
        'spec.accessModes: Unsupported value: "Bogus": supported valu',
        'spec.resources[storage]: Invalid value: "0": must be greater',
        'spec.storageClassName: Invalid value: "Fast_SSD": a lowercas',
        'spec.volumeMode: Unsupported value: "block": supported value',
      ],
    );
    assert.deepEqual(causes(pvc({ ...spec, selector: { matchLabels: { 'bad key!': 'x' } } })).length, 1);
    assert.deepEqual(causes(pvc({ ...spec, dataSource: { kind: 'VolumeSnapshot', name: 'snap' } })), [
      'spec.dataSource: Invalid value: "VolumeSnapshot": must be \'PersistentVolumeClaim\' when referencing the default apiGroup',
    ]);
    assert.deepEqual(causes(pvc({ ...spec, dataSource: { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 'snap' } })), []);
  });

  test("the spec is immutable except volumeName once and a bound claim's growing storage request", () => {
    const old = created(pvc(spec));
    assert.deepEqual(updateCauses(old, pvc({ ...spec, volumeName: 'pv-1' })), []);
    const IMMUTABLE = 'spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims';
    assert.deepEqual(updateCauses(old, pvc({ ...spec, accessModes: ['ReadWriteMany'] })), [IMMUTABLE]);
    // Not bound: resizing is a change of the spec.
    assert.deepEqual(updateCauses(old, pvc({ ...spec, resources: { requests: { storage: '2Gi' } } })), [IMMUTABLE]);
    const bound = { ...old, spec: { ...old.spec, volumeName: 'pv-1' }, status: { phase: 'Bound', capacity: { storage: '1Gi' } } } as KubeObject;
    assert.deepEqual(updateCauses(bound, pvc({ ...spec, volumeName: 'pv-1', resources: { requests: { storage: '2Gi' } } })), []);
    assert.deepEqual(updateCauses(bound, pvc({ ...spec, volumeName: 'pv-1', resources: { requests: { storage: '1024Mi' } } })), []);
    assert.deepEqual(updateCauses(bound, pvc({ ...spec, volumeName: 'pv-1', resources: { requests: { storage: '500Mi' } } })), [
      'spec.resources.requests.storage: Forbidden: field can not be less than previous value',
    ]);
    assert.deepEqual(updateCauses(bound, pvc({ ...spec, volumeName: 'pv-2' })), [IMMUTABLE]);
  });

  test('columns: capacity and access modes from the status once bound', () => {
    assert.deepEqual(headers('PersistentVolumeClaim'), [
      'NAME',
      'STATUS',
      'VOLUME',
      'CAPACITY',
      'ACCESS MODES',
      'STORAGECLASS',
      'VOLUMEATTRIBUTESCLASS',
      'AGE',
    ]);
    const pending = created(pvc(spec));
    assert.deepEqual(row(pending).slice(0, 7), ['data', 'Pending', '<none>', '<none>', '<none>', 'standard', '<unset>']);
    const bound = {
      ...pending,
      spec: { ...pending.spec, volumeName: 'pv-1' },
      status: { phase: 'Bound', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] },
    } as KubeObject;
    assert.deepEqual(
      row(bound, true).filter((_, i) => i !== 7),
      ['data', 'Bound', 'pv-1', '1Gi', 'RWO', 'standard', '<unset>', 'Filesystem'],
    );
    const deleting = { ...bound, metadata: { ...bound.metadata, deletionTimestamp: '2024-01-01T00:00:00Z' } } as KubeObject;
    assert.equal(row(deleting)[1], 'Terminating');
  });
});

describe('ReplicationController', () => {
  const rc = (spec: Record<string, unknown>, metadata: Record<string, unknown> = meta('web')) => ({
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata,
    spec,
  });

  test("defaults: selector and labels from the template's labels, replicas 1, the template's pod-spec defaults", () => {
    const o = created(rc({ template: POD_TEMPLATE }));
    assert.deepEqual(o.spec!.selector, { app: 'web' });
    assert.deepEqual(o.metadata.labels, { app: 'web' });
    assert.equal(o.spec!.replicas, 1);
    const podSpec = (o.spec!.template as { spec: Record<string, unknown> }).spec;
    assert.equal(podSpec.restartPolicy, 'Always');
    assert.equal(podSpec.dnsPolicy, 'ClusterFirst');
    assert.equal((podSpec.containers as Record<string, unknown>[])[0]!.imagePullPolicy, 'IfNotPresent');
    assert.deepEqual(strategy('ReplicationController').validate(o), []);
    // Given ones are kept.
    const given = created(
      rc(
        { replicas: 0, selector: { app: 'web' }, template: { ...POD_TEMPLATE, metadata: { labels: { app: 'web', v: '2' } } } },
        { ...meta('web'), labels: { team: 'a' } },
      ),
    );
    assert.deepEqual([given.spec!.replicas, given.spec!.selector, given.metadata.labels], [0, { app: 'web' }, { team: 'a' }]);
  });

  test('the selector is a map that must select the template; restartPolicy Always; no activeDeadlineSeconds', () => {
    assert.deepEqual(causes(rc({ template: { spec: POD_TEMPLATE.spec } })), ['spec.selector: Required value']);
    assert.deepEqual(causes(rc({ selector: { app: 'db' }, template: POD_TEMPLATE, replicas: -1 })), [
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
    ]);
    assert.deepEqual(causes(rc({ selector: { matchLabels: { app: 'web' } }, template: POD_TEMPLATE })), [
      'spec.selector[matchLabels]: Invalid value: {"app":"web"}: must be of type string',
      'spec.selector: Required value',
    ]);
    assert.deepEqual(causes(rc({ template: { ...POD_TEMPLATE, spec: { ...POD_TEMPLATE.spec, restartPolicy: 'OnFailure', activeDeadlineSeconds: 5 } } })), [
      'spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
      'spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicationController is not Supported',
    ]);
    assert.deepEqual(causes(rc({ selector: { app: 'web' } })), ['spec.template: Required value']);
  });

  test('the selector may change (core/v1 has no immutable selector)', () => {
    const old = created(rc({ template: POD_TEMPLATE }));
    assert.deepEqual(updateCauses(old, rc({ selector: { app: 'web' }, template: { ...POD_TEMPLATE, metadata: { labels: { app: 'web', tier: 'fe' } } } })), []);
    assert.deepEqual(
      updateCauses(old, rc({ selector: { app: 'web', tier: 'fe' }, template: { ...POD_TEMPLATE, metadata: { labels: { app: 'web', tier: 'fe' } } } })),
      [],
    );
  });

  test('status writes: counts non-negative and not above status.replicas', () => {
    const o = created(rc({ template: POD_TEMPLATE }));
    const s = strategy('ReplicationController');
    assert.deepEqual(s.validateStatus({ ...o, status: { replicas: 2, readyReplicas: 2, availableReplicas: 1 } } as KubeObject), []);
    assert.deepEqual(
      s.validateStatus({ ...o, status: { replicas: 1, readyReplicas: 2, availableReplicas: -1 } } as KubeObject).map((c) => `${c.field}: ${c.message}`),
      [
        'status.availableReplicas: Invalid value: -1: must be greater than or equal to 0',
        'status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas',
      ],
    );
  });

  test('columns: NAME DESIRED CURRENT READY AGE, wide CONTAINERS IMAGES SELECTOR', () => {
    assert.deepEqual(headers('ReplicationController', true), ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']);
    const o = created(
      rc({ replicas: 3, selector: { tier: 'fe', app: 'web' }, template: { ...POD_TEMPLATE, metadata: { labels: { app: 'web', tier: 'fe' } } } }),
    );
    o.status = { replicas: 2, readyReplicas: 1 };
    assert.deepEqual(
      row(o, true).filter((_, i) => i !== 4),
      ['web', 3, 2, 1, 'web', 'nginx:1.27', 'app=web,tier=fe'],
    );
  });
});

describe('Endpoints', () => {
  const ep = (subsets: unknown) => ({ apiVersion: 'v1', kind: 'Endpoints', metadata: meta('web'), subsets });

  test('ports default to TCP; addresses and ports are checked as Kubernetes does', () => {
    const o = created(ep([{ addresses: [{ ip: '10.244.1.5', nodeName: 'node-1' }], ports: [{ port: 8080 }] }]));
    assert.equal(((o.subsets as Record<string, unknown[]>[])[0]!.ports![0] as Record<string, unknown>).protocol, 'TCP');
    assert.deepEqual(strategy('Endpoints').validate(o), []);
    assert.deepEqual(causes(ep([{ ports: [{ port: 80 }] }])), ['subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`']);
    assert.deepEqual(
      causes(
        ep([
          {
            addresses: [{ ip: '10.0.0.300' }, { ip: '127.0.0.1' }, { ip: '169.254.1.1', hostname: 'Web_1' }],
            notReadyAddresses: [{ ip: '::' }],
            ports: [
              { port: 0, protocol: 'HTTP' },
              { port: 443, name: 'https' },
            ],
          },
        ]),
      ),
      [
        'subsets[0].addresses[0].ip: Invalid value: "10.0.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
        'subsets[0].addresses[0].ip: Invalid value: "10.0.0.300": must be a valid IP address',
        'subsets[0].addresses[1].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
        `subsets[0].addresses[2].hostname: Invalid value: "Web_1": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
        'subsets[0].addresses[2].ip: Invalid value: "169.254.1.1": may not be in the link-local range (169.254.0.0/16, fe80::/10)',
        'subsets[0].notReadyAddresses[0].ip: Invalid value: "::": may not be unspecified (::)',
        'subsets[0].ports[0].name: Required value',
        'subsets[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
        'subsets[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
      ],
    );
    assert.deepEqual(causes(ep([{ addresses: [{ ip: 'fe80::1' }, { ip: '2001:db8::1' }, { ip: '::ffff:127.0.0.1' }], ports: [{ port: 80 }] }])), [
      'subsets[0].addresses[0].ip: Invalid value: "fe80::1": may not be in the link-local range (169.254.0.0/16, fe80::/10)',
      'subsets[0].addresses[2].ip: Invalid value: "::ffff:127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
    ]);
  });

  test('columns: ENDPOINTS as ip:port, three of them and + N more...', () => {
    assert.deepEqual(headers('Endpoints'), ['NAME', 'ENDPOINTS', 'AGE']);
    const addrs = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'].map((ip) => ({ ip }));
    assert.equal(row(created(ep([{ addresses: addrs, ports: [{ port: 80 }] }])))[1], '10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 1 more...');
    assert.equal(row(created(ep([{ addresses: [{ ip: '2001:db8::1' }], ports: [{ port: 443 }] }])))[1], '[2001:db8::1]:443');
    assert.equal(row(created(ep(undefined)))[1], '<none>');
  });
});

describe('ResourceQuota', () => {
  const quota = (spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: meta('compute'), spec });

  test('hard: quota resource names, non-negative quantities, whole object counts', () => {
    assert.deepEqual(
      causes(quota({ hard: { pods: '10', 'requests.cpu': '4', 'limits.memory': '8Gi', 'count/deployments.apps': '5', 'requests.nvidia.com/gpu': '2' } })),
      [],
    );
    assert.deepEqual(causes(quota({ hard: { storage: '1Gi', foo: '1', pods: '1.5', 'requests.cpu': '-1', memory: 'x' } })), [
      'spec.hard[storage]: Invalid value: "storage": must be a standard resource for quota',
      'spec.hard[foo]: Invalid value: "foo": must be a standard resource type or fully qualified',
      'spec.hard[foo]: Invalid value: "foo": must be a standard resource for quota',
      'spec.hard[pods]: Invalid value: resource.Quantity{i:resource.int64Amount{value:15, scale:-1}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"1500m", Format:"DecimalSI"}: must be an integer',
      'spec.hard[requests.cpu]: Invalid value: "-1": must be greater than or equal to 0',
      'spec.hard[memory]: Invalid value: "x": quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\'',
    ]);
  });

  test('scopes: supported, valid for the resources, not conflicting; the scope selector', () => {
    assert.deepEqual(causes(quota({ hard: { pods: '5' }, scopes: ['BestEffort', 'NotTerminating'] })), []);
    assert.deepEqual(causes(quota({ hard: { 'requests.cpu': '1' }, scopes: ['BestEffort', 'NotBestEffort', 'Sometimes'] })), [
      'spec.scopes: Invalid value: []core.ResourceQuotaScope{"BestEffort", "NotBestEffort", "Sometimes"}: unsupported scope applied to resource',
      'spec.scopes: Invalid value: []core.ResourceQuotaScope{"BestEffort", "NotBestEffort", "Sometimes"}: unsupported scope',
      'spec.scopes: Invalid value: []core.ResourceQuotaScope{"BestEffort", "NotBestEffort", "Sometimes"}: conflicting scopes',
    ]);
    assert.deepEqual(
      causes(quota({ hard: { pods: '5' }, scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] } })),
      [],
    );
    assert.deepEqual(causes(quota({ hard: { pods: '5' }, scopeSelector: { matchExpressions: [{ scopeName: 'BestEffort', operator: 'In' }] } })), [
      'spec.scopeSelector.matchExpressions.operator: Invalid value: "In": must be \'Exists\' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity',
      "spec.scopeSelector.matchExpressions.values: Required value: must be at least one value when `operator` is 'In' or 'NotIn' for scope selector",
    ]);
  });

  test('the set of scopes may not change; hard may', () => {
    const old = created(quota({ hard: { pods: '5' }, scopes: ['BestEffort'] }));
    assert.deepEqual(old.status, {});
    assert.deepEqual(updateCauses(old, quota({ hard: { pods: '10' }, scopes: ['BestEffort'] })), []);
    assert.deepEqual(updateCauses(old, quota({ hard: { pods: '10' } })), ['spec.scopes: Invalid value: []core.ResourceQuotaScope(nil): field is immutable']);
  });

  test('columns: NAME AGE REQUEST LIMIT from the status', () => {
    assert.deepEqual(headers('ResourceQuota'), ['NAME', 'AGE', 'REQUEST', 'LIMIT']);
    const o = created(quota({ hard: {} }));
    o.status = {
      hard: { pods: '10', 'requests.cpu': '4', 'limits.cpu': '8', 'limits.memory': '16Gi' },
      used: { pods: '3', 'requests.cpu': '1500m', 'limits.cpu': '2' },
    };
    assert.deepEqual(
      row(o).filter((_, i) => i !== 1),
      ['compute', 'pods: 3/10, requests.cpu: 1500m/4', 'limits.cpu: 2/8, limits.memory: 0/16Gi'],
    );
  });
});

describe('LimitRange', () => {
  const lr = (limits: unknown) => ({ apiVersion: 'v1', kind: 'LimitRange', metadata: meta('limits'), spec: { limits } });

  test("a Container limit's default comes from max, its defaultRequest from default, then min", () => {
    const o = created(
      lr([
        { type: 'Container', max: { cpu: '2', memory: '1Gi' }, min: { cpu: '100m', 'ephemeral-storage': '1Gi' }, default: { cpu: '500m' } },
        { type: 'Pod', max: { cpu: '4' } },
      ]),
    );
    const [container, pod] = (o.spec!.limits as Record<string, unknown>[])!;
    assert.deepEqual(container!.default, { cpu: '500m', memory: '1Gi' });
    assert.deepEqual(container!.defaultRequest, { cpu: '500m', memory: '1Gi', 'ephemeral-storage': '1Gi' });
    assert.equal('default' in pod!, false);
    assert.deepEqual(strategy('LimitRange').validate(o), []);
  });

  test('min ≤ defaultRequest ≤ default ≤ max, worded as Kubernetes words them', () => {
    assert.deepEqual(causes(lr([{ type: 'Container', min: { cpu: '1' }, max: { cpu: '500m' }, default: { cpu: '2' }, defaultRequest: { cpu: '3' } }])), [
      'spec.limits[0].min[cpu]: Invalid value: resource.Quantity{i:resource.int64Amount{value:1, scale:0}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"1", Format:"DecimalSI"}: min value 1 is greater than max value 500m',
      'spec.limits[0].defaultRequest[cpu]: Invalid value: resource.Quantity{i:resource.int64Amount{value:3, scale:0}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"3", Format:"DecimalSI"}: default request value 3 is greater than max value 500m',
      'spec.limits[0].defaultRequest[cpu]: Invalid value: resource.Quantity{i:resource.int64Amount{value:3, scale:0}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"3", Format:"DecimalSI"}: default request value 3 is greater than default limit value 2',
      'spec.limits[0].default[cpu]: Invalid value: resource.Quantity{i:resource.int64Amount{value:500, scale:-3}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"500m", Format:"DecimalSI"}: default value 2 is greater than max value 500m',
    ]);
    assert.deepEqual(
      causes(lr([{ type: 'Container', min: { memory: '1Gi' }, max: { memory: '4Gi' }, maxLimitRequestRatio: { memory: '8', cpu: '500m' } }])).map((c) =>
        c.replace(/Invalid value: resource\.Quantity\{.*?Format:"\w+"\}/, 'Invalid value: Q'),
      ),
      [
        'spec.limits[0].maxLimitRequestRatio[memory]: Invalid value: Q: ratio 8 is greater than max/min = 4.000000',
        'spec.limits[0].maxLimitRequestRatio[cpu]: Invalid value: Q: ratio 500m is less than 1',
      ],
    );
  });

  test('types: standard or qualified, each once; Pod limits take no defaults; PVC limits need a storage min or max', () => {
    assert.deepEqual(
      causes(
        lr([
          { type: 'Pod', max: { cpu: '1' }, default: { cpu: '1' } },
          { type: 'Pod', max: { cpu: '1' } },
          { type: 'Volume' },
          { type: 'PersistentVolumeClaim', max: { cpu: '1' } },
        ]),
      ),
      [
        "spec.limits[0].default: Forbidden: may not be specified when `type` is 'Pod'",
        'spec.limits[1].type: Duplicate value: "Pod"',
        'spec.limits[2].type: Invalid value: "Volume": must be a standard limit type or fully qualified',
        'spec.limits[3].limits: Required value: either minimum or maximum storage value is required, but neither was provided',
      ],
    );
    assert.deepEqual(causes(lr([{ type: 'Container', max: { storage: '1Gi' } }])), [
      'spec.limits[0].max[storage]: Invalid value: "storage": must be a standard resource for containers',
      // defaulted from max
      'spec.limits[0].default[storage]: Invalid value: "storage": must be a standard resource for containers',
      'spec.limits[0].defaultRequest[storage]: Invalid value: "storage": must be a standard resource for containers',
    ]);
    assert.deepEqual(causes(lr([{ type: 'PersistentVolumeClaim', min: { storage: '1Gi' }, max: { storage: '10Gi' } }])), []);
  });

  test('columns: NAME CREATED AT', () => {
    assert.deepEqual(headers('LimitRange'), ['NAME', 'CREATED AT']);
    const o = created(lr([]));
    o.metadata.creationTimestamp = '2024-05-01T10:00:00Z';
    assert.deepEqual(row(o), ['limits', '2024-05-01T10:00:00Z']);
    assert.equal(columnsOf(strategy('LimitRange'))[1]!.type, 'date');
  });
});

describe('PodTemplate', () => {
  const pt = (template: unknown) => ({ apiVersion: 'v1', kind: 'PodTemplate', metadata: meta('tmpl'), template });

  test('the template is defaulted and validated as a pod template (any restartPolicy)', () => {
    const o = created(pt({ ...POD_TEMPLATE, spec: { ...POD_TEMPLATE.spec, restartPolicy: 'Never' } }));
    const spec = (o.template as { spec: Record<string, unknown> }).spec;
    assert.equal(spec.dnsPolicy, 'ClusterFirst');
    assert.equal(spec.restartPolicy, 'Never');
    assert.equal(spec.terminationGracePeriodSeconds, 30);
    assert.equal('enableServiceLinks' in spec, false, "pod-only defaults are not a template's");
    assert.deepEqual(strategy('PodTemplate').validate(o), []);
    assert.deepEqual(
      causes(pt({ metadata: { labels: { 'bad key': 'x' } }, spec: { containers: [{ name: 'c' }] } })).map((c) => c.slice(0, 45)),
      ['template.labels: Invalid value: "bad key": na', 'template.spec.containers[0].image: Required v'],
    );
    assert.ok(causes(pt(undefined)).some((c) => c.startsWith('template.spec.containers: Required value')));
  });

  test('columns: NAME CONTAINERS IMAGES POD LABELS', () => {
    assert.deepEqual(headers('PodTemplate'), ['NAME', 'CONTAINERS', 'IMAGES', 'POD LABELS']);
    assert.deepEqual(
      row(
        created(
          pt({
            metadata: { labels: { tier: 'fe', app: 'web' } },
            spec: {
              containers: [
                { name: 'a', image: 'x:1' },
                { name: 'b', image: 'y:2' },
              ],
            },
          }),
        ),
      ),
      ['tmpl', 'a,b', 'x:1,y:2', 'app=web,tier=fe'],
    );
    assert.equal(row(created(pt({ spec: { containers: [{ name: 'a', image: 'x' }] } })))[3], '<none>');
  });
});

describe('defaults', () => {
  test('are idempotent and leave given values alone', () => {
    const objects = [
      { apiVersion: 'v1', kind: 'Secret', metadata: meta('s'), stringData: { a: 'b' } },
      {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: meta('pv', null),
        spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/x' } },
      },
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: meta('c'),
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      },
      { apiVersion: 'v1', kind: 'ReplicationController', metadata: meta('rc'), spec: { template: POD_TEMPLATE } },
      { apiVersion: 'v1', kind: 'Endpoints', metadata: meta('ep'), subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }] },
      { apiVersion: 'v1', kind: 'LimitRange', metadata: meta('lr'), spec: { limits: [{ type: 'Container', max: { cpu: '1' }, min: { cpu: '100m' } }] } },
      { apiVersion: 'v1', kind: 'PodTemplate', metadata: meta('pt'), template: POD_TEMPLATE },
    ];
    for (const obj of objects) {
      const once = created(obj);
      const twice = structuredClone(once);
      strategy(once.kind).defaults(twice);
      assert.deepEqual(twice, once, once.kind);
    }
    const given = created({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: meta('pv', null),
      spec: {
        capacity: { storage: '1Gi' },
        accessModes: ['ReadWriteOnce'],
        csi: { driver: 'd', volumeHandle: 'h' },
        volumeMode: 'Block',
        persistentVolumeReclaimPolicy: 'Recycle',
      },
    });
    assert.deepEqual([given.spec!.volumeMode, given.spec!.persistentVolumeReclaimPolicy], ['Block', 'Recycle']);
    assert.equal(created({ apiVersion: 'v1', kind: 'Secret', metadata: meta('s'), type: 'kubernetes.io/tls' }).type, 'kubernetes.io/tls');
  });
});

describe('any JSON is tolerated', () => {
  test('fields of the wrong type get causes, never a throw, in defaults and validation alike', () => {
    const junk: unknown[] = [null, 5, 'x', [], [1, 'a'], { a: { b: [null] } }, true];
    const kinds = [
      'ConfigMap',
      'Secret',
      'PersistentVolume',
      'PersistentVolumeClaim',
      'ReplicationController',
      'Endpoints',
      'ResourceQuota',
      'LimitRange',
      'PodTemplate',
    ];
    const fields = ['spec', 'status', 'data', 'binaryData', 'stringData', 'subsets', 'template', 'type', 'immutable'];
    for (const kind of kinds) {
      for (const f of fields) {
        for (const v of junk) {
          const obj = { apiVersion: 'v1', kind, metadata: kind === 'PersistentVolume' ? { name: 'x' } : { name: 'x', namespace: 'default' }, [f]: v };
          assert.doesNotThrow(
            () => {
              const o = created(obj);
              strategy(kind).validate(o);
              strategy(kind).validateUpdate(o, created(obj));
              strategy(kind).validateStatus(o);
              printRow(columnsOf(strategy(kind), true), o);
            },
            `${kind}.${f} = ${JSON.stringify(v)}`,
          );
        }
      }
      // Nested junk under spec.
      for (const v of junk) {
        const nested = {
          limits: v,
          hard: v,
          scopes: v,
          capacity: v,
          accessModes: v,
          hostPath: v,
          csi: v,
          nodeAffinity: v,
          resources: v,
          selector: v,
          template: v,
          scopeSelector: v,
        };
        assert.doesNotThrow(
          () => strategy(kind).validate(created({ apiVersion: 'v1', kind, metadata: { name: 'x', namespace: 'default' }, spec: nested })),
          `${kind} nested ${JSON.stringify(v)}`,
        );
      }
    }
  });
});
