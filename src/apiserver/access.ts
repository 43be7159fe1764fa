// One request's (or one watch's) view of what its caller may do: RBAC decisions,
// cached for the life of the request so that checking every field and every
// relation item does not dominate the hot path.
import type { KindInfo } from '../apis/kinds.ts';
import { ApiError, ErrorCode } from '../apimachinery/errors.ts';

export interface Identity {
  username: string;
  uid: string;
  groups: string[];
}

export interface AccessAttributes {
  user: Identity;
  verb: string;
  apiGroup: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export interface Authorizer {
  authorize(attrs: AccessAttributes): { allowed: boolean; reason: string };
  /** Changes whenever the policy does; cached decisions older than it are dropped. */
  readonly revision?: number;
}

export const apiGroupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');

export class Access {
  private readonly decisions = new Map<string, boolean>();
  private policyRevision: number | undefined;

  /** `authorizer` undefined: authorization is off (every request allowed). */
  constructor(readonly user: Identity, private readonly authorizer: Authorizer | undefined) {}

  can(verb: string, info: KindInfo, namespace?: string | null, name?: string | null, subresource?: string): boolean {
    if (!this.authorizer) return true;
    if (this.authorizer.revision !== this.policyRevision) {
      this.decisions.clear(); // the policy changed (a long-lived watch outlives many changes)
      this.policyRevision = this.authorizer.revision;
    }
    const ns = info.namespaced ? namespace ?? undefined : undefined;
    const key = `${verb}\0${info.resource}\0${subresource ?? ''}\0${ns ?? ''}\0${name ?? ''}`;
    let allowed = this.decisions.get(key);
    if (allowed === undefined) {
      allowed = this.authorizer.authorize({
        user: this.user, verb, apiGroup: apiGroupOf(info.apiVersion), resource: info.resource,
        subresource, namespace: ns, name: name ?? undefined,
      }).allowed;
      this.decisions.set(key, allowed);
    }
    return allowed;
  }

  /** Throws FORBIDDEN with kube-apiserver's wording unless the caller may. */
  check(verb: string, info: KindInfo, namespace?: string | null, name?: string | null, subresource?: string): void {
    if (this.can(verb, info, namespace, name, subresource)) return;
    const resource = subresource ? `${info.resource}/${subresource}` : info.resource;
    const target = name ? `${resource} "${name}"` : resource;
    const group = apiGroupOf(info.apiVersion);
    const scope = info.namespaced && namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
    throw new ApiError(ErrorCode.FORBIDDEN,
      `${target} is forbidden: User "${this.user.username}" cannot ${verb} resource "${resource}" in API group "${group}" ${scope}`);
  }
}
