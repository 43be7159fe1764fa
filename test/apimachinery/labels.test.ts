import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { ApiError } from '../../src/apimachinery/errors.ts';
import {
  formatLabelSelector,
  isEverything,
  labelSelectorFromObject,
  labelSelectorFromSet,
  matchesLabels,
  parseLabelSelector,
  validateLabelKey,
  validateLabelValue,
  type LabelOperator,
  type LabelRequirement,
} from '../../src/apimachinery/labels.ts';

const req = (key: string, operator: LabelOperator, ...values: string[]): LabelRequirement => ({
  key,
  operator,
  values,
});

/** Asserts a BAD_USER_INPUT ApiError with cause field `field`; returns its message. */
function badInputMessage(fn: () => unknown, field = 'labelSelector'): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ApiError, `expected ApiError, got ${String(e)}`);
    assert.equal(e.code, 'BAD_USER_INPUT');
    assert.ok(e.causes.length > 0 && e.causes.every((c) => c.field.startsWith(field)), JSON.stringify(e.causes));
    return e.message;
  }
  assert.fail('expected an error');
}

const NAME_REGEX_ERR =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_REGEX_ERR =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('parseLabelSelector (cases from k8s.io/apimachinery selector_test.go)', () => {
  test('good strings parse and print back without spaces', () => {
    for (const s of ['x=a,y=b,z=c', '', 'x!=a,y=b', 'x=', 'x= ', 'x=,z= ', 'x= ,z= ', '!x', 'x>1', 'x>1,z<5']) {
      assert.equal(formatLabelSelector(parseLabelSelector(s)), s.replaceAll(' ', ''), s);
    }
  });

  test('bad strings are rejected', () => {
    for (const s of [
      'x=a||y=b',
      'x==a==b',
      '!x=a',
      'x<a',
      'x,,y',
      ',x,y',
      'x nott in (y)',
      'a in (xyz),',
      'a in (xyz)b notin ()',
      'a in (xyz abc)',
      'a notin(',
      'a (',
      '(',
    ]) {
      badInputMessage(() => parseLabelSelector(s));
    }
  });

  test('parsing is deterministic (requirements sorted by key)', () => {
    assert.equal(formatLabelSelector(parseLabelSelector('x=a,a=x')), formatLabelSelector(parseLabelSelector('a=x,x=a')));
    assert.equal(formatLabelSelector(parseLabelSelector('x=a,a=x')), 'a=x,x=a');
  });

  const cases: [string, LabelRequirement[]][] = [
    ['', []],
    ['\rx', [req('x', 'exists')]],
    ['this-is-a-dns.domain.com/key-with-dash', [req('this-is-a-dns.domain.com/key-with-dash', 'exists')]],
    ['this-is-another-dns.domain.com/key-with-dash in (so,what)', [req('this-is-another-dns.domain.com/key-with-dash', 'in', 'so', 'what')]],
    ['0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)', [req('0.1.2.domain/99', 'notin', '10.10.100.1', 'tick.tack.clock')]],
    ['foo  in\t (abc)', [req('foo', 'in', 'abc')]],
    ['x notin\n (abc)', [req('x', 'notin', 'abc')]],
    ['x  notin\t\t\t(abc,def)', [req('x', 'notin', 'abc', 'def')]],
    ['x in (abc,def)', [req('x', 'in', 'abc', 'def')]],
    ['x in (abc,)', [req('x', 'in', '', 'abc')]],
    ['x in ()', [req('x', 'in', '')]],
    ['x notin (abc,,def),bar,z in (),w', [req('bar', 'exists'), req('w', 'exists'), req('x', 'notin', '', 'abc', 'def'), req('z', 'in', '')]],
    ['x,y in (a)', [req('x', 'exists'), req('y', 'in', 'a')]],
    ['x=a', [req('x', '=', 'a')]],
    ['x>1', [req('x', 'gt', '1')]],
    ['x<7', [req('x', 'lt', '7')]],
    ['x=a,y!=b', [req('x', '=', 'a'), req('y', '!=', 'b')]],
    ['x=a,y!=b,z in (h,i,j)', [req('x', '=', 'a'), req('y', '!=', 'b'), req('z', 'in', 'h', 'i', 'j')]],
    ['x notin ( )', [req('x', 'notin', '')]],
    ['x notin (, a)', [req('x', 'notin', '', 'a')]],
    ['a ', [req('a', 'exists')]],
    ['a in (x,y,notin, z,in)', [req('a', 'in', 'in', 'notin', 'x', 'y', 'z')]],
    // The brief's examples and other quirks of the Kubernetes grammar:
    [
      'app=web,tier in (a,b),!canary,env!=prod,env==x,exists-key',
      [req('app', '=', 'web'), req('canary', '!'), req('env', '!=', 'prod'), req('env', '==', 'x'), req('exists-key', 'exists'), req('tier', 'in', 'a', 'b')],
    ],
    ['key notin (a,b)', [req('key', 'notin', 'a', 'b')]],
    ['a==', [req('a', '==', '')]], // `a==` is `a` equal to the empty string
    ['a=,b', [req('a', '=', ''), req('b', 'exists')]],
    ['in=x', [req('in', '=', 'x')]], // `in` is a keyword only where an operator is expected
    ['notin=in', [req('notin', '=', 'in')]],
    ['x in (b,a,b)', [req('x', 'in', 'a', 'b')]], // a set: sorted, no duplicates
    ['x in (,)', [req('x', 'in', '')]],
    ['a in (,b,,c)', [req('a', 'in', '', 'b', 'c')]],
    ['x>007', [req('x', 'gt', '007')]],
    ['x<9223372036854775807', [req('x', 'lt', '9223372036854775807')]],
    ['  app = web  ,  !x  ', [req('app', '=', 'web'), req('x', '!')]],
    ['example.com/MyName=V_1.x', [req('example.com/MyName', '=', 'V_1.x')]],
    [`a=${'v'.repeat(63)}`, [req('a', '=', 'v'.repeat(63))]],
    [`${'p'.repeat(253)}/${'k'.repeat(63)}`, [req(`${'p'.repeat(253)}/${'k'.repeat(63)}`, 'exists')]],
  ];
  for (const [s, want] of cases) {
    test(`parses ${JSON.stringify(s)}`, () => {
      const sel = parseLabelSelector(s);
      assert.deepEqual(sel.requirements, want);
      // The canonical form parses back to the same requirements.
      assert.deepEqual(parseLabelSelector(formatLabelSelector(sel)).requirements, want);
    });
  }

  test("error messages are Kubernetes'", () => {
    const m = (s: string) => badInputMessage(() => parseLabelSelector(s));
    assert.equal(m('a in ('), "unable to parse requirement: found '', expected: ',', ')' or identifier");
    assert.equal(m('=x'), "found '=', expected: !, identifier, or 'end of string'");
    assert.equal(m('a b'), "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt");
    assert.equal(m('a,'), "found '', expected: identifier after ','");
    assert.equal(m(','), "found ',', expected: !, identifier, or 'end of string'");
    assert.equal(m('a=b c'), "found 'c', expected: ',' or 'end of string'");
    assert.equal(m('!a=b'), "found '=', expected: ',' or 'end of string'");
    assert.equal(m('a in (b c)'), "unable to parse requirement: found 'c', expected: ',' or ')'");
    assert.equal(m('a in b'), "unable to parse requirement: found 'b' expected: '('");
    assert.equal(m('a=(b)'), "unable to parse requirement: found '(', expected: identifier");
    assert.equal(m('a<=5'), "unable to parse requirement: found '=', expected: identifier");
    assert.equal(m('!'), "unable to parse requirement: found '', expected: identifier");
    assert.equal(m('-a=b'), `unable to parse requirement: <nil>: Invalid value: "-a": ${NAME_REGEX_ERR}`);
    assert.equal(m('a=-b'), `unable to parse requirement: values[0][a]: Invalid value: "-b": ${VALUE_REGEX_ERR}`);
    assert.equal(m('a>x'), `unable to parse requirement: values[0]: Invalid value: "x": for 'Gt', 'Lt' operators, the value must be an integer`);
    assert.equal(
      m('a>99999999999999999999'),
      `unable to parse requirement: values[0]: Invalid value: "99999999999999999999": for 'Gt', 'Lt' operators, the value must be an integer`,
    );
    assert.equal(m('/a'), 'unable to parse requirement: <nil>: Invalid value: "/a": prefix part must be non-empty');
    assert.equal(
      m(`${'k'.repeat(64)}`),
      `unable to parse requirement: <nil>: Invalid value: "${'k'.repeat(64)}": name part must be no more than 63 characters`,
    );
    assert.equal(m(`a=${'v'.repeat(64)}`), `unable to parse requirement: values[0][a]: Invalid value: "${'v'.repeat(64)}": must be no more than 63 characters`);
  });

  test('malformed and hostile selectors are parse errors', () => {
    for (const s of [
      'a in (',
      '=x',
      'a b',
      "a=x' OR 1=1 --",
      "a in (x') OR TRUE --)",
      'a=$1',
      'a;DROP TABLE t',
      "a'=b",
      'a="b"',
      'a=b)',
      'a in ((b))',
      'a notin',
      '!!a',
      'a!b',
      'x/y/z',
      'A_.b/c',
      '-a',
      'a-',
      'a=b,',
      'a>',
      'a<-1',
      'a>1.5',
      'k'.repeat(64),
      `${'p'.repeat(254)}/k`,
      `a=${'v'.repeat(64)}`,
      'ä=b',
      'a=b\u00e4',
      'a\\=b',
      'a==b==c',
    ]) {
      badInputMessage(() => parseLabelSelector(s));
    }
  });

  test('NUL bytes lex as in the Go lexer (end of input at a token start, else end of an identifier)', () => {
    assert.deepEqual(parseLabelSelector('a=b \0 c=d').requirements, [req('a', '=', 'b')]);
    assert.deepEqual(parseLabelSelector('a=b\0,c').requirements, [req('a', '=', 'b'), req('c', 'exists')]);
  });
});

describe('matchesLabels', () => {
  const match = (s: string, labels: Record<string, string> | undefined) => matchesLabels(parseLabelSelector(s), labels);

  test('TestSelectorMatches', () => {
    assert.ok(match('', { x: 'y' }));
    assert.ok(match('x=y', { x: 'y' }));
    assert.ok(match('x=y,z=w', { x: 'y', z: 'w' }));
    assert.ok(match('x!=y,z!=w', { x: 'z', z: 'a' }));
    assert.ok(match('notin=in', { notin: 'in' }));
    assert.ok(match('x', { x: 'z' }));
    assert.ok(match('!x', { y: 'z' }));
    assert.ok(match('x>1', { x: '2' }));
    assert.ok(match('x<1', { x: '0' }));
    assert.ok(!match('x=z', {}));
    assert.ok(!match('x=y', { x: 'z' }));
    assert.ok(!match('x=y,z=w', { x: 'w', z: 'w' }));
    assert.ok(!match('x!=y,z!=w', { x: 'z', z: 'w' }));
    assert.ok(!match('x', { y: 'z' }));
    assert.ok(!match('!x', { x: 'z' }));
    assert.ok(!match('x>1', { x: '0' }));
    assert.ok(!match('x<1', { x: '2' }));
    const labelset = { foo: 'bar', baz: 'blah' };
    assert.ok(match('foo=bar', labelset));
    assert.ok(match('baz=blah', labelset));
    assert.ok(match('foo=bar,baz=blah', labelset));
    assert.ok(!match('foo=blah', labelset));
    assert.ok(!match('baz=bar', labelset));
    assert.ok(!match('foo=bar,foobar=bar,baz=blah', labelset));
  });

  test('TestRequirementSelectorMatching', () => {
    assert.ok(match('x in (foo),y notin (alpha)', { x: 'foo', y: 'baz' }));
    assert.ok(!match('x in (foo),y in (alpha)', { x: 'foo', y: 'baz' }));
    assert.ok(match('x notin (),y', { y: '' }));
    assert.ok(match('!x,y', { y: '' }));
    assert.ok(!match('x notin (),!y', { y: '' }));
    assert.ok(!match('x in ()', { y: 'baz' }));
    assert.ok(match('z>1', { z: '2' }));
    assert.ok(!match('z>1', { z: 'v2' }));
  });

  test('!= and notin match objects without the key; =, in, gt, lt do not', () => {
    for (const labels of [{}, undefined, { other: 'x' }] as (Record<string, string> | undefined)[]) {
      assert.ok(match('env!=prod', labels));
      assert.ok(match('env notin (prod,dev)', labels));
      assert.ok(match('!env', labels));
      assert.ok(!match('env=prod', labels));
      assert.ok(!match('env in (prod)', labels));
      assert.ok(!match('env', labels));
      assert.ok(!match('env>1', labels));
      assert.ok(!match('env<1', labels));
    }
    assert.ok(match('env=', { env: '' }));
    assert.ok(!match('env=', {}));
    assert.ok(match('env!=', {}));
  });

  test('gt/lt compare int64 values; non-integers and overflow never match', () => {
    assert.ok(match('n>9', { n: '10' })); // numerically, not as strings
    assert.ok(match('n<010', { n: '9' }));
    assert.ok(match('n>1', { n: '+2' }));
    assert.ok(match('n<1', { n: '-2' }));
    assert.ok(match('n>9223372036854775806', { n: '9223372036854775807' }));
    assert.ok(!match('n>1', { n: '9223372036854775808' })); // out of int64
    assert.ok(!match('n<1', { n: '-9223372036854775809' }));
    assert.ok(!match('n>1', { n: '1.5' }));
    assert.ok(!match('n>1', { n: '0x10' }));
    assert.ok(!match('n>1', { n: ' 5' }));
    assert.ok(!match('n>1', { n: '' }));
    assert.ok(!match('n>1', { n: '1' }));
    assert.ok(!match('n<1', { n: '1' }));
  });

  test('keys are looked up as own properties only', () => {
    assert.ok(!match('constructor', {}));
    assert.ok(match('!constructor', {}));
    assert.ok(!match('toString', {}));
    assert.ok(match('constructor=x', { constructor: 'x' } as Record<string, string>));
  });

  test('everything and nothing', () => {
    assert.ok(isEverything(parseLabelSelector('')));
    assert.ok(matchesLabels(parseLabelSelector(' '), undefined));
    const nothing = labelSelectorFromObject(null);
    assert.ok(!matchesLabels(nothing, {}));
    assert.ok(!matchesLabels(nothing, { a: 'b' }));
    assert.ok(!isEverything(nothing));
  });
});

describe('labelSelectorFromObject (metav1.LabelSelectorAsSelector)', () => {
  test('matchLabels and matchExpressions', () => {
    const sel = labelSelectorFromObject({
      matchLabels: { app: 'web', tier: '' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['prod', 'dev', 'prod'] },
        { key: 'canary', operator: 'DoesNotExist' },
        { key: 'zone', operator: 'NotIn', values: ['a'] },
        { key: 'owner', operator: 'Exists', values: [] },
      ],
    });
    assert.deepEqual(sel.requirements, [
      req('app', '=', 'web'),
      req('canary', '!'),
      req('env', 'in', 'dev', 'prod'),
      req('owner', 'exists'),
      req('tier', '=', ''),
      req('zone', 'notin', 'a'),
    ]);
    assert.equal(formatLabelSelector(sel), 'app=web,!canary,env in (dev,prod),owner,tier=,zone notin (a)');
    assert.ok(matchesLabels(sel, { app: 'web', tier: '', env: 'dev', owner: 'me' }));
    assert.ok(!matchesLabels(sel, { app: 'web', tier: '', env: 'dev', owner: 'me', canary: 'y' }));
    assert.ok(!matchesLabels(sel, { app: 'web', tier: '', env: 'dev', owner: 'me', zone: 'a' }));
  });

  test('null selects nothing, {} everything', () => {
    assert.equal(labelSelectorFromObject(undefined).nothing, true);
    assert.ok(isEverything(labelSelectorFromObject({})));
    assert.ok(isEverything(labelSelectorFromObject({ matchLabels: {}, matchExpressions: [] })));
    assert.ok(isEverything(labelSelectorFromSet(undefined)));
    assert.deepEqual(labelSelectorFromSet({ b: '1', a: '2' }).requirements, [req('a', '=', '2'), req('b', '=', '1')]);
  });

  test('invalid structured selectors (TestRequirementConstructor)', () => {
    const bad = (sel: Parameters<typeof labelSelectorFromObject>[0]) => badInputMessage(() => labelSelectorFromObject(sel, 'spec.selector'), 'spec.selector');
    assert.match(bad({ matchExpressions: [{ key: 'x', operator: 'In' }] }), /values set can't be empty/);
    assert.match(bad({ matchExpressions: [{ key: 'x', operator: 'NotIn', values: [] }] }), /values set can't be empty/);
    assert.match(bad({ matchExpressions: [{ key: 'x', operator: 'Exists', values: ['a'] }] }), /values set must be empty for exists and does not exist/);
    assert.match(bad({ matchExpressions: [{ key: 'x', operator: 'Gt', values: ['1'] }] }), /"Gt" is not a valid label selector operator/);
    assert.match(bad({ matchExpressions: [{ key: 'x', operator: 'toString', values: ['1'] }] }), /not a valid label selector operator/);
    assert.match(bad({ matchExpressions: [{ key: 'a'.repeat(254), operator: 'Exists' }] }), /name part must be no more than 63/);
    assert.match(bad({ matchLabels: { 'bad key': 'v' } }), /key: Invalid value: "bad key"/);
    assert.match(bad({ matchLabels: { k: 'bad value' } }), /values\[0\]\[k\]: Invalid value: "bad value"/);
    try {
      labelSelectorFromObject({ matchLabels: { '-k': 'v' }, matchExpressions: [{ key: 'x', operator: 'In', values: [] }] }, 'spec.selector');
    } catch (e) {
      assert.ok(e instanceof ApiError);
      assert.deepEqual(
        e.causes.map((c) => c.field),
        ['spec.selector.matchLabels', 'spec.selector.matchExpressions[0]'],
      );
    }
    // Valid ones from the same table.
    for (const [key, operator, values] of [
      ['1foo', 'In', ['bar']],
      ['1234', 'In', ['bar']],
      ['x', 'DoesNotExist', []],
    ] as const) {
      labelSelectorFromObject({ matchExpressions: [{ key, operator, values: [...values] }] });
    }
  });
});

describe('validateLabelKey / validateLabelValue', () => {
  test('keys', () => {
    for (const k of ['a', 'A', '1', 'a.b-c_d', 'example.com/x', 'a/b', 'k'.repeat(63), `${'a'.repeat(253)}/b`, 'in']) {
      assert.deepEqual(validateLabelKey(k), [], k);
    }
    assert.deepEqual(validateLabelKey('-a'), [NAME_REGEX_ERR]);
    assert.deepEqual(validateLabelKey(''), ['name part must be non-empty', NAME_REGEX_ERR]);
    assert.deepEqual(validateLabelKey('a/'), ['name part must be non-empty', NAME_REGEX_ERR]);
    assert.deepEqual(validateLabelKey('k'.repeat(64)), ['name part must be no more than 63 characters']);
    assert.deepEqual(validateLabelKey(`${'a'.repeat(254)}/b`), ['prefix part must be no more than 253 characters']);
    assert.match(validateLabelKey('Example.com/b')[0]!, /^prefix part a lowercase RFC 1123 subdomain must consist/);
    assert.match(validateLabelKey('a/b/c')[0]!, /^a qualified name must consist of .* with an optional DNS subdomain prefix and '\/'/);
    assert.equal(validateLabelKey('é').length, 1);
  });

  test('values', () => {
    for (const v of ['', 'a', 'A-b_c.d', '1', 'v'.repeat(63)]) assert.deepEqual(validateLabelValue(v), [], v);
    assert.deepEqual(validateLabelValue('-a'), [VALUE_REGEX_ERR]);
    assert.deepEqual(validateLabelValue('a b'), [VALUE_REGEX_ERR]);
    assert.deepEqual(validateLabelValue('v'.repeat(64)), ['must be no more than 63 characters']);
    assert.deepEqual(validateLabelValue('-'.repeat(64)), ['must be no more than 63 characters', VALUE_REGEX_ERR]);
  });
});

describe('properties', () => {
  const key = fc.constantFrom('app', 'tier', 'env', 'in', 'notin', 'example.com/team', 'a.b_c-d', 'X9');
  const value = fc.constantFrom('', 'web', 'db', 'a', 'in', 'notin', '1', '007', 'v1.2_3-x');
  const int = fc.constantFrom('0', '1', '10', '007', '9223372036854775807');
  const requirement: fc.Arbitrary<LabelRequirement> = fc.oneof(
    fc.record({ key, operator: fc.constantFrom<LabelOperator>('=', '==', '!='), values: value.map((v) => [v]) }),
    fc.record({ key, operator: fc.constantFrom<LabelOperator>('in', 'notin'), values: fc.uniqueArray(value, { minLength: 1, maxLength: 4 }) }),
    fc.record({ key, operator: fc.constantFrom<LabelOperator>('exists', '!'), values: fc.constant([]) }),
    fc.record({ key, operator: fc.constantFrom<LabelOperator>('gt', 'lt'), values: int.map((v) => [v]) }),
  );

  test('format and parse round-trip', () => {
    fc.assert(
      fc.property(fc.array(requirement, { maxLength: 6 }), (reqs) => {
        const normalised = reqs.map((r) => ({ ...r, values: [...new Set(r.values)].sort() })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
        const text = formatLabelSelector({ requirements: normalised });
        const parsed = parseLabelSelector(text);
        assert.deepEqual(parsed.requirements, normalised);
        assert.equal(formatLabelSelector(parsed), text);
      }),
      { numRuns: 300 },
    );
  });

  test('arbitrary input either parses or fails with BAD_USER_INPUT', () => {
    const piece = fc.constantFrom('a', 'b', 'in', 'notin', '=', '==', '!=', '!', '(', ')', ',', '>', '<', ' ', '1', "'", '-', '/', '.');
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(piece, { maxLength: 12 }).map((p) => p.join('')),
        ),
        (s) => {
          try {
            const sel = parseLabelSelector(s);
            // Whatever parses prints to a canonical form that parses to the same selector.
            assert.deepEqual(parseLabelSelector(formatLabelSelector(sel)), sel);
          } catch (e) {
            assert.ok(e instanceof ApiError && e.code === 'BAD_USER_INPUT', String(e));
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
