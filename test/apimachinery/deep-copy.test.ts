// deepCopy: a deep copy of JSON data — nothing shared with the original, "__proto__" kept
// as data (never the copy's prototype), null-prototype objects (GraphQL inputs) copied as
// plain ones, non-JSON objects kept by reference.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { deepCopy } from '../../src/apimachinery/deep-copy.ts';

test('any JSON value: the copy is deep-equal and shares no object or array with the original', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (v) => {
      const c = deepCopy(v);
      assert.deepEqual(c, v);
      const objects = new Set<unknown>();
      const walk = (x: unknown) => {
        if (typeof x === 'object' && x !== null) {
          objects.add(x);
          for (const y of Object.values(x)) walk(y);
        }
      };
      walk(v);
      const shared = (x: unknown): boolean => typeof x === 'object' && x !== null && (objects.has(x) || Object.values(x).some(shared));
      assert.equal(shared(c), false);
    }),
    { numRuns: 300 },
  );
});

test('"__proto__" stays an own data key; the copy\'s prototype is Object.prototype', () => {
  const o = JSON.parse('{"spec":{"__proto__":{"polluted":true},"x":1}}');
  const c = deepCopy(o);
  assert.equal(Object.getPrototypeOf(c.spec), Object.prototype);
  assert.deepEqual(Object.keys(c.spec), ['__proto__', 'x']);
  assert.equal((c.spec as { polluted?: boolean }).polluted, undefined);
  assert.equal(JSON.stringify(c), JSON.stringify(o));
  c.spec.x = 2;
  assert.equal(o.spec.x, 1);
});

test('null-prototype objects and class instances (GraphQL inputs) are copied as plain objects; a Date is kept as is', () => {
  const input = Object.assign(Object.create(null), { a: Object.assign(Object.create(null), { b: 1 }) });
  const c = deepCopy(input);
  assert.equal(Object.getPrototypeOf(c), Object.prototype);
  assert.deepEqual(JSON.parse(JSON.stringify(c)), { a: { b: 1 } });
  class PodInput {
    metadata = { name: 'p' };
  }
  const fromClass = deepCopy(new PodInput());
  assert.equal(Object.getPrototypeOf(fromClass), Object.prototype);
  assert.deepEqual(fromClass, { metadata: { name: 'p' } });
  const original = new PodInput();
  deepCopy(original).metadata.name = 'changed';
  assert.equal(original.metadata.name, 'p', 'a copy, not the instance');
  const at = new Date(0);
  assert.equal(deepCopy({ at }).at, at);
});
