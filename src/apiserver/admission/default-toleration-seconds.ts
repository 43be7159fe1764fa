// DefaultTolerationSeconds (kube-apiserver's admission plugin of that name): every pod
// tolerates `node.kubernetes.io/not-ready:NoExecute` and
// `node.kubernetes.io/unreachable:NoExecute` for 300 s unless it already says how long it
// tolerates them, so that a node that stops answering has its pods evicted five minutes
// later rather than at once. Pods proper only, on create and update; subresources pass.
//
// A mutating plugin: the registry runs it after defaulting and before validation, as
// kube-apiserver does, which is what lets a `replace` that omits the tolerations it once
// got pass the "existing toleration can not be modified" rule (they are added back first).
import type { KubeObject } from '../../apis/kinds.ts';
import type { MutatingAdmission } from '../registry/registry.ts';

export const TAINT_NODE_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_NODE_UNREACHABLE = 'node.kubernetes.io/unreachable';
/** --default-not-ready-toleration-seconds and --default-unreachable-toleration-seconds. */
export const DEFAULT_TOLERATION_SECONDS = 300;

interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

/** A toleration with this key (or no key: every key) and NoExecute (or no effect: every effect). */
const tolerates = (tolerations: Toleration[], key: string) =>
  tolerations.some((t) => typeof t === 'object' && t !== null && (t.key === key || !t.key) && (t.effect === 'NoExecute' || !t.effect));

export function defaultTolerationSeconds(pod: KubeObject): void {
  const spec = pod.spec;
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) return;
  const tolerations = Array.isArray(spec.tolerations) ? (spec.tolerations as Toleration[]) : [];
  const added: Toleration[] = [];
  for (const key of [TAINT_NODE_NOT_READY, TAINT_NODE_UNREACHABLE]) {
    if (!tolerates(tolerations, key)) added.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: DEFAULT_TOLERATION_SECONDS });
  }
  if (added.length) spec.tolerations = [...tolerations, ...added];
}

/** The plugin: pods on create and update of the pod itself (subresources pass). */
export const defaultTolerationSecondsPlugin: MutatingAdmission = (attrs) => {
  if (attrs.info.kind === 'Pod' && !attrs.subresource) defaultTolerationSeconds(attrs.object);
};
