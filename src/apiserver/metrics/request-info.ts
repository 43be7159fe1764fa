// What a GraphQL root field is in Kubernetes' terms — the verb and resource that
// kube-apiserver's RequestInfo would derive from the REST path — so that request metrics
// carry Kubernetes' labels (`verb="LIST", resource="pods"`) and dashboards made for
// Kubernetes read them unchanged.
import { Kind, type OperationDefinitionNode } from 'graphql';
import { KINDS, type KindInfo } from '../../apis/kinds.ts';
import { apiGroupOf } from '../authz/index.ts';

/** Kubernetes' metric verbs: GET LIST WATCH POST PUT PATCH DELETE APPLY (and `other`). */
export interface RequestInfo {
  verb: string;
  group: string;
  version: string;
  resource: string;
  subresource: string;
  /** The Kubernetes kind, when the field is about one. */
  kind?: string;
}

const lcfirst = (s: string) => s[0].toLowerCase() + s.slice(1);
const versionOf = (apiVersion: string) => apiVersion.slice(apiVersion.indexOf('/') + 1);

const FIELDS = new Map<string, RequestInfo>();
const resourceInfo = (k: KindInfo, verb: string, subresource = ''): RequestInfo => ({
  verb,
  group: apiGroupOf(k.apiVersion),
  version: versionOf(k.apiVersion),
  resource: k.resource,
  subresource,
  kind: k.kind,
});
for (const k of KINDS) {
  const name = k.kind;
  FIELDS.set(lcfirst(name), resourceInfo(k, 'GET'));
  FIELDS.set(k.plural, resourceInfo(k, 'LIST'));
  FIELDS.set(`watch${name[0]}${k.plural.slice(1)}`, resourceInfo(k, 'WATCH'));
  FIELDS.set(`create${name}`, resourceInfo(k, 'POST'));
  FIELDS.set(`create${name[0]}${k.plural.slice(1)}`, resourceInfo(k, 'POST'));
  FIELDS.set(`replace${name}`, resourceInfo(k, 'PUT'));
  FIELDS.set(`patch${name}`, resourceInfo(k, 'PATCH'));
  FIELDS.set(`delete${name}`, resourceInfo(k, 'DELETE'));
  FIELDS.set(`update${name}Status`, resourceInfo(k, 'PUT', 'status'));
  FIELDS.set(`update${name}Statuses`, resourceInfo(k, 'PUT', 'status'));
  FIELDS.set(`bind${name}`, resourceInfo(k, 'POST', 'binding'));
  FIELDS.set(`bind${name[0]}${k.plural.slice(1)}`, resourceInfo(k, 'POST', 'binding'));
  FIELDS.set(`scale${name}`, resourceInfo(k, 'PATCH', 'scale'));
  FIELDS.set(`rollback${name}`, resourceInfo(k, 'POST', 'rollback'));
  FIELDS.set(`pause${name}`, resourceInfo(k, 'PATCH'));
  FIELDS.set(`resume${name}`, resourceInfo(k, 'PATCH'));
  FIELDS.set(`renew${name}`, resourceInfo(k, 'PUT'));
}
// Access reviews, as Kubernetes serves `kubectl auth whoami` and `kubectl auth can-i`.
FIELDS.set('whoami', { verb: 'POST', group: 'authentication.k8s.io', version: 'v1', resource: 'selfsubjectreviews', subresource: '' });
FIELDS.set('can', { verb: 'POST', group: 'authorization.k8s.io', version: 'v1', resource: 'selfsubjectaccessreviews', subresource: '' });

/** A request whose fields are unknown (it failed before its operation was resolved). */
export const UNKNOWN_REQUEST: RequestInfo = Object.freeze({ verb: 'other', group: '', version: '', resource: '', subresource: '' });

/** The request info of a root field (apply is APPLY of whatever the manifest names: resource ""). */
export function fieldInfo(field: string, operation: 'query' | 'mutation' | 'subscription'): RequestInfo {
  const known = FIELDS.get(field);
  if (known) return known;
  if (field === 'apply' || field === 'applyAll') return { verb: 'APPLY', group: '', version: '', resource: '', subresource: '' };
  // Introspection and kubeql's own reads (resolveService, events): no Kubernetes resource.
  return {
    verb: operation === 'mutation' ? 'POST' : operation === 'subscription' ? 'WATCH' : 'GET',
    group: '',
    version: '',
    resource: field.startsWith('__') ? '' : field,
    subresource: '',
  };
}

/** The root fields of an operation, by response key (an alias, or the field's name). */
export function rootFields(operation: OperationDefinitionNode): Array<{ key: string; info: RequestInfo }> {
  const out: Array<{ key: string; info: RequestInfo }> = [];
  for (const s of operation.selectionSet.selections) {
    if (s.kind !== Kind.FIELD || s.name.value === '__typename') continue;
    out.push({ key: s.alias?.value ?? s.name.value, info: fieldInfo(s.name.value, operation.operation) });
  }
  return out;
}

/** The HTTP status Kubernetes would answer for an error code (the `code` label). */
export function statusOf(code: string | undefined): number {
  switch (code) {
    case undefined:
      return 200;
    case 'UNAUTHENTICATED':
      return 401;
    case 'FORBIDDEN':
      return 403;
    case 'NOT_FOUND':
      return 404;
    case 'ALREADY_EXISTS':
    case 'CONFLICT':
      return 409;
    case 'EXPIRED':
      return 410;
    case 'BAD_USER_INPUT':
      return 422;
    case 'TOO_MANY_REQUESTS':
      return 429;
    case 'UNAVAILABLE':
      return 503;
    case 'INTERNAL_SERVER_ERROR':
      return 500;
    default:
      return 400; // GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED, QUERY_TOO_COMPLEX, BAD_REQUEST
  }
}
