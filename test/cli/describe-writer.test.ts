// The pieces kubectl's describers are printed with, on their own: Go's tabwriter column
// blocks, the prefix writer's levels and escaping, kubectl's multi-line fields, ages
// (duration.HumanDuration), RFC1123Z timestamps and the generic describer's labels.
import assert from 'node:assert/strict';
import { test } from 'node:test';

process.env.TZ = 'UTC';

const { TabWriter } = await import('../../src/cli/describe/tab-writer.ts');
const { LEVEL_0, LEVEL_1, LEVEL_2, nestedPrefixWriter, tabbedString } = await import('../../src/cli/describe/prefix-writer.ts');
const { printAnnotationsMultiline, printLabelsMultiline, printTaintsMultiline, printTolerationsMultiline } = await import(
  '../../src/cli/describe/multiline.ts'
);
const { humanDuration, rfc1123z, timestampSince } = await import('../../src/cli/describe/time-format.ts');
const { describeEvents } = await import('../../src/cli/describe/events.ts');
const { camelcaseSplit, describeGeneric, smartLabel } = await import('../../src/cli/describe/generic.ts');

test('tab writer: a column is as wide as its widest cell plus two, over consecutive lines only', () => {
  const w = new TabWriter();
  w.write('Name:\tweb\nNamespace:\tdefault\nno tabs here\nA:\tb\n');
  assert.equal(w.toString(), 'Name:       web\nNamespace:  default\nno tabs here\nA:  b\n');
});

test('tab writer: nested columns, empty cells and the text after the last tab', () => {
  const w = new TabWriter();
  w.write('Namespace\tName\t\tCPU Requests\tAge\n---------\t----\t\t------------\t---\ndefault\tweb-1\t\t100m (2%)\t5m\n');
  assert.equal(
    w.toString(),
    ['Namespace  Name     CPU Requests  Age', '---------  ----     ------------  ---', 'default    web-1    100m (2%)     5m', ''].join('\n'),
  );
});

test('tab writer: a line with fewer cells ends the deeper columns; width counts runes', () => {
  const w = new TabWriter();
  w.write('a\tbb\tc\nxyz\td\nääää\tz\n');
  assert.equal(w.toString(), 'a     bb  c\nxyz   d\nääää  z\n');
});

test('tab writer: flush starts new blocks; an unterminated last line is written as it is', () => {
  const w = new TabWriter();
  w.write('Long label:\tx\n');
  w.flush();
  w.write('A:\ty');
  assert.equal(w.toString(), 'Long label:  x\nA:  y');
});

test('prefix writer: two spaces a level, nested writers, terminal escapes', () => {
  const out = tabbedString((w) => {
    w.write(LEVEL_0, 'Containers:\n');
    w.write(LEVEL_1, 'web:\n');
    w.write(LEVEL_2, 'Image:\tnginx\n');
    nestedPrefixWriter(w, LEVEL_1).write(LEVEL_1, 'Port:\t80/TCP\n');
    w.write(LEVEL_0, 'Message:\tred \x1b[31m\r\n');
  });
  assert.equal(out, 'Containers:\n  web:\n    Image:  nginx\n    Port:   80/TCP\nMessage:    red ^[[31m\\r\n');
});

test('labels: sorted, continuation lines aligned under the first, <none> when empty', () => {
  const out = tabbedString((w) => {
    w.write(LEVEL_0, 'Name:\tweb\n');
    printLabelsMultiline(w, 'Labels', { tier: 'frontend', app: 'web' });
    printLabelsMultiline(w, 'Node-Selectors', {});
  });
  assert.equal(out, 'Name:            web\nLabels:          app=web\n                 tier=frontend\nNode-Selectors:  <none>\n');
});

test("annotations: kubectl apply's copy hidden; long and multi-line values on lines of their own", () => {
  const long = 'x'.repeat(150);
  const out = tabbedString((w) => {
    printAnnotationsMultiline(w, 'Annotations', {
      'kubectl.kubernetes.io/last-applied-configuration': '{}',
      b: 'two\nlines\n',
      a: 'short',
      c: long,
    });
  });
  assert.equal(
    out,
    [
      'Annotations:  a: short',
      '              b:',
      '                two',
      '                lines',
      '              c:',
      `                ${'x'.repeat(138)}...`,
      '',
    ].join('\n'),
  );
  assert.equal(
    tabbedString((w) => printAnnotationsMultiline(w, 'Annotations', { 'kubectl.kubernetes.io/last-applied-configuration': '{}' })),
    'Annotations:  <none>\n',
  );
});

test('taints by effect then key; tolerations as kubectl prints them', () => {
  const out = tabbedString((w) => {
    printTaintsMultiline(w, 'Taints', [
      { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
      { key: 'dedicated', value: 'gpu', effect: 'NoExecute' },
    ]);
    printTolerationsMultiline(w, 'Tolerations', [
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { operator: 'Exists' },
      { key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' },
    ]);
  });
  assert.equal(
    out,
    [
      'Taints:       dedicated=gpu:NoExecute',
      '              node.kubernetes.io/unreachable:NoSchedule',
      'Tolerations:  op=Exists',
      '              dedicated=gpu:NoSchedule',
      '              node.kubernetes.io/unreachable:NoExecute op=Exists for 300s',
      '',
    ].join('\n'),
  );
});

test("ages: duration.HumanDuration's long form", () => {
  const s = 1000;
  const cases: [number, string][] = [
    [-3 * s, '<invalid>'],
    [-1 * s, '0s'],
    [0, '0s'],
    [119 * s, '119s'],
    [120 * s, '2m'],
    [200 * s, '3m20s'],
    [600 * s, '10m'],
    [179 * 60 * s, '179m'],
    [3 * 3600 * s, '3h'],
    [(5 * 3600 + 10 * 60) * s, '5h10m'],
    [8 * 3600 * s, '8h'],
    [47 * 3600 * s, '47h'],
    [(2 * 24 + 3) * 3600 * s, '2d3h'],
    [3 * 24 * 3600 * s, '3d'],
    [100 * 24 * 3600 * s, '100d'],
    [(2 * 365 + 10) * 24 * 3600 * s, '2y10d'],
    [9 * 365 * 24 * 3600 * s, '9y'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms} ms`);
  const now = new Date('2026-01-02T03:04:05Z');
  assert.equal(timestampSince('2026-01-02T02:59:05Z', now), '5m');
  assert.equal(timestampSince(undefined, now), '<unknown>');
});

test('timestamps: RFC1123Z in the local zone; an unset one is Go’s zero time', () => {
  assert.equal(rfc1123z('2026-01-02T03:04:05Z'), 'Fri, 02 Jan 2026 03:04:05 +0000');
  assert.equal(rfc1123z(undefined), 'Mon, 01 Jan 0001 00:00:00 +0000');
});

test('events: oldest first, repeated ones as `2m (x3 over 10m)`, the source and the field path', () => {
  const now = new Date('2026-01-02T03:00:00Z');
  const ago = (m: number) => new Date(now.getTime() - m * 60_000).toISOString();
  const out = tabbedString((w) => {
    w.write(LEVEL_0, 'Name:\tweb\n');
    describeEvents(
      [
        {
          metadata: {},
          involvedObject: { fieldPath: 'spec.containers{web}' },
          type: 'Warning',
          reason: 'BackOff',
          message: ' Back-off restarting failed container\n',
          count: 3,
          firstTimestamp: ago(10),
          lastTimestamp: ago(2),
          source: { component: 'kubelet' },
        },
        {
          metadata: {},
          involvedObject: {},
          type: 'Normal',
          reason: 'Scheduled',
          message: 'Successfully assigned default/web to n-0',
          firstTimestamp: ago(11),
          lastTimestamp: ago(11),
          reportingComponent: 'default-scheduler',
        },
      ],
      w,
      now,
    );
  });
  assert.equal(
    out,
    [
      'Name:  web',
      'Events:',
      '  Type     Reason     Age               From               Message',
      '  ----     ------     ----              ----               -------',
      '  Normal   Scheduled  11m               default-scheduler  Successfully assigned default/web to n-0',
      '  Warning  BackOff    2m (x3 over 10m)  kubelet            spec.containers{web}: Back-off restarting failed container',
      '',
    ].join('\n'),
  );
  assert.equal(
    tabbedString((w) => describeEvents([], w, now)),
    'Events:  <none>\n',
  );
});

test("generic describer's labels: kubectl's smartLabelFor cases", () => {
  assert.deepEqual(camelcaseSplit('PDFLoader'), ['PDF', 'Loader']);
  const cases: [string, string][] = [
    ['simpleField', 'Simple Field'],
    ['respectPDBs', 'Respect PDBs'],
    ['respectPDB', 'Respect PDB'],
    ['apiURL', 'API URL'],
    ['kubeAPI', 'Kube API'],
    ['userUID', 'User UID'],
    ['HTTPSProxy', 'HTTPSProxy'],
    ['customCRDs', 'Custom CRDs'],
    ['apiVersion', 'API Version'],
    ['uid', 'UID'],
    ['holderIdentity', 'Holder Identity'],
    ['ipv4', 'ipv4'],
    ['app.kubernetes.io/name', 'app.kubernetes.io/name'],
  ];
  for (const [field, want] of cases) assert.equal(smartLabel(field), want, field);
});

test('generic describer: fields in order, maps and lists nested, scalars as Go prints them', async () => {
  const object = {
    apiVersion: 'stable.example.com/v1',
    kind: 'CronTab',
    metadata: { name: 'x', namespace: 'default', uid: 'u1', labels: { a: 'b' }, managedFields: [{ manager: 'kubectl' }] },
    spec: { cronSpec: '* * * * */5', replicas: 2, paused: false, ports: [80, 443], matrix: [[1, 2]], containers: [{ name: 'c', image: 'i' }], note: null },
  };
  // Without Events nothing is read: no client is needed.
  const out = await describeGeneric({ client: undefined as never, now: new Date(), showEvents: false, chunkSize: 500 }, object);
  assert.equal(
    out,
    [
      'Name:         x',
      'Namespace:    default',
      'Labels:       a=b',
      'Annotations:  <none>',
      'API Version:  stable.example.com/v1',
      'Kind:         CronTab',
      'Metadata:',
      '  UID:  u1',
      'Spec:',
      '  Containers:',
      '    Image:    i',
      '    Name:     c',
      '  Cron Spec:  * * * * */5',
      '  Matrix:',
      '    [1 2]',
      '  Note:    <nil>',
      '  Paused:  false',
      '  Ports:',
      '    80',
      '    443',
      '  Replicas:  2',
      '',
    ].join('\n'),
  );
});
