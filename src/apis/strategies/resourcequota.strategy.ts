// ResourceQuotas (core/v1; pkg/registry/core/resourcequota): status (hard, used) is the
// quota controller's, through the status subresource; `spec.scopes` may not change.
import type { KubeObject } from '../kinds.ts';
import { isRec, type Rec } from '../validation/field.ts';
import { validateResourceQuota, validateResourceQuotaStatus, validateResourceQuotaUpdate } from '../validation/resourcequota.ts';
import { AGE_COLUMN, NAME_COLUMN, defineKind, defineStrategy } from './define.ts';
import { quantityText } from './persistentvolume.strategy.ts';

const rec = (v: unknown): Rec => (isRec(v) ? v : {});

/**
 * kubectl's REQUEST and LIMIT columns: `resource: used/hard` for each resource of
 * status.hard, sorted; LIMIT has the `limits.*` ones, REQUEST the rest.
 */
export function quotaUsage(quota: KubeObject, limits: boolean): string {
  const status = rec(quota.status);
  const hard = rec(status.hard);
  const used = rec(status.used);
  return Object.keys(hard)
    .sort()
    .filter((r) => {
      const pieces = r.split('.');
      return (pieces.length > 1 && pieces[0] === 'limits') === limits;
    })
    .map((r) => `${r}: ${quantityText(used[r])}/${quantityText(hard[r])}`)
    .join(', ');
}

export const resourceQuotaStrategy = defineStrategy({
  info: defineKind('ResourceQuota', 'v1', 'resourcequotas', true, { shortNames: ['quota'] }),
  validate: validateResourceQuota,
  validateUpdate: validateResourceQuotaUpdate,
  validateStatus: validateResourceQuotaStatus,
  printColumns: [
    NAME_COLUMN,
    AGE_COLUMN,
    {
      name: 'REQUEST',
      type: 'string',
      source: { compute: (q) => quotaUsage(q, false) },
      description: 'Request represents a minimum amount of cpu/memory that a container may consume.',
    },
    {
      name: 'LIMIT',
      type: 'string',
      source: { compute: (q) => quotaUsage(q, true) },
      description: 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.',
    },
  ],
});
