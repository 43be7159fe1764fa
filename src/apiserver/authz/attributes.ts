// Building request attributes from kubeql's kind table the way kube-apiserver's RequestInfo does,
// and the Forbidden message it answers with.

import type { KindInfo } from '../../apis/kinds.ts';
import { apiGroupOf } from './rules.ts';
import type { Attributes, UserInfo } from './types.ts';

/**
 * Attributes for `verb` on a kind, as RequestInfo would derive them from the REST path:
 * cluster-scoped kinds get no namespace, except that a request on a named Namespace (or its
 * subresource) is in that namespace (`/api/v1/namespaces/team` → namespace `team`; not a list or
 * watch, whose name comes from a `metadata.name=` field selector); `name` is
 * dropped for a plain create and for deletecollection, which name nothing.
 */
export function resourceAttributes(
  user: UserInfo,
  kind: Pick<KindInfo, 'apiVersion' | 'resource' | 'namespaced'>,
  verb: string,
  opts: { namespace?: string; name?: string; subresource?: string } = {},
): Attributes {
  const attrs: Attributes = { user, verb, apiGroup: apiGroupOf(kind.apiVersion), resource: kind.resource };
  if (opts.subresource) attrs.subresource = opts.subresource;
  const named = opts.name && verb !== 'deletecollection' && !(verb === 'create' && !opts.subresource);
  if (named) attrs.name = opts.name;
  if (kind.namespaced) {
    if (opts.namespace) attrs.namespace = opts.namespace;
  } else if (kind.resource === 'namespaces' && named && verb !== 'list' && verb !== 'watch') {
    // The name is in the path (`/api/v1/namespaces/team`); a list's field selector is not.
    attrs.namespace = opts.name;
  }
  return attrs;
}

/**
 * kube-apiserver's Forbidden message for a denied request
 * (responsewriters.ForbiddenStatusError + apierrors.NewForbidden):
 * `pods "web" is forbidden: User "alice" cannot get resource "pods" in API group "" in the namespace "default"`,
 * with `: <reason>` appended when the authorizer gave one.
 */
export function forbiddenMessage(attrs: Attributes, reason = ''): string {
  const user = JSON.stringify(attrs.user.username);
  let msg: string;
  if (attrs.path !== undefined) {
    msg = `User ${user} cannot ${attrs.verb} path ${JSON.stringify(attrs.path)}`;
  } else {
    const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
    const scope = attrs.namespace ? `in the namespace ${JSON.stringify(attrs.namespace)}` : 'at the cluster scope';
    msg = `User ${user} cannot ${attrs.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(attrs.apiGroup)} ${scope}`;
  }
  if (reason) msg += `: ${reason}`;
  if (attrs.path !== undefined) return `forbidden: ${msg}`;
  const qualified = attrs.apiGroup ? `${attrs.resource}.${attrs.apiGroup}` : attrs.resource;
  return attrs.name ? `${qualified} ${JSON.stringify(attrs.name)} is forbidden: ${msg}` : `${qualified} is forbidden: ${msg}`;
}
