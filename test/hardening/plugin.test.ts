// hardeningPlugin and the limit rules inside a real ApolloServer (executeOperation),
// formatted by the apiserver's own formatError, as server.ts would wire them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApolloServer } from '@apollo/server';
import { buildSchema, type GraphQLFormattedError } from 'graphql';
import { ErrorCode } from '../../src/apimachinery/errors.ts';
import { formatError } from '../../src/apiserver/errors.ts';
import { RateLimiter, apolloParseOptions, createLimitRules, hardeningPlugin } from '../../src/apiserver/hardening/index.ts';

interface Ctx {
  user?: { username: string };
}

const typeDefs = /* GraphQL */ `
  type Query { hello: String nodes(limit: Int): [Node!]! }
  type Node { name: String children(limit: Int): [Node!]! }
`;
const node = { name: 'n', children: [] };
const resolvers = { Query: { hello: () => 'world', nodes: () => [node] } };

let now = 0;
const limiter = new RateLimiter({ ratePerSecond: 1, burst: 3, clock: () => now });
const limits = { maxTokens: 200 };
let server: ApolloServer<Ctx>;

before(async () => {
  server = new ApolloServer<Ctx>({
    typeDefs,
    resolvers,
    parseOptions: apolloParseOptions(limits),
    validationRules: createLimitRules(buildSchema(typeDefs), limits),
    formatError: (formatted, error) => formatError(formatted, error, undefined),
    plugins: [hardeningPlugin({ limiter, limits })],
  });
  await server.start();
});
after(async () => server.stop());

async function run(query: string, user?: string, variables?: Record<string, unknown>) {
  const res = await server.executeOperation({ query, variables }, { contextValue: user ? { user: { username: user } } : {} });
  assert.equal(res.body.kind, 'single');
  const body = (res.body as { singleResult: { data?: unknown; errors?: readonly GraphQLFormattedError[] } }).singleResult;
  return { status: res.http.status, headers: res.http.headers, data: body.data, errors: body.errors ?? [] };
}

describe('hardeningPlugin in Apollo Server', () => {
  it('answers a normal query', async () => {
    now += 10_000;
    const r = await run('{ hello nodes(limit: 10) { name } }', 'alice');
    assert.deepEqual(r.errors, []);
    assert.deepEqual(JSON.parse(JSON.stringify(r.data)), { hello: 'world', nodes: [{ name: 'n' }] });
  });

  it('QUERY_TOO_COMPLEX survives Apollo wrapping validation errors (HTTP 400)', async () => {
    now += 10_000;
    const r = await run(`{ ${Array.from({ length: 21 }, (_, i) => `a${i}: hello`).join(' ')} }`, 'alice');
    assert.equal(r.errors[0]?.extensions?.code, ErrorCode.QUERY_TOO_COMPLEX);
    assert.equal(r.status, 400);
    const deep = await run('{ nodes(limit: 1) { children(limit: 1000) { children(limit: 1000) { name } } } }', 'alice');
    assert.equal(deep.errors[0]?.extensions?.code, ErrorCode.QUERY_TOO_COMPLEX);
  });

  it("reports graphql-js's maxTokens parse abort as QUERY_TOO_COMPLEX", async () => {
    now += 10_000;
    const r = await run(`{ ${'hello '.repeat(300)}}`, 'alice');
    assert.equal(r.errors.length, 1, JSON.stringify(r.errors));
    assert.equal(r.errors[0]!.extensions?.code, ErrorCode.QUERY_TOO_COMPLEX, JSON.stringify(r.errors));
    assert.match(r.errors[0]!.message, /more than 200 tokens/);
    assert.equal(r.status, 400);
  });

  it('caps `limit` arguments, literal or variable (BAD_USER_INPUT, 400)', async () => {
    now += 10_000;
    for (const [q, v] of [
      ['{ nodes(limit: 5001) { name } }', undefined],
      ['query($n: Int) { nodes(limit: $n) { name } }', { n: 9999 }],
    ] as const) {
      const r = await run(q, 'alice', v);
      assert.equal(r.errors[0]?.extensions?.code, ErrorCode.BAD_USER_INPUT, q);
      assert.equal(r.errors[0]?.message, 'limit must be at most 5000');
      assert.equal(r.status, 400);
      assert.equal(r.data, undefined);
    }
  });

  it('re-checks the cost with the variables', async () => {
    now += 10_000;
    const r = await run('query($n: Int) { nodes(limit: $n) { children(limit: $n) { name } } }', 'alice', { n: 1000 });
    assert.equal(r.errors[0]?.extensions?.code, ErrorCode.QUERY_TOO_COMPLEX);
    assert.equal(r.status, 400);
  });

  it("finds the identity on kubeql's Context (access.user)", async () => {
    const limiter2 = new RateLimiter({ ratePerSecond: 1, burst: 1, clock: () => 0 });
    const plugin = hardeningPlugin<{ access: { user: { username: string } } }>({ limiter: limiter2 });
    const s2 = new ApolloServer<{ access: { user: { username: string } } }>({ typeDefs, resolvers, plugins: [plugin] });
    await s2.start();
    try {
      const as = (username: string) => s2.executeOperation({ query: '{ hello }' }, { contextValue: { access: { user: { username } } } });
      assert.equal((await as('erin')).http.status, undefined);
      assert.equal((await as('erin')).http.status, 429);
      assert.equal((await as('frank')).http.status, undefined);
    } finally {
      await s2.stop();
    }
  });

  it('rate-limits per identity with 429 and Retry-After', async () => {
    now += 10_000;
    for (let i = 0; i < 3; i++) assert.deepEqual((await run('{ hello }', 'carol')).errors, []);
    const limited = await run('{ hello }', 'carol');
    assert.equal(limited.errors[0]?.extensions?.code, ErrorCode.TOO_MANY_REQUESTS);
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '1');
    assert.equal(limited.data, undefined);
    // a limited request that would fail to parse still answers 429
    const bad = await run('{ hello', 'carol');
    assert.equal(bad.errors[0]?.extensions?.code, ErrorCode.TOO_MANY_REQUESTS);
    assert.equal(bad.status, 429);
    // others are not affected
    assert.deepEqual((await run('{ hello }', 'dave')).errors, []);
    now += 1000;
    assert.deepEqual((await run('{ hello }', 'carol')).errors, []);
  });

  it('hides "Did you mean" from unauthenticated callers only', async () => {
    now += 10_000;
    const anon = await run('{ helo }');
    assert.equal(anon.errors[0]?.message, 'Cannot query field "helo" on type "Query".');
    const authed = await run('{ helo }', 'alice');
    assert.match(authed.errors[0]!.message, /Did you mean "hello"\?/);
    const anonymousUser = await run('{ helo }', 'system:anonymous');
    assert.equal(anonymousUser.errors[0]?.message, 'Cannot query field "helo" on type "Query".');
  });
});
