// ControllerRevisions (apps/v1): a StatefulSet's or DaemonSet's snapshot of a template.
// No status subresource, no defaults; `data` is immutable.
import { isRec } from '../validation/field.ts';
import { validateControllerRevision, validateControllerRevisionUpdate } from '../validation/controllerrevision.ts';
import type { KubeObject } from '../kinds.ts';
import { AGE_COLUMN, NAME_COLUMN, defineKind, defineStrategy } from './define.ts';

/** printControllerRevision's CONTROLLER: the controller owner as `<kind>.<group>/<name>`, lowercased kind. */
export function controllerOf(obj: KubeObject): string | undefined {
  const refs = obj.metadata.ownerReferences;
  const ref = Array.isArray(refs) ? refs.find((r) => isRec(r) && r.controller === true) : undefined;
  if (!ref) return undefined;
  const apiVersion = typeof ref.apiVersion === 'string' ? ref.apiVersion : '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  return `${String(ref.kind ?? '').toLowerCase()}${group ? `.${group}` : ''}/${String(ref.name ?? '')}`;
}

export const controllerRevisionStrategy = defineStrategy({
  info: defineKind('ControllerRevision', 'apps/v1', 'controllerrevisions', true, { hasStatus: false }),
  validate: validateControllerRevision,
  validateUpdate: validateControllerRevisionUpdate,
  printColumns: [
    NAME_COLUMN,
    { name: 'CONTROLLER', type: 'string', source: { compute: controllerOf }, description: 'The object that owns the revision.' },
    { name: 'REVISION', type: 'integer', source: 'revision' },
    AGE_COLUMN,
  ],
});
