// RBAC escalation prevention: nobody creates or changes a role or binding that grants
// more than they hold, unless they have `escalate` (roles) or `bind` (bindings).
import type { KubeObject } from '../../apis/kinds.ts';
import { ApiError, ErrorCode } from '../../apimachinery/errors.ts';
import type { Identity } from '../access.ts';
import type { AdmissionAttributes } from '../registry/index.ts';

export interface EscalationChecker {
  confirmNoEscalation(user: Identity, object: KubeObject): { allowed: boolean; reason: string };
}

const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);

export function rbacEscalation(user: Identity, checker: EscalationChecker, attrs: AdmissionAttributes): void {
  if (attrs.operation === 'DELETE' || !attrs.object || !RBAC_KINDS.has(attrs.info.kind)) return;
  const decision = checker.confirmNoEscalation(user, attrs.object);
  if (decision.allowed) return;
  throw new ApiError(ErrorCode.FORBIDDEN,
    `${attrs.info.resource}.rbac.authorization.k8s.io "${attrs.object.metadata.name}" is forbidden: user "${user.username}" (groups=${JSON.stringify(user.groups)}) is attempting to grant RBAC permissions not currently held: ${decision.reason}`);
}
