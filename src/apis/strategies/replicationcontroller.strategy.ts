// ReplicationControllers (core/v1; pkg/registry/core/replicationcontroller): a ReplicaSet
// with an equality selector, a plain map of labels. SetDefaults_ReplicationController:
// the selector and the controller's own labels default to the template's labels, replicas
// to 1. The selector may change (unlike apps/v1's).
import { defaultReplicaSet } from '../defaults.ts';
import type { KubeObject } from '../kinds.ts';
import { isRec, type Rec } from '../validation/field.ts';
import { validateReplicationController, validateReplicationControllerStatus } from '../validation/replicationcontroller.ts';
import { AGE_COLUMN, NAME_COLUMN, REPLICAS_SCALE, defineKind, defineStrategy } from './define.ts';
import { formatLabels } from './podtemplate.strategy.ts';

const nonEmpty = (v: unknown): v is Rec => isRec(v) && Object.keys(v).length > 0;

export function defaultReplicationController(rc: KubeObject): void {
  if (rc.spec === undefined || rc.spec === null) rc.spec = {};
  const spec = rc.spec;
  if (!isRec(spec)) return;
  const template = isRec(spec.template) ? spec.template : undefined;
  const labels = template && isRec(template.metadata) ? template.metadata.labels : undefined;
  if (nonEmpty(labels)) {
    if (spec.selector === undefined || spec.selector === null || (isRec(spec.selector) && Object.keys(spec.selector).length === 0))
      spec.selector = { ...labels };
    if (
      isRec(rc.metadata) &&
      (rc.metadata.labels === undefined || rc.metadata.labels === null || (isRec(rc.metadata.labels) && Object.keys(rc.metadata.labels).length === 0))
    ) {
      rc.metadata.labels = { ...(labels as Record<string, string>) };
    }
  }
  defaultReplicaSet(rc); // replicas 1 and the template's pod-spec defaults, the same as a ReplicaSet's
}

export const replicationControllerStrategy = defineStrategy({
  info: defineKind('ReplicationController', 'v1', 'replicationcontrollers', true, {
    shortNames: ['rc'],
    categories: ['all'],
    scale: REPLICAS_SCALE,
    fieldSelectors: ['status.replicas'],
  }),
  validate: validateReplicationController,
  validateStatus: validateReplicationControllerStatus,
  defaults: defaultReplicationController,
  printColumns: [
    NAME_COLUMN,
    { name: 'DESIRED', type: 'integer', source: 'spec.replicas', description: 'Replicas is the number of desired replicas.' },
    { name: 'CURRENT', type: 'integer', source: 'status.replicas', description: 'Replicas is the most recently observed number of replicas.' },
    { name: 'READY', type: 'integer', source: 'status.readyReplicas', description: 'The number of ready replicas for this replication controller.' },
    AGE_COLUMN,
    {
      name: 'CONTAINERS',
      type: 'string',
      source: { each: 'spec.template.spec.containers', format: '{name}' },
      priority: 1,
      description: 'Names of each container in the template.',
    },
    {
      name: 'IMAGES',
      type: 'string',
      source: { each: 'spec.template.spec.containers', format: '{image}' },
      priority: 1,
      description: 'Images referenced by each container in the template.',
    },
    {
      name: 'SELECTOR',
      type: 'string',
      source: { compute: (rc) => formatLabels(isRec(rc.spec) ? rc.spec.selector : undefined) },
      priority: 1,
      description: 'Selector is a label query over pods that should match the Replicas count.',
    },
  ],
});
