// The GraphQL limits hold on the HTTP path and on the WebSocket path alike, against the real server.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { nextResults, startTestServer, type TestServer } from '../helpers/server.ts';

type Result = { errors?: readonly { message: string; extensions?: { code?: string } }[] };
const codeOf = (r: Result | undefined) => r?.errors?.[0]?.extensions?.code;

async function overWs(t: TestServer, query: string, variables?: Record<string, unknown>): Promise<Result> {
  const it = t.ws().iterate({ query, variables }) as AsyncIterator<Result>;
  const [r] = await nextResults(it, 1).catch((err: unknown) => [{ errors: Array.isArray(err) ? err : [err] }] as Result[]);
  await it.return?.();
  return r;
}

describe('query limits', () => {
  let t: TestServer;
  before(async () => (t = await startTestServer({ rateLimit: 0, maxSubscriptionsPerSocket: 3 })));
  after(() => t.stop());

  const deep = `{ pods { items { node { pods { node { pods { node { pods { node { pods { node { metadata { name } } } } } } } } } } } } }`;
  const aliases = `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: whoami { username }`).join(' ')} }`;
  const costly = `{ pods(limit: 5000) { items { metadata { name } node { pods { spec { containers { name } } } } } } }`;

  for (const [name, query] of [
    ['depth', deep],
    ['aliases', aliases],
    ['cost', costly],
  ] as const) {
    test(`${name}: QUERY_TOO_COMPLEX over HTTP and WebSocket`, async () => {
      assert.equal(codeOf(await t.gql(query)), 'QUERY_TOO_COMPLEX');
      assert.equal(codeOf(await overWs(t, query)), 'QUERY_TOO_COMPLEX');
    });
  }

  test('a document over the token limit is refused before parsing, on both paths', async () => {
    const huge = `{ ${'__typename '.repeat(10_000)} }`;
    assert.equal(codeOf(await t.gql(huge)), 'QUERY_TOO_COMPLEX');
    assert.equal(codeOf(await overWs(t, huge)), 'QUERY_TOO_COMPLEX');
  });

  test('list limit is capped', async () => {
    const q = '{ pods(limit: 100000) { metadata { resourceVersion } } }';
    assert.equal(codeOf(await t.gql(q)), 'BAD_USER_INPUT');
    assert.equal(codeOf(await overWs(t, q)), 'BAD_USER_INPUT');
  });

  test('subscriptions per socket are limited', async () => {
    const c = t.ws();
    const its = Array.from({ length: 4 }, () => c.iterate({ query: 'subscription { watchNamespaces { type } }' }) as AsyncIterator<Result>);
    const outcomes = await Promise.all(
      its.map((it) =>
        nextResults(it, 1).then(
          (r) => codeOf(r[0]) ?? 'served',
          (e: unknown) => codeOf({ errors: Array.isArray(e) ? e : [e] }),
        ),
      ),
    );
    assert.deepEqual(outcomes.filter((o) => o === 'TOO_MANY_REQUESTS').length, 1, JSON.stringify(outcomes));
    await Promise.all(its.map((it) => it.return?.()));
  });

  test('a WebSocket message over the size limit closes the socket', async () => {
    const ws = new WebSocket(t.wsUrl, 'graphql-transport-ws');
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    await new Promise((r) => ws.on('open', r));
    ws.send('x'.repeat(4 * 1024 * 1024));
    assert.equal(await closed, 1009); // ws: message too big
  });

  test('GET never runs a mutation; CSRF prevention is on', async () => {
    const q = encodeURIComponent('mutation { createNamespace(namespace: { metadata: { name: "via-get" } }) { metadata { name } } }');
    const res = await fetch(`${t.url}?query=${q}`, { headers: { ...t.adminHeaders, 'apollo-require-preflight': 'true' } });
    assert.equal(res.status, 405);
    const csrf = await fetch(`${t.url}?query=${encodeURIComponent('{ whoami { username } }')}`, { headers: t.adminHeaders });
    assert.equal(csrf.status, 400, 'a simple GET without a preflight header is refused');
    assert.equal((await t.ok('{ namespace(name: "via-get") { metadata { name } } }')).namespace, null);
  });

  test('introspection is served to authenticated callers', async () => {
    const res = await t.gql('{ __schema { queryType { name } } }');
    assert.deepEqual(res.data, { __schema: { queryType: { name: 'Query' } } });
  });
});

describe('rate limiting and introspection off', () => {
  let t: TestServer;
  before(async () => (t = await startTestServer({ rateLimit: { ratePerSecond: 1, burst: 5 }, introspection: false })));
  after(() => t.stop());

  test('per identity: TOO_MANY_REQUESTS (429) past the burst, on HTTP and WebSocket, others unaffected', async () => {
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < 8; i++) codes.push(codeOf(await t.gql('{ whoami { username } }')));
    assert.ok(
      codes.slice(0, 5).every((c) => c === undefined),
      JSON.stringify(codes),
    );
    assert.equal(codes[7], 'TOO_MANY_REQUESTS');
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...t.adminHeaders },
      body: JSON.stringify({ query: '{ whoami { username } }' }),
    });
    assert.equal(res.status, 429);
    assert.equal(codeOf(await overWs(t, '{ whoami { username } }')), 'TOO_MANY_REQUESTS');
    const other = await t.gql('{ whoami { username } }', undefined, { authorization: `Bearer ${await t.token('someone-else')}` });
    assert.equal(codeOf(other), undefined, 'another identity has its own bucket');
  });

  test('introspection can be turned off', async () => {
    const res = await t.gql('{ __schema { queryType { name } } }', undefined, { authorization: `Bearer ${await t.token('fresh-user')}` });
    assert.equal(codeOf(res), 'GRAPHQL_VALIDATION_FAILED');
  });
});
