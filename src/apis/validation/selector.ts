// metav1.LabelSelector (`spec.selector` of Deployments and ReplicaSets):
// ValidateLabelSelector, matching, and its Go rendering for `field is immutable`.

import { labelSelectorFromObject, matchesLabels } from '../../apimachinery/labels.ts';
import { validateLabels } from './meta.ts';
import {
  Literal,
  child,
  forbidden,
  goStringMap,
  goStringSlice,
  index,
  invalid,
  isRec,
  quote,
  readObjects,
  readObject,
  readString,
  readStringArray,
  required,
  type Errs,
  type Rec,
} from './field.ts';
import { isQualifiedName, isValidLabelValue } from './names.ts';

export interface SelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}
export interface Selector {
  matchLabels?: Record<string, string>;
  matchExpressions?: SelectorRequirement[];
}

/** ValidateLabelSelector. Returns the selector as read (well-typed parts only). */
export function validateLabelSelector(errs: Errs, path: string, v: unknown): Selector | undefined {
  const sel = readObject(errs, path, v);
  if (!sel) return undefined;
  const out: Selector = {};
  const matchLabels = validateLabels(errs, child(path, 'matchLabels'), sel.matchLabels);
  if (matchLabels) out.matchLabels = matchLabels;
  const exprPath = child(path, 'matchExpressions');
  for (const [e, i] of readObjects(errs, exprPath, sel.matchExpressions)) {
    const at = index(exprPath, i);
    const key = readString(errs, child(at, 'key'), e.key) ?? '';
    const operator = readString(errs, child(at, 'operator'), e.operator) ?? '';
    const values = readStringArray(errs, child(at, 'values'), e.values);
    switch (operator) {
      case 'In':
      case 'NotIn':
        if (!values?.length) errs.push(required(child(at, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values?.length) errs.push(forbidden(child(at, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        errs.push(invalid(child(at, 'operator'), operator, 'not a valid selector operator'));
    }
    for (const m of isQualifiedName(key)) errs.push(invalid(child(at, 'key'), key, m));
    (values ?? []).forEach((value, j) => {
      for (const m of isValidLabelValue(value)) errs.push(invalid(index(child(at, 'values'), j), value, m));
    });
    (out.matchExpressions ??= []).push(values ? { key, operator, values } : { key, operator });
  }
  return out;
}

/** The selector selects everything (`{}`): Kubernetes skips the template check then. */
export const selectorIsEmpty = (s: Selector): boolean => Object.keys(s.matchLabels ?? {}).length === 0 && (s.matchExpressions ?? []).length === 0;

/** Selector.Matches for a valid structured selector. */
export function selectorMatches(s: Selector, labels: Readonly<Record<string, string>> | undefined): boolean {
  try {
    return matchesLabels(labelSelectorFromObject(s), labels);
  } catch {
    return false;
  }
}

/** A requirement as %#v prints it; it prints invalid selectors too, so any JSON is taken (null: the zero value). */
const goRequirement = (v: unknown): string => {
  const r: Rec = isRec(v) ? v : {};
  const str = (x: unknown): string => (typeof x === 'string' ? x : '');
  const values = Array.isArray(r.values) ? r.values.map(str) : undefined;
  return `v1.LabelSelectorRequirement{Key:${quote(str(r.key))}, Operator:${quote(str(r.operator))}, Values:${
    values ? goStringSlice(values) : '[]string(nil)'
  }}`;
};

/** A LabelSelector as Go's %#v prints it in `Invalid value: v1.LabelSelector{…}`. */
export function goLabelSelector(v: unknown): Literal {
  const s: Rec = isRec(v) ? v : {};
  const ml = isRec(s.matchLabels) ? (s.matchLabels as Record<string, string>) : undefined;
  const me = Array.isArray(s.matchExpressions) ? (s.matchExpressions as unknown[]) : undefined;
  const labels = ml ? goStringMap(ml) : 'map[string]string(nil)';
  const exprs = me ? `[]v1.LabelSelectorRequirement{${me.map(goRequirement).join(', ')}}` : '[]v1.LabelSelectorRequirement(nil)';
  return new Literal(`v1.LabelSelector{MatchLabels:${labels}, MatchExpressions:${exprs}}`);
}

/** A string map as Go prints it (`map[string]string(nil)` when absent). */
export const goLabels = (labels: Readonly<Record<string, string>> | undefined): Literal => new Literal(labels ? goStringMap(labels) : 'map[string]string(nil)');
