// Deployments (apps/v1): the selector is immutable.
import { defaultDeployment } from '../defaults.ts';
import { validateDeployment } from '../validation/deployment.ts';
import { validateSelectorUpdate } from '../validation/replicaset.ts';
import { AGE_COLUMN, NAME_COLUMN, REPLICAS_SCALE as SCALE, defineKind, defineStrategy } from './define.ts';

export const deploymentStrategy = defineStrategy({
  info: defineKind('Deployment', 'apps/v1', 'deployments', true, { shortNames: ['deploy'], categories: ['all'], scale: SCALE }),
  validate: validateDeployment,
  validateUpdate: validateSelectorUpdate,
  defaults: defaultDeployment,
  printColumns: [
    NAME_COLUMN,
    { name: 'READY', type: 'string', source: { ratio: ['status.readyReplicas', 'spec.replicas'] } },
    { name: 'UP-TO-DATE', type: 'integer', source: 'status.updatedReplicas' },
    { name: 'AVAILABLE', type: 'integer', source: 'status.availableReplicas' },
    AGE_COLUMN,
    { name: 'CONTAINERS', type: 'string', source: { each: 'spec.template.spec.containers', format: '{name}' }, priority: 1 },
    { name: 'IMAGES', type: 'string', source: { each: 'spec.template.spec.containers', format: '{image}' }, priority: 1 },
  ],
});
