// kubectl's multi-line fields: a title cell, then one entry per line, the continuation
// lines starting with the same indent and a tab so the tab writer aligns them under the
// first (printLabelsMultiline, printAnnotationsMultiline, printTaintsMultiline, …).
import type { Taint, Toleration } from 'kubernetes-types/core/v1.js';
import { LEVEL_0, type PrefixWriter } from './prefix-writer.ts';

/** Annotations never shown: the copy `kubectl apply` keeps of the last applied manifest. */
const SKIPPED_ANNOTATIONS = new Set(['kubectl.kubernetes.io/last-applied-configuration']);
/** Longer annotations are printed on lines of their own, each cut at this length. */
const MAX_ANNOTATION_LENGTH = 140;

type StringMap = Readonly<Record<string, string>> | null | undefined;

/** A multi-line field: `title:` then each entry on its own line, `<none>` when there are none. */
function printMultiline(w: PrefixWriter, initialIndent: string, title: string, innerIndent: string, entries: readonly string[]): void {
  w.write(LEVEL_0, `${initialIndent}${title}:${innerIndent}`);
  if (entries.length === 0) {
    w.writeLine('<none>');
    return;
  }
  entries.forEach((entry, i) => {
    if (i !== 0) w.write(LEVEL_0, initialIndent + innerIndent);
    w.write(LEVEL_0, `${entry}\n`);
  });
}

const sortedKeys = (map: StringMap, skip: ReadonlySet<string> = new Set()): string[] =>
  Object.keys(map ?? {})
    .filter((k) => !skip.has(k))
    .sort();

/** printLabelsMultilineWithIndent: `key=value` lines in key order. */
export function printLabelsMultiline(w: PrefixWriter, title: string, labels: StringMap, initialIndent = '', innerIndent = '\t'): void {
  printMultiline(
    w,
    initialIndent,
    title,
    innerIndent,
    sortedKeys(labels).map((k) => `${k}=${labels![k]}`),
  );
}

const shorten = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max)}...` : s);

/** printAnnotationsMultiline: `key: value`, or the key and then the value's lines when long or multi-line. */
export function printAnnotationsMultiline(w: PrefixWriter, title: string, annotations: StringMap): void {
  w.write(LEVEL_0, `${title}:\t`);
  const keys = sortedKeys(annotations, SKIPPED_ANNOTATIONS);
  if (keys.length === 0) {
    w.writeLine('<none>');
    return;
  }
  const indent = '\t';
  keys.forEach((key, i) => {
    if (i !== 0) w.write(LEVEL_0, indent);
    const value = annotations![key]!.replace(/\n$/, '');
    if (value.length + key.length + 2 > MAX_ANNOTATION_LENGTH || value.includes('\n')) {
      w.write(LEVEL_0, `${key}:\n`);
      for (const line of value.split('\n')) w.write(LEVEL_0, `${indent}  ${shorten(line, MAX_ANNOTATION_LENGTH - 2)}\n`);
    } else {
      w.write(LEVEL_0, `${key}: ${value}\n`);
    }
  });
}

/** Taint.ToString: `key=value:effect`. */
export function taintString(t: Taint): string {
  const kv = t.value ? `${t.key}=${t.value}` : t.key;
  return t.effect ? `${kv}:${t.effect}` : kv;
}

/** printTaintsMultiline: by effect, then key. */
export function printTaintsMultiline(w: PrefixWriter, title: string, taints: readonly Taint[] | undefined): void {
  const byEffectAndKey = (t: Taint) => `${t.effect ?? ''},${t.key}`;
  const sorted = [...(taints ?? [])].sort((a, b) => (byEffectAndKey(a) < byEffectAndKey(b) ? -1 : byEffectAndKey(a) > byEffectAndKey(b) ? 1 : 0));
  printMultiline(w, '', title, '\t', sorted.map(taintString));
}

/** A toleration as kubectl prints it: `key=value:effect`, ` op=Exists`, ` for 300s`. */
function tolerationString(t: Toleration): string {
  let s = t.key ?? '';
  if (t.value) s += `=${t.value}`;
  if (t.effect) s += `:${t.effect}`;
  // An Exists toleration without key and effect tolerates everything.
  if (t.operator === 'Exists' && !t.value) s += t.key || t.effect ? ' op=Exists' : 'op=Exists';
  if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null) s += ` for ${t.tolerationSeconds}s`;
  return s;
}

/** printPodTolerationsMultiline: by key. */
export function printTolerationsMultiline(w: PrefixWriter, title: string, tolerations: readonly Toleration[] | undefined): void {
  const sorted = [...(tolerations ?? [])].sort((a, b) => ((a.key ?? '') < (b.key ?? '') ? -1 : (a.key ?? '') > (b.key ?? '') ? 1 : 0));
  printMultiline(w, '', title, '\t', sorted.map(tolerationString));
}

/** printPodsMultiline: pod names in order. */
export function printNamesMultiline(w: PrefixWriter, title: string, names: readonly string[]): void {
  printMultiline(w, '', title, '\t', [...names].sort());
}

/** labels.FormatLabels: `k=v,k2=v2` in key order, `<none>` when empty. */
export function formatLabels(map: StringMap): string {
  const keys = sortedKeys(map);
  return keys.length ? keys.map((k) => `${k}=${map![k]}`).join(',') : '<none>';
}
