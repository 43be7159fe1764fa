// Query limits (tokens, depth, aliases, directives, cost, list limit), the rate limiter
// and suggestion stripping, on a small SDL schema — no apiserver needed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildSchema, getIntrospectionQuery, parse, specifiedRules, validate, type GraphQLError, type GraphQLObjectType } from 'graphql';
import { ApiError, ErrorCode } from '../../src/apimachinery/errors.ts';
import {
  DEFAULT_LIMITS,
  RateLimiter,
  checkOperationLimits,
  countTokens,
  createLimitRules,
  documentCost,
  parseWithLimits,
  stripSuggestions,
} from '../../src/apiserver/hardening/index.ts';

const schema = buildSchema(/* GraphQL */ `
  type Query {
    node(id: ID!): Node
    nodes(limit: Int, labelSelector: String): [Node!]!
    nodeList(limit: Int): NodeList!
    pagedNodes(limit: Int = 20): [Node!]!
    search(text: String!): [SearchResult!]!
    hello: String
  }
  type Node {
    id: ID!
    name: String
    tags: [String!]!
    parent: Node
    children(limit: Int): [Node!]!
    pods: [Pod!]!
  }
  type Pod { name: String containers: [Container!]! }
  type Container { name: String image: String }
  type NodeList { items: [Node!]! continue: String }
  union SearchResult = Node | Pod
`);

const rules = createLimitRules(schema);
const check = (query: string, limits?: Parameters<typeof createLimitRules>[1]) =>
  validate(schema, parse(query), [...specifiedRules, ...(limits ? createLimitRules(schema, limits) : rules)]);

function assertTooComplex(errors: readonly GraphQLError[], pattern: RegExp): void {
  assert.ok(errors.length > 0, 'expected a QUERY_TOO_COMPLEX error, got none');
  const e = errors.find((x) => pattern.test(x.message));
  assert.ok(e, `no error matching ${pattern}: ${errors.map((x) => x.message).join(' | ')}`);
  assert.equal(e.extensions.code, ErrorCode.QUERY_TOO_COMPLEX);
  assert.ok(e.originalError instanceof ApiError && e.originalError.code === ErrorCode.QUERY_TOO_COMPLEX, 'originalError is the typed ApiError');
}

/** A query whose field nesting is exactly `depth` levels. */
const deep = (depth: number) => `{ node(id: "1") { ${'parent { '.repeat(depth - 2)}name${' }'.repeat(depth - 2)} } }`;

describe('DEFAULT_LIMITS', () => {
  it('are the documented defaults', () => {
    assert.deepEqual({ ...DEFAULT_LIMITS }, { maxDepth: 12, maxAliases: 20, maxTokens: 4000, maxCost: 50_000, maxDirectives: 20, maxListLimit: 5000 });
  });
});

describe('a normal query', () => {
  it('passes every rule', () => {
    const q = `query Q($id: ID!) {
      node(id: $id) { id name tags parent { name } children(limit: 10) { name ...N } }
      nodes(limit: 20) { name pods { name } }
      nodeList(limit: 100) { items { name } continue }
      search(text: "x") { __typename ... on Node { name } ... on Pod { name } }
    }
    fragment N on Node { id tags }`;
    assert.deepEqual(check(q), []);
  });

  it('the standard introspection query passes (introspection is cheap)', () => {
    assert.deepEqual(check(getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, inputValueDeprecation: true })), []);
    const cost = documentCost(schema, parse(getIntrospectionQuery()))!;
    assert.ok(cost > 0 && cost < DEFAULT_LIMITS.maxCost / 2, `introspection cost ${cost}`);
  });
});

describe('depth', () => {
  it(`allows ${DEFAULT_LIMITS.maxDepth} levels and refuses ${DEFAULT_LIMITS.maxDepth + 1}`, () => {
    assert.deepEqual(check(deep(12)), []);
    assertTooComplex(check(deep(13)), /depth limit of 12 exceeded, found 13/);
  });

  it('counts through fragments (which add no level of their own)', () => {
    const q = `{ node(id: "1") { ...A } } fragment A on Node { parent { ...B } } fragment B on Node { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { name } } } } } } } } } } }`;
    assertTooComplex(check(q), /depth limit/);
  });

  it('honours a configured limit', () => {
    assertTooComplex(check(deep(5), { maxDepth: 4 }), /depth limit of 4 exceeded, found 5/);
  });
});

describe('aliases', () => {
  const aliased = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: hello`).join(' ')} }`;
  it('allows 20 and refuses 21', () => {
    assert.deepEqual(check(aliased(20)), []);
    assertTooComplex(check(aliased(21)), /Aliases limit of 20 exceeded, found 21/);
  });
  it('counts aliases inside fragments, each time the fragment is spread', () => {
    const q = `{ node(id: "1") { ...F parent { ...F } children(limit: 1) { ...F } } } fragment F on Node { ${Array.from({ length: 8 }, (_, i) => `x${i}: name`).join(' ')} }`;
    assertTooComplex(check(q), /Aliases limit/);
  });
});

describe('directives', () => {
  const directed = (n: number) => `{ hello ${'@include(if: true) '.repeat(n)}}`;
  it('allows 20 and refuses 21', () => {
    // graphql-js itself refuses repeated non-repeatable directives on one field; spread them over fields
    const q = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `h${i % 20}: hello @skip(if: false)`).join(' ')} }`;
    assert.deepEqual(check(q(20)), []);
    const errors = check(q(21));
    assertTooComplex(errors, /Directives limit of 20 exceeded, found 21/);
    // even when another rule also fails, the limit is reported
    assertTooComplex(check(directed(25)), /Directives limit of 20 exceeded, found 25/);
  });
});

describe('tokens (checked before parsing)', () => {
  it('refuses a 1 MB document quickly, without lexing it to the end', () => {
    // ~1 MB of field names, ending in an illegal character: a full lex or parse would
    // report a syntax error; the token limit stops the lexer long before it.
    const body = '{ ' + 'hello '.repeat(175_000) + '}\u0007';
    assert.ok(body.length > 1_000_000);
    const started = performance.now();
    assert.throws(
      () => parseWithLimits(body),
      (e: GraphQLError) => {
        assert.equal(e.extensions.code, ErrorCode.QUERY_TOO_COMPLEX);
        assert.match(e.message, /more than 4000 tokens/);
        return true;
      },
    );
    const ms = performance.now() - started;
    assert.ok(ms < 250, `took ${ms.toFixed(1)} ms`);
    assert.equal(countTokens(body, 4000), 4001, 'the count stops at max + 1');
  });

  it('parses a document within the limit, and counts like graphql-js (comments excluded)', () => {
    const doc = parseWithLimits('# a comment\n{ hello }');
    assert.equal(doc.definitions.length, 1);
    assert.equal(countTokens('# c\n{ hello } # d'), 3);
    assert.doesNotThrow(() => parseWithLimits('{ hello }', { maxTokens: 3 }));
    assert.throws(
      () => parseWithLimits('{ hello hello }', { maxTokens: 3 }),
      (e: GraphQLError) => e.extensions.code === ErrorCode.QUERY_TOO_COMPLEX,
    );
  });

  it('reports syntax errors as GRAPHQL_PARSE_FAILED', () => {
    for (const bad of ['{ hello', '{ "unterminated }', '', 'query { \u0007 }']) {
      assert.throws(
        () => parseWithLimits(bad),
        (e: GraphQLError) => {
          assert.equal(e.extensions.code, 'GRAPHQL_PARSE_FAILED', bad);
          return true;
        },
      );
    }
  });

  it('the validation rules count tokens too (for documents parsed without the limit)', () => {
    assertTooComplex(check(`{ ${'hello '.repeat(50)}}`, { maxTokens: 40 }), /more than 40 tokens/);
  });
});

describe('cost', () => {
  it('follows the documented model', () => {
    const cost = (q: string, variables?: Record<string, unknown>) => documentCost(schema, parse(q), undefined, variables);
    assert.equal(cost('{ hello }'), 1);
    assert.equal(cost('{ __typename hello }'), 1);
    assert.equal(cost('{ node(id: "1") { name parent { name } } }'), 4); // node 1 + name 1 + parent (1 + name 1)
    assert.equal(cost('{ nodes(limit: 10) { name } }'), 1 + 10 * 1);
    assert.equal(cost('{ nodes { name } }'), 1 + 100 * 1); // default list size
    assert.equal(cost('{ nodes(limit: 0) { name } }'), 1 + 100 * 1); // 0 = no limit
    assert.equal(cost('{ pagedNodes { name } }'), 1 + 20 * 1); // schema default
    assert.equal(cost('{ nodes(limit: 10) { tags } }'), 1 + 10 * 1); // a list of scalars costs 1
    assert.equal(cost('{ nodes(limit: 10) { children(limit: 5) { name } } }'), 1 + 10 * (1 + 5 * 1));
    // the List pattern: `items` is sized by the limit of the field holding it
    assert.equal(cost('{ nodeList(limit: 50) { items { name } continue } }'), 1 + (1 + 50 * 1) + 1);
    assert.equal(cost('{ nodeList { items { name } } }'), 1 + (1 + 100 * 1));
    // variables: value when known, else the default, else 100
    assert.equal(cost('query($n: Int) { nodes(limit: $n) { name } }', { n: 7 }), 1 + 7);
    assert.equal(cost('query($n: Int = 3) { nodes(limit: $n) { name } }'), 1 + 3);
    assert.equal(cost('query($n: Int) { nodes(limit: $n) { name } }'), 1 + 100);
    // skip/include
    assert.equal(cost('{ hello nodes(limit: 10) @skip(if: true) { name } }'), 1);
    assert.equal(cost('query($s: Boolean!) { hello nodes(limit: 10) @include(if: $s) { name } }', { s: false }), 1);
    // abstract types: the most expensive member
    assert.equal(cost('{ search(text: "x") { ... on Node { name tags } ... on Pod { name } } }'), 1 + 100 * 2);
  });

  it('sizes lists by their declared listSize extension', () => {
    const s = buildSchema(
      'type Query { pods(limit: Int): [Pod!]! } type Pod { name: String containers: [Container!]! } type Container { name: String ports: [Int] }',
    );
    const q = parse('{ pods(limit: 10) { containers { name } } }');
    assert.equal(documentCost(s, q), 1 + 10 * (1 + 100 * 1));
    (s.getType('Pod') as GraphQLObjectType).getFields().containers!.extensions = { listSize: 5 };
    assert.equal(documentCost(s, q), 1 + 10 * (1 + 5 * 1));
  });

  it('refuses an operation above maxCost', () => {
    assert.deepEqual(check('{ nodes(limit: 100) { children(limit: 100) { name } } }'), []); // 1 + 100 × 101 = 10101
    assertTooComplex(check('{ nodes(limit: 1000) { children(limit: 100) { name } } }'), /estimated cost 101001 exceeds the maximum of 50000/);
    assertTooComplex(check('{ nodes { pods { containers { name } } } }'), /estimated cost/); // 100 × 100 × 100
    assertTooComplex(check('query($n: Int = 5000) { nodeList(limit: $n) { items { children(limit: 20) { name } } } }'), /estimated cost/);
  });

  it('stays linear on fragments that spread each other twice (2^40 paths)', () => {
    const n = 40;
    const fragments = Array.from({ length: n }, (_, i) => `fragment F${i} on Node { ${i === n - 1 ? 'name' : `...F${i + 1} parent { ...F${i + 1} }`} }`).join(
      '\n',
    );
    const q = `{ node(id: "1") { ...F0 } }\n${fragments}`;
    const started = performance.now();
    const errors = validate(schema, parse(q), createLimitRules(schema, { maxDepth: 1000 }));
    assert.ok(performance.now() - started < 1000);
    assertTooComplex(errors, /estimated cost/);
  });

  it('introspection nested deeply is not free', () => {
    const nested = `{ __schema { types { ${'fields { type { '.repeat(6)}name${' } }'.repeat(6)} } } }`;
    // graphql-js's MaxIntrospectionDepthRule refuses this too; the cost limit does on its own
    assertTooComplex(validate(schema, parse(nested), createLimitRules(schema)), /estimated cost/);
  });
});

describe('list limits and variables (checkOperationLimits)', () => {
  const run = (q: string, variables?: Record<string, unknown>) => checkOperationLimits(schema, parse(q), undefined, variables);
  it('accepts limits up to maxListLimit', () => {
    assert.deepEqual(run('{ nodeList(limit: 5000) { continue } }'), []);
  });
  it('refuses any `limit` above it, literal, variable or default, even inside fragments', () => {
    for (const [q, v] of [
      ['{ nodeList(limit: 5001) { continue } }', undefined],
      ['query($n: Int) { nodeList(limit: $n) { continue } }', { n: 10_000 }],
      ['query($n: Int = 6000) { nodeList(limit: $n) { continue } }', undefined],
      ['{ node(id: "1") { ...F } } fragment F on Node { children(limit: 99999) { name } }', undefined],
    ] as const) {
      const errors = run(q, v as Record<string, unknown> | undefined);
      assert.equal(errors.length, 1, q);
      assert.equal(errors[0]!.extensions.code, ErrorCode.BAD_USER_INPUT);
      assert.equal(errors[0]!.message, 'limit must be at most 5000');
    }
  });
  it('re-checks the cost with the actual variables', () => {
    const errors = run('query($n: Int) { nodes(limit: $n) { children(limit: $n) { name } } }', { n: 1000 });
    assert.equal(errors[0]?.extensions.code, ErrorCode.QUERY_TOO_COMPLEX);
  });
});

describe('RateLimiter', () => {
  it('allows a burst, then refills at the rate', () => {
    let now = 1_000_000;
    const limiter = new RateLimiter({ ratePerSecond: 2, burst: 3, clock: () => now });
    assert.deepEqual(
      [1, 2, 3, 4].map(() => limiter.take('alice')),
      [true, true, true, false],
    );
    assert.equal(limiter.retryAfterMs('alice'), 500);
    now += 499;
    assert.equal(limiter.take('alice'), false);
    now += 1;
    assert.equal(limiter.take('alice'), true);
    assert.equal(limiter.take('alice'), false);
    now += 60_000; // refills to burst, not beyond
    assert.deepEqual(
      [1, 2, 3, 4].map(() => limiter.take('alice')),
      [true, true, true, false],
    );
  });

  it('keeps identities apart', () => {
    const now = 0;
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 1, clock: () => now });
    assert.equal(limiter.take('alice'), true);
    assert.equal(limiter.take('alice'), false);
    assert.equal(limiter.take('bob'), true);
    assert.equal(limiter.take('system:node:n1'), true);
    assert.equal(limiter.take('bob'), false);
  });

  it('takes a cost, and never more than it has', () => {
    let now = 0;
    const limiter = new RateLimiter({ ratePerSecond: 10, burst: 10, clock: () => now });
    assert.equal(limiter.take('a', 8), true);
    assert.equal(limiter.take('a', 3), false);
    assert.equal(limiter.take('a', 2), true);
    now += 100;
    assert.equal(limiter.take('a', 1), true);
    assert.equal(limiter.take('a', 11), false);
    assert.equal(limiter.retryAfterMs('a', 11), Infinity);
  });

  it('ignores a clock going backwards', () => {
    let now = 10_000;
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 1, clock: () => now });
    assert.equal(limiter.take('a'), true);
    now -= 5000;
    assert.equal(limiter.take('a'), false);
    now += 5999;
    assert.equal(limiter.take('a'), false);
    now += 1001;
    assert.equal(limiter.take('a'), true);
  });

  it('forgets idle identities when it holds too many', () => {
    let now = 0;
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 1, clock: () => now, maxIdentities: 10 });
    for (let i = 0; i < 10; i++) limiter.take(`u${i}`);
    now += 2000;
    limiter.take('new');
    assert.equal((limiter as unknown as { buckets: Map<string, unknown> }).buckets.size, 1);
  });
});

describe('stripSuggestions', () => {
  it('removes every form of "Did you mean …?"', () => {
    assert.equal(stripSuggestions('Cannot query field "nam" on type "Node". Did you mean "name"?'), 'Cannot query field "nam" on type "Node".');
    assert.equal(
      stripSuggestions('Cannot query field "x" on type "Query". Did you mean "node", "nodes", or "nodeList"?'),
      'Cannot query field "x" on type "Query".',
    );
    assert.equal(stripSuggestions('Unknown argument "limt" on field "Query.nodes". Did you mean "limit"?'), 'Unknown argument "limt" on field "Query.nodes".');
    assert.equal(stripSuggestions('Value "Fo" does not exist in "E" enum. Did you mean the enum value "Foo"?'), 'Value "Fo" does not exist in "E" enum.');
    assert.equal(
      stripSuggestions('Cannot query field "name" on type "SearchResult". Did you mean to use an inline fragment on "Node" or "Pod"?'),
      'Cannot query field "name" on type "SearchResult".',
    );
    assert.equal(stripSuggestions('Field "x" is not defined.'), 'Field "x" is not defined.');
  });

  it('strips what graphql-js actually produces', () => {
    const [e] = validate(schema, parse('{ node(id: "1") { nam } }'));
    assert.match(e!.message, /Did you mean "name"\?/);
    assert.equal(stripSuggestions(e!.message), 'Cannot query field "nam" on type "Node".');
  });
});
