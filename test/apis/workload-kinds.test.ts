// StatefulSet, DaemonSet, ControllerRevision (apps/v1), Job and CronJob (batch/v1): their
// defaults, validation with Kubernetes' paths and messages, update rules, the strategies'
// create/update preparation and kubectl's columns, calling the strategies directly.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeObject } from '../../src/apis/kinds.ts';
import { strategyFor } from '../../src/apis/strategies/index.ts';
import { columnsOf, printRow, type Strategy } from '../../src/apis/strategy.ts';
import { scheduleError } from '../../src/apis/validation/cronjob.ts';

const strategy = (kind: string): Strategy => strategyFor(kind)!;
const sts = strategy('StatefulSet');
const ds = strategy('DaemonSet');
const cr = strategy('ControllerRevision');
const job = strategy('Job');
const cj = strategy('CronJob');

type Obj = Record<string, any>;
const clone = <T>(v: T): T => structuredClone(v);
/** The object as the registry stores it on create: prepared, then defaulted. */
function created(s: Strategy, o: Obj, uid = 'uid-1'): KubeObject {
  const obj = clone(o) as KubeObject;
  obj.metadata = { namespace: 'default', ...obj.metadata, uid, creationTimestamp: '2024-01-01T00:00:00Z' };
  s.prepareForCreate(obj);
  s.defaults(obj);
  return obj;
}
/** The object as the registry stores it on update: prepared against the stored one, then defaulted. */
function updated(s: Strategy, o: Obj, old: KubeObject): KubeObject {
  const obj = clone(o) as KubeObject;
  obj.metadata = { ...old.metadata, ...obj.metadata };
  s.prepareForUpdate(obj, old);
  s.defaults(obj);
  return obj;
}
const causes = (s: Strategy, o: Obj) => s.validate(o as KubeObject);
const updateCauses = (s: Strategy, o: KubeObject, old: KubeObject) => [...s.validate(o), ...s.validateUpdate(o, old)];
const fields = (cs: { field: string }[]) => cs.map((c) => c.field);

const container = { name: 'app', image: 'nginx:1.25' };
const podTemplate = (labels: Record<string, string> = { app: 'web' }, spec: Obj = {}) => ({ metadata: { labels }, spec: { containers: [container], ...spec } });
const statefulSet = (spec: Obj = {}, name = 'web'): Obj => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name, namespace: 'default' },
  spec: { serviceName: 'web', replicas: 3, selector: { matchLabels: { app: 'web' } }, template: podTemplate(), ...spec },
});
const daemonSet = (spec: Obj = {}): Obj => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'agent', namespace: 'default' },
  spec: { selector: { matchLabels: { app: 'agent' } }, template: podTemplate({ app: 'agent' }), ...spec },
});
const jobOf = (spec: Obj = {}, name = 'pi'): Obj => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name, namespace: 'default' },
  spec: { template: { spec: { containers: [{ name: 'pi', image: 'perl:5.34' }], restartPolicy: 'Never' } }, ...spec },
});
const cronJob = (spec: Obj = {}, name = 'hello'): Obj => ({
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name, namespace: 'default' },
  spec: {
    schedule: '*/5 * * * *',
    jobTemplate: { spec: { template: { spec: { containers: [{ name: 'hello', image: 'busybox' }], restartPolicy: 'OnFailure' } } } },
    ...spec,
  },
});

describe('kind table entries', () => {
  test('names, scopes, short names, categories, scale and status subresources', () => {
    assert.deepEqual(
      [sts, ds, cr, job, cj].map((s) => [
        s.info.kind,
        s.info.apiVersion,
        s.info.resource,
        s.info.plural,
        s.info.singular,
        s.info.shortNames,
        s.info.categories,
        s.info.hasStatus,
        s.info.namespaced,
      ]),
      [
        ['StatefulSet', 'apps/v1', 'statefulsets', 'statefulSets', 'statefulSet', ['sts'], ['all'], true, true],
        ['DaemonSet', 'apps/v1', 'daemonsets', 'daemonSets', 'daemonSet', ['ds'], ['all'], true, true],
        ['ControllerRevision', 'apps/v1', 'controllerrevisions', 'controllerRevisions', 'controllerRevision', [], [], false, true],
        ['Job', 'batch/v1', 'jobs', 'jobs', 'job', [], ['all'], true, true],
        ['CronJob', 'batch/v1', 'cronjobs', 'cronJobs', 'cronJob', ['cj'], ['all'], true, true],
      ],
    );
    assert.deepEqual(sts.info.scale, { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas', labelSelectorPath: 'spec.selector' });
    assert.equal(ds.info.scale, undefined);
  });

  test('no strategy throws on values of the wrong shape', () => {
    const shapes = [
      { spec: 'x' },
      { spec: { template: 5, selector: [], updateStrategy: 'x', jobTemplate: 'y', volumeClaimTemplates: 'z' } },
      { spec: { template: { spec: { containers: 'c' } } } },
      { data: 'x', revision: 'one' },
    ];
    for (const s of [sts, ds, cr, job, cj]) {
      for (const shape of shapes) {
        const o = { apiVersion: s.info.apiVersion, kind: s.info.kind, metadata: { name: 'x', namespace: 'default', uid: 'u' }, ...clone(shape) } as KubeObject;
        s.prepareForCreate(o);
        s.defaults(o);
        assert.ok(s.validate(o).length > 0, `${s.info.kind} ${JSON.stringify(shape)} is refused`);
        printRow(columnsOf(s, true), o);
      }
    }
  });
});

describe('StatefulSet', () => {
  test('defaults: SetDefaults_StatefulSet, the pod template and the claim templates', () => {
    const o = created(
      sts,
      statefulSet({
        volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      }),
    );
    const { template, volumeClaimTemplates, ...rest } = o.spec as Obj;
    assert.deepEqual(rest, {
      serviceName: 'web',
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      revisionHistoryLimit: 10,
    });
    assert.equal(template.spec.restartPolicy, 'Always');
    assert.equal(template.spec.dnsPolicy, 'ClusterFirst');
    assert.equal(template.spec.containers[0].imagePullPolicy, 'IfNotPresent');
    assert.deepEqual(volumeClaimTemplates[0].spec.volumeMode, 'Filesystem');
    assert.deepEqual(volumeClaimTemplates[0].status, { phase: 'Pending' });
    assert.deepEqual(o.status, {});
    const again = clone(o);
    sts.defaults(again);
    assert.deepEqual(again, o, 'idempotent');
  });

  test('defaults fill only what is absent: replicas, a given strategy without rollingUpdate, OnDelete', () => {
    const o = created(
      sts,
      statefulSet({
        replicas: undefined,
        podManagementPolicy: 'Parallel',
        updateStrategy: { type: 'OnDelete' },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete' },
      }),
    );
    assert.equal(o.spec!.replicas, 1);
    assert.equal(o.spec!.podManagementPolicy, 'Parallel');
    assert.deepEqual(o.spec!.updateStrategy, { type: 'OnDelete' });
    assert.deepEqual(o.spec!.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Delete', whenScaled: 'Retain' });
    const ru = created(sts, statefulSet({ updateStrategy: { type: 'RollingUpdate' } }));
    assert.deepEqual(ru.spec!.updateStrategy, { type: 'RollingUpdate' }, 'only an absent type brings rollingUpdate.partition');
  });

  test('a valid StatefulSet; its pod template is not validated as a pod spec (as in Kubernetes)', () => {
    assert.deepEqual(causes(sts, created(sts, statefulSet())), []);
    const noImage = created(sts, statefulSet({ template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app' }] } } }));
    assert.deepEqual(causes(sts, noImage), []);
  });

  test('names are DNS labels: a pod is <name>-<ordinal>', () => {
    assert.deepEqual(
      causes(sts, created(sts, statefulSet({}, 'web.app'))).map((c) => c.field),
      ['metadata.name'],
    );
    assert.match(causes(sts, created(sts, statefulSet({}, 'web.app')))[0]!.message, /^Invalid value: "web\.app": a lowercase RFC 1123 label/);
  });

  test('selector: required, non-empty, matching the template', () => {
    assert.deepEqual(causes(sts, created(sts, statefulSet({ selector: undefined }))), [
      { field: 'spec.selector', message: 'Required value' },
      { field: 'spec.template.metadata.labels', message: 'Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`' },
    ]);
    assert.deepEqual(causes(sts, created(sts, statefulSet({ selector: {} }))), [
      {
        field: 'spec.selector',
        message:
          'Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for statefulset',
      },
    ]);
    assert.deepEqual(causes(sts, created(sts, statefulSet({ selector: { matchLabels: { app: 'db' } } }))), [
      { field: 'spec.template.metadata.labels', message: 'Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`' },
    ]);
    const bad = causes(sts, created(sts, statefulSet({ selector: { matchExpressions: [{ key: 'app', operator: 'Near' }] } })));
    assert.deepEqual(fields(bad), ['spec.selector.matchExpressions[0].operator', 'spec.selector']);
    assert.equal(
      bad[1]!.message,
      'Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"app", Operator:"Near", Values:[]string(nil)}}}',
    );
  });

  test('spec rules: policies, update strategy, ranges, restartPolicy, activeDeadlineSeconds', () => {
    const got = causes(
      sts,
      created(
        sts,
        statefulSet({
          podManagementPolicy: 'Random',
          replicas: -1,
          minReadySeconds: -2,
          ordinals: { start: -1 },
          updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: -3 } },
          persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Keep', whenScaled: 'Delete' },
          template: podTemplate({ app: 'web' }, { restartPolicy: 'Never', activeDeadlineSeconds: 10 }),
        }),
      ),
    );
    assert.deepEqual(got, [
      { field: 'spec.podManagementPolicy', message: `Invalid value: "Random": must be 'OrderedReady' or 'Parallel'` },
      { field: 'spec.updateStrategy.rollingUpdate.partition', message: 'Invalid value: -3: must be greater than or equal to 0' },
      { field: 'spec.persistentVolumeClaimRetentionPolicy.whenDeleted', message: 'Unsupported value: "Keep": supported values: "Retain", "Delete"' },
      { field: 'spec.replicas', message: 'Invalid value: -1: must be greater than or equal to 0' },
      { field: 'spec.minReadySeconds', message: 'Invalid value: -2: must be greater than or equal to 0' },
      { field: 'spec.ordinals.start', message: 'Invalid value: -1: must be greater than or equal to 0' },
      { field: 'spec.template.spec.restartPolicy', message: 'Unsupported value: "Never": supported values: "Always"' },
      { field: 'spec.template.spec.activeDeadlineSeconds', message: 'Forbidden: activeDeadlineSeconds in StatefulSet is not Supported' },
    ]);
    assert.deepEqual(causes(sts, created(sts, statefulSet({ updateStrategy: { type: 'Canary' } }))), [
      {
        field: 'spec.updateStrategy',
        message: `Invalid value: apps.StatefulSetUpdateStrategy{Type:"Canary", RollingUpdate:(*apps.RollingUpdateStatefulSetStrategy)(nil)}: must be 'RollingUpdate' or 'OnDelete'`,
      },
    ]);
    assert.deepEqual(causes(sts, created(sts, statefulSet({ updateStrategy: { type: 'OnDelete', rollingUpdate: { partition: 1 } } }))), [
      {
        field: 'spec.updateStrategy.rollingUpdate',
        message: `Invalid value: apps.RollingUpdateStatefulSetStrategy{Partition:1, MaxUnavailable:(*intstr.IntOrString)(nil)}: only allowed for updateStrategy 'RollingUpdate'`,
      },
    ]);
  });

  test('maxUnavailable (MaxUnavailableStatefulSet, alpha in 1.30) is dropped on create', () => {
    const o = created(sts, statefulSet({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1, maxUnavailable: 2 } } }));
    assert.deepEqual(o.spec!.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 1 } });
  });

  test('updates: only replicas, ordinals, template, updateStrategy, the retention policy and minReadySeconds change', () => {
    const old = created(sts, statefulSet());
    const ok = updated(
      sts,
      statefulSet({
        replicas: 5,
        minReadySeconds: 3,
        template: podTemplate({ app: 'web' }, { containers: [{ name: 'app', image: 'nginx:1.26' }] }),
        updateStrategy: { type: 'OnDelete' },
      }),
      old,
    );
    assert.deepEqual(updateCauses(sts, ok, old), []);
    const serviceName = updated(sts, statefulSet({ serviceName: 'other' }), old);
    assert.deepEqual(updateCauses(sts, serviceName, old), [
      {
        field: 'spec',
        message:
          "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      },
    ]);
    const claims = updated(
      sts,
      statefulSet({ volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { resources: { requests: { storage: '2Gi' } } } }] }),
      old,
    );
    assert.deepEqual(fields(updateCauses(sts, claims, old)), ['spec']);
    const selector = updated(sts, statefulSet({ selector: { matchLabels: { app: 'web', tier: 'x' } }, template: podTemplate({ app: 'web', tier: 'x' }) }), old);
    assert.deepEqual(updateCauses(sts, selector, old), [
      {
        field: 'spec',
        message:
          "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      },
      {
        field: 'spec.selector',
        message:
          'Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "tier":"x"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
      },
    ]);
  });

  test('a write of the object keeps the stored status', () => {
    const old = { ...created(sts, statefulSet()), status: { replicas: 3, readyReplicas: 2 } } as KubeObject;
    const next = updated(sts, { ...statefulSet(), status: { replicas: 99 } }, old);
    assert.deepEqual(next.status, { replicas: 3, readyReplicas: 2 });
  });

  test('columns: NAME READY AGE, wide CONTAINERS IMAGES', () => {
    const o = { ...created(sts, statefulSet()), status: { readyReplicas: 2 } } as KubeObject;
    const now = new Date('2024-01-01T00:10:00Z');
    assert.deepEqual(
      columnsOf(sts).map((c) => c.name),
      ['NAME', 'READY', 'AGE'],
    );
    assert.deepEqual(printRow(columnsOf(sts, true), o, now), ['web', '2/3', '10m', 'app', 'nginx:1.25']);
    assert.deepEqual(printRow(columnsOf(sts), { ...o, status: {} }, now), ['web', '0/3', '10m']);
  });
});

describe('DaemonSet', () => {
  test('defaults: RollingUpdate with maxUnavailable 1 and maxSurge 0, revisionHistoryLimit 10, the pod template', () => {
    const o = created(ds, daemonSet());
    assert.deepEqual(o.spec!.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    assert.equal(o.spec!.revisionHistoryLimit, 10);
    assert.equal((o.spec!.template as Obj).spec.schedulerName, 'default-scheduler');
    const onDelete = created(ds, daemonSet({ updateStrategy: { type: 'OnDelete' } }));
    assert.deepEqual(onDelete.spec!.updateStrategy, { type: 'OnDelete' });
    const kept = created(ds, daemonSet({ updateStrategy: { rollingUpdate: { maxUnavailable: '10%' } } }));
    assert.deepEqual(kept.spec!.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%', maxSurge: 0 } });
  });

  test('valid; the pod template is validated as a pod spec', () => {
    assert.deepEqual(causes(ds, created(ds, daemonSet())), []);
    const noImage = created(ds, daemonSet({ template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent' }] } } }));
    assert.deepEqual(causes(ds, noImage), [{ field: 'spec.template.spec.containers[0].image', message: 'Required value' }]);
  });

  test('selector: a missing one matches no template, an empty one is refused', () => {
    assert.deepEqual(causes(ds, created(ds, daemonSet({ selector: undefined }))), [
      { field: 'spec.template.metadata.labels', message: 'Invalid value: map[string]string{"app":"agent"}: `selector` does not match template `labels`' },
    ]);
    assert.deepEqual(causes(ds, created(ds, daemonSet({ selector: {} }))), [
      {
        field: 'spec.selector',
        message:
          'Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for daemonset',
      },
    ]);
  });

  test('rolling update: exactly one of maxUnavailable and maxSurge is non-zero; percents; the strategy type', () => {
    const withRU = (rollingUpdate: Obj) => causes(ds, created(ds, daemonSet({ updateStrategy: { type: 'RollingUpdate', rollingUpdate } })));
    assert.deepEqual(withRU({ maxUnavailable: 0, maxSurge: 0 }), [
      { field: 'spec.updateStrategy.rollingUpdate.maxUnavailable', message: 'Required value: cannot be 0 when maxSurge is 0' },
    ]);
    assert.deepEqual(withRU({ maxUnavailable: 1, maxSurge: '10%' }), [
      { field: 'spec.updateStrategy.rollingUpdate.maxSurge', message: 'Invalid value: "10%": may not be set when maxUnavailable is non-zero' },
    ]);
    assert.deepEqual(withRU({ maxUnavailable: '150%', maxSurge: 0 }), [
      { field: 'spec.updateStrategy.rollingUpdate.maxUnavailable', message: 'Invalid value: "150%": must not be greater than 100%' },
    ]);
    assert.deepEqual(withRU({ maxUnavailable: -1, maxSurge: 0 }), [
      { field: 'spec.updateStrategy.rollingUpdate.maxUnavailable', message: 'Invalid value: -1: must be greater than or equal to 0' },
    ]);
    assert.deepEqual(withRU({ maxUnavailable: 0, maxSurge: 1 }), []);
    assert.deepEqual(causes(ds, created(ds, daemonSet({ updateStrategy: { type: 'Surge' } }))), [
      {
        field: 'spec.updateStrategy',
        message:
          'Unsupported value: apps.DaemonSetUpdateStrategy{Type:"Surge", RollingUpdate:(*apps.RollingUpdateDaemonSet)(nil)}: supported values: "RollingUpdate", "OnDelete"',
      },
    ]);
  });

  test('restartPolicy Always only, no activeDeadlineSeconds, minReadySeconds and revisionHistoryLimit non-negative', () => {
    assert.deepEqual(
      causes(
        ds,
        created(
          ds,
          daemonSet({
            minReadySeconds: -1,
            revisionHistoryLimit: -1,
            template: podTemplate({ app: 'agent' }, { restartPolicy: 'OnFailure', activeDeadlineSeconds: 5 }),
          }),
        ),
      ),
      [
        { field: 'spec.template.spec.restartPolicy', message: 'Unsupported value: "OnFailure": supported values: "Always"' },
        { field: 'spec.template.spec.activeDeadlineSeconds', message: 'Forbidden: activeDeadlineSeconds in DaemonSet is not Supported' },
        { field: 'spec.minReadySeconds', message: 'Invalid value: -1: must be greater than or equal to 0' },
        { field: 'spec.revisionHistoryLimit', message: 'Invalid value: -1: must be greater than or equal to 0' },
      ],
    );
  });

  test('the template generation annotation: 1 on create, one more when an update changes the template', () => {
    const ANN = 'deprecated.daemonset.template.generation';
    const old = created(ds, daemonSet());
    assert.equal(old.metadata.annotations?.[ANN], '1');
    const same = updated(ds, { ...daemonSet(), metadata: { name: 'agent', annotations: { [ANN]: '7', team: 'a' } } }, old);
    assert.deepEqual(same.metadata.annotations, { [ANN]: '1', team: 'a' }, 'an unchanged (undefaulted) template keeps it; a client value is not taken');
    const changed = updated(ds, daemonSet({ template: podTemplate({ app: 'agent' }, { containers: [{ name: 'app', image: 'nginx:1.26' }] }) }), old);
    assert.equal(changed.metadata.annotations?.[ANN], '2');
  });

  test('the selector is immutable', () => {
    const old = created(ds, daemonSet());
    const next = updated(ds, daemonSet({ selector: { matchLabels: { app: 'agent', v: '2' } }, template: podTemplate({ app: 'agent', v: '2' }) }), old);
    assert.deepEqual(fields(updateCauses(ds, next, old)), ['spec.selector']);
  });

  test('columns: NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR AGE, wide CONTAINERS IMAGES SELECTOR', () => {
    const o = {
      ...created(ds, daemonSet({ template: podTemplate({ app: 'agent' }, { nodeSelector: { 'kubernetes.io/os': 'linux', disk: 'ssd' } }) })),
      status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 },
    } as KubeObject;
    const now = new Date('2024-01-03T00:00:00Z');
    assert.deepEqual(
      columnsOf(ds).map((c) => c.name),
      ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE'],
    );
    assert.deepEqual(printRow(columnsOf(ds, true), o, now), [
      'agent',
      3,
      3,
      2,
      3,
      2,
      'disk=ssd,kubernetes.io/os=linux',
      '2d',
      'app',
      'nginx:1.25',
      'app=agent',
    ]);
    assert.deepEqual(printRow(columnsOf(ds), created(ds, daemonSet()), now), ['agent', 0, 0, 0, 0, 0, '<none>', '2d']);
  });
});

describe('ControllerRevision', () => {
  const revision = (o: Obj = {}): Obj => ({
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: 'web-7c9f8d',
      namespace: 'default',
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u-sts', controller: true }],
    },
    data: { spec: { template: { $patch: 'replace', spec: { containers: [container] } } } },
    revision: 2,
    ...o,
  });

  test('data is required, revision non-negative; no status', () => {
    assert.deepEqual(causes(cr, created(cr, revision())), []);
    assert.deepEqual(causes(cr, created(cr, revision({ data: undefined, revision: -1 }))), [
      { field: 'data', message: 'Required value: data is mandatory' },
      { field: 'revision', message: 'Invalid value: -1: must be greater than or equal to 0' },
    ]);
    assert.equal(created(cr, revision()).status, undefined);
  });

  test('data is immutable; the revision number may change (a rollback renumbers it)', () => {
    const old = created(cr, revision());
    assert.deepEqual(updateCauses(cr, updated(cr, revision({ revision: 5 }), old), old), []);
    const changed = updated(cr, revision({ data: { spec: { template: { spec: { containers: [] } } } } }), old);
    assert.deepEqual(fields(updateCauses(cr, changed, old)), ['data']);
    assert.match(updateCauses(cr, changed, old)[0]!.message, /: field is immutable$/);
  });

  test('columns: NAME CONTROLLER REVISION AGE', () => {
    const now = new Date('2024-01-01T00:00:30Z');
    assert.deepEqual(printRow(columnsOf(cr), created(cr, revision()), now), ['web-7c9f8d', 'statefulset.apps/web', 2, '30s']);
    const orphan = created(cr, revision({ metadata: { name: 'r', namespace: 'default' } }));
    assert.deepEqual(printRow(columnsOf(cr), orphan, now), ['r', '<none>', 2, '30s']);
  });
});

describe('Job', () => {
  test('create: the generated selector and labels, then SetDefaults_Job', () => {
    const o = created(job, jobOf(), 'a1b2');
    const labels = { 'batch.kubernetes.io/controller-uid': 'a1b2', 'batch.kubernetes.io/job-name': 'pi', 'controller-uid': 'a1b2', 'job-name': 'pi' };
    const { template, ...rest } = o.spec as Obj;
    assert.deepEqual(rest, {
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'a1b2' } },
      completions: 1,
      parallelism: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      suspend: false,
      podReplacementPolicy: 'TerminatingOrFailed',
      manualSelector: false,
    });
    assert.deepEqual(template.metadata.labels, labels);
    assert.deepEqual(o.metadata.labels, labels, "a Job without labels of its own gets its template's");
    assert.equal(template.spec.terminationGracePeriodSeconds, 30);
    assert.deepEqual(o.status, {});
    assert.deepEqual(causes(job, o), []);
    const again = clone(o);
    job.defaults(again);
    assert.deepEqual(again, o, 'idempotent');
  });

  test('defaults: parallelism alone, backoffLimitPerIndex, podFailurePolicy; labels of its own kept', () => {
    const queue = created(job, jobOf({ parallelism: 3 }));
    assert.equal(queue.spec!.completions, undefined);
    assert.equal(queue.spec!.parallelism, 3);
    const perIndex = created(job, jobOf({ completionMode: 'Indexed', completions: 4, backoffLimitPerIndex: 1 }));
    assert.equal(perIndex.spec!.backoffLimit, 2147483647);
    assert.equal(perIndex.spec!.parallelism, 1);
    const policy = created(job, jobOf({ podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] } }));
    assert.equal(policy.spec!.podReplacementPolicy, 'Failed');
    assert.deepEqual((policy.spec!.podFailurePolicy as Obj).rules[0].onPodConditions, [{ type: 'DisruptionTarget', status: 'True' }]);
    const own = created(job, { ...jobOf(), metadata: { name: 'pi', labels: { team: 'a' } } });
    assert.deepEqual(own.metadata.labels, { team: 'a' });
  });

  test('manualSelector: nothing generated; the selector is then required', () => {
    const o = created(
      job,
      jobOf({ manualSelector: true, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [container], restartPolicy: 'Never' } } }),
    );
    assert.equal(o.spec!.selector, undefined);
    assert.deepEqual(causes(job, o), [
      { field: 'spec.selector', message: 'Required value' },
      { field: 'spec.template.metadata.labels', message: 'Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`' },
    ]);
    const chosen = created(
      job,
      jobOf({
        manualSelector: true,
        selector: { matchLabels: { app: 'x' } },
        template: { metadata: { labels: { app: 'x' } }, spec: { containers: [container], restartPolicy: 'Never' } },
      }),
    );
    assert.deepEqual(causes(job, chosen), []);
  });

  test('a selector or labels the client set that contradict the generated ones', () => {
    const selector = created(job, jobOf({ selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'other' } } }), 'u1');
    assert.deepEqual(causes(job, selector), [
      {
        field: 'spec.selector',
        message:
          'Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"batch.kubernetes.io/controller-uid":"other"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` not auto-generated',
      },
      {
        field: 'spec.template.metadata.labels',
        message:
          'Invalid value: map[string]string{"batch.kubernetes.io/controller-uid":"u1", "batch.kubernetes.io/job-name":"pi", "controller-uid":"u1", "job-name":"pi"}: `selector` does not match template `labels`',
      },
    ]);
    const label = created(
      job,
      jobOf({ template: { metadata: { labels: { 'job-name': 'mine' } }, spec: { containers: [container], restartPolicy: 'Never' } } }),
      'u1',
    );
    assert.deepEqual(fields(causes(job, label)), ['spec.template.metadata.labels[job-name]']);
    assert.match(causes(job, label)[0]!.message, /^Invalid value: map\[string\]string\{.*"job-name":"mine"\}: must be 'pi'$/);
  });

  test('restartPolicy: OnFailure or Never (an absent one is defaulted to Always)', () => {
    const none = created(job, jobOf({ template: { spec: { containers: [container] } } }));
    assert.deepEqual(causes(job, none), [{ field: 'spec.template.spec.restartPolicy', message: 'Required value: valid values: "OnFailure", "Never"' }]);
    const always = created(job, jobOf({ template: { spec: { containers: [container], restartPolicy: 'Always' } } }));
    assert.deepEqual(fields(causes(job, always)), ['spec.template.spec.restartPolicy']);
    const policy = created(
      job,
      jobOf({
        podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }] },
        template: { spec: { containers: [container], restartPolicy: 'OnFailure' } },
      }),
    );
    assert.deepEqual(causes(job, policy), [
      { field: 'spec.template.spec.restartPolicy', message: 'Invalid value: "OnFailure": only "Never" is supported when podFailurePolicy is specified' },
    ]);
  });

  test('spec rules: non-negative counts, completion modes, indexed names, per-index backoff', () => {
    const negative = created(job, jobOf({ parallelism: -1, completions: -2, backoffLimit: -3, activeDeadlineSeconds: -4, ttlSecondsAfterFinished: -5 }));
    assert.deepEqual(
      causes(job, negative).filter((c) => c.field !== 'spec.template.metadata.labels'),
      [
        { field: 'spec.parallelism', message: 'Invalid value: -1: must be greater than or equal to 0' },
        { field: 'spec.completions', message: 'Invalid value: -2: must be greater than or equal to 0' },
        { field: 'spec.activeDeadlineSeconds', message: 'Invalid value: -4: must be greater than or equal to 0' },
        { field: 'spec.backoffLimit', message: 'Invalid value: -3: must be greater than or equal to 0' },
        { field: 'spec.ttlSecondsAfterFinished', message: 'Invalid value: -5: must be greater than or equal to 0' },
      ],
    );
    assert.deepEqual(causes(job, created(job, jobOf({ completionMode: 'Indexed', parallelism: 2 }))), [
      { field: 'spec.completions', message: 'Required value: when completion mode is Indexed' },
    ]);
    assert.deepEqual(causes(job, created(job, jobOf({ completionMode: 'Sharded' }))), [
      { field: 'spec.completionMode', message: 'Unsupported value: "Sharded": supported values: "NonIndexed", "Indexed"' },
    ]);
    assert.deepEqual(causes(job, created(job, jobOf({ backoffLimitPerIndex: 1, maxFailedIndexes: 1 }))), [
      { field: 'spec.backoffLimitPerIndex', message: 'Invalid value: 1: requires indexed completion mode' },
      { field: 'spec.maxFailedIndexes', message: 'Invalid value: 1: requires indexed completion mode' },
    ]);
    const longName = 'a'.repeat(61);
    assert.deepEqual(causes(job, created(job, jobOf({ completionMode: 'Indexed', completions: 100 }, longName))), [
      { field: 'metadata.name', message: `Invalid value: "${longName}": will not able to create pod with invalid DNS label: ${longName}-99` },
    ]);
    assert.deepEqual(causes(job, created(job, jobOf({ podReplacementPolicy: 'Never' }))), [
      { field: 'spec.podReplacementPolicy', message: 'Unsupported value: "Never": supported values: "Failed", "TerminatingOrFailed"' },
    ]);
  });

  test('pod failure policy rules', () => {
    const rules = (r: Obj[]) => causes(job, created(job, jobOf({ podFailurePolicy: { rules: r } })));
    assert.deepEqual(rules([{ action: 'Retry', onExitCodes: { operator: 'In', values: [3, 1, 1, 0] } }]), [
      { field: 'spec.podFailurePolicy.rules[0].action', message: 'Unsupported value: "Retry": supported values: "Count", "FailIndex", "FailJob", "Ignore"' },
      { field: 'spec.podFailurePolicy.rules[0].onExitCodes.values[2]', message: 'Duplicate value: 1' },
      { field: 'spec.podFailurePolicy.rules[0].onExitCodes.values[3]', message: 'Invalid value: 0: must not be 0 for the In operator' },
      { field: 'spec.podFailurePolicy.rules[0].onExitCodes.values', message: 'Invalid value: []int32{3, 1, 1, 0}: must be ordered' },
    ]);
    assert.deepEqual(rules([{ action: 'FailJob' }]), [
      { field: 'spec.podFailurePolicy.rules[0]', message: 'Invalid value: specifying one of OnExitCodes and OnPodConditions is required' },
    ]);
    assert.deepEqual(rules([{ action: 'FailIndex', onExitCodes: { containerName: 'nope', operator: 'NotIn', values: [0] } }]), [
      { field: 'spec.podFailurePolicy.rules[0].action', message: 'Invalid value: "FailIndex": requires the backoffLimitPerIndex to be set' },
      {
        field: 'spec.podFailurePolicy.rules[0].onExitCodes.containerName',
        message: 'Invalid value: "nope": must be one of the container or initContainer names in the pod template',
      },
    ]);
  });

  test('updates: the template, completions, selector and completion mode are immutable', () => {
    const old = created(job, jobOf());
    const image = updated(
      job,
      {
        ...clone(old),
        spec: {
          ...clone(old.spec),
          template: { ...clone(old.spec!.template as Obj), spec: { containers: [{ name: 'pi', image: 'perl:5.36' }], restartPolicy: 'Never' } },
        },
      },
      old,
    );
    assert.deepEqual(fields(updateCauses(job, image, old)), ['spec.template']);
    assert.match(updateCauses(job, image, old)[0]!.message, /^Invalid value: \{.*\}: field is immutable$/);
    const counts = updated(job, { ...clone(old), spec: { ...clone(old.spec), completions: 3, parallelism: 2, backoffLimit: 1, suspend: true } }, old);
    assert.deepEqual(updateCauses(job, counts, old), [{ field: 'spec.completions', message: 'Invalid value: 3: field is immutable' }]);
    const mode = updated(job, { ...clone(old), spec: { ...clone(old.spec), completionMode: 'Indexed' } }, old);
    assert.deepEqual(fields(updateCauses(job, mode, old)), ['spec.completionMode']);
  });

  test('updates: an Indexed Job scales completions with parallelism; a suspended, unstarted one may move its pods', () => {
    const old = created(job, jobOf({ completionMode: 'Indexed', completions: 4, parallelism: 4 }));
    const both = updated(job, { ...clone(old), spec: { ...clone(old.spec), completions: 6, parallelism: 6 } }, old);
    assert.deepEqual(updateCauses(job, both, old), []);
    const one = updated(job, { ...clone(old), spec: { ...clone(old.spec), completions: 6 } }, old);
    assert.deepEqual(updateCauses(job, one, old), [
      { field: 'spec.completions', message: 'Invalid value: 6: can only be modified in tandem with spec.parallelism' },
    ]);

    const suspended = created(job, jobOf({ suspend: true }));
    const withNodeSelector = (o: KubeObject) => {
      const next = clone(o) as Obj;
      next.spec.template.spec.nodeSelector = { zone: 'b' };
      next.spec.template.metadata.annotations = { note: 'x' };
      return next;
    };
    assert.deepEqual(updateCauses(job, updated(job, withNodeSelector(suspended), suspended), suspended), []);
    const started = { ...suspended, status: { startTime: '2024-01-01T00:00:00Z' } } as KubeObject;
    assert.deepEqual(fields(updateCauses(job, updated(job, withNodeSelector(started), started), started)), ['spec.template']);
    const running = created(job, jobOf());
    assert.deepEqual(fields(updateCauses(job, updated(job, withNodeSelector(running), running), running)), ['spec.template']);
  });

  test('managedBy and successPolicy (alpha in 1.30) are dropped', () => {
    const o = created(job, jobOf({ managedBy: 'example.com/queue', successPolicy: { rules: [{ succeededCount: 1 }] } }));
    assert.equal(o.spec!.managedBy, undefined);
    assert.equal(o.spec!.successPolicy, undefined);
  });

  test('columns: NAME STATUS COMPLETIONS DURATION AGE, wide CONTAINERS IMAGES SELECTOR', () => {
    const base = created(job, jobOf({ completions: 5, parallelism: 2 }), 'u9');
    const now = new Date('2024-01-01T01:00:00Z');
    const row = (status: Obj, extra: Obj = {}) => printRow(columnsOf(job, true), { ...base, ...extra, status } as KubeObject, now);
    assert.deepEqual(
      columnsOf(job).map((c) => c.name),
      ['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE'],
    );
    assert.deepEqual(row({}), ['pi', 'Running', '0/5', '<none>', '60m', 'pi', 'perl:5.34', 'batch.kubernetes.io/controller-uid=u9']);
    const finished = {
      succeeded: 5,
      startTime: '2024-01-01T00:00:00Z',
      completionTime: '2024-01-01T00:05:00Z',
      conditions: [{ type: 'Complete', status: 'True' }],
    };
    assert.deepEqual(row(finished).slice(1, 4), ['Complete', '5/5', '5m']);
    assert.deepEqual(row({ startTime: '2024-01-01T00:59:15Z', active: 2 }).slice(1, 4), ['Running', '0/5', '45s']);
    assert.equal(row({ conditions: [{ type: 'Failed', status: 'True' }] })[1], 'Failed');
    assert.equal(row({ conditions: [{ type: 'Suspended', status: 'True' }] })[1], 'Suspended');
    assert.equal(row({ conditions: [{ type: 'Suspended', status: 'False' }] })[1], 'Running');
    assert.equal(row({}, { metadata: { ...base.metadata, deletionTimestamp: '2024-01-01T00:30:00Z' } })[1], 'Terminating');
    assert.equal(row({ conditions: [{ type: 'FailureTarget', status: 'True' }] })[1], 'FailureTarget');
    const queue = created(job, jobOf({ parallelism: 3 }));
    assert.equal(printRow(columnsOf(job), { ...queue, status: { succeeded: 1 } } as KubeObject, now)[2], '1/1 of 3');
    const single = created(job, jobOf({ parallelism: 1 }));
    assert.equal(printRow(columnsOf(job), single, now)[2], '0/1');
  });
});

describe('CronJob', () => {
  test("defaults: SetDefaults_CronJob; the jobTemplate gets only its pod template's", () => {
    const o = created(cj, cronJob());
    const { jobTemplate, ...rest } = o.spec as Obj;
    assert.deepEqual(rest, { schedule: '*/5 * * * *', concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
    assert.deepEqual(Object.keys(jobTemplate.spec), ['template'], 'no backoffLimit, completions… (a Job gets them when it is created)');
    assert.equal(jobTemplate.spec.template.spec.dnsPolicy, 'ClusterFirst');
    assert.deepEqual(causes(cj, o), []);
  });

  test("schedules: robfig/cron's ParseStandard grammar and messages", () => {
    for (const ok of [
      '*/5 * * * *',
      '0 9 * * MON-FRI',
      '0 0 1 jan,jul ?',
      '5/15 0-23/2 * * *',
      '0 0 31 2 *',
      '@hourly',
      '@daily',
      '@midnight',
      '@yearly',
      '@every 1h30m',
      '@every 90s',
      '0 0 * * 0-6',
    ]) {
      assert.equal(scheduleError(ok), undefined, ok);
    }
    const bad: Array<[string, string]> = [
      ['hello', 'expected exactly 5 fields, found 1: [hello]'],
      ['0 0 * * * *', 'expected exactly 5 fields, found 6: [0 0 * * * *]'],
      ['61 * * * *', 'end of range (61) above maximum (59): 61'],
      ['* 24 * * *', 'end of range (24) above maximum (23): 24'],
      ['* * 0 * *', 'beginning of range (0) below minimum (1): 0'],
      ['* * * * 7', 'end of range (7) above maximum (6): 7'],
      ['5-1 * * * *', 'beginning of range (5) beyond end of range (1): 5-1'],
      ['*/0 * * * *', 'step of range should be a positive number: */0'],
      ['1-2-3 * * * *', 'too many hyphens: 1-2-3'],
      ['*/2/3 * * * *', 'too many slashes: */2/3'],
      ['x * * * *', 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
      ['0 0 L * *', 'failed to parse int from L: strconv.Atoi: parsing "L": invalid syntax'],
      ['@weekdays', 'unrecognized descriptor: @weekdays'],
      ['@every 5', 'failed to parse duration @every 5: time: missing unit in duration "5"'],
      ['@every 5q', 'failed to parse duration @every 5q: time: unknown unit "q" in duration "5q"'],
      ['TZ=Mars/Base 0 * * * *', 'provided bad location Mars/Base: unknown time zone Mars/Base'],
    ];
    for (const [spec, message] of bad) assert.equal(scheduleError(spec), message, spec);
  });

  test('spec.schedule causes; TZ in the schedule is refused', () => {
    assert.deepEqual(causes(cj, created(cj, cronJob({ schedule: '0 0 * *' }))), [
      { field: 'spec.schedule', message: 'Invalid value: "0 0 * *": expected exactly 5 fields, found 4: [0 0 * *]' },
    ]);
    assert.deepEqual(causes(cj, created(cj, cronJob({ schedule: undefined }))), [{ field: 'spec.schedule', message: 'Required value' }]);
    assert.deepEqual(causes(cj, created(cj, cronJob({ schedule: 'CRON_TZ=Europe/Berlin 0 6 * * *', timeZone: 'Europe/Berlin' }))), [
      { field: 'spec.schedule', message: 'Invalid value: "CRON_TZ=Europe/Berlin 0 6 * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead' },
    ]);
  });

  test('spec.timeZone: an IANA name', () => {
    for (const tz of ['Europe/Berlin', 'America/New_York', 'UTC', 'Etc/GMT+5', 'Asia/Kolkata'])
      assert.deepEqual(causes(cj, created(cj, cronJob({ timeZone: tz }))), [], tz);
    const tzCauses = (tz: string) => causes(cj, created(cj, cronJob({ timeZone: tz })));
    assert.deepEqual(tzCauses('Mars/Base'), [{ field: 'spec.timeZone', message: 'Invalid value: "Mars/Base": unknown time zone Mars/Base' }]);
    assert.deepEqual(tzCauses('europe/berlin'), [{ field: 'spec.timeZone', message: 'Invalid value: "europe/berlin": unknown time zone europe/berlin' }]);
    assert.deepEqual(tzCauses('America/Argentina/Buenos_Aires_Long'), [
      { field: 'spec.timeZone', message: 'Invalid value: "America/Argentina/Buenos_Aires_Long": unknown time zone America/Argentina/Buenos_Aires_Long' },
    ]);
    assert.deepEqual(tzCauses(''), [{ field: 'spec.timeZone', message: 'Invalid value: "": timeZone must be nil or non-empty string' }]);
    assert.deepEqual(tzCauses('Local'), [
      { field: 'spec.timeZone', message: 'Invalid value: "Local": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones' },
    ]);
  });

  test("the name has room for the Jobs' suffix: at most 52 characters", () => {
    assert.deepEqual(causes(cj, created(cj, cronJob({}, 'a'.repeat(52)))), []);
    assert.deepEqual(causes(cj, created(cj, cronJob({}, 'a'.repeat(53)))), [
      { field: 'metadata.name', message: `Invalid value: "${'a'.repeat(53)}": must be no more than 52 characters` },
    ]);
  });

  test('the jobTemplate: a Job spec whose selector is generated; policies and history limits', () => {
    const jobTemplate = {
      spec: { selector: { matchLabels: { a: 'b' } }, manualSelector: true, parallelism: -1, template: { spec: { containers: [container] } } },
    };
    assert.deepEqual(
      causes(
        cj,
        created(
          cj,
          cronJob({ jobTemplate, concurrencyPolicy: 'Sometimes', startingDeadlineSeconds: -1, successfulJobsHistoryLimit: -1, failedJobsHistoryLimit: -2 }),
        ),
      ),
      [
        { field: 'spec.startingDeadlineSeconds', message: 'Invalid value: -1: must be greater than or equal to 0' },
        { field: 'spec.concurrencyPolicy', message: 'Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"' },
        { field: 'spec.jobTemplate.spec.parallelism', message: 'Invalid value: -1: must be greater than or equal to 0' },
        { field: 'spec.jobTemplate.spec.template.spec.restartPolicy', message: 'Required value: valid values: "OnFailure", "Never"' },
        {
          field: 'spec.jobTemplate.spec.selector',
          message:
            'Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"a":"b"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` will be auto-generated',
        },
        { field: 'spec.jobTemplate.spec.manualSelector', message: 'Unsupported value: true: supported values: "nil", "false"' },
        { field: 'spec.successfulJobsHistoryLimit', message: 'Invalid value: -1: must be greater than or equal to 0' },
        { field: 'spec.failedJobsHistoryLimit', message: 'Invalid value: -2: must be greater than or equal to 0' },
      ],
    );
  });

  test('columns: NAME SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE, wide CONTAINERS IMAGES SELECTOR', () => {
    const now = new Date('2024-01-01T00:03:00Z');
    const o = created(cj, cronJob());
    assert.deepEqual(
      columnsOf(cj).map((c) => c.name),
      ['NAME', 'SCHEDULE', 'TIMEZONE', 'SUSPEND', 'ACTIVE', 'LAST SCHEDULE', 'AGE'],
    );
    assert.deepEqual(printRow(columnsOf(cj, true), o, now), ['hello', '*/5 * * * *', '<none>', 'False', 0, '<none>', '3m', 'hello', 'busybox', '<none>']);
    const running = {
      ...created(cj, cronJob({ timeZone: 'Europe/Berlin', suspend: true })),
      status: { active: [{ kind: 'Job', name: 'hello-1' }], lastScheduleTime: '2024-01-01T00:02:30Z' },
    } as KubeObject;
    assert.deepEqual(printRow(columnsOf(cj), running, now), ['hello', '*/5 * * * *', 'Europe/Berlin', 'True', 1, '30s', '3m']);
  });
});
