import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { ApiError } from '../../src/apimachinery/errors.ts';
import { escapeFieldValue, fieldValue, formatFieldSelector, matchesFields, parseFieldSelector, unescapeFieldValue } from '../../src/apimachinery/fields.ts';

const SUPPORTED = ['metadata.name', 'metadata.namespace', 'spec.nodeName', 'status.phase', 'spec.replicas', 'spec.unschedulable'] as const;

function badInputMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ApiError, `expected ApiError, got ${String(e)}`);
    assert.equal(e.code, 'BAD_USER_INPUT');
    assert.deepEqual(e.causes, [{ field: 'fieldSelector', message: e.message }]);
    return e.message;
  }
  assert.fail('expected an error');
}

describe('parseFieldSelector', () => {
  test('terms and operators', () => {
    assert.deepEqual(parseFieldSelector('', SUPPORTED).requirements, []);
    assert.deepEqual(parseFieldSelector('spec.nodeName=n1,status.phase!=Running,metadata.name==web', SUPPORTED).requirements, [
      { field: 'metadata.name', operator: '==', value: 'web' },
      { field: 'spec.nodeName', operator: '=', value: 'n1' },
      { field: 'status.phase', operator: '!=', value: 'Running' },
    ]);
    assert.deepEqual(parseFieldSelector('spec.nodeName=', SUPPORTED).requirements, [{ field: 'spec.nodeName', operator: '=', value: '' }]);
    assert.deepEqual(parseFieldSelector('spec.nodeName!=', SUPPORTED).requirements, [{ field: 'spec.nodeName', operator: '!=', value: '' }]);
    // Empty terms are skipped.
    assert.deepEqual(parseFieldSelector(',spec.nodeName=a,,', SUPPORTED).requirements, [{ field: 'spec.nodeName', operator: '=', value: 'a' }]);
    // The first operator splits, `!=` and `==` tried before `=`: the rest is the value.
    assert.deepEqual(parseFieldSelector('spec.nodeName==\\=a', SUPPORTED).requirements, [{ field: 'spec.nodeName', operator: '==', value: '=a' }]);
    assert.deepEqual(parseFieldSelector('spec.nodeName=!\\=a', SUPPORTED).requirements, [{ field: 'spec.nodeName', operator: '=', value: '!=a' }]);
  });

  test('escapes in values', () => {
    assert.deepEqual(parseFieldSelector('spec.nodeName=a\\,b\\=c\\\\d', SUPPORTED).requirements, [
      { field: 'spec.nodeName', operator: '=', value: 'a,b=c\\d' },
    ]);
    assert.equal(unescapeFieldValue('plain value'), 'plain value');
    assert.equal(escapeFieldValue('a,b=c\\d'), 'a\\,b\\=c\\\\d');
    // Spaces and quotes are data.
    assert.deepEqual(parseFieldSelector("metadata.name=x' OR 1=1 --".replace('=1', '\\=1'), SUPPORTED).requirements, [
      { field: 'metadata.name', operator: '=', value: "x' OR 1=1 --" },
    ]);
  });

  test('errors', () => {
    const m = (s: string) => badInputMessage(() => parseFieldSelector(s, SUPPORTED));
    assert.equal(m('spec.host=a'), 'field label not supported: spec.host');
    assert.equal(m('=x'), 'field label not supported: ');
    assert.equal(m('metadata.name =x'), 'field label not supported: metadata.name ');
    assert.equal(m('metadata.name'), "invalid selector: 'metadata.name'; can't understand 'metadata.name'");
    assert.equal(m('a=b,metadata.name'), "invalid selector: 'a=b,metadata.name'; can't understand 'metadata.name'");
    assert.equal(m('spec.nodeName===a'), 'invalid field selector: unescaped character in value: =');
    assert.equal(m('spec.nodeName=a=b'), 'invalid field selector: unescaped character in value: =');
    assert.equal(m('spec.nodeName=a\\b'), 'invalid field selector: invalid escape sequence: \\b');
    assert.equal(m('spec.nodeName=a\\'), 'invalid field selector: invalid escape sequence: \\');
    assert.equal(m("metadata.name=x' OR 1=1 --"), 'invalid field selector: unescaped character in value: =');
    assert.equal(m('metadata.labels.app=x'), 'field label not supported: metadata.labels.app');
    assert.equal(m('__proto__=x'), 'field label not supported: __proto__');
    // Syntax errors are reported before unsupported fields, as the apiserver does.
    assert.match(m('zzz=a,spec.nodeName=a\\q'), /invalid escape sequence/);
  });

  test('format round-trip', () => {
    const sel = parseFieldSelector('spec.nodeName=a\\,b,status.phase!=x\\=y', SUPPORTED);
    assert.equal(formatFieldSelector(sel), 'spec.nodeName=a\\,b,status.phase!=x\\=y');
    assert.deepEqual(parseFieldSelector(formatFieldSelector(sel), SUPPORTED), sel);
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            field: fc.constantFrom(...SUPPORTED),
            operator: fc.constantFrom('=' as const, '==' as const, '!=' as const),
            value: fc.string(),
          }),
          { maxLength: 5 },
        ),
        (reqs) => {
          const text = formatFieldSelector({ requirements: reqs });
          const parsed = parseFieldSelector(text, SUPPORTED);
          const key = (r: { field: string; operator: string; value: string }) => JSON.stringify([r.field, r.operator, r.value]);
          assert.deepEqual(parsed.requirements.map(key).sort(), reqs.map(key).sort());
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('matchesFields', () => {
  const pod = {
    metadata: { name: 'web-1', namespace: 'default' },
    spec: { nodeName: 'n1', replicas: 3, unschedulable: false, obj: { a: 1 }, nil: null },
    status: { phase: 'Running' },
  };
  const match = (s: string, obj: Record<string, unknown> = pod) =>
    matchesFields(parseFieldSelector(s, [...SUPPORTED, 'spec.obj', 'spec.nil', 'spec.missing', 'spec.nodeName.x']), obj);

  test('equality and inequality', () => {
    assert.ok(match(''));
    assert.ok(match('metadata.name=web-1'));
    assert.ok(match('metadata.name==web-1,metadata.namespace=default'));
    assert.ok(!match('metadata.name=web-2'));
    assert.ok(match('status.phase!=Pending'));
    assert.ok(!match('status.phase!=Running'));
    assert.ok(!match('metadata.name=web-1,status.phase=Pending'));
  });

  test('missing, null and structured values read as ""', () => {
    assert.ok(match('spec.missing='));
    assert.ok(!match('spec.missing!='));
    assert.ok(match('spec.missing!=x'));
    assert.ok(match('spec.nil='));
    assert.ok(match('spec.obj='));
    assert.ok(match('spec.nodeName.x='));
    assert.ok(match('metadata.namespace=', { metadata: { name: 'cluster-scoped' } }));
    assert.ok(match('spec.nodeName=', {}));
  });

  test('numbers and booleans compare in text form', () => {
    assert.ok(match('spec.replicas=3'));
    assert.ok(match('spec.unschedulable=false'));
    assert.ok(!match('spec.unschedulable=true'));
  });

  test('fieldValue reads own properties only', () => {
    assert.equal(fieldValue({}, 'constructor'), '');
    assert.equal(fieldValue({ a: 'x' }, 'a.length'), '');
    assert.equal(fieldValue({ a: ['x'] }, 'a.0'), '');
    assert.equal(fieldValue(null, 'a'), '');
  });
});
