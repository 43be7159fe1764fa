// ReplicaSets (apps/v1): the selector is immutable.
import { defaultReplicaSet } from '../defaults.ts';
import { validateReplicaSet, validateSelectorUpdate } from '../validation/replicaset.ts';
import { AGE_COLUMN, NAME_COLUMN, REPLICAS_SCALE as SCALE, defineKind, defineStrategy } from './define.ts';

export const replicaSetStrategy = defineStrategy({
  info: defineKind('ReplicaSet', 'apps/v1', 'replicasets', true, { shortNames: ['rs'], categories: ['all'], scale: SCALE }),
  validate: validateReplicaSet,
  validateUpdate: validateSelectorUpdate,
  defaults: defaultReplicaSet,
  printColumns: [
    NAME_COLUMN,
    { name: 'DESIRED', type: 'integer', source: 'spec.replicas' },
    { name: 'CURRENT', type: 'integer', source: 'status.replicas' },
    { name: 'READY', type: 'integer', source: 'status.readyReplicas' },
    AGE_COLUMN,
    { name: 'CONTAINERS', type: 'string', source: { each: 'spec.template.spec.containers', format: '{name}' }, priority: 1 },
    { name: 'IMAGES', type: 'string', source: { each: 'spec.template.spec.containers', format: '{image}' }, priority: 1 },
  ],
});
