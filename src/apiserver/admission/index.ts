// The admission chain that needs the caller: run by the registry just before each write.
import type { UserInfo } from '../authn/index.ts';
import type { AdmitHook } from '../registry/index.ts';
import { nodeRestriction } from './node-restriction.ts';
import { rbacEscalation, type EscalationChecker } from './rbac-escalation.ts';

export { nodeNameOf } from './node-restriction.ts';

/** `checker` undefined: authorization is off, and so is the chain. */
export function admissionFor(user: UserInfo, checker: EscalationChecker | undefined): AdmitHook {
  if (!checker) return () => undefined;
  return (attrs) => {
    nodeRestriction(user, attrs);
    rbacEscalation(user, checker, attrs);
  };
}
