// apiequality.Semantic.DeepEqual for JSON objects: quantities compare by amount
// (`1` equals `1000m`), and an absent field equals its zero value (null, "", 0, false,
// [], {}), which is what Go sees after decoding either into a struct.

import { tryParseQuantity } from '../quantity.ts';
import { isRec } from './field.ts';

const QUANTITY_MAPS = new Set(['requests', 'limits', 'overhead', 'capacity', 'allocatable', 'sizeLimit']);

const isZero = (v: unknown): boolean =>
  v === undefined ||
  v === null ||
  v === '' ||
  v === 0 ||
  v === false ||
  (Array.isArray(v) && v.length === 0) ||
  (isRec(v) && Object.keys(v).every((k) => isZero(v[k])));

function quantityEqual(a: unknown, b: unknown): boolean {
  const qa = tryParseQuantity(a);
  const qb = tryParseQuantity(b);
  return qa && qb ? qa.cmp(qb) === 0 : semanticEqual(a, b);
}

/** A ResourceList (or a single quantity such as emptyDir.sizeLimit). */
function quantitiesEqual(a: unknown, b: unknown): boolean {
  if (isZero(a) && isZero(b)) return true;
  if (isRec(a) && isRec(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) if (!quantityEqual(a[k], b[k])) return false;
    return true;
  }
  return quantityEqual(a, b);
}

const fieldEqual = (k: string, a: unknown, b: unknown): boolean => (QUANTITY_MAPS.has(k) ? quantitiesEqual(a, b) : semanticEqual(a, b));

export function semanticEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isZero(a) && isZero(b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => semanticEqual(x, b[i]));
  }
  if (isRec(a) && isRec(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) if (!fieldEqual(k, a[k], b[k])) return false;
    return true;
  }
  return false;
}

/** The keys of two objects whose values differ semantically. */
export function changedKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !fieldEqual(k, a[k], b[k]));
}
