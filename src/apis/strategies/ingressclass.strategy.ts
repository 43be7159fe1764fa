// IngressClasses (networking.k8s.io/v1, cluster-scoped): which controller implements the
// Ingresses that name the class.
import type { KubeObject } from '../kinds.ts';
import { isRec } from '../validation/field.ts';
import { validateIngressClass, validateIngressClassUpdate } from '../validation/ingressclass.ts';
import { AGE_COLUMN, NAME_COLUMN, defineKind, defineStrategy } from './define.ts';

/** SetDefaults_IngressClass: parameters are cluster-scoped unless they say otherwise. */
export function defaultIngressClass(obj: KubeObject): void {
  const params = obj.spec?.parameters;
  if (isRec(params) && (params.scope === undefined || params.scope === null)) params.scope = 'Cluster';
}

export const ingressClassStrategy = defineStrategy({
  info: defineKind('IngressClass', 'networking.k8s.io/v1', 'ingressclasses', false, { hasStatus: false }),
  validate: validateIngressClass,
  validateUpdate: validateIngressClassUpdate,
  defaults: defaultIngressClass,
  printColumns: [
    NAME_COLUMN,
    { name: 'CONTROLLER', type: 'string', source: 'spec.controller', description: 'Controller that is responsible for handling this class' },
    {
      name: 'PARAMETERS',
      type: 'string',
      // Kind[.apiGroup]/name
      source: { join: [{ join: ['spec.parameters.kind', 'spec.parameters.apiGroup'], separator: '.' }, 'spec.parameters.name'], separator: '/' },
      description: 'A reference to a resource with additional parameters',
    },
    AGE_COLUMN,
  ],
});
