// Ingresses (networking.k8s.io/v1): stored and validated; an ingress controller is outside
// kubeql, so the load balancer status is whatever a client writes.
import type { KubeObject } from '../kinds.ts';
import { isRec } from '../validation/field.ts';
import { validateIngress } from '../validation/ingress.ts';
import { AGE_COLUMN, NAME_COLUMN, defineKind, defineStrategy } from './define.ts';

const records = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter(isRec) : []);

/** kubectl's formatHosts: up to three rule hosts, `*` when no rule names one. */
export function formatIngressHosts(obj: KubeObject): string {
  const rules = Array.isArray(obj.spec?.rules) ? (obj.spec.rules as unknown[]) : [];
  const hosts: string[] = [];
  let more = false;
  for (const rule of rules) {
    if (hosts.length === 3) more = true;
    const host = isRec(rule) && typeof rule.host === 'string' ? rule.host : '';
    if (!more && host) hosts.push(host);
  }
  if (!hosts.length) return '*';
  return more ? `${hosts.join(',')} + ${rules.length - 3} more...` : hosts.join(',');
}

/** ingressLoadBalancerStatusStringer (wide): each load balancer's IP, else its hostname, once. */
export function formatIngressAddress(obj: KubeObject): string | undefined {
  const lb = isRec(obj.status?.loadBalancer) ? obj.status.loadBalancer : {};
  const out = new Set<string>();
  for (const i of records(lb.ingress)) {
    if (typeof i.ip === 'string' && i.ip) out.add(i.ip);
    else if (typeof i.hostname === 'string' && i.hostname) out.add(i.hostname);
  }
  return out.size ? [...out].join(',') : undefined;
}

export const ingressStrategy = defineStrategy({
  info: defineKind('Ingress', 'networking.k8s.io/v1', 'ingresses', true, { shortNames: ['ing'] }),
  validate: validateIngress,
  // loadBalancer has no omitempty: a new Ingress prints `status: {loadBalancer: {}}`.
  prepareForCreate: (obj) => {
    obj.status = { loadBalancer: {} };
  },
  printColumns: [
    NAME_COLUMN,
    {
      name: 'CLASS',
      type: 'string',
      source: 'spec.ingressClassName',
      description: 'The name of the IngressClass resource that should be used for additional configuration',
    },
    {
      name: 'HOSTS',
      type: 'string',
      source: { compute: formatIngressHosts },
      description: 'Hosts that incoming requests are matched against before the ingress rule',
    },
    {
      name: 'ADDRESS',
      type: 'string',
      source: { compute: formatIngressAddress },
      description: 'Address is a list containing ingress points for the load-balancer',
    },
    {
      name: 'PORTS',
      type: 'string',
      source: { compute: (o) => (Array.isArray(o.spec?.tls) && o.spec.tls.length ? '80, 443' : '80') },
      description: 'Ports of TLS configurations that open',
    },
    AGE_COLUMN,
  ],
});
