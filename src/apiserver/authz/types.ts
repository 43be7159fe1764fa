// The vocabulary of authorization: who asks, what for, and what RBAC answers.
// Mirrors k8s.io/apiserver's authorizer.Attributes and k8s.io/api/rbac/v1.

import type { UserInfo } from '../authn/index.ts';

/** The authenticated identity, as authn produces it (groups include `system:authenticated`). Treated as immutable. */
export type { UserInfo };

/**
 * One request to authorize (authorizer.AttributesRecord).
 *
 * - `apiGroup` is `""` for the core group (apiVersion `v1`), else the part of apiVersion before `/`.
 * - `namespace` undefined (or `""`) = a cluster-scoped request; only ClusterRoleBindings apply.
 *   A list or watch across all namespaces is such a request, as in Kubernetes.
 *   Kubernetes sets the namespace of a request on a Namespace object to its name
 *   (`GET /api/v1/namespaces/team` is in namespace `team`), so a RoleBinding that grants
 *   `get namespaces` lets its subjects read their own namespace: `resourceAttributes` does that.
 * - `name` is what the request names: get/update/patch/delete, any subresource, and list/watch with
 *   a `metadata.name=` field selector. A plain create or a deletecollection has none.
 * - `path` makes it a non-resource request (`/metrics`, `/healthz`), matched against `nonResourceURLs`;
 *   `apiGroup`/`resource` are then ignored.
 */
export interface Attributes {
  user: UserInfo;
  verb: string;
  apiGroup: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  path?: string;
}

export interface Decision {
  allowed: boolean;
  /**
   * Kubernetes' wording: `RBAC: allowed by ClusterRoleBinding "x" of ClusterRole "y" to Group "z"`
   * when allowed; on a denial `""`, or `RBAC: <errors>` when a binding that applies to the user
   * references a role that does not exist. From `confirmNoEscalation`, the escalation error text.
   */
  reason: string;
  /** confirmNoEscalation: the rules the user would grant without holding them (broken down, as Kubernetes reports them). */
  uncovered?: PolicyRule[];
  /** confirmNoEscalation: the binding's roleRef names a role that does not exist (Kubernetes answers NotFound). */
  notFound?: boolean;
}

/** rbac/v1 PolicyRule as stored (empty lists omitted). */
export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface RoleRef {
  apiGroup: string;
  kind: string;
  name: string;
}

export interface Subject {
  kind: string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}

export const RBAC_GROUP = 'rbac.authorization.k8s.io';
export const RBAC_API_VERSION = 'rbac.authorization.k8s.io/v1';
/** user.SystemPrivilegedGroup: members may do anything, and are never escalation-checked. */
export const SYSTEM_MASTERS = 'system:masters';
export const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';

/** serviceaccount.MakeUsername. */
export const serviceAccountUsername = (namespace: string, name: string): string => `${SERVICE_ACCOUNT_PREFIX}${namespace}:${name}`;
