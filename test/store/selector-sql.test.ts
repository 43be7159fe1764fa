import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PGlite } from '@electric-sql/pglite';

import { ApiError } from '../../src/apimachinery/errors.ts';
import {
  formatLabelSelector,
  labelSelectorFromObject,
  matchesLabels,
  parseLabelSelector,
  type LabelOperator,
  type LabelRequirement,
  type LabelSelector,
} from '../../src/apimachinery/labels.ts';
import { matchesFields, parseFieldSelector, type FieldSelector } from '../../src/apimachinery/fields.ts';
import { selectorToSql, type SelectorColumns } from '../../src/store/selector-sql.ts';

type Obj = Record<string, unknown> & { metadata: Record<string, unknown> & { name: string } };

const FIELDS = ['metadata.name', 'metadata.namespace', 'spec.nodeName', 'spec.replicas', 'spec.unschedulable', 'status.phase'];

let n = 0;
const obj = (labels: unknown, extra: Record<string, unknown> = {}, namespace = 'default'): Obj => {
  const metadata: Record<string, unknown> & { name: string } = { name: `o${String(n++).padStart(2, '0')}` };
  if (namespace) metadata.namespace = namespace;
  if (labels !== undefined) metadata.labels = labels;
  return { apiVersion: 'v1', kind: 'Pod', metadata, ...extra };
};

// A fixed data set with ordinary labels, edge cases and some invalid data that the
// apiserver would never store, to show SQL and JS agree even there.
const FIXED: Obj[] = [
  obj({ app: 'web', tier: 'frontend', env: 'prod', version: '10' }, { spec: { nodeName: 'n1', replicas: 3 }, status: { phase: 'Running' } }),
  obj({ app: 'web', tier: 'backend', env: 'dev', version: '9' }, { spec: { nodeName: 'n2', replicas: 1, unschedulable: true } }),
  obj({ app: 'db', env: 'prod', version: '007' }, { spec: { nodeName: 'n1' }, status: { phase: 'Pending' } }, 'kube-system'),
  obj({ app: 'db', 'example.com/team': 'a', canary: '' }, { spec: { unschedulable: false } }),
  obj({}, { spec: { nodeName: '' } }),
  obj(undefined, { status: { phase: { nested: 'Running' } } }),
  obj(null, { spec: null }),
  obj({ version: '9223372036854775807' }, {}, ''),
  obj({ version: '9223372036854775808' }, {}, ''),
  obj({ version: '-9223372036854775808' }),
  obj({ version: '-3', app: 'web' }),
  obj({ version: '+4' }),
  obj({ version: '1.5' }),
  obj({ version: 'v2' }),
  obj({ version: '' }),
  obj({ version: '0000000000000000000000000000001' }),
  obj({ version: '1'.repeat(2000) }),
  obj({ constructor: 'x', toString: 'y' }),
  obj({ in: 'notin', notin: 'in' }),
  obj({ app: '' }),
  obj(['app', 'version']),
  obj({ version: 5, app: null }),
  obj('app=web'),
  obj({ app: "x' OR 1=1 --" }, { spec: { nodeName: "x' OR 1=1 --" } }),
  obj({ 'example.com/team': 'b', tier: 'frontend' }, { spec: { replicas: 0, nodeName: ['n1'] } }),
];

const jsLabels = (o: Obj | null) => o?.metadata?.labels as Record<string, string> | undefined;
const jsMatches = (o: Obj, labels?: LabelSelector, fields?: FieldSelector) =>
  (!labels || matchesLabels(labels, jsLabels(o))) && (!fields || matchesFields(fields, o));

let db: PGlite;

before(async () => {
  db = new PGlite();
  for (const table of ['kubeql_resource', 'random_resource']) {
    await db.exec(`
      CREATE TABLE ${table} (
        kind text NOT NULL, namespace text NOT NULL, name text NOT NULL,
        "object" jsonb NOT NULL, prev_object jsonb,
        PRIMARY KEY (kind, namespace, name));
      CREATE INDEX ${table}_labels ON ${table} USING gin (("object"->'metadata'->'labels') jsonb_path_ops);`);
  }
  await insert('kubeql_resource', FIXED);
});

after(async () => {
  await db.close();
});

async function insert(table: string, objs: readonly Obj[]): Promise<void> {
  await db.query(
    `INSERT INTO ${table} (kind, namespace, name, "object")
       SELECT 'Pod', coalesce(e->'metadata'->>'namespace', ''), e->'metadata'->>'name', e FROM jsonb_array_elements($1::jsonb) e`,
    [JSON.stringify(objs)],
  );
}

/**
 * Runs the fragment behind two leading parameters of our own, checks it is two-valued
 * (its negation selects exactly the rest), and returns the names it selects.
 */
async function sqlNames(
  labels: LabelSelector | undefined,
  fields: FieldSelector | undefined,
  table = 'kubeql_resource',
  columns?: SelectorColumns,
): Promise<string[]> {
  const { sql, params } = selectorToSql(labels, fields, 3, columns);
  const head = [`Pod`, 'unused'];
  const rows = await db.query<{ name: string; m: boolean | null }>(
    `SELECT name, (${sql}) AS m FROM ${table} WHERE kind = $1 AND $2::text IS NOT NULL ORDER BY name`,
    [...head, ...params],
  );
  assert.ok(
    rows.rows.every((r) => r.m === true || r.m === false),
    `fragment evaluated to NULL: ${sql}`,
  );
  const where = await db.query<{ name: string }>(`SELECT name FROM ${table} WHERE kind = $1 AND $2::text IS NOT NULL AND (${sql}) ORDER BY name`, [
    ...head,
    ...params,
  ]);
  const selected = where.rows.map((r) => r.name);
  assert.deepEqual(
    selected,
    rows.rows.filter((r) => r.m).map((r) => r.name),
  );
  return selected;
}

const jsNames = (objs: readonly Obj[], labels?: LabelSelector, fields?: FieldSelector) =>
  objs
    .filter((o) => jsMatches(o, labels, fields))
    .map((o) => o.metadata.name)
    .sort();

async function assertSame(objs: readonly Obj[], labels?: LabelSelector, fields?: FieldSelector, table?: string) {
  const got = await sqlNames(labels, fields, table);
  assert.deepEqual(got, jsNames(objs, labels, fields), `labels ${labels ? JSON.stringify(formatLabelSelector(labels)) : '-'} fields ${JSON.stringify(fields)}`);
  return got;
}

describe('selectorToSql', () => {
  test('no constraint is TRUE, a nothing selector FALSE', async () => {
    assert.deepEqual(selectorToSql(undefined, undefined, 1), { sql: 'TRUE', params: [] });
    assert.deepEqual(selectorToSql(parseLabelSelector(''), parseFieldSelector('', FIELDS), 7), { sql: 'TRUE', params: [] });
    assert.deepEqual(selectorToSql(labelSelectorFromObject(null), parseFieldSelector('metadata.name=a', FIELDS), 1), { sql: 'FALSE', params: [] });
    assert.equal((await sqlNames(undefined, undefined)).length, FIXED.length);
    assert.deepEqual(await sqlNames(labelSelectorFromObject(null), undefined), []);
    assert.throws(() => selectorToSql(undefined, undefined, 0), RangeError);
  });

  test('placeholders start at firstParamIndex and carry every user string', () => {
    const { sql, params } = selectorToSql(
      parseLabelSelector('app=web,tier in (a,b),!canary,env!=prod,release,version>3'),
      parseFieldSelector("spec.nodeName=n1,metadata.name!=x'y", FIELDS),
      5,
    );
    const used = [...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]));
    assert.equal(Math.min(...used), 5);
    assert.equal(Math.max(...used), 5 + params.length - 1);
    assert.deepEqual(
      [...new Set(used)].sort((a, b) => a - b),
      params.map((_, i) => 5 + i),
    );
    for (const userText of ['web', 'canary', 'prod', 'release', 'version', 'n1', "x'y", 'nodeName']) {
      assert.ok(!sql.includes(userText), `${userText} must be a parameter, not SQL text: ${sql}`);
    }
    assert.ok(!sql.includes('?'), 'the ? operator must not be used');
  });

  const labelCases = [
    'app=web',
    'app==web',
    'app!=web',
    'app in (web,db)',
    'app notin (web,db)',
    'app',
    '!app',
    'app=',
    'app!=',
    'app in ()',
    'app notin ()',
    'tier in (frontend),env=prod',
    'example.com/team',
    'example.com/team in (a,b)',
    '!example.com/team,app',
    'canary=',
    'canary!=',
    'version>3',
    'version<10',
    'version>9',
    'version<0',
    'version>-1'.replace('-1', '0'),
    'version>9223372036854775806',
    'version<1',
    'version>0',
    'version<9223372036854775807',
    'constructor',
    'constructor=x',
    '!constructor',
    'toString=y',
    'in=notin',
    'notin in (in)',
    'app,!app',
    'app=web,app=db',
    'app in (web),app notin (web)',
    'env!=prod,env!=dev',
    'zzz',
    '!zzz',
    'zzz!=a',
    'zzz notin (a)',
  ];
  for (const s of labelCases) {
    test(`label selector ${JSON.stringify(s)} selects what matchesLabels selects`, async () => {
      await assertSame(FIXED, parseLabelSelector(s));
    });
  }

  test('some expected result sets', async () => {
    const names = (s: string) => sqlNames(parseLabelSelector(s), undefined);
    assert.deepEqual(await names('app=web'), ['o00', 'o01', 'o10']);
    assert.deepEqual(await names('version>9'), ['o00', 'o07']);
    assert.deepEqual(await names('version<1'), ['o09', 'o10']);
    assert.deepEqual(await names('version>0,version<2'), ['o15']);
    // `!=` also selects the objects without the key (and those without labels at all).
    const ne = await names('app!=web');
    assert.ok(ne.includes('o04') && ne.includes('o05') && ne.includes('o06') && !ne.includes('o00'));
  });

  const fieldCases = [
    'metadata.name=o03',
    'metadata.name!=o03',
    'metadata.namespace=kube-system',
    'metadata.namespace=',
    'metadata.namespace!=default',
    'spec.nodeName=n1',
    'spec.nodeName=',
    'spec.nodeName!=',
    'spec.nodeName!=n1',
    'spec.replicas=3',
    'spec.replicas=0',
    'spec.replicas!=',
    'spec.unschedulable=true',
    'spec.unschedulable=false',
    'status.phase=Running',
    'status.phase=',
    'spec.nodeName=n1,status.phase!=Running',
    "spec.nodeName=x' OR 1\\=1 --",
    "metadata.name=o00' OR '1'\\='1",
  ];
  for (const s of fieldCases) {
    test(`field selector ${JSON.stringify(s)} selects what matchesFields selects`, async () => {
      await assertSame(FIXED, undefined, parseFieldSelector(s, FIELDS));
    });
  }

  test('label and field selectors together', async () => {
    const got = await assertSame(FIXED, parseLabelSelector('app in (web,db),env'), parseFieldSelector('spec.nodeName=n1', FIELDS));
    assert.deepEqual(got, ['o00', 'o02']);
  });

  test('injection attempts are parse errors or match nothing, and leave the table intact', async () => {
    for (const s of [
      "a=x' OR 1=1 --",
      "app in (web') OR TRUE --)",
      'app=web;DROP TABLE kubeql_resource',
      "app='web'",
      'app=$1',
      "app in (x\\' OR 1=1)",
      '"object"',
      "app=web' --",
    ]) {
      assert.throws(
        () => parseLabelSelector(s),
        (e: unknown) => e instanceof ApiError && e.code === 'BAD_USER_INPUT',
        s,
      );
    }
    // Field values may hold any characters; they are bound as parameters.
    for (const s of [
      "metadata.name=x' OR 1\\=1 --",
      "metadata.name=o00'; DROP TABLE kubeql_resource; --",
      'spec.nodeName=$1',
      'spec.nodeName=\\\\',
      'status.phase=") OR TRUE --',
    ]) {
      assert.deepEqual(await sqlNames(undefined, parseFieldSelector(s, FIELDS)), [], s);
    }
    assert.deepEqual(await sqlNames(undefined, parseFieldSelector("spec.nodeName=x' OR 1\\=1 --", FIELDS)), ['o23']);
    const count = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM kubeql_resource');
    assert.equal(count.rows[0]!.n, FIXED.length);
  });

  test('equality can use the GIN index on the labels', async () => {
    const { sql, params } = selectorToSql(parseLabelSelector('app=web,tier in (frontend,backend)'), undefined, 1);
    await db.exec('SET enable_seqscan = off');
    try {
      const plan = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN SELECT name FROM kubeql_resource WHERE ${sql}`, params);
      const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
      assert.match(text, /kubeql_resource_labels/, text);
    } finally {
      await db.exec('RESET enable_seqscan');
    }
  });

  test('other column expressions (a table alias, a nullable prev_object)', async () => {
    await db.exec(`UPDATE kubeql_resource SET prev_object = "object" WHERE name < 'o10'`);
    try {
      const sel = parseLabelSelector('app!=db,version notin (10),!canary');
      const { sql, params } = selectorToSql(sel, parseFieldSelector('metadata.name!=o01', FIELDS), 1, {
        object: 'r.prev_object',
        name: 'r.name',
        namespace: 'r.namespace',
      });
      const res = await db.query<{ name: string }>(`SELECT r.name FROM kubeql_resource r WHERE ${sql} ORDER BY r.name`, params);
      // A missing previous object has no labels: only negative requirements can hold.
      const want = FIXED.filter((o) => o.metadata.name !== 'o01' && matchesLabels(sel, o.metadata.name < 'o10' ? jsLabels(o) : undefined)).map(
        (o) => o.metadata.name,
      );
      assert.deepEqual(
        res.rows.map((r) => r.name),
        want,
      );
    } finally {
      await db.exec('UPDATE kubeql_resource SET prev_object = NULL');
    }
  });

  // ---- properties ---------------------------------------------------------------------

  const keyPool = ['app', 'tier', 'env', 'version', 'in', 'constructor', 'example.com/team'];
  const selectorValuePool = ['', 'web', 'db', 'a', 'in', '1', '007', '10'];
  const intPool = ['0', '1', '2', '9', '10', '007', '9223372036854775807'];
  const key = fc.constantFrom(...keyPool);
  const requirement: fc.Arbitrary<LabelRequirement> = fc.oneof(
    fc.record({ key, operator: fc.constantFrom<LabelOperator>('=', '==', '!='), values: fc.constantFrom(...selectorValuePool).map((v) => [v]) }),
    fc.record({
      key,
      operator: fc.constantFrom<LabelOperator>('in', 'notin'),
      values: fc.uniqueArray(fc.constantFrom(...selectorValuePool), { minLength: 1, maxLength: 3 }),
    }),
    fc.record({ key, operator: fc.constantFrom<LabelOperator>('exists', '!'), values: fc.constant([]) }),
    fc.record({ key, operator: fc.constantFrom<LabelOperator>('gt', 'lt'), values: fc.constantFrom(...intPool).map((v) => [v]) }),
  );
  // Through the text form, so that the parser is exercised too.
  const labelSelector = fc.array(requirement, { maxLength: 4 }).map((requirements) => parseLabelSelector(formatLabelSelector({ requirements })));
  const fieldSelector = fc
    .array(
      fc.record({
        field: fc.constantFrom(...FIELDS),
        op: fc.constantFrom('=', '==', '!='),
        value: fc.constantFrom('', 'n1', 'n2', 'o03', 'default', '3', 'true', 'false', 'Running'),
      }),
      { maxLength: 3 },
    )
    .map((terms) => parseFieldSelector(terms.map((t) => `${t.field}${t.op}${t.value}`).join(','), FIELDS));

  test('property: random selectors over the fixed objects', async () => {
    await fc.assert(
      fc.asyncProperty(labelSelector, fc.option(fieldSelector, { nil: undefined }), async (labels, fields) => {
        await assertSame(FIXED, labels, fields);
      }),
      { numRuns: 300 },
    );
  });

  test('property: random objects and random selectors', async () => {
    const dataValue = fc.oneof(
      fc.constantFrom(...selectorValuePool, ...intPool, '+3', '-3', '1.5', '9223372036854775808', ' 1', 'x y'),
      fc.string({ maxLength: 4 }),
    );
    const labels = fc.oneof(
      { weight: 8, arbitrary: fc.dictionary(fc.constantFrom(...keyPool), dataValue, { maxKeys: 4 }) },
      { weight: 1, arbitrary: fc.constantFrom(undefined, null, [], ['app'], 'app', 7) },
    );
    const object = fc.record({
      labels,
      namespace: fc.constantFrom('', 'default', 'kube-system'),
      spec: fc.option(
        fc.record(
          {
            nodeName: fc.option(fc.constantFrom('', 'n1', 'n2', 'o03'), { nil: undefined }),
            replicas: fc.option(fc.constantFrom(0, 3, 10), { nil: undefined }),
            unschedulable: fc.option(fc.boolean(), { nil: undefined }),
          },
          { requiredKeys: [] },
        ),
        { nil: undefined },
      ),
      status: fc.option(fc.record({ phase: fc.constantFrom<unknown>('Running', 'Pending', '', null, { a: 1 }) }), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(object, { maxLength: 12 }), labelSelector, fc.option(fieldSelector, { nil: undefined }), async (specs, labelSel, fieldSel) => {
        n = 0;
        const objs = specs.map((s) => obj(s.labels, { ...(s.spec && { spec: s.spec }), ...(s.status && { status: s.status }) }, s.namespace));
        await db.exec('DELETE FROM random_resource');
        await insert('random_resource', objs);
        await assertSame(objs, labelSel, fieldSel, 'random_resource');
      }),
      { numRuns: 200 },
    );
  });

  test('property: arbitrary selector text is a BAD_USER_INPUT or agrees with matchesLabels', async () => {
    const piece = fc.constantFrom(
      'app',
      'version',
      'web',
      'in',
      'notin',
      '=',
      '==',
      '!=',
      '!',
      '(',
      ')',
      ',',
      '>',
      '<',
      ' ',
      '1',
      '10',
      "'",
      ';',
      '--',
      'OR',
      '$1',
      '\\',
      '"',
      '?',
      'tier',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.array(piece, { maxLength: 10 }).map((p) => p.join('')),
        ),
        async (s) => {
          let sel: LabelSelector;
          try {
            sel = parseLabelSelector(s);
          } catch (e) {
            assert.ok(e instanceof ApiError && e.code === 'BAD_USER_INPUT', String(e));
            return;
          }
          await assertSame(FIXED, sel);
        },
      ),
      { numRuns: 500 },
    );
  });
});
