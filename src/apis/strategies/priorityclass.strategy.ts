// PriorityClasses (scheduling.k8s.io/v1, pkg/registry/scheduling/priorityclass): a
// cluster-scoped name → priority value that pods name in spec.priorityClassName; the
// Priority admission plugin (src/apiserver/admission/priority.ts) resolves it.
import type { KubeObject } from '../kinds.ts';
import { validatePriorityClass, validatePriorityClassUpdate } from '../validation/priorityclass.ts';
import { AGE_COLUMN, NAME_COLUMN, defineKind, defineStrategy } from './define.ts';

/** SetDefaults_PriorityClass: preemptionPolicy PreemptLowerPriority. */
export function defaultPriorityClass(pc: KubeObject): void {
  if (pc.preemptionPolicy === undefined || pc.preemptionPolicy === null || pc.preemptionPolicy === '') pc.preemptionPolicy = 'PreemptLowerPriority';
}

export const priorityClassStrategy = defineStrategy({
  info: defineKind('PriorityClass', 'scheduling.k8s.io/v1', 'priorityclasses', false, { hasStatus: false, plural: 'priorityClasses', shortNames: ['pc'] }),
  validate: validatePriorityClass,
  validateUpdate: validatePriorityClassUpdate,
  defaults: defaultPriorityClass,
  printColumns: [
    NAME_COLUMN,
    { name: 'VALUE', type: 'integer', source: 'value' },
    { name: 'GLOBAL-DEFAULT', type: 'string', source: 'globalDefault' },
    AGE_COLUMN,
    { name: 'PREEMPTIONPOLICY', type: 'string', source: 'preemptionPolicy' },
  ],
});
