// Properties of every kind, through the real apiserver over HTTP, on objects generated
// from the kind's own JSON Schema (src/apis/openapi, Kubernetes' definitions) and merged
// over the kind's realistic manifest (test/helpers/manifests.ts), so that many are valid:
//  - an object is accepted — and then it reads back as the mutation answered it, applying
//    it again changes nothing, and writing back what was read changes nothing — or it is
//    refused with BAD_USER_INPUT, causes at field paths, and nothing written. Never an
//    internal error.
//  - a value of the wrong type at any schema path (a string where an integer is, an object
//    where an array is) is refused with BAD_USER_INPUT and a cause at that path (or a
//    parent of it), and nothing is written.
// fast-check prints the seed and the counterexample of a failure; FC_SEED=<n> replays one,
// KUBEQL_PROPERTY_RUNS=<n> runs more cases per kind.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { KINDS, type KindInfo } from '../../src/apis/kinds.ts';
import { definitions, kindDefinition, refName, type Schema } from '../../src/apis/openapi/index.ts';
import { copyOf, kindsWithoutManifest, manifestsFor, type Manifest } from '../helpers/manifests.ts';
import { startTestServer, type GraphQLResponse, type TestServer } from '../helpers/server.ts';

const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : 20240501;
/** Runs per kind (KUBEQL_PROPERTY_RUNS=<n> for a longer hunt). */
const VALID_RUNS = Number(process.env.KUBEQL_PROPERTY_RUNS) || 20;
const WRONG_TYPE_RUNS = Number(process.env.KUBEQL_PROPERTY_RUNS) || 15;
/** Objects nest at most this deep below the kind (metadata, spec, template, spec, containers[], …). */
const MAX_DEPTH = 6;

let t: TestServer;
const graphqlNames = new Map<string, { type: string; object: string }>();
before(async () => {
  t = await startTestServer();
  const { apiResources } = await t.ok<{ apiResources: { kind: string; graphql: { type: string; object: string } }[] }>(
    '{ apiResources { kind graphql { type object } } }',
  );
  for (const r of apiResources) graphqlNames.set(r.kind, r.graphql);
  // The namespaces of the kinds and what the manifests refer to (Pods name a PriorityClass).
  const ms: Manifest[] = [];
  for (const k of KINDS)
    if (k.kind !== 'Namespace')
      ms.push(...[namespaceOf(k), `${namespaceOf(k)}${WT}`].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })));
  ms.push(manifestsFor('prop-pod').PriorityClass, manifestsFor('prop-pod', WT).PriorityClass);
  const res = await t.gql('mutation($ms: [JSON!]!) { applyAll(manifests: $ms) { __typename } }', { ms });
  assert.equal(res.errors, undefined, JSON.stringify(res.errors));
});
after(() => t.stop());

const defs = definitions();
const resolve = (s: Schema): Schema => (s.$ref ? resolve(defs[refName(s.$ref)] ?? {}) : s);
/** A schema whose values are any JSON (RawExtension, JSONSchemaProps' default, preserve-unknown-fields). */
const isAny = (s: Schema): boolean =>
  Boolean(s['x-kubernetes-preserve-unknown-fields']) || (!s.type && !s.properties && !s.items && !s.additionalProperties && !s['x-kubernetes-int-or-string']);

// ---- values from the schema -----------------------------------------------------------

/** Words Kubernetes objects are made of, so that generated strings are often valid. */
const WORDS = [
  'web',
  'nginx',
  'nginx:1.25',
  'app',
  'http',
  'metrics',
  'default',
  'v1',
  'apps/v1',
  'Deployment',
  'Pod',
  'TCP',
  'UDP',
  'SCTP',
  'Always',
  'IfNotPresent',
  'Never',
  'OnFailure',
  'ClusterIP',
  'NodePort',
  'LoadBalancer',
  'Prefix',
  'Exact',
  'In',
  'NotIn',
  'Exists',
  'Equal',
  'NoSchedule',
  'NoExecute',
  'ReadWriteOnce',
  'ReadOnlyMany',
  'Retain',
  'Delete',
  'RollingUpdate',
  'Recreate',
  'OrderedReady',
  'Parallel',
  'Ingress',
  'Egress',
  'Resource',
  'Utilization',
  'AverageValue',
  'Percent',
  'Pods',
  'Max',
  'Min',
  'True',
  'False',
  'Unknown',
  'Ready',
  'Opaque',
  'Filesystem',
  'Cluster',
  'Local',
  'IPv4',
  'Forbid',
  'Allow',
  'Replace',
  'Indexed',
  'NonIndexed',
  'None',
  'Namespaced',
  'RuntimeDefault',
  'ALL',
  'Container',
  'Secret',
  'ConfigMap',
  'kubernetes.io/hostname',
  'example.com/role',
  '10.0.0.1',
  '10.0.0.0/24',
  '/data',
  '/healthz',
  '*/5 * * * *',
  '25%',
  '',
  'x'.repeat(64),
  'Not_A_Name',
  '-bad-',
  '1',
];
const word = fc.constantFrom(...WORDS);
const text = fc.oneof({ weight: 4, arbitrary: word }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) });
const QUANTITIES = ['0', '1', '2', '100m', '250m', '1500m', '64Mi', '128Mi', '1Gi', '10Gi', '1k', '500M', '2.5', '1e3', '-1', 'lots'];
const quantity = fc.oneof(fc.constantFrom(...QUANTITIES), fc.integer({ min: 0, max: 64 }));
const intOrString = fc.oneof(fc.integer({ min: -1, max: 70000 }), fc.constantFrom('http', 'metrics', '25%', '100%', '0%', '8080', 'Not A Port'));
const integer = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -2, max: 100 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 65535, 65536, 2147483647, 2147483648, -2147483649) },
);
const timestamp = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z'));
const LABEL_KEYS = ['app', 'tier', 'app.kubernetes.io/name', 'example.com/role', 'Not A Key', '', 'kubernetes.io/hostname'];
const anyJson = fc.jsonValue({ maxDepth: 2 });

const cache = new Map<string, fc.Arbitrary<unknown>>();

/** Values of the schema: an object has some of its properties (at most 3 of them), arrays and maps at most 2 items. */
function valueOf(schema: Schema, depth: number): fc.Arbitrary<unknown> {
  if (schema.$ref) {
    const key = `${schema.$ref}@${depth}`;
    let a = cache.get(key);
    if (!a) cache.set(key, (a = valueOf(resolve(schema), depth)));
    return a;
  }
  if (schema['x-kubernetes-int-or-string']) return intOrString;
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  if (isAny(schema)) return anyJson;
  switch (schema.type) {
    case 'string':
      return schema.format === 'date-time'
        ? timestamp
        : schema.format === 'quantity'
          ? quantity
          : schema.format === 'byte'
            ? fc.base64String({ maxLength: 12 })
            : text;
    case 'integer':
      return integer;
    case 'number':
      return fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return depth >= MAX_DEPTH ? fc.constant([]) : fc.array(valueOf(schema.items ?? {}, depth + 1), { maxLength: 2 });
    default: {
      if (schema.properties && Object.keys(schema.properties).length) {
        if (depth >= MAX_DEPTH) return fc.constant({});
        return objectOf(schema.properties, depth);
      }
      if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        if (depth >= MAX_DEPTH) return fc.constant({});
        return fc.dictionary(fc.constantFrom(...LABEL_KEYS), valueOf(schema.additionalProperties, depth + 1), { maxKeys: 2 });
      }
      return anyJson;
    }
  }
}

/** Some of the properties (up to `max`), each a value of its schema. */
function objectOf(properties: Record<string, Schema>, depth: number, max = 3): fc.Arbitrary<Record<string, unknown>> {
  const keys = Object.keys(properties);
  return fc
    .subarray(keys, { maxLength: Math.min(max, keys.length) })
    .chain((chosen) => fc.record(Object.fromEntries(chosen.map((k) => [k, valueOf(properties[k]!, depth + 1)]))) as fc.Arbitrary<Record<string, unknown>>);
}

const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v); // eslint-disable-line @typescript-eslint/no-explicit-any

/** `over` merged onto `base`: objects key by key, arrays item by item, anything else replaced. */
function merge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (isObj(base) && isObj(over)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over))
      Object.defineProperty(out, k, { value: merge(base[k], v), enumerable: true, writable: true, configurable: true });
    return out;
  }
  if (Array.isArray(base) && Array.isArray(over)) {
    return Array.from({ length: Math.max(base.length, over.length) }, (_, i) => (i < over.length ? merge(base[i], over[i]) : base[i]));
  }
  return over;
}

/**
 * Changes to `base` (a value of `schema`), to merge over it: into some of an object's fields
 * that the base has (following the manifest down to its containers and probes) and new
 * ones beside them; an array's item changed or one added; a map's value changed or a key
 * added; at a leaf, or now and then for a whole part, a value of the schema.
 */
function changesOf(schema: Schema, base: unknown, depth: number): fc.Arbitrary<unknown> {
  const s = resolve(schema);
  // New parts are shallow: at most two levels below where they are added.
  const fresh = valueOf(s, Math.max(depth, MAX_DEPTH - 2));
  if (depth >= MAX_DEPTH || base === undefined || base === null) return fresh;
  let changed: fc.Arbitrary<unknown> | undefined;
  if (isObj(base) && s.properties) {
    const props = s.properties;
    const existing = Object.keys(base).filter((k) => Object.hasOwn(props, k));
    const others = Object.keys(props).filter((k) => !Object.hasOwn(base, k));
    // Mostly down into a part with parts of its own (template, containers, probes).
    const nested = existing.filter((k) => typeof base[k] === 'object' && base[k] !== null);
    const some = (keys: string[], max: number) => fc.subarray(keys, { minLength: Math.min(1, keys.length), maxLength: Math.min(max, keys.length) });
    const into = nested.length ? fc.oneof({ weight: 2, arbitrary: some(nested, 1) }, { weight: 1, arbitrary: some(existing, 2) }) : some(existing, 2);
    changed = fc
      .tuple(into, fc.subarray(others, { maxLength: Math.min(1, others.length) }))
      .chain(([into, added]) =>
        fc.record(
          Object.fromEntries([
            ...into.map((k) => [k, changesOf(props[k]!, base[k], depth + 1)] as const),
            ...added.map((k) => [k, valueOf(props[k]!, Math.max(depth + 1, MAX_DEPTH - 2))] as const),
          ]),
        ),
      );
  } else if (isObj(base) && typeof s.additionalProperties === 'object') {
    const values = s.additionalProperties;
    const keys = Object.keys(base);
    const added = fc.record({ key: fc.constantFrom(...LABEL_KEYS), value: valueOf(values, depth + 1) }).map(({ key, value }) => ({ [key]: value }));
    changed = keys.length
      ? fc.oneof(
          fc.constantFrom(...keys).chain((key) => changesOf(values, base[key], depth + 1).map((value) => ({ [key]: value }))),
          added,
        )
      : added;
  } else if (Array.isArray(base) && s.items) {
    const items = s.items;
    const appended = valueOf(items, Math.max(depth + 1, MAX_DEPTH - 2)).map((item) => [...base.map(() => undefined), item]);
    changed = base.length
      ? fc.oneof(
          fc.nat(base.length - 1).chain((i) => changesOf(items, base[i], depth + 1).map((item) => base.map((_, j) => (j === i ? item : undefined)))),
          appended,
        )
      : appended;
  }
  return changed ? fc.oneof({ weight: 6, arbitrary: changed }, { weight: 1, arbitrary: fresh }) : fresh;
}

/** Changes to the kind's realistic manifest: what users set (not apiVersion and kind, nor the object's name and namespace). */
function generatedOf(k: KindInfo, base: Manifest): fc.Arbitrary<Record<string, unknown>> {
  const name = kindDefinition(k.apiVersion, k.kind);
  assert.ok(name, `${k.kind} has a definition`);
  const { apiVersion: _a, kind: _k, metadata: _m, ...properties } = resolve(defs[name]!).properties ?? {};
  const meta = resolve(defs['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']!).properties!;
  const userMeta: Schema = {
    type: 'object',
    properties: { labels: meta.labels!, annotations: meta.annotations!, ownerReferences: meta.ownerReferences!, finalizers: meta.finalizers! },
  };
  const {
    apiVersion: _b,
    kind: _c,
    metadata: { name: _n, namespace: _ns, ...baseMeta },
    ...rest
  } = base;
  const withMeta = { ...rest, metadata: baseMeta };
  const schema: Schema = { type: 'object', properties: { ...properties, metadata: userMeta } };
  return changesOf(schema, withMeta, 0) as fc.Arbitrary<Record<string, unknown>>;
}

// ---- the apiserver -----------------------------------------------------------------------

const namespaceOf = (k: KindInfo) => `prop-${k.kind.toLowerCase()}`;
/** The kind's realistic manifest, in the kind's own namespace (a quota or limit range there constrains no other kind). */
const baseOf = (k: KindInfo): Manifest => copyOf(manifestsFor(namespaceOf(k))[k.kind]!);
/** The wrong-type property's objects are others (another namespace; cluster-scoped names, a CRD's group, with this suffix): the valid one leaves its objects changed. */
const WT = '-wt';
const wrongTypeBaseOf = (k: KindInfo): Manifest => copyOf(manifestsFor(`${namespaceOf(k)}${WT}`, WT)[k.kind]!);

async function applyManifest(k: KindInfo, m: unknown): Promise<GraphQLResponse<{ apply: { manifest: Manifest } }>> {
  return t.gql(`mutation($m: JSON!) { apply(manifest: $m) { ... on ${graphqlNames.get(k.kind)!.type} { manifest } } }`, { m });
}

async function readBack(k: KindInfo, namespace: string | undefined, name: string): Promise<Manifest | null> {
  const { object } = graphqlNames.get(k.kind)!;
  const args = k.namespaced ? `namespace: ${JSON.stringify(namespace)}, name: ${JSON.stringify(name)}` : `name: ${JSON.stringify(name)}`;
  const data = await t.ok<Record<string, { manifest: Manifest } | null>>(`{ ${object}(${args}) { manifest } }`);
  return data[object]?.manifest ?? null;
}

/** What was read, written back whole (a JSON patch replacing the root: an update to the same object). */
async function writeBack(k: KindInfo, m: Manifest): Promise<GraphQLResponse<Record<string, { manifest: Manifest }>>> {
  const { type } = graphqlNames.get(k.kind)!;
  const ns = k.namespaced ? `namespace: ${JSON.stringify(m.metadata.namespace)}, ` : '';
  return t.gql(`mutation($p: JSON!) { patch${type}(${ns}name: ${JSON.stringify(m.metadata.name)}, patch: $p, type: JSON) { manifest } }`, {
    p: [{ op: 'replace', path: '', value: m }],
  });
}

/** A refusal as the API promises it: BAD_USER_INPUT with causes at field paths; never an internal error. */
function assertRefusal(res: GraphQLResponse, input: unknown): { field: string; message: string }[] {
  const e = res.errors?.[0];
  assert.ok(e, 'an error');
  assert.equal(e.extensions?.code, 'BAD_USER_INPUT', `refused with ${e.extensions?.code}: ${e.message}\ninput: ${JSON.stringify(input)}`);
  const causes = e.extensions?.causes ?? [];
  assert.ok(causes.length > 0, `BAD_USER_INPUT without causes: ${e.message}`);
  for (const c of causes)
    assert.ok(typeof c.field === 'string' && typeof c.message === 'string' && c.message, `a cause with a field and a message: ${JSON.stringify(c)}`);
  assert.ok(
    causes.some((c) => c.field !== ''),
    `a cause names a field: ${JSON.stringify(causes)}`,
  );
  return causes;
}

const NAMES = ['', '-b'];
const nameFor = (k: KindInfo, base: Manifest, i: number): string =>
  k.kind === 'CustomResourceDefinition' ? base.metadata.name : `${base.metadata.name}${NAMES[i]}`;

test('every served kind has a manifest to generate from', () => {
  assert.deepEqual(kindsWithoutManifest(), []);
  for (const k of KINDS) assert.ok(kindDefinition(k.apiVersion, k.kind), `${k.kind}: Kubernetes' schema has it`);
});

describe('objects generated from the schema over a realistic manifest: accepted and stable, or refused and nothing written', () => {
  for (const k of KINDS) {
    test(k.kind, { timeout: 60_000 }, async (c) => {
      if (kindsWithoutManifest([k]).length) return void c.skip('no manifest (the manifest check fails)');
      const base = baseOf(k);
      const accepted = { n: 0 };
      await fc.assert(
        fc.asyncProperty(generatedOf(k, base), fc.nat(NAMES.length - 1), async (generated, nameIndex) => {
          const input = merge(base, generated) as Manifest;
          const name = nameFor(k, base, nameIndex);
          input.metadata = { ...input.metadata, name };
          const namespace = k.namespaced ? base.metadata.namespace : undefined;
          const before = await readBack(k, namespace, name);
          const revision = await t.server.store.currentRevision();
          const res = await applyManifest(k, input);
          if (res.errors) {
            assertRefusal(res, input);
            assert.equal(await t.server.store.currentRevision(), revision, 'a refused write moves no revision');
            assert.deepEqual(await readBack(k, namespace, name), before, 'a refused write changes nothing');
            return;
          }
          accepted.n++;
          const answered = res.data!.apply.manifest;
          assert.deepEqual(await readBack(k, namespace, name), answered, 'the object reads back as the mutation answered');
          const again = await applyManifest(k, input);
          assert.equal(again.errors, undefined, `applying it again: ${JSON.stringify(again.errors)}`);
          assert.deepEqual(again.data!.apply.manifest, answered, 'applying the same manifest again changes nothing');
          const back = await writeBack(k, answered);
          assert.equal(back.errors, undefined, `writing back what was read: ${JSON.stringify(back.errors)}\nread: ${JSON.stringify(answered)}`);
          const written = back.data![`patch${graphqlNames.get(k.kind)!.type}`].manifest;
          assert.deepEqual(written, answered, 'writing back the object as read changes nothing (same resourceVersion)');
        }),
        { numRuns: VALID_RUNS, seed: SEED, includeErrorInReport: true },
      );
      c.diagnostic(`${accepted.n} of the generated objects were accepted`);
    });
  }
});

// ---- values of the wrong type ---------------------------------------------------------------

type Expected = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array';

interface Target {
  /** Where the value goes, as a list of keys and indexes. */
  at: (string | number)[];
  /** The field path Kubernetes would name: spec.containers[0].image, metadata.labels[app]. */
  field: string;
  expected: Expected;
  /** The place is a map (additionalProperties: labels, resources.limits), or a value in one. */
  map: boolean;
}

const fieldOf = (at: (string | number)[], mapKeys: Set<number>): string =>
  at.reduce<string>((p, k, i) => (typeof k === 'number' ? `${p}[${k}]` : mapKeys.has(i) ? `${p}[${k}]` : p ? `${p}.${k}` : k), '');

/** The type a schema's values must have; undefined where any JSON, several types or strings of numbers are taken (int-or-string, quantity). */
function expectedOf(s: Schema): Expected | undefined {
  if (s['x-kubernetes-int-or-string'] || isAny(s)) return undefined;
  if (s.type === 'string') return s.format === 'quantity' ? undefined : 'string';
  if (s.type === 'integer' || s.type === 'number' || s.type === 'boolean' || s.type === 'array') return s.type;
  if (s.properties || s.additionalProperties) return 'object';
  return undefined;
}

/** Every place in `value` (of `schema`) where a value of a definite type is, or could be one level down. */
function targetsOf(schema: Schema, value: unknown, at: (string | number)[], mapKeys: Set<number>, out: Target[]): void {
  const s = resolve(schema);
  const expected = expectedOf(s);
  const map = mapKeys.size > 0 || (!s.properties && Boolean(s.additionalProperties));
  if (expected && at.length) out.push({ at, field: fieldOf(at, mapKeys), expected, map });
  if (expected === 'array' && Array.isArray(value)) {
    value.forEach((item, i) => targetsOf(s.items ?? {}, item, [...at, i], mapKeys, out));
  } else if (expected === 'object' && isObj(value)) {
    if (s.properties) {
      for (const [k, p] of Object.entries(s.properties)) {
        if (Object.hasOwn(value, k)) targetsOf(p, value[k], [...at, k], mapKeys, out);
        else {
          const ps = resolve(p);
          const e = expectedOf(ps);
          if (e)
            out.push({
              at: [...at, k],
              field: fieldOf([...at, k], mapKeys),
              expected: e,
              map: mapKeys.size > 0 || (!ps.properties && Boolean(ps.additionalProperties)),
            });
        }
      }
    } else if (typeof s.additionalProperties === 'object') {
      const keys = Object.keys(value).length ? Object.keys(value) : ['wrong-type'];
      for (const k of keys) targetsOf(s.additionalProperties, value[k], [...at, k], new Set([...mapKeys, at.length]), out);
    }
  }
}

/** Values of any type but `expected` (and none a JSON decoder could take for it). */
function wrongFor(expected: Expected): fc.Arbitrary<unknown> {
  const all: Record<Expected, fc.Arbitrary<unknown>> = {
    string: fc.oneof(fc.integer({ min: -5, max: 100 }), fc.boolean()),
    integer: fc.constantFrom<unknown>('seven', '7', 1.5, true),
    number: fc.constantFrom<unknown>('seven', '7.5', false),
    boolean: fc.constantFrom<unknown>('true', 'yes', 1, 0),
    object: fc.constantFrom<unknown>([], ['x'], 'x', 3),
    array: fc.constantFrom<unknown>({}, { a: 1 }, 'x', 3),
  };
  const others: fc.Arbitrary<unknown>[] = [all[expected]];
  if (expected !== 'object') others.push(fc.constantFrom<unknown>({ k: 'v' }));
  if (expected !== 'array' && expected !== 'object') others.push(fc.constantFrom<unknown>(['x']));
  return fc.oneof(...others);
}

function setAt(obj: Manifest, at: (string | number)[], value: unknown): void {
  let o: any = obj; // eslint-disable-line @typescript-eslint/no-explicit-any
  for (const [i, k] of at.slice(0, -1).entries()) {
    if (o[k] === undefined || o[k] === null) o[k] = typeof at[i + 1] === 'number' ? [] : {};
    o = o[k];
  }
  o[at.at(-1)!] = value;
}

/**
 * A field path as Kubernetes' validation names it, for comparison: map keys as `.k` (not
 * `[k]`), and Kubernetes' own aliases — a pod template's metadata is validated as
 * `template.labels` / `template.annotations` (ValidatePodTemplateSpec), and a CRD whose
 * versions share a schema, columns and subresources is validated with them hoisted to
 * `spec.validation`, `spec.additionalPrinterColumns`, `spec.subresources` (the internal
 * version), with `JSONPath` for a column's jsonPath.
 */
const canonical = (f: string): string =>
  f
    .replace(/\[([^\]\d][^\]]*)\]/g, '.$1')
    .replace(/(^|\.)template\.(labels|annotations)\b/, '$1template.metadata.$2')
    .replace(/^spec\.validation\./, 'spec.versions[0].schema.')
    .replace(/^spec\.(additionalPrinterColumns|subresources)/, 'spec.versions[0].$1')
    .replace(/\.JSONPath$/, '.jsonPath')
    .replace(/^spec\.versions\[\d+\]/, 'spec.versions[0]');

/** Is `cause` the field or a parent of it? (`spec.containers` of `spec.containers[0].image`.) */
const covers = (cause: string, field: string): boolean => {
  const c = canonical(cause);
  const f = canonical(field);
  return c === f || f.startsWith(`${c}.`) || f.startsWith(`${c}[`);
};

// ---- bugs the property found, fixed: each a regression case of its own ----------------------

/**
 * Failures the property found in the apiserver (coerced scalars, maps not decoded, a status
 * or a uid of the wrong type replaced instead of refused, annotations that were not a map):
 * fixed, and each kept as a concrete regression case below (the property above covers them too).
 */
interface KnownBug {
  title: string;
  /** A concrete case, asserting what should happen. */
  check(): Promise<void>;
}

const KNOWN_BUGS: KnownBug[] = [
  {
    title:
      'apply turns a metadata.annotations that is not an object into one (the string "hi" is stored as {"0":"h","1":"i"}, [] as {}), instead of refusing it: Registry.apply and applyAll add the last-applied annotation with {...annotations} (withLastApplied, src/apiserver/registry/registry.ts) before the object is decoded',
    async check() {
      const m = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'annotations-hi', namespace: 'prop-configmap', annotations: 'hi' }, data: { a: 'b' } };
      const res = await applyManifest(kindInfoOf('ConfigMap'), m);
      assert.ok(res.errors, `accepted; stored annotations ${JSON.stringify(res.data?.apply.manifest.metadata.annotations)}`);
      assert.ok(assertRefusal(res, m).some((c) => covers(c.field, 'metadata.annotations')));
    },
  },
  {
    title:
      'the decoding check takes what GraphQL\'s serializers coerce — a number or a boolean where a string is, "7" or true where an integer is, 1 where a boolean is — and stores it with the wrong JSON type (the typed field then reads "42" or true, `manifest` 42 or 1): scalarCheck in src/apiserver/graphql/conformance.ts falls back to the scalar\'s serialize(); Kubernetes\' decoder refuses them',
    async check() {
      const svc = {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'coerced', namespace: 'prop-service' },
        spec: {
          ports: [{ port: 80 }],
          publishNotReadyAddresses: 1,
          loadBalancerClass: 42,
          sessionAffinity: 'ClientIP',
          sessionAffinityConfig: { clientIP: { timeoutSeconds: '60' } },
        },
      };
      const res = await applyManifest(kindInfoOf('Service'), svc);
      assert.ok(res.errors, `accepted; stored spec ${JSON.stringify(res.data?.apply.manifest.spec)}`);
      const causes = assertRefusal(res, svc);
      for (const f of ['spec.publishNotReadyAddresses', 'spec.loadBalancerClass', 'spec.sessionAffinityConfig.clientIP.timeoutSeconds'])
        assert.ok(
          causes.some((c) => covers(c.field, f)),
          `no cause at ${f}: ${JSON.stringify(causes)}`,
        );
    },
  },
  {
    title:
      "values in maps (additionalProperties: matchLabels, nodeSelector, resources.limits, labels, a CRD schema's properties) and maps of the wrong type are not decoded: maps are JSON in GraphQL, so the decoding check does not look into them, and where the kind's validation does not either they are stored — label selectors of pod affinity and topology spread terms, a StatefulSet's pod template and volumeClaimTemplates, a CronJob's jobTemplate metadata, a CRD's nested schemas (src/apiserver/graphql/conformance.ts)",
    async check() {
      const sts = {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'maps', namespace: 'prop-statefulset' },
        spec: {
          serviceName: 'maps',
          selector: { matchLabels: { app: 'maps' } },
          template: {
            metadata: { labels: { app: 'maps' } },
            spec: { nodeSelector: ['linux'], containers: [{ name: 'c', image: 'nginx', resources: { limits: 'lots' } }] },
          },
        },
      };
      const res = await applyManifest(kindInfoOf('StatefulSet'), sts);
      assert.ok(res.errors, `accepted; stored template spec ${JSON.stringify(res.data?.apply.manifest.spec.template.spec)}`);
      const causes = assertRefusal(res, sts);
      for (const f of ['spec.template.spec.nodeSelector', 'spec.template.spec.containers[0].resources.limits'])
        assert.ok(
          causes.some((c) => covers(c.field, f)),
          `no cause at ${f}: ${JSON.stringify(causes)}`,
        );
    },
  },
  {
    title:
      "what the server replaces before the decoding check goes unchecked: on update the stored status (Registry.admitUpdate runs prepareForUpdate before decode) and the fields a strategy drops (a Job's spec.successPolicy), a Secret's data key that stringData overwrites; Kubernetes decodes the whole body first and refuses it",
    async check() {
      const k = kindInfoOf('Deployment');
      const m = { ...wrongTypeBaseOf(k), metadata: { name: 'status-on-update', namespace: `${namespaceOf(k)}${WT}` } };
      const created = await applyManifest(k, m);
      assert.equal(created.errors, undefined, JSON.stringify(created.errors));
      const res = await applyManifest(k, { ...m, status: ['not', 'a', 'status'] });
      assert.ok(res.errors, 'a status of the wrong type on update is accepted (and ignored)');
      assert.ok(assertRefusal(res, m).some((c) => covers(c.field, 'status')));
    },
  },
  {
    title:
      'metadata the server owns (uid, creationTimestamp, generation, deletionTimestamp, deletionGracePeriodSeconds, selfLink) of the wrong type is dropped, not refused: Registry.prepareCreate deletes it before decode and admitUpdate overwrites it; Kubernetes refuses the body (json: cannot unmarshal …)',
    async check() {
      const m = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'system-metadata', namespace: 'prop-configmap', uid: 42, creationTimestamp: false, generation: 'seven' },
        data: { a: 'b' },
      };
      const res = await applyManifest(kindInfoOf('ConfigMap'), m);
      assert.ok(res.errors, 'accepted');
      const causes = assertRefusal(res, m);
      for (const f of ['metadata.uid', 'metadata.creationTimestamp', 'metadata.generation'])
        assert.ok(
          causes.some((c) => covers(c.field, f)),
          `no cause at ${f}: ${JSON.stringify(causes)}`,
        );
    },
  },
];

const kindInfoOf = (kind: string): KindInfo => KINDS.find((k) => k.kind === kind)!;

describe('a value of the wrong type at a schema path: BAD_USER_INPUT at that path, nothing written', () => {
  for (const k of KINDS) {
    test(k.kind, { timeout: 60_000 }, async (c) => {
      if (kindsWithoutManifest([k]).length) return void c.skip('no manifest (the manifest check fails)');
      const base = wrongTypeBaseOf(k);
      // The manifest is valid and stored: half the cases update it, half create another.
      const created = await applyManifest(k, base);
      assert.equal(created.errors, undefined, `the base manifest: ${JSON.stringify(created.errors)}`);
      const targets: Target[] = [];
      targetsOf(defs[kindDefinition(k.apiVersion, k.kind)!]!, base, [], new Set(), targets);
      // Not apiVersion and kind: their values say which kind (another test's business).
      const usable = targets.filter((x) => x.at[0] !== 'apiVersion' && x.at[0] !== 'kind');
      // A case is an update of the stored object or a create of another (never stored, as every
      // case is refused; a CRD's name is its plural and group, so its cases are updates).
      const wrongName = (update: boolean) => (update ? base.metadata.name : `${base.metadata.name}-new`);
      const cases = fc
        .tuple(fc.constantFrom(...usable), k.kind === 'CustomResourceDefinition' ? fc.constant(true) : fc.boolean())
        .chain(([target, update]) => wrongFor(target.expected).map((value) => ({ target, value, update })));
      await fc.assert(
        fc.asyncProperty(cases, async ({ target, value, update }) => {
          const objectName = wrongName(update);
          const namespace = k.namespaced ? base.metadata.namespace : undefined;
          const before = await readBack(k, namespace, objectName);
          assert.equal(before !== null, update, update ? 'the stored object is there' : 'no case created an object');
          const input = copyOf(base);
          input.metadata.name = objectName;
          setAt(input, target.at, value);
          const revision = await t.server.store.currentRevision();
          const res = await applyManifest(k, input);
          assert.ok(
            res.errors,
            `accepted ${JSON.stringify(value)} at ${target.field} (${target.expected} expected); stored: ${JSON.stringify(res.data?.apply?.manifest && pick(res.data.apply.manifest, target.at))}`,
          );
          const causes = assertRefusal(res, input);
          assert.ok(
            causes.some((cause) => covers(cause.field, target.field)),
            `no cause at ${target.field} or above it: ${JSON.stringify(causes)}`,
          );
          assert.equal(await t.server.store.currentRevision(), revision, 'a refused write moves no revision');
          assert.deepEqual(await readBack(k, namespace, objectName), before, 'a refused write changes nothing');
        }),
        { numRuns: WRONG_TYPE_RUNS, seed: SEED, includeErrorInReport: true },
      );
      c.diagnostic(`${usable.length} places of the wrong type to choose from`);
    });
  }
});

describe('bugs the property found, fixed (regression cases)', () => {
  for (const bug of KNOWN_BUGS) test(bug.title, () => bug.check());
});

function pick(obj: unknown, at: (string | number)[]): unknown {
  let o: any = obj; // eslint-disable-line @typescript-eslint/no-explicit-any
  for (const k of at) o = o?.[k];
  return o;
}
