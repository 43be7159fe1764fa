// Property/fuzz test (issue 3, "Done when"): thousands of random and malformed
// queries, variables, manifests, raw HTTP bodies and WebSocket frames against a real
// apiserver (JWT authentication and RBAC on). Every answer must be a typed GraphQL
// error or a success — never a crash, never a 500 or INTERNAL_SERVER_ERROR, never a
// stack trace, SQL or file path — a mutation that fails leaves the store unchanged,
// and the process stays up.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { buildSchema, getNamedType, isLeafType, isNonNullType, isObjectType } from 'graphql';
import WebSocket from 'ws';
import { startTestServer, type GraphQLResponse, type TestServer } from '../helpers/server.ts';

/** API.md's error codes, plus what Apollo itself answers for malformed HTTP requests. */
const ALLOWED_CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'CONFLICT',
  'EXPIRED',
  'TOO_MANY_REQUESTS',
  'QUERY_TOO_COMPLEX',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** Internals that must never reach a client (unless the request itself contained them: echoed input is not a leak). */
const LEAKS: [string, RegExp][] = [
  ['a stack trace', / {4}at /],
  ['a stack frame', /\bat [\w$.<>[\] ]+ \([^()\n]*:\d+:\d+\)/],
  ['a stack frame', /&nbsp;at /],
  ['SQL', /SELECT /],
  ['SQL', /INSERT /],
  ['a table name', /kubeql_/],
  ['a file path', /\/work\//],
  ['a file path', /node_modules/],
];

const NUM = (n: number) => Number(process.env.FUZZ_SCALE ?? 1) * n;

let t: TestServer;
let base: string;
/** Internal errors the apiserver logged (masked for the client, but still a bug for a fuzz input). */
const logged: { message: string; details: Record<string, unknown> }[] = [];
const stats = {
  requests: 0,
  mutations: 0,
  failedMutations: 0,
  wsOperations: 0,
  wsFrames: 0,
  codes: new Map<string, number>(),
  statuses: new Map<number, number>(),
};
const SEEDED = Array.from({ length: 20 }, (_, i) => `seed-${i}`);

// graphql-ws reports an exception thrown while it handles a message (in a hook, the context, the
// schema or the library itself) with console.error and closes the socket with 4500: an internal error.
const consoleError = console.error;
before(async () => {
  console.error = (...args: unknown[]) => {
    logged.push({ message: 'console.error', details: { error: args.map((a) => (a instanceof Error ? a.stack : String(a))).join(' ') } });
  };
  t = await startTestServer({ rateLimit: 0, logger: { error: (message, details) => logged.push({ message, details }) } });
  base = t.url.replace(/\/graphql$/, '');
  await t.ok(`mutation { createNode(node: { metadata: { name: "node-1", labels: { zone: "a" } } }) { metadata { name } } }`);
  for (const [i, name] of SEEDED.entries()) {
    await t.ok(`mutation($p: PodInput!) { createPod(pod: $p) { metadata { name } } }`, {
      p: {
        metadata: { name, labels: { app: i % 2 ? 'web' : 'db', tier: String(i % 3) } },
        spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
      },
    });
  }
  await t.ok(`mutation($m: JSON!) { apply(manifest: $m) { __typename } }`, {
    m: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
      },
    },
  });
});
after(async () => {
  await t?.stop();
  console.error = consoleError;
});

// ---------------------------------------------------------------------------------
// Sending and judging

interface Answer {
  status: number;
  contentType: string;
  text: string;
  json?: GraphQLResponse;
  closeReason?: string;
}

const clip = (s: string, n = 600) => (s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);
const count = <K>(m: Map<K, number>, k: K) => m.set(k, (m.get(k) ?? 0) + 1);

async function send(path: string, init: RequestInit): Promise<Answer> {
  stats.requests++;
  mark = logged.length;
  const res = await fetch(`${base}${path}`, init);
  const text = await res.text();
  count(stats.statuses, res.status);
  const contentType = res.headers.get('content-type') ?? '';
  let json: GraphQLResponse | undefined;
  if (/json/i.test(contentType)) {
    try {
      json = JSON.parse(text) as GraphQLResponse;
    } catch {
      /* judged below */
    }
  }
  return { status: res.status, contentType, text, json };
}

/** POSTs a body (already JSON text, so that `__proto__` keys and duplicates go over the wire as written). */
function post(body: string | Uint8Array, headers: Record<string, string> = t.adminHeaders, contentType = 'application/json'): Promise<Answer> {
  return send('/graphql', { method: 'POST', headers: { 'content-type': contentType, ...headers }, body: body as BodyInit });
}

const gqlBody = (query: string, variables?: unknown) => JSON.stringify({ query, variables });

/**
 * The verdict on one answer. `request` is what was sent (for the message, and so that
 * text the request itself contained is not mistaken for a leak). `graphql`: the answer
 * must be a GraphQL JSON response (every POST /graphql).
 */
function judge(answer: Answer, request: string, opts: { graphql?: boolean; codes?: Set<string> } = {}): void {
  const codes = opts.codes ?? ALLOWED_CODES;
  // Node's own HTTP parser refuses oversized headers or URLs (16 KB) before the application sees them: no body.
  if (answer.status === 431 && answer.text === '') return;
  const where = () =>
    `request: ${clip(request)}\nanswer ${answer.status} ${answer.contentType}: ${clip(answer.text)}${answer.closeReason !== undefined ? `\nclose reason: ${answer.closeReason}` : ''}`;
  const isGraphQL =
    answer.json !== undefined &&
    typeof answer.json === 'object' &&
    answer.json !== null &&
    !Array.isArray(answer.json) &&
    ('data' in answer.json || 'errors' in answer.json);
  if (opts.graphql) assert.ok(isGraphQL, `not a GraphQL JSON response\n${where()}`);
  if (isGraphQL) {
    const errors = answer.json!.errors;
    if (errors !== undefined) {
      assert.ok(Array.isArray(errors) && errors.length > 0, `"errors" must be a non-empty list\n${where()}`);
      for (const e of errors) {
        const code = e?.extensions?.code;
        count(stats.codes, String(code));
        assert.equal(typeof e.message, 'string', `an error without a message\n${where()}`);
        assert.notEqual(code, 'INTERNAL_SERVER_ERROR', `INTERNAL_SERVER_ERROR${loggedCause()}\n${where()}`);
        assert.ok(typeof code === 'string' && codes.has(code), `error code ${String(code)} is not one of ${[...codes].join(' ')}\n${where()}`);
      }
    } else {
      assert.ok(answer.json!.data !== undefined, `neither data nor errors\n${where()}`);
    }
  }
  // A 5xx is only acceptable as a GraphQL response whose every error is typed (checked above).
  if (answer.status >= 500) assert.ok(isGraphQL && answer.json!.errors?.length, `HTTP ${answer.status}${loggedCause()}\n${where()}`);
  for (const [what, re] of LEAKS) {
    if (re.test(answer.text) && !re.test(request)) assert.fail(`the answer leaks ${what}\n${where()}`);
    if (answer.closeReason && re.test(answer.closeReason) && !re.test(request)) assert.fail(`the close reason leaks ${what}\n${where()}`);
  }
}

/** Where the log stood when the request under judgement was sent. */
let mark = 0;
const freshLogs = () => logged.slice(mark).map((l) => String(l.details.error ?? JSON.stringify(l.details)));
/** The server-side cause of the latest internal errors, for failure messages. */
function loggedCause(): string {
  const fresh = freshLogs();
  return fresh.length ? ` — server logged: ${fresh.map((l) => clip(l, 400)).join(' | ')}` : '';
}
/** No internal error was logged while handling the request (the client saw a masked one, or none). */
function noInternalLogged(request: string): void {
  const fresh = freshLogs();
  assert.equal(fresh.length, 0, `the server logged an internal error for: ${clip(request)}\n${fresh.map((l) => clip(l, 800)).join('\n')}`);
}

/** A query (or anything that must not write): judged. */
async function query(body: string, headers?: Record<string, string>, codes?: Set<string>): Promise<Answer> {
  const answer = await post(body, headers);
  judge(answer, body, { graphql: true, codes });
  noInternalLogged(body);
  return answer;
}

const onlyErrors = (r?: GraphQLResponse) => Boolean(r?.errors?.length) && (r!.data == null || Object.values(r!.data).every((v) => v === null));

/** A mutation: judged, and when it failed (or was a dry run) the cluster's revision did not move. */
async function mutate(body: string, headers?: Record<string, string>, opts: { dryRun?: boolean; codes?: Set<string> } = {}): Promise<Answer> {
  stats.mutations++;
  const before = await t.server.store.currentRevision();
  const answer = await post(body, headers);
  judge(answer, body, { graphql: true, codes: opts.codes });
  noInternalLogged(body);
  const failed = onlyErrors(answer.json);
  if (failed) stats.failedMutations++;
  if (failed || opts.dryRun) {
    const now = await t.server.store.currentRevision();
    assert.equal(
      now,
      before,
      `a ${failed ? 'failed' : 'dry-run'} mutation changed the store (revision ${before} → ${now})\nrequest: ${clip(body)}\nanswer: ${clip(answer.text)}`,
    );
  }
  return answer;
}

// CI gates on a fixed seed, so a landing never hinges on a lucky draw; everywhere else
// every run explores new inputs. A failure's report names its seed: FUZZ_SEED=… replays it.
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : process.env.CI ? 20261128 : undefined;
const run = <T>(arb: fc.Arbitrary<T>, numRuns: number, property: (v: T) => Promise<void>) =>
  fc.assert(fc.asyncProperty(arb, property), { numRuns: NUM(numRuns), includeErrorInReport: true, ...(SEED === undefined ? {} : { seed: SEED }) });

// ---------------------------------------------------------------------------------
// Generators

const NASTY = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u0001\u001f',
  '\ud800',
  '\udfff',
  '😀',
  '\u202e',
  '\n',
  '\r\n',
  '\t',
  "' OR '1'='1",
  "'; drop table pods; --",
  '" OR 1=1 --',
  "1' union select object from x --",
  "') OR ('a'='a",
  '$1',
  '$1::text',
  '%',
  '_',
  '\\',
  '\\\\x',
  "E'\\\\'",
  '../../etc/passwd',
  '/',
  '.',
  '..',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '{}',
  '[]',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-1',
  '0',
  '-0',
  '1e400',
  '9'.repeat(40),
  '9007199254740993',
  '0x10',
  'x'.repeat(64),
  'x'.repeat(254),
  'x'.repeat(300),
  'x'.repeat(70_000),
  '${jndi:ldap://x}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  'default',
  'kube-system',
  'web',
  'node-1',
  ...SEEDED.slice(0, 3),
];

const nasty = fc.constantFrom(...NASTY);
const weird: fc.Arbitrary<string> = fc.oneof(
  nasty,
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: fc.constantFrom('a', 'b', '-', '.', '/', '_', '0', '\u0000', "'", '"') }),
);

/** Label/field selector-ish text: tokens of the selector grammar, shuffled. */
const selector: fc.Arbitrary<string> = fc.oneof(
  weird,
  fc
    .array(
      fc.constantFrom(
        'app',
        'tier',
        'web',
        'db',
        '0',
        '1',
        '=',
        '==',
        '!=',
        ',',
        ' in ',
        ' notin ',
        'in',
        '(',
        ')',
        '!',
        ' ',
        '',
        'a.b/c',
        'example.com/x',
        'x'.repeat(64),
        '\u0000',
        "'",
        '"',
        '\\',
        '%',
        ';',
        '--',
        'metadata.name',
        'metadata.namespace',
        'spec.nodeName',
        'status.phase',
        'metadata.labels.app',
        'Running',
        'seed-1',
        'default',
        ' or 1=1',
        '$1',
        'exists',
        '>',
        '<',
        'gt',
        '~',
      ),
      { maxLength: 14 },
    )
    .map((a) => a.join('')),
);

const name: fc.Arbitrary<string> = fc.oneof(fc.constantFrom(...SEEDED), weird, fc.stringMatching(/^[a-z0-9]([-a-z0-9.]{0,20}[a-z0-9])?$/));

const json = fc.jsonValue({ maxDepth: 4 });
/** Anything JavaScript (undefined, NaN, -0, sparse arrays, null-prototype objects …) as it survives JSON.stringify. */
const anything = fc.anything({ maxDepth: 3, withNullPrototype: true, withSparseArray: true, withBoxedValues: true });

const KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '',
  ' ',
  'kind',
  'apiVersion',
  'metadata',
  'spec',
  'status',
  'name',
  'containers',
  'x'.repeat(300),
  '\u0000',
  'a.b/c',
  '$where',
];
const key = fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 12 }));

/**
 * JSON text built by hand, so that `__proto__` and duplicate keys go over the wire
 * literally (JSON.stringify would drop or merge them).
 */
const { jsonText } = fc.letrec<{ jsonText: string; arr: string; obj: string }>((tie) => ({
  jsonText: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    json.map((v) => JSON.stringify(v)),
    tie('arr'),
    tie('obj'),
  ),
  arr: fc.array(tie('jsonText'), { maxLength: 5 }).map((a) => `[${a.join(',')}]`),
  obj: fc.array(fc.tuple(key, tie('jsonText')), { maxLength: 6 }).map((es) => `{${es.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
}));

/** Deeply nested arrays/objects, as text. */
const deepText = fc
  .tuple(fc.integer({ min: 100, max: 20_000 }), fc.boolean())
  .map(([n, arrays]) => (arrays ? `${'['.repeat(n)}${']'.repeat(n)}` : `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`));

/** A JSON-ish value as text: plain JSON, JavaScript oddities, hand-built text with prototype keys, or deep nesting. */
const valueText: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: json.map((v) => JSON.stringify(v)), weight: 3 },
  { arbitrary: anything.map((v) => JSON.stringify(v) ?? 'null'), weight: 2 },
  { arbitrary: jsonText, weight: 3 },
  {
    arbitrary: fc.constantFrom('{"__proto__":{"polluted":"yes"}}', '{"constructor":{"prototype":{"polluted":"yes"}}}', '{"a":1,"a":[2]}', '1e400', '-0', '""'),
    weight: 1,
  },
  { arbitrary: deepText, weight: 1 },
);

const quantity = fc.oneof(
  fc.constantFrom(
    '100m',
    '1',
    '0',
    '-1',
    '1Gi',
    '64Mi',
    '1e3',
    '1E400',
    '0.0000000001',
    '9'.repeat(30) + 'Ki',
    '1.5.5',
    'abc',
    '',
    ' 1',
    '1 Gi',
    '1ki',
    '∞',
    'NaN',
    '1e-400',
    '0x1',
    '+1',
    '.5',
    '5.',
  ),
  fc.double().map(String),
  json,
);
const resources = fc.record(
  {
    requests: fc.oneof(
      fc.dictionary(fc.constantFrom('cpu', 'memory', 'ephemeral-storage', 'nvidia.com/gpu', '', '__proto__', 'x y'), quantity, { maxKeys: 3 }),
      json,
    ),
    limits: fc.oneof(fc.dictionary(fc.constantFrom('cpu', 'memory', 'pods'), quantity, { maxKeys: 3 }), json),
  },
  { requiredKeys: [] },
);
const container = fc.oneof(
  fc.record(
    {
      name: fc.oneof(name, json),
      image: fc.oneof(fc.constant('nginx'), weird, json),
      command: fc.oneof(fc.array(weird, { maxLength: 3 }), json),
      ports: fc.oneof(
        fc.array(
          fc.record(
            { containerPort: fc.oneof(fc.integer(), json), protocol: fc.oneof(fc.constantFrom('TCP', 'UDP', 'SCTP', 'HTTP'), weird), name: weird },
            { requiredKeys: [] },
          ),
          { maxLength: 3 },
        ),
        json,
      ),
      resources: fc.oneof(resources, json),
      env: fc.oneof(fc.array(fc.record({ name: weird, value: fc.oneof(weird, json) }, { requiredKeys: [] }), { maxLength: 3 }), json),
    },
    { requiredKeys: [] },
  ),
  json,
);
/** Something shaped like a PodSpec, wrong in random places. */
const podSpec = fc.oneof(
  {
    arbitrary: fc.record(
      {
        containers: fc.oneof(fc.array(container, { maxLength: 3 }), json),
        initContainers: fc.oneof(fc.array(container, { maxLength: 2 }), json),
        nodeName: fc.oneof(name, json),
        restartPolicy: fc.oneof(fc.constantFrom('Always', 'OnFailure', 'Never', 'Sometimes'), json),
        terminationGracePeriodSeconds: fc.oneof(fc.integer(), fc.double(), json),
        activeDeadlineSeconds: fc.oneof(fc.integer(), fc.double(), json),
        priority: fc.oneof(fc.integer(), json),
        nodeSelector: fc.oneof(fc.dictionary(key, weird, { maxKeys: 3 }), json),
        tolerations: fc.oneof(fc.array(fc.dictionary(key, json, { maxKeys: 3 }), { maxLength: 2 }), json),
        volumes: json,
        serviceAccountName: fc.oneof(name, json),
        hostNetwork: fc.oneof(fc.boolean(), json),
      },
      { requiredKeys: [] },
    ),
    weight: 4,
  },
  { arbitrary: json, weight: 1 },
);
const labels = fc.oneof(
  fc.dictionary(fc.oneof(key, fc.stringMatching(/^([a-z0-9.-]{1,20}\/)?[A-Za-z0-9._-]{0,70}$/)), fc.oneof(weird, json), { maxKeys: 4 }),
  fc.integer({ min: 100, max: 3000 }).map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, `v${i}`]))), // huge
  fc.constant({ big: 'x'.repeat(200_000) }),
  json,
);
const metadata = fc.oneof(
  {
    arbitrary: fc.record(
      {
        name: fc.oneof(name, json),
        generateName: fc.oneof(weird, json),
        namespace: fc.oneof(fc.constantFrom('default', 'kube-system', 'nope'), weird, json),
        labels,
        annotations: fc.oneof(fc.dictionary(key, fc.oneof(weird, json), { maxKeys: 3 }), json),
        resourceVersion: fc.oneof(weird, json),
        uid: fc.oneof(weird, json),
        finalizers: fc.oneof(fc.array(weird, { maxLength: 3 }), json),
        ownerReferences: fc.oneof(
          fc.array(fc.dictionary(fc.constantFrom('apiVersion', 'kind', 'name', 'uid', 'controller', 'blockOwnerDeletion', 'x'), json, { maxKeys: 6 }), {
            maxLength: 2,
          }),
          json,
        ),
        deletionTimestamp: fc.oneof(weird, json),
        creationTimestamp: fc.oneof(weird, json),
        generation: fc.oneof(fc.integer(), json),
      },
      { requiredKeys: [] },
    ),
    weight: 4,
  },
  { arbitrary: json, weight: 1 },
);

const KINDS = [
  'Pod',
  'ReplicaSet',
  'Deployment',
  'Service',
  'EndpointSlice',
  'Event',
  'Lease',
  'Role',
  'RoleBinding',
  'ServiceAccount',
  'Namespace',
  'Node',
  'ClusterRole',
  'ClusterRoleBinding',
];
const API_VERSIONS = [
  'v1',
  'apps/v1',
  'rbac.authorization.k8s.io/v1',
  'coordination.k8s.io/v1',
  'discovery.k8s.io/v1',
  'events.k8s.io/v1',
  'v2',
  'apps/v1beta1',
  '',
];
/** A manifest: plausible kind/apiVersion/metadata/spec, wrong in random places. Names avoid the bootstrap policy. */
const manifestObject = fc
  .record(
    {
      apiVersion: fc.oneof(fc.constantFrom(...API_VERSIONS), weird, json),
      kind: fc.oneof(fc.constantFrom(...KINDS), fc.constantFrom('pod', 'Secret', 'Resource', 'PodList', 'List', '__proto__', ''), weird, json),
      metadata,
      spec: fc.oneof(podSpec, fc.dictionary(key, json, { maxKeys: 5 }), json),
      status: json,
      data: json,
      rules: fc.oneof(
        fc.array(
          fc.record(
            {
              verbs: fc.oneof(fc.array(fc.constantFrom('*', 'get', 'list', 'escalate', 'bind', 'nope'), { maxLength: 3 }), json),
              resources: fc.oneof(fc.array(fc.constantFrom('*', 'pods', 'pods/status', 'secrets'), { maxLength: 3 }), json),
              apiGroups: fc.oneof(fc.constant(['', '*']), json),
            },
            { requiredKeys: [] },
          ),
          { maxLength: 2 },
        ),
        json,
      ),
      subjects: json,
      roleRef: fc.oneof(
        fc.record(
          {
            kind: fc.constantFrom('ClusterRole', 'Role', 'x'),
            name: fc.constantFrom('cluster-admin', 'view', 'nope'),
            apiGroup: fc.constantFrom('rbac.authorization.k8s.io', ''),
          },
          { requiredKeys: [] },
        ),
        json,
      ),
    },
    { requiredKeys: [] },
  )
  .filter((m) => {
    // String() would throw on a generated name without a prototype: compare strings only.
    const name = m.metadata && typeof m.metadata === 'object' ? (m.metadata as Record<string, unknown>).name : undefined;
    return !(typeof name === 'string' && ['cluster-admin', 'admin', 'edit', 'view'].includes(name));
  });

/** Puts literal prototype-pollution keys into the JSON text of an object. */
const POLLUTE = ['"__proto__":{"polluted":"yes"},', '"constructor":{"prototype":{"polluted":"yes"}},', '"__proto__":null,', '"__proto__":[1],'];
const pollutedText = (text: string, where: number, what: number) => {
  const spots = [...text.matchAll(/\{(?!\})/g)].map((m) => m.index!);
  if (!spots.length) return text;
  const at = spots[where % spots.length] + 1;
  return `${text.slice(0, at)}${POLLUTE[what % POLLUTE.length]}${text.slice(at)}`;
};
const noisyManifestText: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: manifestObject.map((m) => JSON.stringify(m)), weight: 4 },
  { arbitrary: fc.tuple(manifestObject, fc.nat(), fc.nat()).map(([m, w, x]) => pollutedText(JSON.stringify(m), w, x)), weight: 2 },
  { arbitrary: valueText, weight: 2 },
);

// Valid objects of every kind, perturbed in up to three random places: most inputs get
// past the first checks and reach the deeper layers (defaults, admission, quantities,
// the store), unlike objects that are wrong everywhere.
const TEMPLATE = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
const BASES: Record<string, (name: string) => Record<string, unknown>> = {
  Pod: (n) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: n, labels: { app: 'web' }, annotations: { note: 'x' } },
    spec: {
      containers: [
        {
          name: 'c',
          image: 'nginx',
          command: ['sh'],
          ports: [{ containerPort: 80, protocol: 'TCP' }],
          resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } },
          env: [{ name: 'A', value: 'b' }],
        },
      ],
      restartPolicy: 'Always',
      tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }],
      nodeSelector: { zone: 'a' },
    },
  }),
  Deployment: (n) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: n },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
      template: TEMPLATE,
    },
  }),
  ReplicaSet: (n) => ({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: n },
    spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: TEMPLATE },
  }),
  Service: (n) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: n },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }], type: 'ClusterIP' },
  }),
  EndpointSlice: (n) => ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: n, labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready: true } }],
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  }),
  Event: (n) => ({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: n },
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'seed-0' },
    reason: 'Started',
    message: 'hello',
    type: 'Normal',
    count: 1,
  }),
  Lease: (n) => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: n }, spec: { holderIdentity: 'me', leaseDurationSeconds: 40 } }),
  Role: (n) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: n },
    rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }],
  }),
  RoleBinding: (n) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: n },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    subjects: [{ kind: 'User', name: 'someone', apiGroup: 'rbac.authorization.k8s.io' }],
  }),
  ServiceAccount: (n) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: n } }),
  Namespace: (n) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: n, labels: { team: 'a' } } }),
  Node: (n) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: n, labels: { zone: 'a' } },
    spec: { taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] },
    status: { capacity: { cpu: '4', memory: '8Gi', pods: '110' } },
  }),
  ClusterRole: (n) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: n },
    rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
  }),
  ClusterRoleBinding: (n) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: n },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    subjects: [{ kind: 'User', name: 'someone', apiGroup: 'rbac.authorization.k8s.io' }],
  }),
};
const POD_STATUS = {
  phase: 'Running',
  podIP: '10.0.0.7',
  hostIP: '192.168.0.1',
  startTime: '2024-01-01T00:00:00Z',
  conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z' }],
  containerStatuses: [
    { name: 'c', ready: true, restartCount: 0, image: 'nginx', imageID: 'sha256:0', started: true, state: { running: { startedAt: '2024-01-01T00:00:00Z' } } },
  ],
};

type Path = (string | number)[];
const allPaths = (v: unknown, prefix: Path = [], out: Path[] = []): Path[] => {
  out.push(prefix);
  const container = Array.isArray(v) || Object.prototype.toString.call(v) === '[object Object]'; // not boxed primitives
  if (container) for (const k of Object.keys(v as object)) allPaths((v as Record<string, unknown>)[k], [...prefix, Array.isArray(v) ? Number(k) : k], out);
  return out;
};
/** An own, enumerable property even for `__proto__` (so that JSON.stringify writes it). */
const define = (o: object, k: string | number, v: unknown) => {
  try {
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  } catch {
    /* frozen or exotic: leave it */
  }
};
const copy = (v: unknown): unknown => {
  try {
    return structuredClone(v);
  } catch {
    return v;
  }
};
interface Mutation {
  op: 'set' | 'delete' | 'add';
  at: number;
  key: string;
  value: unknown;
}
function perturb(base: unknown, mutations: Mutation[]): unknown {
  const root = structuredClone(base);
  for (const m of mutations) {
    const paths = allPaths(root).slice(1);
    if (!paths.length) break;
    const path = paths[m.at % paths.length];
    const parent = path
      .slice(0, -1)
      .reduce<Record<string | number, unknown>>((o, k) => o[k] as Record<string | number, unknown>, root as Record<string, unknown>);
    const last = path[path.length - 1];
    const target = parent[last];
    if (m.op === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else if (m.op === 'add' && Array.isArray(target)) target.push(copy(m.value));
    else if (m.op === 'add' && target !== null && typeof target === 'object') define(target, m.key, copy(m.value));
    else define(parent, last, copy(m.value));
  }
  return root;
}
/** Markers for values too deep to build as objects (JSON.stringify would overflow first): expanded in the text. */
const DEEP = /"@@deep-(\d+)-(a|o)@@"/g;
const expandDeep = (text: string) =>
  text.replace(DEEP, (_m, n: string, k: string) =>
    k === 'a' ? `${'['.repeat(Number(n))}${']'.repeat(Number(n))}` : `${'{"a":'.repeat(Number(n))}1${'}'.repeat(Number(n))}`,
  );
const stringify = (v: unknown) => expandDeep(JSON.stringify(v) ?? 'null');

const mutantValue: fc.Arbitrary<unknown> = fc.oneof(
  weird,
  json,
  quantity,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  anything,
  fc.constantFrom(null, [], {}, '', -1, 0, 1.5, 2 ** 31, 2 ** 53 + 2, 1e308, [null], [{}], ['x'], { '': '' }, { __proto__: null, polluted: 'yes' }),
  labels,
  fc.tuple(fc.integer({ min: 1000, max: 20_000 }), fc.constantFrom('a', 'o')).map(([n, k]) => `@@deep-${n}-${k}@@`),
);
const mutation: fc.Arbitrary<Mutation> = fc.record({ op: fc.constantFrom('set', 'set', 'delete', 'add'), at: fc.nat(), key, value: mutantValue });
const mutations = fc.array(mutation, { maxLength: 3 });
const fzName = fc.stringMatching(/^[a-z0-9]{1,8}$/).map((s) => `fz-${s}`);
const perturbedOf = (make: (n: string) => unknown, names = fzName) => fc.tuple(names, mutations).map(([n, ms]) => stringify(perturb(make(n), ms)));
const perturbedManifest = fc.constantFrom(...Object.keys(BASES)).chain((kind) => perturbedOf(BASES[kind]));
const manifestText: fc.Arbitrary<string> = fc.oneof({ arbitrary: perturbedManifest, weight: 3 }, { arbitrary: noisyManifestText, weight: 1 });

// ---------------------------------------------------------------------------------
// Valid documents (for truncation) and garbage ones

const VALID_QUERIES = [
  '{ pods(limit: 5) { items { metadata { name labels } spec { containers { name image } } } metadata { continue resourceVersion } } }',
  'query Q($n: String!) { pod(name: $n) { metadata { name uid resourceVersion } node { metadata { name } } owner { __typename } events { message } } }',
  '{ nodes { items { metadata { name } pods { metadata { name } } allocated } } }',
  'mutation { createPod(pod: { metadata: { name: "x" }, spec: { containers: [{ name: "c", image: "nginx" }] } }) { metadata { name } } }',
  'mutation { patchPod(name: "seed-0", patch: { metadata: { labels: { a: "b" } } }, type: MERGE) { metadata { labels } } }',
  'mutation { deletePod(name: "nope", gracePeriodSeconds: 0, preconditions: { uid: "u" }) { metadata { name } } }',
  'mutation { apply(manifest: { apiVersion: "v1", kind: "Pod", metadata: { name: "a" } }, dryRun: true) { __typename ... on Pod { metadata { name } } } }',
  'query { __schema { types { name fields { name } } } }',
  '{ whoami { username groups } can(verb: "get", resource: "pods") }',
  'fragment F on Pod { metadata { name } } query { pods { items { ...F } } }',
  '{ deployments { items { replicaSets { pods { metadata { name } } } } } }',
];
const TOKENS = [
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  'query',
  'mutation',
  'subscription',
  'fragment',
  'on',
  '...',
  '$',
  '$x',
  '!',
  ':',
  '=',
  '@',
  '@skip(if: true)',
  '@include(if: $x)',
  '"',
  '"""',
  '#',
  ',',
  '\n',
  'pods',
  'pod',
  'items',
  'metadata',
  'name',
  '__schema',
  '__type',
  '__typename',
  'createPod',
  'deletePod',
  'patchPod',
  'apply',
  'limit: 1',
  'limit: -1',
  'limit: 99999999999',
  '1e999',
  'null',
  'true',
  'String',
  'Int!',
  'JSON',
  'PodInput',
  '"\\u0000"',
  '"\\ud800"',
  'x',
  'a: pods',
  '&',
  '|',
];
const garbageDocument: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }).map((a) => a.join(' ')),
  // a valid document cut short, optionally with a character spliced in
  fc
    .tuple(fc.constantFrom(...VALID_QUERIES), fc.nat(), fc.option(fc.string({ unit: 'binary', minLength: 1, maxLength: 3 })))
    .map(([q, at, s]) => q.slice(0, at % (q.length + 1)) + (s ?? '')),
  fc.tuple(fc.constantFrom(...VALID_QUERIES), fc.nat(), fc.string({ unit: 'binary', minLength: 1, maxLength: 3 })).map(([q, at, s]) => {
    const i = at % q.length;
    return q.slice(0, i) + s + q.slice(i + 1);
  }),
  // nesting and repetition
  fc.integer({ min: 1, max: 20_000 }).map((n) => `${'{'.repeat(n)}${'}'.repeat(n)}`),
  fc
    .integer({ min: 1, max: 3000 })
    .map((n) => `{ ${'pods { items { owner { ... on Pod { '.repeat(Math.ceil(n / 30))}__typename${' } } } }'.repeat(Math.ceil(n / 30))} }`),
  fc.integer({ min: 1, max: 3000 }).map((n) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: whoami { username }`).join(' ')} }`),
  fc.integer({ min: 1, max: 3000 }).map((n) => `{ pods(labelSelector: ${'['.repeat(n)}"x"${']'.repeat(n)}) { metadata { resourceVersion } } }`),
  fc.integer({ min: 1, max: 3000 }).map((n) => `{ __typename ${'@skip(if: false) '.repeat(n)} }`),
  fc
    .integer({ min: 1, max: 2000 })
    .map((n) => `query ${Array.from({ length: n }, (_, i) => `$v${i}: Int`).join(' ')} { __typename }`.replace('query ', 'query (').replace(' {', ') {')),
  fc.integer({ min: 1, max: 500 }).map((n) => `${Array.from({ length: n }, (_, i) => `fragment F${i} on Query { ...F${(i + 1) % n} }`).join(' ')} { ...F0 }`),
);

// ---------------------------------------------------------------------------------
// Properties

test('garbage query documents (admin)', async () => {
  await run(fc.tuple(garbageDocument, fc.option(valueText)), 700, async ([doc, vars]) => {
    const body = vars === null ? gqlBody(doc) : `{"query":${JSON.stringify(doc)},"variables":${vars}}`;
    // A garbage document may parse as a mutation: judge it as one.
    await mutate(body);
  });
});

test('query fields with random variables and inline literals (selectors, paging, names)', async () => {
  const LISTS = ['pods', 'deployments', 'replicaSets', 'services', 'events', 'leases', 'roles', 'roleBindings', 'serviceAccounts', 'endpointSlices'];
  const CLUSTER_LISTS = ['nodes', 'namespaces', 'clusterRoles', 'clusterRoleBindings'];
  const token = fc.oneof(
    weird,
    jsonText.map((s) => Buffer.from(s).toString('base64url')),
    fc
      .record(
        {
          v: fc.oneof(fc.constant(1), json),
          kind: fc.oneof(fc.constantFrom(...KINDS), weird),
          rev: fc.oneof(fc.integer(), fc.constant(Number.MAX_SAFE_INTEGER), fc.constant(-1), fc.double(), json),
          ns: fc.oneof(fc.constantFrom('default', ''), weird, json),
          name: fc.oneof(name, json),
        },
        { requiredKeys: [] },
      )
      .map((o) => Buffer.from(JSON.stringify(o)).toString(Math.random() < 0.5 ? 'base64url' : 'base64')),
  );
  const limit = fc.oneof(fc.integer(), fc.constantFrom(0, -1, 1, 5000, 5001, 2 ** 31 - 1, -(2 ** 31)), anything);
  const variant = fc.oneof(
    fc.record({
      kind: fc.constant('ns' as const),
      list: fc.constantFrom(...LISTS),
      vars: fc.record(
        {
          ns: fc.oneof(weird, anything),
          ls: fc.oneof(selector, anything),
          fs: fc.oneof(selector, anything),
          limit,
          c: fc.oneof(token, anything),
          all: fc.oneof(fc.boolean(), anything),
        },
        { requiredKeys: [] },
      ),
    }),
    fc.record({
      kind: fc.constant('cluster' as const),
      list: fc.constantFrom(...CLUSTER_LISTS),
      vars: fc.record({ ls: fc.oneof(selector, anything), fs: fc.oneof(selector, anything), limit, c: fc.oneof(token, anything) }, { requiredKeys: [] }),
    }),
    fc.record({ kind: fc.constant('inline' as const), list: fc.constantFrom(...LISTS), vars: fc.record({ ls: selector, fs: selector, ns: weird, c: token }) }),
    fc.record({
      kind: fc.constant('get' as const),
      list: fc.constantFrom('pod', 'deployment', 'lease', 'role'),
      vars: fc.record({ ns: fc.oneof(weird, anything), n: fc.oneof(name, anything) }, { requiredKeys: [] }),
    }),
    fc.record({
      kind: fc.constant('getCluster' as const),
      list: fc.constantFrom('node', 'namespace', 'clusterRole'),
      vars: fc.record({ n: fc.oneof(name, anything) }, { requiredKeys: [] }),
    }),
    fc.record({
      kind: fc.constant('can' as const),
      list: fc.constant('can'),
      vars: fc.record(
        {
          verb: fc.oneof(weird, anything),
          resource: fc.oneof(fc.constantFrom('pods', 'pods/status', '*', 'nodes/proxy'), weird, anything),
          ns: fc.oneof(weird, anything),
          n: fc.oneof(name, anything),
        },
        { requiredKeys: [] },
      ),
    }),
    fc.record({
      kind: fc.constant('relations' as const),
      list: fc.constant('namespace'),
      vars: fc.record({ n: fc.oneof(fc.constant('default'), name), ls: fc.oneof(selector, anything), fs: fc.oneof(selector, anything) }, { requiredKeys: [] }),
    }),
  );
  await run(variant, 500, async ({ kind, list, vars }) => {
    const v = vars as Record<string, unknown>;
    let doc: string;
    switch (kind) {
      case 'ns':
        doc = `query($ns: String, $ls: String, $fs: String, $limit: Int, $c: String, $all: Boolean) { ${list}(namespace: $ns, labelSelector: $ls, fieldSelector: $fs, limit: $limit, continue: $c, allNamespaces: $all) { items { metadata { name namespace resourceVersion labels } } metadata { continue resourceVersion remainingItemCount } } }`;
        break;
      case 'cluster':
        doc = `query($ls: String, $fs: String, $limit: Int, $c: String) { ${list}(labelSelector: $ls, fieldSelector: $fs, limit: $limit, continue: $c) { items { metadata { name } } metadata { continue resourceVersion } } }`;
        break;
      case 'inline':
        doc = `{ ${list}(namespace: ${JSON.stringify(v.ns)}, labelSelector: ${JSON.stringify(v.ls)}, fieldSelector: ${JSON.stringify(v.fs)}, continue: ${JSON.stringify(v.c)}) { items { metadata { name } } } }`;
        break;
      case 'get':
        doc = `query($ns: String, $n: String!) { ${list}(namespace: $ns, name: $n) { metadata { name uid } manifest } }`;
        break;
      case 'getCluster':
        doc = `query($n: String!) { ${list}(name: $n) { metadata { name uid } manifest } }`;
        break;
      case 'can':
        doc = 'query($verb: String!, $resource: String!, $ns: String, $n: String) { can(verb: $verb, resource: $resource, namespace: $ns, name: $n) }';
        break;
      default:
        doc =
          'query($n: String!, $ls: String, $fs: String) { namespace(name: $n) { metadata { name } deployments(labelSelector: $ls) { metadata { name } } pods(labelSelector: $ls, fieldSelector: $fs) { metadata { name } node { metadata { name } pods { metadata { name } } } owner { __typename } events { message } } } }';
    }
    await query(JSON.stringify({ query: doc, variables: v }));
  });
});

test('createPod / replacePod / updatePodStatus / bindPod with random and malformed variables', async () => {
  const noisyPodInput = fc.record(
    { apiVersion: fc.oneof(fc.constantFrom('v1', 'v2'), json), kind: fc.oneof(fc.constantFrom('Pod', 'Node'), json), metadata, spec: podSpec, status: json },
    { requiredKeys: [] },
  );
  const podInput = fc.oneof(
    { arbitrary: perturbedOf(BASES.Pod), weight: 6 },
    { arbitrary: noisyPodInput.map((p) => JSON.stringify(p)), weight: 2 },
    { arbitrary: fc.tuple(noisyPodInput, fc.nat(), fc.nat()).map(([p, w, x]) => pollutedText(JSON.stringify(p), w, x)), weight: 1 },
    { arbitrary: valueText, weight: 1 },
  );
  const status = fc.oneof(
    { arbitrary: fc.tuple(fc.constant(null), mutations).map(([, ms]) => stringify(perturb(POD_STATUS, ms))), weight: 3 },
    { arbitrary: valueText, weight: 1 },
  );
  const variant = fc.oneof(
    fc.record({ op: fc.constant('create'), vars: podInput.map((p) => `{"p":${p}}`) }),
    // replace a pod that exists, usually without a resourceVersion (else: CONFLICT)
    fc.record({ op: fc.constant('replace'), vars: fc.oneof(perturbedOf(BASES.Pod, fc.constantFrom(...SEEDED)), valueText).map((p) => `{"p":${p}}`) }),
    fc.record({
      op: fc.constant('status'),
      vars: fc
        .tuple(fc.oneof(fc.constantFrom(...SEEDED), name), status, fc.option(fc.oneof(weird, fc.nat().map(String)), { freq: 2 }))
        .map(([n, st, rv]) => `{"n":${JSON.stringify(n)},"s":${st},"rv":${JSON.stringify(rv)}}`),
    }),
    fc.record({
      op: fc.constant('bind'),
      vars: fc.tuple(fc.oneof(fc.constantFrom(...SEEDED), name), fc.oneof(fc.constant('node-1'), weird)).map(([n, node]) => JSON.stringify({ n, node })),
    }),
  );
  await run(variant, 700, async ({ op, vars }) => {
    const doc = {
      create: 'mutation($p: PodInput!) { createPod(pod: $p) { metadata { name uid labels } spec { containers { name image } } status { qosClass } manifest } }',
      replace: 'mutation($p: PodInput!) { replacePod(pod: $p) { metadata { name resourceVersion } spec { containers { name image } } } }',
      status: 'mutation($n: String!, $s: JSON!, $rv: String) { updatePodStatus(name: $n, status: $s, resourceVersion: $rv) { status { phase } } }',
      bind: 'mutation($n: String!, $node: String!) { bindPod(name: $n, nodeName: $node) { spec { nodeName } } }',
    }[op];
    await mutate(`{"query":${JSON.stringify(doc)},"variables":${vars}}`);
  });
});

test('patchPod with random merge and JSON patches, including prototype keys', async () => {
  const pointers = allPaths(BASES.Pod('x'))
    .slice(1)
    .map((p) => `/${p.map((k) => String(k).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`);
  const PATHS = [
    ...pointers,
    '/spec/containers/-',
    '/spec/containers/99',
    '/metadata/labels/x',
    '/metadata/uid',
    '/metadata/resourceVersion',
    '/metadata/namespace',
    '/status/phase',
    '/metadata/__proto__/polluted',
    '/__proto__/polluted',
    '/constructor/prototype/polluted',
    '/spec/constructor/prototype/polluted',
    '',
    '/',
    '~1',
    '/~2',
    '/a~1b',
    '/spec/containers/-1',
    '/spec/containers/01',
    '/spec/containers/1e1',
  ];
  const op = fc.record(
    {
      op: fc.oneof(
        { arbitrary: fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test'), weight: 6 },
        { arbitrary: fc.oneof(fc.constantFrom('_get', 'bogus', 'ADD'), json), weight: 1 },
      ),
      path: fc.oneof({ arbitrary: fc.constantFrom(...PATHS), weight: 6 }, { arbitrary: fc.oneof(weird, json), weight: 1 }),
      from: fc.oneof(fc.constantFrom(...PATHS), weird),
      value: mutantValue,
    },
    { requiredKeys: ['op'] },
  );
  const mergeBase = {
    metadata: { labels: { app: 'web', extra: 'y' }, annotations: { a: 'b' } },
    spec: { containers: [{ name: 'c', image: 'nginx:2' }], activeDeadlineSeconds: 30 },
  };
  const patchText = fc.oneof(
    { arbitrary: fc.array(op, { maxLength: 4 }).map((ops) => stringify(ops)), weight: 4 },
    { arbitrary: fc.tuple(fc.constant(null), mutations).map(([, ms]) => stringify(perturb(mergeBase, ms))), weight: 4 },
    {
      arbitrary: fc
        .tuple(fc.record({ metadata, spec: podSpec }, { requiredKeys: [] }), fc.nat(), fc.nat())
        .map(([m, w, x]) => pollutedText(JSON.stringify(m), w, x)),
      weight: 1,
    },
    { arbitrary: valueText, weight: 2 },
  );
  const typeVar = fc.oneof(
    { arbitrary: fc.constantFrom('JSON', 'MERGE'), weight: 8 },
    { arbitrary: fc.oneof(weird, anything).map((x) => x as unknown), weight: 1 },
  );
  const ns = fc.oneof({ arbitrary: fc.constant('default'), weight: 6 }, { arbitrary: weird, weight: 1 });
  await run(
    fc.tuple(fc.oneof({ arbitrary: fc.constantFrom(...SEEDED), weight: 4 }, { arbitrary: name, weight: 1 }), ns, patchText, typeVar),
    500,
    async ([n, namespace, patch, type]) => {
      const doc =
        'mutation($n: String!, $ns: String, $patch: JSON!, $type: PatchType) { patchPod(name: $n, namespace: $ns, patch: $patch, type: $type) { metadata { name labels resourceVersion } spec { containers { image } } } }';
      await mutate(
        `{"query":${JSON.stringify(doc)},"variables":{"n":${JSON.stringify(n)},"ns":${JSON.stringify(namespace)},"patch":${patch},"type":${JSON.stringify(type) ?? 'null'}}}`,
      );
    },
  );
});

test('deletePod with random grace periods, propagation policies and preconditions', async () => {
  const variables = fc.record(
    {
      n: fc.oneof(fc.constantFrom(...SEEDED), name),
      ns: fc.oneof(fc.constant('default'), weird, anything),
      g: fc.oneof(fc.integer(), fc.constantFrom(-1, 0, 1, 2 ** 31 - 1, -(2 ** 31)), fc.double(), anything),
      pp: fc.oneof(fc.constantFrom('BACKGROUND', 'FOREGROUND', 'ORPHAN'), weird, anything),
      pre: fc.oneof(
        fc.record({ uid: fc.oneof(weird, anything), resourceVersion: fc.oneof(weird, fc.nat().map(String), anything) }, { requiredKeys: [] }),
        anything,
      ),
    },
    { requiredKeys: ['n'] },
  );
  await run(variables, 250, async (v) => {
    const doc =
      'mutation($n: String!, $ns: String, $g: Int, $pp: PropagationPolicy, $pre: Preconditions) { deletePod(name: $n, namespace: $ns, gracePeriodSeconds: $g, propagationPolicy: $pp, preconditions: $pre) { metadata { name deletionTimestamp deletionGracePeriodSeconds } } }';
    await mutate(JSON.stringify({ query: doc, variables: v }));
  });
});

test('apply / applyAll with random manifests', async () => {
  await run(fc.tuple(manifestText, fc.oneof({ arbitrary: fc.boolean(), weight: 5 }, { arbitrary: anything, weight: 1 })), 450, async ([m, dryRun]) => {
    const doc =
      'mutation($m: JSON!, $d: Boolean) { apply(manifest: $m, dryRun: $d) { __typename ... on Pod { metadata { name } spec { containers { name } } } ... on Node { metadata { name } } } }';
    await mutate(`{"query":${JSON.stringify(doc)},"variables":{"m":${m},"d":${JSON.stringify(dryRun) ?? 'null'}}}`, undefined, { dryRun: dryRun === true });
  });
  // Several manifests, the first ones sometimes valid: a failed applyAll must not have written any of them.
  const valid = fc
    .integer({ min: 0, max: 1e9 })
    .map((i) => JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `aa-${i}` }, spec: { containers: [{ name: 'c', image: 'nginx' }] } }));
  await run(fc.tuple(fc.array(fc.oneof(valid, manifestText), { maxLength: 5 }), fc.boolean()), 150, async ([ms, dryRun]) => {
    const doc = 'mutation($ms: [JSON!]!, $d: Boolean) { applyAll(manifests: $ms, dryRun: $d) { __typename } }';
    await mutate(`{"query":${JSON.stringify(doc)},"variables":{"ms":[${ms.join(',')}],"d":${dryRun}}}`, undefined, { dryRun });
  });
});

test('everything the fuzz wrote reads back (every kind, every field, relations; HTTP and WebSocket)', async () => {
  // Whatever the API accepted must serialize: a stored value that does not fit its GraphQL type is an internal error.
  const schema = buildSchema(readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8'));
  const KIND_TYPES = new Set([...Object.keys(BASES), 'Resource']);
  /** Relations: fields of a kind that lead to other objects (selected separately, or the cost limit says no). */
  const isRelation = (f: { args: readonly unknown[]; type: Parameters<typeof getNamedType>[0] }) =>
    f.args.length > 0 || KIND_TYPES.has(getNamedType(f.type)!.name);
  const selection = (typeName: string, depth: number): string => {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) return '__typename';
    const parts: string[] = ['__typename'];
    for (const f of Object.values(type.getFields())) {
      if (isRelation(f)) continue;
      const named = getNamedType(f.type);
      if (isLeafType(named)) parts.push(f.name);
      else if (depth > 0) parts.push(`${f.name} { ${isObjectType(named) ? selection(named.name, depth - 1) : '__typename'} }`);
    }
    return parts.join(' ');
  };
  const relations = (typeName: string): string => {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) return '';
    return Object.values(type.getFields())
      .filter((f) => isRelation(f) && !f.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined))
      .map((f) => `${f.name} { __typename ${isObjectType(getNamedType(f.type)) ? 'metadata { name namespace }' : ''} }`)
      .join(' ');
  };
  const queryType = schema.getQueryType()!;
  // Each kind's typed list (`pods: PodList`), not the generic `resources: ResourceList`, which needs a kind.
  const lists = Object.values(queryType.getFields()).filter(
    (f) => getNamedType(f.type).name.endsWith('List') && !f.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined),
  );
  assert.ok(lists.length >= 14, 'a list query per kind');
  const failures: string[] = [];
  let objects = 0;
  for (const f of lists) {
    const item = getNamedType(f.type).name.replace(/List$/, '');
    const all = f.args.some((a) => a.name === 'allNamespaces') ? 'allNamespaces: true, ' : '';
    for (const fields of [selection(item, 5), `metadata { name } ${relations(item)}`]) {
      // Page through everything; smaller pages when the cost limit says no.
      let done = false;
      for (const limit of [25, 5, 1]) {
        let cont: string | null = null;
        let tooComplex = false;
        try {
          do {
            const body = JSON.stringify({
              query: `query($c: String) { ${f.name}(${all}limit: ${limit}, continue: $c) { metadata { continue } items { ${fields} } } }`,
              variables: { c: cont },
            });
            const answer = await query(body);
            if (answer.json?.errors?.some((e) => e.extensions?.code === 'QUERY_TOO_COMPLEX')) {
              tooComplex = true;
              break;
            }
            assert.equal(answer.json?.errors, undefined, `reading back ${f.name} failed: ${clip(answer.text)}`);
            const page = (answer.json!.data as Record<string, { metadata: { continue: string | null }; items: unknown[] }>)[f.name];
            objects += page.items.length;
            cont = page.metadata.continue;
          } while (cont);
        } catch (err) {
          failures.push((err as Error).message);
        }
        if (!tooComplex) {
          done = true;
          break;
        }
      }
      if (!done) failures.push(`${f.name}: every selection was QUERY_TOO_COMPLEX: ${fields}`);
    }
  }
  assert.ok(objects > SEEDED.length, 'the objects were read');
  // The same objects through a watch (the WebSocket path): the initial ADDED events, and the BOOKMARK.
  const client = t.ws();
  for (const kind of ['Pod', 'Node', 'Deployment', 'ReplicaSet', 'Service', 'Namespace', 'Event']) {
    const field = `watch${kind}s`;
    mark = logged.length;
    const argNames = schema
      .getSubscriptionType()!
      .getFields()
      [field].args.map((a) => a.name);
    const args = [argNames.includes('namespace') ? 'namespace: null' : '', argNames.includes('allowBookmarks') ? 'allowBookmarks: true' : '']
      .filter(Boolean)
      .join(', ');
    const q = `subscription { ${field}${args ? `(${args})` : ''} { type object { ${selection(kind, 3)} ${relations(kind)} } } }`;
    const seen: unknown[] = [];
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        unsubscribe();
        resolve();
      }, 1000);
      const unsubscribe = client.subscribe(
        { query: q },
        {
          next: (value) => {
            seen.push(value);
            if ((value.data as Record<string, { type: string }> | undefined)?.[field]?.type === 'BOOKMARK') {
              clearTimeout(timer);
              unsubscribe();
              resolve();
            }
          },
          error: (err) => {
            seen.push({ errors: Array.isArray(err) ? err : [{ message: String((err as { reason?: string }).reason ?? err) }] });
            clearTimeout(timer);
            resolve();
          },
          complete: () => {
            clearTimeout(timer);
            resolve();
          },
        },
      );
    });
    try {
      for (const v of seen) judge({ status: 200, contentType: 'application/json', text: JSON.stringify(v), json: v as GraphQLResponse }, q, { graphql: true });
      noInternalLogged(q);
      if (['Pod', 'Node', 'Deployment', 'Namespace'].includes(kind)) assert.ok(seen.length > 0, `${field} delivered nothing (there are ${kind}s)`);
      assert.equal(
        seen.find((v) => (v as GraphQLResponse).errors),
        undefined,
        `${field} answered errors`,
      );
    } catch (err) {
      failures.push((err as Error).message);
    }
  }
  assert.deepEqual(failures, []);
});

test('raw HTTP: random bodies, content types, encodings, methods and query strings', async () => {
  const CONTENT_TYPES = [
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=utf-16',
    'application/json; charset=latin1',
    'application/json; charset=nope',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/graphql',
    'application/graphql-response+json',
    'application/xml',
    '',
    '*/*',
    'application/json, text/plain',
    'a/b; c=d',
    ';;;',
  ];
  const ACCEPTS = [
    undefined,
    'application/json',
    'application/graphql-response+json',
    'text/html',
    '*/*',
    'multipart/mixed; deferSpec=20220824',
    'text/event-stream',
    'image/png',
    ';q=x',
  ];
  const ENCODINGS = [undefined, 'identity', 'gzip', 'deflate', 'br', 'compress', 'x-nope'];
  const bodyArb = fc.oneof(
    fc.uint8Array({ maxLength: 300 }),
    fc.string({ unit: 'binary' }),
    valueText,
    fc
      .record(
        {
          query: fc.oneof(fc.constantFrom(...VALID_QUERIES), garbageDocument, anything),
          variables: anything,
          operationName: fc.oneof(weird, anything),
          extensions: fc.oneof(
            anything,
            fc.record({
              persistedQuery: fc.record(
                { version: fc.oneof(fc.constant(1), anything), sha256Hash: fc.oneof(fc.stringMatching(/^[0-9a-f]{64}$/), weird) },
                { requiredKeys: [] },
              ),
            }),
          ),
        },
        { requiredKeys: [] },
      )
      .map((b) => JSON.stringify(b) ?? ''),
    fc.array(fc.constantFrom(...VALID_QUERIES), { maxLength: 3 }).map((qs) => JSON.stringify(qs.map((query) => ({ query })))), // batches
  );
  const request = fc.record({
    method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'),
    contentType: fc.constantFrom(...CONTENT_TYPES),
    accept: fc.constantFrom(...ACCEPTS),
    encoding: fc.constantFrom(...ENCODINGS),
    preflight: fc.boolean(),
    body: bodyArb,
    search: fc.oneof(
      fc.constant(''),
      fc
        .record(
          {
            query: fc.oneof(fc.constantFrom(...VALID_QUERIES), garbageDocument),
            variables: fc.oneof(valueText, weird),
            operationName: weird,
            extensions: fc.oneof(valueText, weird),
          },
          { requiredKeys: [] },
        )
        .map((q) => `?${new URLSearchParams(q as Record<string, string>)}`),
      weird.map((s) => `?${s}`),
    ),
  });
  await run(request, 450, async (r) => {
    const headers: Record<string, string> = { ...t.adminHeaders };
    if (r.contentType) headers['content-type'] = r.contentType;
    if (r.accept) headers.accept = r.accept;
    if (r.encoding) headers['content-encoding'] = r.encoding;
    if (r.preflight) headers['apollo-require-preflight'] = 'true';
    const hasBody = r.method !== 'GET';
    const desc = `${r.method} /graphql${r.search} ${JSON.stringify(headers)} ${hasBody ? (typeof r.body === 'string' ? r.body : `bytes[${Buffer.from(r.body).toString('hex')}]`) : ''}`;
    const before = await t.server.store.currentRevision();
    let answer: Answer;
    try {
      answer = await send(`/graphql${r.search}`, { method: r.method, headers, body: hasBody ? (r.body as BodyInit) : undefined });
    } catch (err) {
      throw new Error(`the request failed at the transport level (did the server drop the connection?): ${String(err)}\n${clip(desc)}`);
    }
    // A GET serves the IDE page to browsers; anything else on /graphql answers GraphQL JSON.
    const graphql = r.method === 'POST' || (r.method !== 'OPTIONS' && !(r.method === 'GET' && /text\/html/.test(r.accept ?? '')));
    judge(answer, desc, { graphql: graphql && !(r.method === 'GET' && answer.status === 200 && /text\/html/.test(answer.contentType)) });
    noInternalLogged(desc);
    if (onlyErrors(answer.json) || r.method === 'GET')
      assert.equal(await t.server.store.currentRevision(), before, `the store changed\n${clip(desc)}\n${clip(answer.text)}`);
  });
});

test('raw HTTP: fixed malformed requests (empty, huge, GET, persisted queries, subscription over HTTP)', async () => {
  const H = { ...t.adminHeaders, 'content-type': 'application/json' };
  const huge = 5 * 1024 * 1024;
  const cases: [string, () => Promise<Answer>, boolean][] = [
    ['empty body', () => post('', t.adminHeaders), true],
    ['empty object', () => post('{}', t.adminHeaders), true],
    ['5 MB of JSON', () => post(JSON.stringify({ query: '{ whoami { username } }', variables: { x: 'a'.repeat(huge) } }), t.adminHeaders), true],
    ['5 MB of garbage', () => post('x'.repeat(huge), t.adminHeaders), true],
    ['5 MB query', () => post(JSON.stringify({ query: `{ ${'whoami { username } '.repeat(huge / 20)} }` }), t.adminHeaders), true],
    ['no content-type', () => send('/graphql', { method: 'POST', headers: t.adminHeaders, body: gqlBody('{ whoami { username } }') }), true],
    [
      'GET with a query string',
      () =>
        send(`/graphql?query=${encodeURIComponent('{ pods { items { metadata { name } } } }')}`, {
          headers: { ...t.adminHeaders, 'apollo-require-preflight': 'true' },
        }),
      true,
    ],
    [
      'GET runs no mutation',
      () =>
        send(`/graphql?query=${encodeURIComponent('mutation { deletePod(name: "seed-19") { metadata { name } } }')}`, {
          headers: { ...t.adminHeaders, 'apollo-require-preflight': 'true' },
        }),
      true,
    ],
    ['GET without CSRF header', () => send(`/graphql?query=${encodeURIComponent('{ whoami { username } }')}`, { headers: t.adminHeaders }), true],
    [
      'GET with bad variables',
      () =>
        send(`/graphql?query=${encodeURIComponent('query($n: String!) { pod(name: $n) { kind } }')}&variables=%7B%7B`, {
          headers: { ...t.adminHeaders, 'apollo-require-preflight': 'true' },
        }),
      true,
    ],
    ['subscription over HTTP', () => post(gqlBody('subscription { watchPods(resourceVersion: "1") { type } }'), t.adminHeaders), true],
    [
      'subscription over HTTP (GET)',
      () =>
        send(`/graphql?query=${encodeURIComponent('subscription { watchPods { type } }')}`, {
          headers: { ...t.adminHeaders, 'apollo-require-preflight': 'true' },
        }),
      true,
    ],
    ['APQ: unknown hash', () => post(JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } }), t.adminHeaders), true],
    [
      'APQ: unsupported version',
      () =>
        post(JSON.stringify({ query: '{ whoami { username } }', extensions: { persistedQuery: { version: 2, sha256Hash: 'f'.repeat(64) } } }), t.adminHeaders),
      true,
    ],
    [
      'APQ: hash does not match the query',
      () =>
        post(JSON.stringify({ query: '{ whoami { username } }', extensions: { persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) } } }), t.adminHeaders),
      true,
    ],
    [
      'APQ: persistedQuery not an object',
      () => post(JSON.stringify({ query: '{ whoami { username } }', extensions: { persistedQuery: 'x' } }), t.adminHeaders),
      true,
    ],
    ['IDE page', () => send('/graphql', { headers: { accept: 'text/html' } }), false],
    ['unknown path', () => send('/nope', { method: 'POST', headers: H, body: '{' }), false],
    ['HEAD', () => send('/graphql', { method: 'HEAD', headers: t.adminHeaders }), false],
  ];
  // Every case runs; the failures are reported together.
  const failures: string[] = [];
  for (const [label, call, graphql] of cases) {
    try {
      const before = await t.server.store.currentRevision();
      const answer = await call();
      judge(answer, label, { graphql });
      noInternalLogged(label);
      if (onlyErrors(answer.json) || label.startsWith('GET')) assert.equal(await t.server.store.currentRevision(), before, `${label} changed the store`);
    } catch (err) {
      failures.push(`[${label}] ${(err as Error).message}`);
    }
  }
  assert.deepEqual(failures, []);
});

test('no token, bad tokens and an unprivileged user: only UNAUTHENTICATED / FORBIDDEN, nothing written', async () => {
  const [header, payload] = t.adminToken.split('.');
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  // Not the last character: its low bits are base64 padding, so some changes there decode to the same signature.
  const tampered = (s: string, i: number) => {
    const j = i % (s.length - 1);
    return s.slice(0, j) + (s[j] === 'A' ? 'Q' : 'A') + s.slice(j + 1);
  };
  const nobody = await t.token('fuzzer', ['fuzzers']);
  const authz = fc.oneof(
    fc.constant(undefined),
    fc.constantFrom(
      '',
      'Bearer',
      'Bearer ',
      'Bearer  ',
      'bearer x',
      'Basic YWRtaW46YWRtaW4=',
      'Token x',
      `Bearer ${header}.${payload}.`,
      `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`,
      `Bearer ${b64({ alg: 'HS256' })}.${payload}.${'A'.repeat(43)}`,
      `Bearer ${t.adminToken}.x`,
      `Bearer ${t.adminToken} ${t.adminToken}`,
      `Bearer ${'a'.repeat(8000)}`,
    ),
    fc.nat().map((i) => `Bearer ${tampered(t.adminToken, i)}`),
    fc
      .tuple(jsonText, jsonText, weird)
      .map(([h, p, s]) => `Bearer ${Buffer.from(h).toString('base64url')}.${Buffer.from(p).toString('base64url')}.${Buffer.from(s).toString('base64url')}`),
    fc.string({ unit: 'grapheme-ascii' }).map((s) => `Bearer ${s}`),
  );
  const doc = fc.oneof(
    fc.constantFrom(...VALID_QUERIES),
    garbageDocument,
    manifestText.map((m) => `mutation { apply(manifest: ${'{'}apiVersion: "v1"${'}'}) { __typename } } # ${m.slice(0, 50)}`),
  );
  const UNAUTH = new Set(['UNAUTHENTICATED', 'BAD_REQUEST', 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'QUERY_TOO_COMPLEX', 'TOO_MANY_REQUESTS']);
  await run(fc.tuple(authz, doc, fc.option(valueText)), 200, async ([auth, q, vars]) => {
    const headers: Record<string, string> = {};
    if (auth !== undefined && /^[\t\x20-\x7e]*$/.test(auth)) headers.authorization = auth;
    const body = vars === null ? gqlBody(q) : `{"query":${JSON.stringify(q)},"variables":${vars}}`;
    const answer = await mutate(body, headers, { codes: UNAUTH });
    if (answer.status === 431) return; // the header was too large for Node's HTTP parser
    assert.ok(
      answer.json?.errors?.length && answer.json.data == null,
      `an unauthenticated request got data\nauthorization: ${clip(String(headers.authorization))}\n${clip(body)}\n${answer.status} ${clip(answer.text)}`,
    );
  });
  // An authenticated user with no roles: FORBIDDEN for everything but whoami/can, nothing written.
  const FORBID = new Set([...ALLOWED_CODES].filter((c) => !['ALREADY_EXISTS', 'CONFLICT', 'NOT_FOUND'].includes(c)));
  const writes = fc.oneof(
    manifestText.map((m) => `{"query":"mutation($m: JSON!) { apply(manifest: $m) { __typename } }","variables":{"m":${m}}}`),
    fc.constantFrom(...SEEDED).map((n) => gqlBody(`mutation { deletePod(name: ${JSON.stringify(n)}) { metadata { name } } }`)),
    fc
      .tuple(fc.constantFrom(...SEEDED), valueText)
      .map(
        ([n, p]) => `{"query":"mutation($p: JSON!) { patchPod(name: ${JSON.stringify(n).replace(/"/g, '\\"')}, patch: $p) { kind } }","variables":{"p":${p}}}`,
      ),
    garbageDocument.map((d) => gqlBody(d)),
  );
  await run(writes, 150, async (body) => {
    const before = await t.server.store.currentRevision();
    const answer = await mutate(body, { authorization: `Bearer ${nobody}` }, { codes: FORBID });
    assert.equal(await t.server.store.currentRevision(), before, `a user without roles changed the store\n${clip(body)}\n${clip(answer.text)}`);
  });
});

test('watches over WebSocket with random resourceVersions and selectors', async () => {
  const client = t.ws();
  const rv = fc.oneof(
    weird,
    fc.integer().map(String),
    fc.constantFrom('0', '1', '-1', '00001', '1e3', '1.5', ' 1', '0x10', '9007199254740993', '99999999999999999999', '18446744073709551616'),
    anything,
  );
  const one = fc.record(
    {
      field: fc.constantFrom('watchPods', 'watchEvents', 'watchNodes', 'watchDeployments'),
      ns: fc.oneof(fc.constant('default'), weird, anything),
      rv,
      ls: fc.oneof(selector, anything),
      fs: fc.oneof(selector, anything),
      b: fc.oneof(fc.boolean(), anything),
    },
    { requiredKeys: ['field'] },
  );
  await run(fc.array(one, { minLength: 1, maxLength: 8 }), 40, async (batch) => {
    const before = await t.server.store.currentRevision();
    mark = logged.length;
    await Promise.all(
      batch.map(async ({ field, ...v }) => {
        stats.wsOperations++;
        const clusterScoped = field === 'watchNodes';
        const args =
          field === 'watchEvents'
            ? 'namespace: $ns, fieldSelector: $fs, resourceVersion: $rv'
            : `${clusterScoped ? '' : 'namespace: $ns, '}labelSelector: $ls, fieldSelector: $fs, resourceVersion: $rv, allowBookmarks: $b`;
        const vars =
          field === 'watchEvents'
            ? '$ns: String, $fs: String, $rv: String'
            : `${clusterScoped ? '' : '$ns: String, '}$ls: String, $fs: String, $rv: String, $b: Boolean`;
        const q = `subscription(${vars}) { ${field}(${args}) { type object { metadata { name resourceVersion } } } }`;
        const variables = JSON.parse(JSON.stringify(v) ?? '{}') as Record<string, unknown>;
        const request = JSON.stringify({ query: q, variables });
        const seen: unknown[] = [];
        let closeReason: string | undefined;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            unsubscribe();
            resolve();
          }, 150);
          const unsubscribe = client.subscribe(
            { query: q, variables },
            {
              next: (value) => {
                seen.push(value);
              },
              error: (err) => {
                if (Array.isArray(err)) seen.push({ errors: err });
                else if (err && typeof err === 'object' && 'code' in err) {
                  closeReason = `${(err as { code: number }).code} ${(err as { reason?: string }).reason ?? ''}`;
                  seen.push({ closed: closeReason });
                } else seen.push({ thrown: String(err) });
                clearTimeout(timer);
                resolve();
              },
              complete: () => {
                clearTimeout(timer);
                resolve();
              },
            },
          );
        });
        for (const s of seen) {
          const text = JSON.stringify(s);
          assert.ok(!(s as { thrown?: string }).thrown, `the subscription failed outside GraphQL: ${text}\nrequest: ${clip(request)}`);
          assert.ok(!(s as { closed?: string }).closed, `the server closed the socket: ${text}\nrequest: ${clip(request)}`);
          judge({ status: 200, contentType: 'application/json', text, json: s as GraphQLResponse, closeReason }, request, { graphql: true });
        }
        return seen;
      }),
    );
    noInternalLogged(JSON.stringify(batch));
    assert.equal(await t.server.store.currentRevision(), before, 'a watch changed the store');
  });
});

test('raw WebSocket frames: malformed graphql-ws messages', async () => {
  const wsUrl = t.wsUrl;
  const frame = fc.oneof(
    fc.string({ unit: 'binary' }),
    valueText,
    fc
      .record(
        {
          type: fc.oneof(
            fc.constantFrom(
              'connection_init',
              'subscribe',
              'complete',
              'ping',
              'pong',
              'next',
              'error',
              'connection_ack',
              'start',
              'stop',
              'connection_terminate',
            ),
            weird,
            anything,
          ),
          id: fc.oneof(fc.constantFrom('1', '1', '2', ''), weird, anything),
          payload: fc.oneof(
            fc.record(
              {
                query: fc.oneof(fc.constantFrom(...VALID_QUERIES, 'subscription { watchPods { type } }'), garbageDocument, anything),
                variables: anything,
                operationName: anything,
                extensions: anything,
              },
              { requiredKeys: [] },
            ),
            anything,
          ),
        },
        { requiredKeys: [] },
      )
      .map((m) => JSON.stringify(m) ?? '""'),
    fc.uint8Array({ maxLength: 100 }).map((b) => Buffer.from(b)),
  );
  await run(fc.tuple(fc.boolean(), fc.array(frame, { minLength: 1, maxLength: 6 })), 60, async ([init, frames]) => {
    stats.wsFrames += frames.length;
    const before = await t.server.store.currentRevision();
    mark = logged.length;
    const request = `init=${init} frames: ${frames.map((f) => (typeof f === 'string' ? f : `bytes[${f.toString('hex')}]`)).join(' | ')}`;
    const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
    const received: string[] = [];
    let close: { code: number; reason: string } | undefined;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.terminate();
        resolve();
      }, 200);
      socket.on('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`WebSocket error: ${String(err)}\n${clip(request)}`));
      });
      socket.on('message', (data) => received.push(String(data)));
      socket.on('close', (code, reason) => {
        close = { code, reason: String(reason) };
        clearTimeout(timer);
        resolve();
      });
      socket.on('open', () => {
        if (init) socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${t.adminToken}` } }));
        for (const f of frames) socket.send(f);
      });
    });
    if (socket.readyState === WebSocket.OPEN) socket.terminate();
    if (close) {
      // graphql-ws' own close codes (4400 bad message, 4401/4403 auth, 4409 duplicate id, 4429 too many inits, 4499 terminated)
      // or a normal/protocol close; never 1011 or 4500 (internal error).
      assert.ok(
        close.code !== 1011 && close.code !== 4500,
        `the server closed the socket with an internal error: ${close.code} ${close.reason}${loggedCause()}\n${clip(request)}`,
      );
      for (const [what, re] of LEAKS)
        if (re.test(close.reason) && !re.test(request)) assert.fail(`the close reason leaks ${what}: ${close.reason}\n${clip(request)}`);
    }
    for (const m of received) {
      let message: { type?: string; payload?: unknown };
      try {
        message = JSON.parse(m) as typeof message;
      } catch {
        assert.fail(`a non-JSON message from the server: ${clip(m)}\n${clip(request)}`);
      }
      const payload = message.type === 'error' ? { errors: message.payload } : message.type === 'next' ? message.payload : undefined;
      judge({ status: 200, contentType: 'application/json', text: m, json: payload as GraphQLResponse | undefined, closeReason: close?.reason }, request, {
        graphql: payload !== undefined,
      });
    }
    noInternalLogged(request);
    assert.equal(await t.server.store.currentRevision(), before, `raw frames changed the store\n${clip(request)}`);
  });
});

test('the process stayed up and still answers; nothing polluted Object.prototype', async (ctx) => {
  assert.equal((await fetch(`${base}/healthz`)).status, 200);
  assert.equal((await fetch(`${base}/readyz`)).status, 200);
  const res = await t.ok<{ pods: { items: unknown[] }; whoami: { username: string } }>('{ pods { items { metadata { name } } } whoami { username } }');
  assert.equal(res.whoami.username, 'admin');
  assert.ok(Array.isArray(res.pods.items));
  assert.equal(t.server.phase, 'started');
  assert.deepEqual(Object.keys(Object.prototype), []);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  ctx.diagnostic(
    `HTTP requests: ${stats.requests}; mutations: ${stats.mutations} (${stats.failedMutations} failed, store checked); WebSocket operations: ${stats.wsOperations}; raw WebSocket frames: ${stats.wsFrames}`,
  );
  ctx.diagnostic(`statuses: ${JSON.stringify(Object.fromEntries(stats.statuses))}`);
  ctx.diagnostic(`error codes: ${JSON.stringify(Object.fromEntries(stats.codes))}`);
});

test('no internal error was logged during the whole run', () => {
  assert.equal(
    logged.length,
    0,
    `internal errors were logged:\n${logged
      .slice(0, 20)
      .map((l) => clip(String(l.details.error ?? JSON.stringify(l.details)), 300))
      .join('\n')}`,
  );
});
