// NetworkPolicies (networking.k8s.io/v1): stored and validated (kubeql's simulated network
// does not enforce them). No status subresource in Kubernetes 1.30.
import { formatLabelSelector, labelSelectorFromObject, type LabelSelectorObject } from '../../apimachinery/labels.ts';
import type { KubeObject } from '../kinds.ts';
import { isRec } from '../validation/field.ts';
import { validateNetworkPolicy } from '../validation/networkpolicy.ts';
import { AGE_COLUMN, NAME_COLUMN, defineKind, defineStrategy } from './define.ts';

/**
 * SetDefaults_NetworkPolicy and SetDefaults_NetworkPolicyPort: ports are TCP unless they
 * say otherwise; no policyTypes means Ingress, plus Egress when there are egress rules.
 */
export function defaultNetworkPolicy(obj: KubeObject): void {
  const spec = obj.spec;
  if (!isRec(spec)) return;
  for (const rules of [spec.ingress, spec.egress]) {
    for (const rule of Array.isArray(rules) ? rules : []) {
      if (!isRec(rule) || !Array.isArray(rule.ports)) continue;
      for (const port of rule.ports) if (isRec(port) && (port.protocol === undefined || port.protocol === null)) port.protocol = 'TCP';
    }
  }
  if (spec.policyTypes === undefined || spec.policyTypes === null || (Array.isArray(spec.policyTypes) && spec.policyTypes.length === 0)) {
    spec.policyTypes = Array.isArray(spec.egress) && spec.egress.length ? ['Ingress', 'Egress'] : ['Ingress'];
  }
}

/** metav1.FormatLabelSelector: `app=web,tier in (a,b)`, `<none>` for the empty selector. */
export function formatSelector(v: unknown): string {
  if (!isRec(v)) return '<none>';
  try {
    return formatLabelSelector(labelSelectorFromObject(v as LabelSelectorObject)) || '<none>';
  } catch {
    return '<error>';
  }
}

export const networkPolicyStrategy = defineStrategy({
  info: defineKind('NetworkPolicy', 'networking.k8s.io/v1', 'networkpolicies', true, { hasStatus: false, shortNames: ['netpol'] }),
  validate: validateNetworkPolicy,
  defaults: defaultNetworkPolicy,
  printColumns: [
    NAME_COLUMN,
    {
      name: 'POD-SELECTOR',
      type: 'string',
      source: { compute: (o) => formatSelector(o.spec?.podSelector) },
      description: 'Selects the pods to which this NetworkPolicy object applies.',
    },
    AGE_COLUMN,
  ],
});
