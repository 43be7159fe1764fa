// LimitRanges (core/v1): SetDefaults_LimitRangeItem fills a Container limit's default
// from max and its defaultRequest from default, then from min. No status subresource;
// the LimitRanger admission plugin applies them to pods.
import type { KubeObject } from '../kinds.ts';
import { isRec, type Rec } from '../validation/field.ts';
import { validateLimitRange } from '../validation/limitrange.ts';
import { NAME_COLUMN, defineKind, defineStrategy } from './define.ts';

const recs = (v: unknown): Rec[] => (Array.isArray(v) ? v.filter(isRec) : []);
const unset = (v: unknown): boolean => v === undefined || v === null;

/** SetDefaults_LimitRangeItem, for each Container limit whose lists are objects (or absent). */
export function defaultLimitRange(lr: KubeObject): void {
  const spec = isRec(lr.spec) ? lr.spec : undefined;
  for (const item of recs(spec?.limits)) {
    if (item.type !== 'Container') continue;
    if (!(unset(item.default) || isRec(item.default)) || !(unset(item.defaultRequest) || isRec(item.defaultRequest))) continue;
    const def: Rec = { ...(isRec(item.default) ? item.default : {}) };
    const req: Rec = { ...(isRec(item.defaultRequest) ? item.defaultRequest : {}) };
    for (const [k, v] of Object.entries(isRec(item.max) ? item.max : {})) if (!Object.hasOwn(def, k)) def[k] = v;
    for (const [k, v] of Object.entries(def)) if (!Object.hasOwn(req, k)) req[k] = v;
    for (const [k, v] of Object.entries(isRec(item.min) ? item.min : {})) if (!Object.hasOwn(req, k)) req[k] = v;
    // Empty lists are omitted, as Kubernetes prints them.
    if (Object.keys(def).length > 0) item.default = def;
    if (Object.keys(req).length > 0) item.defaultRequest = req;
  }
}

export const limitRangeStrategy = defineStrategy({
  info: defineKind('LimitRange', 'v1', 'limitranges', true, { hasStatus: false, shortNames: ['limits'] }),
  validate: validateLimitRange,
  defaults: defaultLimitRange,
  printColumns: [
    NAME_COLUMN,
    {
      name: 'CREATED AT',
      type: 'date',
      source: 'metadata.creationTimestamp',
      description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
    },
  ],
});
