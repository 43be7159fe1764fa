// PodDisruptionBudgets (policy/v1): the disruption controller keeps the status; evictions
// honour it (both later issues).
import type { KubeObject } from '../kinds.ts';
import { validatePodDisruptionBudget } from '../validation/poddisruptionbudget.ts';
import { AGE_COLUMN, NAME_COLUMN, defineKind, defineStrategy } from './define.ts';

/** intstr's String() of minAvailable / maxUnavailable; kubectl prints N/A when unset. */
const intOrPercent = (v: unknown): string => (typeof v === 'number' || typeof v === 'string' ? String(v) : 'N/A');

export const podDisruptionBudgetStrategy = defineStrategy({
  info: defineKind('PodDisruptionBudget', 'policy/v1', 'poddisruptionbudgets', true, { shortNames: ['pdb'] }),
  validate: validatePodDisruptionBudget,
  // The counters have no omitempty: a new budget prints them as 0 until the controller counts.
  prepareForCreate: (obj: KubeObject) => {
    obj.status = { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
  },
  printColumns: [
    NAME_COLUMN,
    {
      name: 'MIN AVAILABLE',
      type: 'string',
      source: { compute: (o) => intOrPercent(o.spec?.minAvailable) },
      description: 'The minimum number of pods that must be available.',
    },
    {
      name: 'MAX UNAVAILABLE',
      type: 'string',
      source: { compute: (o) => intOrPercent(o.spec?.maxUnavailable) },
      description: 'The maximum number of pods that may be unavailable.',
    },
    {
      name: 'ALLOWED DISRUPTIONS',
      type: 'integer',
      source: 'status.disruptionsAllowed',
      description: 'Calculated number of pods that may be disrupted at this time.',
    },
    AGE_COLUMN,
  ],
});
