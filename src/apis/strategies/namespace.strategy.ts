// Namespaces (pkg/registry/core/namespace): Active on create; deletion waits for the
// `kubernetes` finalizer in spec.finalizers while the namespace is Terminating.
import { defaultNamespace } from '../defaults.ts';
import { validateNamespace } from '../validation/namespace.ts';
import { AGE_COLUMN, NAME_COLUMN, defineKind, defineStrategy } from './define.ts';

const specFinalizers = (spec: unknown): string[] => {
  const f = typeof spec === 'object' && spec !== null ? (spec as { finalizers?: unknown }).finalizers : undefined;
  return Array.isArray(f) ? f : [];
};

export const namespaceStrategy = defineStrategy({
  info: defineKind('Namespace', 'v1', 'namespaces', false, { shortNames: ['ns'], fieldSelectors: ['status.phase'] }),
  validate: validateNamespace,
  defaults: defaultNamespace,
  prepareForCreate(ns) {
    ns.status = { phase: 'Active' };
  },
  /** The namespace controller empties spec.finalizers once the namespace's content is gone. */
  pendingFinalizers: (ns) => [...(ns.metadata.finalizers ?? []), ...specFinalizers(ns.spec)],
  prepareForDeletion(ns) {
    ns.status = { ...ns.status, phase: 'Terminating' };
  },
  printColumns: [NAME_COLUMN, { name: 'STATUS', type: 'string', source: 'status.phase' }, AGE_COLUMN],
});
