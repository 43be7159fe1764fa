// One request's (or one watch's) view of what its caller may do: RBAC decisions,
// cached for the life of the request so that checking every field and every
// relation item does not dominate the hot path.
import type { KindInfo } from '../apis/kinds.ts';
import { ApiError, ErrorCode } from '../apimachinery/errors.ts';
import type { UserInfo } from './authn/index.ts';
import { forbiddenMessage, resourceAttributes, type Attributes, type Decision } from './authz/index.ts';

export interface Authorizer {
  authorize(attrs: Attributes): Decision;
  /** Changes whenever the policy does; cached decisions older than it are dropped. */
  readonly revision?: number;
}

export class Access {
  private readonly decisions = new Map<string, boolean>();
  private policyRevision: number | undefined;

  /** `authorizer` undefined: authorization is off (every request allowed). */
  constructor(
    readonly user: UserInfo,
    private readonly authorizer: Authorizer | undefined,
  ) {}

  can(verb: string, info: KindInfo, namespace?: string | null, name?: string | null, subresource?: string): boolean {
    if (!this.authorizer) return true;
    if (this.authorizer.revision !== this.policyRevision) {
      this.decisions.clear(); // the policy changed (a long-lived watch outlives many changes)
      this.policyRevision = this.authorizer.revision;
    }
    const ns = info.namespaced ? (namespace ?? undefined) : undefined;
    const key = `${verb}\0${info.resource}\0${subresource ?? ''}\0${ns ?? ''}\0${name ?? ''}`;
    let allowed = this.decisions.get(key);
    if (allowed === undefined) {
      allowed = this.authorizer.authorize(this.attributes(verb, info, ns, name, subresource)).allowed;
      this.decisions.set(key, allowed);
    }
    return allowed;
  }

  /** Throws FORBIDDEN with kube-apiserver's wording unless the caller may. */
  check(verb: string, info: KindInfo, namespace?: string | null, name?: string | null, subresource?: string): void {
    if (this.can(verb, info, namespace, name, subresource)) return;
    throw new ApiError(
      ErrorCode.FORBIDDEN,
      forbiddenMessage(this.attributes(verb, info, info.namespaced ? (namespace ?? undefined) : undefined, name, subresource)),
    );
  }

  /** As kube-apiserver reads a request (e.g. `get namespace team` is a request in namespace team). */
  private attributes(verb: string, info: KindInfo, namespace: string | undefined, name: string | null | undefined, subresource?: string): Attributes {
    return resourceAttributes(this.user, info, verb, { namespace, name: name ?? undefined, subresource });
  }
}
