// RBAC escalation prevention: nobody creates or changes a role or binding that grants
// more than they hold, unless they have `escalate` (roles) or `bind` (bindings).
import type { KubeObject } from '../../apis/kinds.ts';
import { ApiError, ErrorCode } from '../../apimachinery/errors.ts';
import type { UserInfo } from '../authn/index.ts';
import type { AdmissionAttributes } from '../registry/index.ts';

export interface EscalationChecker {
  /** `reason` of a refusal is kube-apiserver's whole message; `notFound` when a referenced role is missing. */
  confirmNoEscalation(user: UserInfo, object: KubeObject, old?: KubeObject): { allowed: boolean; reason: string; notFound?: boolean };
}

const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);

export function rbacEscalation(user: UserInfo, checker: EscalationChecker, attrs: AdmissionAttributes): void {
  if (attrs.operation === 'DELETE' || !attrs.object || !RBAC_KINDS.has(attrs.info.kind)) return;
  const decision = checker.confirmNoEscalation(user, attrs.object, attrs.oldObject);
  if (decision.allowed) return;
  throw new ApiError(decision.notFound ? ErrorCode.NOT_FOUND : ErrorCode.FORBIDDEN, decision.reason);
}
