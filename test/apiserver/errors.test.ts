// Every error is typed (API.md "Errors"); internal ones are masked.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let t: TestServer;
const logged: Record<string, unknown>[] = [];
before(async () => (t = await startTestServer({ logger: { error: (_m, d) => logged.push(d) } })));
after(() => t.stop());

test('GraphQL parse and validation errors carry their codes', async () => {
  const parse = await t.gql('{ pods { ');
  assert.equal(parse.errors?.[0].extensions?.code, 'GRAPHQL_PARSE_FAILED');
  const invalid = await t.gql('{ pods { nope } }');
  assert.equal(invalid.errors?.[0].extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
  const badVar = await t.gql('query($n: Int) { pods(limit: $n) { metadata { resourceVersion } } }', { n: 'many' });
  assert.equal(badVar.errors?.[0].extensions?.code, 'BAD_USER_INPUT');
});

test('health endpoints', async () => {
  const base = t.url.replace(/\/graphql$/, '');
  assert.equal((await fetch(`${base}/healthz`)).status, 200);
  assert.equal((await fetch(`${base}/readyz`)).status, 200);
});

test('an internal failure is masked, logged with its request id, and readyz turns unready', async () => {
  // The database breaks underneath the apiserver (its tables vanish).
  await t.server.store.db.prisma.$executeRawUnsafe('ALTER TABLE kubeql_resource RENAME TO kubeql_resource_gone');
  await t.server.store.db.prisma.$executeRawUnsafe('ALTER TABLE kubeql_cluster RENAME TO kubeql_cluster_gone');
  const res = await t.gql('{ pods { items { metadata { name } } } }', undefined, { 'x-request-id': 'req-42' });
  const err = res.errors?.[0];
  assert.equal(err?.extensions?.code, 'INTERNAL_SERVER_ERROR');
  assert.equal(err?.extensions?.requestId, 'req-42');
  assert.equal(err?.message, 'Internal server error (request id req-42)');
  assert.doesNotMatch(JSON.stringify(res), /SELECT|kubeql_|stack|at \//);
  assert.ok(logged.length > 0, 'the real error was logged');
  const base = t.url.replace(/\/graphql$/, '');
  assert.equal((await fetch(`${base}/readyz`)).status, 503);
});

test('a variable with more than 50 coercion errors is BAD_USER_INPUT on HTTP and WebSocket, not an internal error', async () => {
  const metadata: Record<string, string> = { name: 'many' };
  for (let i = 0; i < 60; i++) metadata[`k${i}`] = `v${i}`;
  const pod = { metadata, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
  const http = await t.gql('mutation($p: PodInput!) { createPod(pod: $p) { metadata { name } } }', { p: pod });
  const ws = await new Promise<{ extensions?: { code?: string } }[]>((resolve) => {
    const client = t.ws();
    client.subscribe(
      { query: 'mutation($p: PodInput!) { createPod(pod: $p) { metadata { name } } }', variables: { p: pod } },
      { next: (r) => resolve((r.errors ?? []) as never), error: (e) => resolve(e as never), complete: () => resolve([]) },
    );
  });
  for (const [path, errors] of [
    ['HTTP', http.errors],
    ['WebSocket', ws],
  ] as const) {
    assert.ok(errors?.length, path);
    assert.deepEqual(
      [...new Set(errors!.map((e) => e.extensions?.code))],
      ['BAD_USER_INPUT'],
      `${path}: ${JSON.stringify(errors!.map((e) => e.extensions?.code))}`,
    );
  }
});
