// IngressClasses (networking.k8s.io/v1, cluster-scoped): ValidateIngressClass of
// pkg/apis/networking/validation — a domain-prefixed controller, immutable, and an
// optional parameters reference with its scope.

import type { KubeObject } from '../kinds.ts';
import { FIELD_IMMUTABLE, checkEnum, child, forbidden, invalid, present, readObject, readString, required, tooLong, type Errs } from './field.ts';
import { validateObjectMeta } from './meta.ts';
import { checkWith, isDNS1123Subdomain, nameIsDNSLabel, nameIsDNSSubdomain, regexError } from './names.ts';
import { validateTypedLocalObjectReference } from './ingress.ts';

const MAX_LEN_CONTROLLER = 250;
/** sets.List() order. */
export const PARAMETERS_SCOPES = ['Cluster', 'Namespace'] as const;

const httpPathFmt = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";
const httpPathRegexp = new RegExp(`^${httpPathFmt}$`);

/** validation.IsDomainPrefixedPath: `example.com/ingress-controller`. */
export function checkDomainPrefixedPath(errs: Errs, path: string, value: string): void {
  if (!value) {
    errs.push(required(path));
    return;
  }
  const slash = value.indexOf('/');
  const host = slash < 0 ? value : value.slice(0, slash);
  const rest = slash < 0 ? '' : value.slice(slash + 1);
  if (slash < 0 || !host || !rest) {
    errs.push(invalid(path, value, 'must be a domain-prefixed path (such as "acme.io/foo")'));
    return;
  }
  checkWith(errs, path, host, isDNS1123Subdomain);
  if (!httpPathRegexp.test(rest)) errs.push(invalid(path, rest, regexError('Invalid path', httpPathFmt)));
}

/** validateIngressClassParametersReference. */
function validateParameters(errs: Errs, path: string, v: unknown): void {
  const params = readObject(errs, path, v);
  if (!params) return;
  validateTypedLocalObjectReference(errs, path, params);
  if (!present(params.scope)) {
    errs.push(required(child(path, 'scope')));
    return;
  }
  const scope = checkEnum(errs, child(path, 'scope'), params.scope, PARAMETERS_SCOPES);
  const namespace = readString(errs, child(path, 'namespace'), params.namespace);
  if (scope === 'Namespace') {
    if (namespace === undefined) errs.push(required(child(path, 'namespace'), "`parameters.scope` is set to 'Namespace'"));
    else for (const m of nameIsDNSLabel(namespace, false)) errs.push(invalid(child(path, 'namespace'), namespace, m));
  }
  if (scope === 'Cluster' && namespace !== undefined) errs.push(forbidden(child(path, 'namespace'), "`parameters.scope` is set to 'Cluster'"));
}

export function validateIngressClass(errs: Errs, obj: KubeObject): void {
  validateObjectMeta(errs, obj.metadata, { namespaced: false, nameFn: nameIsDNSSubdomain });
  const s = (present(obj.spec) ? readObject(errs, 'spec', obj.spec) : {}) ?? {};
  const controller = readString(errs, 'spec.controller', s.controller) ?? '';
  if (controller.length > MAX_LEN_CONTROLLER) errs.push(tooLong('spec.controller', MAX_LEN_CONTROLLER));
  checkDomainPrefixedPath(errs, 'spec.controller', controller);
  validateParameters(errs, 'spec.parameters', s.parameters);
}

/** The controller is immutable. */
export function validateIngressClassUpdate(errs: Errs, obj: KubeObject, old: KubeObject): void {
  const controller = (o: KubeObject): unknown => (typeof o.spec?.controller === 'string' ? o.spec.controller : '');
  if (controller(obj) !== controller(old)) errs.push(invalid('spec.controller', controller(obj), FIELD_IMMUTABLE));
}
