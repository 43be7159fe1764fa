// kube-apiserver's mutating admission plugins that kubeql runs, in kube-apiserver's order,
// on the defaulted object before validation (the registry's `mutating` option). Plugins
// that read other objects (Priority) or the caller run as admit hooks (./index.ts, priority.ts).
import type { MutatingAdmission } from '../registry/registry.ts';
import { defaultTolerationSecondsPlugin } from './default-toleration-seconds.ts';

export const MUTATING_ADMISSION: readonly MutatingAdmission[] = [defaultTolerationSecondsPlugin];
