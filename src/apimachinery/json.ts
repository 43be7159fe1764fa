import { badInput } from './errors.ts';

/** A JSON object (not an array, not null): the one check every layer uses before it reads a field. */
export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deeper JSON than any Kubernetes object needs; deeper input is refused before any recursive code sees it. */
export const MAX_JSON_DEPTH = 64;

/** Refuses JSON nested deeper than `maxDepth` (checked without recursion, so it cannot overflow itself). */
export function checkJsonDepth(value: unknown, field: string, maxDepth = MAX_JSON_DEPTH): void {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= maxDepth)
      throw badInput(`${field || 'the input'} is nested too deeply (more than ${maxDepth} levels)`, [
        { field, message: `Invalid value: nested more than ${maxDepth} levels` },
      ]);
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
}
