// kubectl's genericDescriber, for every kind without a describer of its own (custom
// resources among them): the name, labels and annotations, then every other field of the
// object as an indented outline with kubectl's "smart" labels (`apiVersion` → `API Version`).
import { isRecord } from '../../apimachinery/json.ts';
import type { Describer } from './describer.ts';
import { eventsFor, printEvents } from './events.ts';
import { printAnnotationsMultiline, printLabelsMultiline } from './multiline.ts';
import { LEVEL_0, tabbedString, type PrefixWriter } from './prefix-writer.ts';

const ACRONYMS = new Set(['API', 'URL', 'UID', 'GUID']);
/** Fields printed above the outline, or never. */
const SKIPPED = new Set(['.metadata.managedFields', '.metadata.name', '.metadata.namespace', '.metadata.labels', '.metadata.annotations']);

type CharClass = 'lower' | 'upper' | 'digit' | 'other';
const classOf = (ch: string): CharClass => (/\p{Ll}/u.test(ch) ? 'lower' : /\p{Lu}/u.test(ch) ? 'upper' : /\p{Nd}/u.test(ch) ? 'digit' : 'other');

/** github.com/fatih/camelcase.Split: `PDFLoader` → `PDF`, `Loader`. */
export function camelcaseSplit(s: string): string[] {
  const runs: string[][] = [];
  let last: CharClass | undefined;
  for (const ch of s) {
    const c = classOf(ch);
    if (c === last) runs[runs.length - 1]!.push(ch);
    else runs.push([ch]);
    last = c;
  }
  // An upper-case run followed by a lower-case one gives its last letter to the latter.
  for (let i = 0; i < runs.length - 1; i++) {
    if (classOf(runs[i]![0]!) === 'upper' && classOf(runs[i + 1]![0]!) === 'lower') runs[i + 1]!.unshift(runs[i]!.pop()!);
  }
  return runs.filter((r) => r.length > 0).map((r) => r.join(''));
}

/** smartLabelFor: `apiVersion` → `API Version`, `clusterIP` → `Cluster IP`; names with other characters stay as they are. */
export function smartLabel(field: string): string {
  if (/[^\p{L}-]/u.test(field)) return field;
  const parts = camelcaseSplit(field);
  const merged: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const next = parts[i + 1];
    // An acronym run (two or more capitals) joins the capitalised word after it.
    if (next !== undefined && part.length >= 2 && !/\p{Ll}/u.test(part) && /^\p{Lu}/u.test(next)) {
      merged.push(part + next);
      i++;
      continue;
    }
    merged.push(part);
  }
  return merged
    .filter((p) => p !== '_')
    .map((p) => (ACRONYMS.has(p.toUpperCase()) ? p.toUpperCase() : p.toLowerCase() === p ? p.charAt(0).toUpperCase() + p.slice(1) : p))
    .join(' ');
}

/** Go's %v of a JSON value: `<nil>`, `[a b]`, `map[k:v]`. */
function scalar(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(scalar).join(' ')}]`;
  if (isRecord(v))
    return `map[${Object.keys(v)
      .sort()
      .map((k) => `${k}:${scalar(v[k])}`)
      .join(' ')}]`;
  return String(v);
}

/** printUnstructuredContent: fields in name order, maps and lists nested one level deeper. */
function printContent(w: PrefixWriter, level: number, content: Record<string, unknown>, prefix: string): void {
  for (const field of Object.keys(content).sort()) {
    const path = `${prefix}.${field}`;
    if (SKIPPED.has(path)) continue;
    const value = content[field];
    if (isRecord(value)) {
      w.write(level, `${smartLabel(field)}:\n`);
      printContent(w, level + 1, value, path);
    } else if (Array.isArray(value)) {
      w.write(level, `${smartLabel(field)}:\n`);
      for (const child of value) {
        if (isRecord(child)) printContent(w, level + 1, child, path);
        else w.write(level + 1, `${scalar(child)}\n`);
      }
    } else {
      w.write(level, `${smartLabel(field)}:\t${scalar(value)}\n`);
    }
  }
}

export const describeGeneric: Describer = async (ctx, object) => {
  const events = await eventsFor(ctx, object);
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${object.metadata.name}\n`);
    w.write(LEVEL_0, `Namespace:\t${object.metadata.namespace ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', object.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', object.metadata.annotations);
    printContent(w, LEVEL_0, object, '');
    printEvents(events, w, ctx.now);
  });
};
