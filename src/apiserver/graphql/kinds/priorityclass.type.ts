/** scheduling.k8s.io/v1 PriorityClass: its fields are top-level scalars (no spec, no status). */
import 'reflect-metadata';
import { Int } from 'type-graphql';
import type { KindShape } from './index.ts';

export const PRIORITY_CLASS_FIELDS: KindShape['fields'] = {
  value: { type: () => Int, description: 'The priority of the pods that name this class (higher is more important); at most 1000000000 for user classes.' },
  globalDefault: { type: () => Boolean, description: "The priority of pods that name no class. Only one class may be the global default." },
  description: { type: () => String, description: 'When this class should be used.' },
  preemptionPolicy: { type: () => String, description: 'PreemptLowerPriority (default) or Never: whether pods of this class may preempt lower-priority pods.' },
};
