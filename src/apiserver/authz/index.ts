// Authorization: Kubernetes RBAC over kubeql's kinds (issue 3, "Authorization").
//
//   const cache = new RbacCache();            // fed by list + watch of the four RBAC kinds
//   cache.replace(await listAllRbacObjects());
//   watch → cache.apply(event.type, event.object);
//   const rbac = new RbacAuthorizer(cache);
//   rbac.authorize(resourceAttributes(user, kindInfo('Pod')!, 'list', { namespace: 'default' }));
//
// On first start, store BOOTSTRAP_POLICY (Kubernetes' default ClusterRoles and bindings).

export type { UserInfo, Attributes, Decision, PolicyRule, Subject } from './types.ts';
export { RBAC_GROUP, RBAC_API_VERSION } from './types.ts';
export { RbacCache } from './cache.ts';
export { RbacAuthorizer } from './authorizer.ts';
export { ruleAllows, covers, apiGroupOf } from './rules.ts';
export { resourceAttributes, forbiddenMessage } from './attributes.ts';
export { BOOTSTRAP_POLICY, bootstrapPolicy } from './bootstrap.ts';
