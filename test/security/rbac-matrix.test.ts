// The RBAC matrix through the real API, over HTTP and over WebSocket: for each default
// role × verb × kind × namespace, the answer is allowed or FORBIDDEN exactly as
// Kubernetes' RBAC answers it. The expected table is written from Kubernetes'
// documented default roles (user-facing roles: view, edit, admin, cluster-admin).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Client } from 'graphql-ws';
import { KINDS, kindInfo } from '../../src/apis/kinds.ts';
import { nextResults, startTestServer, type TestServer } from '../helpers/server.ts';

let t: TestServer;
const tokens: Record<string, string> = {};
const clients: Record<string, Client> = {};

const NAMESPACES = ['team', 'other'];
const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'update', 'patch', 'delete'];
const VERBS = [...READ, ...WRITE];
/** Kinds the user-facing roles cover, with what each role may do in its namespace (Kubernetes' bootstrap policy). */
const WORKLOADS = ['Pod', 'Service', 'Deployment', 'ReplicaSet', 'ServiceAccount'];
const MATRIX_KINDS = [...WORKLOADS, 'Role', 'RoleBinding', 'Node', 'ClusterRole', 'ClusterRoleBinding'];

type Role = 'view' | 'edit' | 'admin' | 'cluster-admin' | 'basic-user';
const ROLES: Role[] = ['view', 'edit', 'admin', 'cluster-admin', 'basic-user'];

function expected(role: Role, verb: string, kind: string, namespace: string | undefined): boolean {
  if (role === 'cluster-admin') return true;
  if (role === 'basic-user') return false;
  const info = kindInfo(kind)!;
  if (!info.namespaced || namespace !== 'team') return false; // a RoleBinding grants only in its namespace
  if (WORKLOADS.includes(kind)) return role === 'view' ? READ.includes(verb) : true;
  if (kind === 'Role' || kind === 'RoleBinding') return role === 'admin';
  return false;
}

before(async () => {
  t = await startTestServer({ rateLimit: 0 });
  for (const ns of NAMESPACES) await t.ok(`mutation($n: String!) { createNamespace(namespace: { metadata: { name: $n } }) { metadata { name } } }`, { n: ns });
  for (const role of ['view', 'edit', 'admin'] as const) {
    await t.ok(`mutation($b: RoleBindingInput!) { createRoleBinding(roleBinding: $b) { metadata { name } } }`, {
      b: {
        metadata: { name: `${role}-binding`, namespace: 'team' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
        subjects: [{ kind: 'User', name: `${role}-user`, apiGroup: 'rbac.authorization.k8s.io' }],
      },
    });
  }
  await t.ok(`mutation($b: ClusterRoleBindingInput!) { createClusterRoleBinding(clusterRoleBinding: $b) { metadata { name } } }`, {
    b: {
      metadata: { name: 'root-binding' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'User', name: 'cluster-admin-user', apiGroup: 'rbac.authorization.k8s.io' }],
    },
  });
  for (const role of ROLES) {
    tokens[role] = await t.token(`${role}-user`);
    clients[role] = t.ws(tokens[role]);
  }
});
after(() => t.stop());

/** The operation of API.md for the verb, with a throwaway object name. */
function operation(verb: string, kind: string, namespace: string | undefined): { query: string; variables: Record<string, unknown> } {
  const info = kindInfo(kind)!;
  const nsArg = info.namespaced ? ', namespace: $ns' : '';
  const nsVar = info.namespaced ? ', $ns: String' : '';
  const input = { metadata: { name: 'matrix-x', ...(info.namespaced ? { namespace } : {}) } };
  const plural = info.plural.charAt(0).toUpperCase() + info.plural.slice(1);
  const variables: Record<string, unknown> = { ns: namespace, input };
  switch (verb) {
    case 'get':
      return {
        query: `query($ns: String) { r: ${info.singular}(name: "matrix-x"${nsArg}) { metadata { name } } }`
          .replace('$ns: String', info.namespaced ? '$ns: String' : '')
          .replace('query()', 'query'),
        variables,
      };
    case 'list':
      return {
        query: `query(${nsVar.slice(2)}) { r: ${info.plural}(limit: 1${nsArg}) { metadata { resourceVersion } } }`.replace('query()', 'query'),
        variables,
      };
    case 'watch':
      return {
        query: `subscription(${nsVar.slice(2)}) { r: watch${plural}(resourceVersion: "0"${nsArg}) { type } }`.replace('subscription()', 'subscription'),
        variables,
      };
    case 'create':
      return { query: `mutation($input: ${kind}Input!) { r: create${kind}(${info.singular}: $input) { metadata { name } } }`, variables };
    case 'update':
      return { query: `mutation($input: ${kind}Input!) { r: replace${kind}(${info.singular}: $input) { metadata { name } } }`, variables };
    case 'patch':
      return {
        query: `mutation(${nsVar.slice(2)}) { r: patch${kind}(name: "matrix-x", patch: {}${nsArg}) { metadata { name } } }`.replace('mutation()', 'mutation'),
        variables,
      };
    case 'delete':
      return {
        query: `mutation(${nsVar.slice(2)}) { r: delete${kind}(name: "matrix-x"${nsArg}) { metadata { name } } }`.replace('mutation()', 'mutation'),
        variables,
      };
    default:
      throw new Error(verb);
  }
}

type Result = { errors?: readonly { message: string; extensions?: { code?: string } }[] };
const forbidden = (r: Result) => r.errors?.some((e) => e.extensions?.code === 'FORBIDDEN') ?? false;

const cases = ROLES.flatMap((role) =>
  MATRIX_KINDS.flatMap((kind) => (kindInfo(kind)!.namespaced ? NAMESPACES : [undefined]).flatMap((ns) => VERBS.map((verb) => ({ role, kind, ns, verb })))),
);

describe('RBAC matrix', () => {
  test(`over HTTP: ${cases.filter((c) => c.verb !== 'watch').length} decisions`, async () => {
    const wrong: string[] = [];
    for (const c of cases.filter((x) => x.verb !== 'watch')) {
      const op = operation(c.verb, c.kind, c.ns);
      const res = await t.gql(op.query, op.variables, { authorization: `Bearer ${tokens[c.role]}` });
      const allowed = !forbidden(res);
      if (res.errors?.some((e) => ['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'UNAUTHENTICATED'].includes(e.extensions?.code ?? '')))
        wrong.push(`${JSON.stringify(c)}: ${JSON.stringify(res.errors)}`);
      else if (allowed !== expected(c.role, c.verb, c.kind, c.ns))
        wrong.push(`${c.role} ${c.verb} ${c.kind} in ${c.ns ?? '(cluster)'}: got ${allowed ? 'allowed' : 'FORBIDDEN'}`);
    }
    assert.deepEqual(wrong, []);
  });

  test(`over WebSocket: ${cases.length} decisions (watch included)`, async () => {
    const wrong: string[] = [];
    for (const c of cases) {
      const op = operation(c.verb, c.kind, c.ns);
      const it = clients[c.role].iterate({ query: op.query, variables: op.variables }) as AsyncIterator<Result>;
      const [res] = await nextResults(it, 1).catch((err: unknown) => [{ errors: Array.isArray(err) ? err : [err] }] as Result[]);
      await it.return?.();
      const allowed = !forbidden(res ?? {});
      if (res?.errors?.some((e) => ['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED'].includes(e.extensions?.code ?? '')))
        wrong.push(`${JSON.stringify(c)}: ${JSON.stringify(res.errors)}`);
      else if (allowed !== expected(c.role, c.verb, c.kind, c.ns))
        wrong.push(`${c.role} ${c.verb} ${c.kind} in ${c.ns ?? '(cluster)'}: got ${allowed ? 'allowed' : 'FORBIDDEN'}`);
    }
    assert.deepEqual(wrong, []);
  });

  test('every kind is covered by the roles in some way (no kind escapes authorization)', async () => {
    const basic = tokens['basic-user'];
    for (const info of KINDS) {
      const res = await t.gql(`{ r: ${info.plural}(limit: 1) { metadata { resourceVersion } } }`, undefined, { authorization: `Bearer ${basic}` });
      assert.ok(forbidden(res), `${info.plural} is forbidden to a user without roles`);
    }
  });
});
