import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { KINDS, type KindInfo, type KubeObject } from '../../src/apis/kinds.ts';
import {
  BOOTSTRAP_POLICY,
  RBAC_API_VERSION,
  RBAC_GROUP,
  RbacAuthorizer,
  RbacCache,
  apiGroupOf,
  bootstrapPolicy,
  covers,
  forbiddenMessage,
  resourceAttributes,
  ruleAllows,
  type Attributes,
  type PolicyRule,
  type Subject,
  type UserInfo,
} from '../../src/apiserver/authz/index.ts';
import { compileRule, compiledAllows } from '../../src/apiserver/authz/rules.ts';

// ---- helpers -------------------------------------------------------------------------

const R = ['get', 'list', 'watch'];
const W = ['create', 'update', 'patch', 'delete', 'deletecollection'];
const RW = [...R, ...W];

const user = (username: string, ...groups: string[]): UserInfo => ({ username, uid: `uid-${username}`, groups: [...groups, 'system:authenticated'] });
const U = (name: string): Subject => ({ kind: 'User', apiGroup: RBAC_GROUP, name });
const G = (name: string): Subject => ({ kind: 'Group', apiGroup: RBAC_GROUP, name });
const SA = (name: string, namespace?: string): Subject => ({ kind: 'ServiceAccount', name, ...(namespace ? { namespace } : {}) });

const role = (name: string, namespace: string, rules: PolicyRule[]): KubeObject => ({
  apiVersion: RBAC_API_VERSION,
  kind: 'Role',
  metadata: { name, namespace },
  rules,
});
const clusterRole = (name: string, rules: PolicyRule[], extra: Partial<KubeObject> = {}): KubeObject => ({
  apiVersion: RBAC_API_VERSION,
  kind: 'ClusterRole',
  metadata: { name },
  rules,
  ...extra,
});
const roleBinding = (name: string, namespace: string, ref: { kind: 'Role' | 'ClusterRole'; name: string }, subjects: Subject[]): KubeObject => ({
  apiVersion: RBAC_API_VERSION,
  kind: 'RoleBinding',
  metadata: { name, namespace },
  roleRef: { apiGroup: RBAC_GROUP, ...ref },
  subjects,
});
const clusterRoleBinding = (name: string, clusterRoleName: string, subjects: Subject[]): KubeObject => ({
  apiVersion: RBAC_API_VERSION,
  kind: 'ClusterRoleBinding',
  metadata: { name },
  roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: clusterRoleName },
  subjects,
});

const byResource = new Map<string, KindInfo>(KINDS.map((k) => [k.resource, k]));
const kindOf = (resource: string): KindInfo => {
  const k = byResource.get(resource);
  assert.ok(k, `no kind for ${resource}`);
  return k;
};

/** A cache + authorizer over the bootstrap policy and `objects`, and a `can` like `kubectl auth can-i`. */
function cluster(...objects: KubeObject[]) {
  const cache = new RbacCache();
  cache.replace([...bootstrapPolicy(), ...objects]);
  const rbac = new RbacAuthorizer(cache);
  const can = (u: UserInfo, verb: string, resource: string, opts: { namespace?: string; name?: string; subresource?: string } = {}): boolean => {
    const [res, sub] = resource.split('/');
    const name = opts.name ?? (['get', 'update', 'patch', 'delete'].includes(verb) || sub ? 'x' : undefined);
    return rbac.authorize(resourceAttributes(u, kindOf(res!), verb, { ...opts, name, subresource: opts.subresource ?? sub })).allowed;
  };
  return { cache, rbac, can };
}

const attrs = (verb: string, apiGroup: string, resource: string, extra: Partial<Attributes> = {}): Omit<Attributes, 'user'> => ({
  verb,
  apiGroup,
  resource,
  ...extra,
});

// ---- rule matching ---------------------------------------------------------------------

describe('ruleAllows', () => {
  test('apiGroupOf', () => {
    assert.equal(apiGroupOf('v1'), '');
    assert.equal(apiGroupOf('apps/v1'), 'apps');
    assert.equal(apiGroupOf('rbac.authorization.k8s.io/v1'), 'rbac.authorization.k8s.io');
    assert.equal(apiGroupOf('coordination.k8s.io/v1'), 'coordination.k8s.io');
  });

  test('verbs, groups and resources match exactly or by *', () => {
    const pods: PolicyRule = { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] };
    assert.ok(ruleAllows(pods, attrs('get', '', 'pods', { name: 'a' })));
    assert.ok(ruleAllows(pods, attrs('list', '', 'pods')));
    assert.ok(!ruleAllows(pods, attrs('watch', '', 'pods')));
    assert.ok(!ruleAllows(pods, attrs('get', 'apps', 'pods')), 'the group must match');
    assert.ok(!ruleAllows(pods, attrs('get', '', 'services')));
    assert.ok(ruleAllows({ verbs: ['*'], apiGroups: [''], resources: ['pods'] }, attrs('escalate', '', 'pods')));
    assert.ok(ruleAllows({ verbs: ['get'], apiGroups: ['*'], resources: ['deployments'] }, attrs('get', 'apps', 'deployments')));
    assert.ok(ruleAllows({ verbs: ['get'], apiGroups: ['apps'], resources: ['*'] }, attrs('get', 'apps', 'replicasets')));
    assert.ok(!ruleAllows({ verbs: ['get'], apiGroups: ['apps'], resources: ['*'] }, attrs('get', '', 'pods')));
    assert.ok(!ruleAllows({ verbs: ['get'] }, attrs('get', '', 'pods')), 'a rule with no resources grants no resource');
  });

  test('subresources are separate targets; * and */status', () => {
    const pods: PolicyRule = { verbs: ['update'], apiGroups: [''], resources: ['pods'] };
    assert.ok(!ruleAllows(pods, attrs('update', '', 'pods', { subresource: 'status', name: 'a' })), 'pods does not grant pods/status');
    const status: PolicyRule = { verbs: ['update'], apiGroups: [''], resources: ['pods/status'] };
    assert.ok(ruleAllows(status, attrs('update', '', 'pods', { subresource: 'status', name: 'a' })));
    assert.ok(!ruleAllows(status, attrs('update', '', 'pods', { name: 'a' })), 'pods/status does not grant pods');
    assert.ok(!ruleAllows(status, attrs('create', '', 'pods', { subresource: 'binding', name: 'a' })));
    const anyStatus: PolicyRule = { verbs: ['update'], apiGroups: ['*'], resources: ['*/status'] };
    assert.ok(ruleAllows(anyStatus, attrs('update', '', 'pods', { subresource: 'status' })));
    assert.ok(ruleAllows(anyStatus, attrs('update', 'apps', 'deployments', { subresource: 'status' })));
    assert.ok(!ruleAllows(anyStatus, attrs('update', 'apps', 'deployments', { subresource: 'scale' })));
    assert.ok(!ruleAllows(anyStatus, attrs('update', '', 'pods')));
    const all: PolicyRule = { verbs: ['update'], apiGroups: [''], resources: ['*'] };
    assert.ok(ruleAllows(all, attrs('update', '', 'pods', { subresource: 'status' })), '* includes subresources');
    const podsStar: PolicyRule = { verbs: ['update'], apiGroups: [''], resources: ['pods/*'] };
    assert.ok(!ruleAllows(podsStar, attrs('update', '', 'pods', { subresource: 'status' })), 'pods/* is not a wildcard in Kubernetes');
  });

  test('resourceNames: only requests that name an object', () => {
    const named: PolicyRule = { verbs: ['*'], apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: ['kube-scheduler'] };
    const lease = (verb: string, extra: Partial<Attributes> = {}) => attrs(verb, 'coordination.k8s.io', 'leases', extra);
    for (const verb of ['get', 'update', 'patch', 'delete']) {
      assert.ok(ruleAllows(named, lease(verb, { name: 'kube-scheduler' })), verb);
      assert.ok(!ruleAllows(named, lease(verb, { name: 'other' })), verb);
    }
    // create and deletecollection cannot be restricted by name: never match, even if a name is passed
    assert.ok(!ruleAllows(named, lease('create')));
    assert.ok(!ruleAllows(named, lease('create', { name: 'kube-scheduler' })));
    assert.ok(!ruleAllows(named, lease('deletecollection')));
    assert.ok(!ruleAllows(named, lease('deletecollection', { name: 'kube-scheduler' })));
    // list/watch: only with a metadata.name field selector naming the object
    assert.ok(!ruleAllows(named, lease('list')));
    assert.ok(!ruleAllows(named, lease('watch')));
    assert.ok(ruleAllows(named, lease('list', { name: 'kube-scheduler' })));
    assert.ok(ruleAllows(named, lease('watch', { name: 'kube-scheduler' })));
    // a create on a subresource names its parent (POST pods/web/binding)
    const binding: PolicyRule = { verbs: ['create'], apiGroups: [''], resources: ['pods/binding'], resourceNames: ['web'] };
    assert.ok(ruleAllows(binding, attrs('create', '', 'pods', { subresource: 'binding', name: 'web' })));
    assert.ok(!ruleAllows(binding, attrs('create', '', 'pods', { subresource: 'binding', name: 'db' })));
  });

  test('nonResourceURLs: exact, * and prefix*', () => {
    const r: PolicyRule = { verbs: ['get'], nonResourceURLs: ['/healthz', '/readyz/*'] };
    const path = (p: string, verb = 'get') => attrs(verb, '', '', { path: p });
    assert.ok(ruleAllows(r, path('/healthz')));
    assert.ok(!ruleAllows(r, path('/healthz/etcd')));
    assert.ok(ruleAllows(r, path('/readyz/etcd')));
    assert.ok(!ruleAllows(r, path('/metrics')));
    assert.ok(!ruleAllows(r, path('/healthz', 'post')));
    assert.ok(ruleAllows({ verbs: ['*'], nonResourceURLs: ['*'] }, path('/anything')));
    assert.ok(!ruleAllows(r, attrs('get', '', 'pods')), 'URL rules grant no resources');
  });

  test('property: compiled rules decide exactly as ruleAllows', () => {
    const resource = fc.constantFrom('*', 'pods', 'pods/status', '*/status', 'pods/binding', 'deployments', '*/scale');
    const list = <T>(arb: fc.Arbitrary<T>) => fc.array(arb, { maxLength: 3 });
    const rule = fc.record(
      {
        verbs: list(fc.constantFrom('*', 'get', 'list', 'watch', 'create', 'update', 'deletecollection')),
        apiGroups: list(fc.constantFrom('*', '', 'apps')),
        resources: list(resource),
        resourceNames: list(fc.constantFrom('a', 'b')),
        nonResourceURLs: list(fc.constantFrom('*', '/healthz', '/api/*')),
      },
      { requiredKeys: ['verbs'] },
    );
    const request = fc.record(
      {
        verb: fc.constantFrom('get', 'list', 'watch', 'create', 'update', 'deletecollection', 'escalate'),
        apiGroup: fc.constantFrom('', 'apps'),
        resource: fc.constantFrom('pods', 'deployments'),
        subresource: fc.constantFrom('status', 'scale', 'binding'),
        name: fc.constantFrom('a', 'b', ''),
        path: fc.constantFrom('/healthz', '/api/v1', '/metrics'),
      },
      { requiredKeys: ['verb', 'apiGroup', 'resource'] },
    );
    fc.assert(
      fc.property(rule, request, (r, a) => {
        assert.equal(compiledAllows(compileRule(r), a), ruleAllows(r, a));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('covers', () => {
  test('wildcards, subresources, names and URLs', () => {
    const rule = (verbs: string[], resources: string[], extra: Partial<PolicyRule> = {}): PolicyRule => ({ verbs, apiGroups: [''], resources, ...extra });
    assert.ok(covers([{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], [rule(['get', 'create'], ['pods', 'pods/status'])]).covered);
    assert.ok(covers([rule(['get', 'list'], ['pods'])], [rule(['get'], ['pods'])]).covered);
    assert.ok(covers([rule(['update'], ['*/status'])], [rule(['update'], ['pods/status'])]).covered);
    assert.ok(!covers([rule(['update'], ['*/status'])], [rule(['update'], ['pods'])]).covered);
    assert.ok(!covers([rule(['get'], ['pods'])], [rule(['*'], ['pods'])]).covered, 'a * verb needs a * verb');
    // a named owner rule covers only those names; an unnamed one covers any name
    assert.ok(covers([rule(['get'], ['pods'])], [rule(['get'], ['pods'], { resourceNames: ['a'] })]).covered);
    assert.ok(covers([rule(['get'], ['pods'], { resourceNames: ['a', 'b'] })], [rule(['get'], ['pods'], { resourceNames: ['a'] })]).covered);
    assert.ok(!covers([rule(['get'], ['pods'], { resourceNames: ['a'] })], [rule(['get'], ['pods'])]).covered);
    assert.ok(covers([{ verbs: ['get'], nonResourceURLs: ['/api/*'] }], [{ verbs: ['get'], nonResourceURLs: ['/api/v1'] }]).covered);
    assert.ok(!covers([{ verbs: ['get'], nonResourceURLs: ['/api'] }], [{ verbs: ['get'], nonResourceURLs: ['/apis'] }]).covered);
  });

  test('uncovered rules are broken down to one verb, group, resource and name', () => {
    const { covered, uncovered } = covers(
      [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }],
      [{ verbs: ['get', 'delete'], apiGroups: [''], resources: ['pods', 'services'] }],
    );
    assert.equal(covered, false);
    assert.deepEqual(uncovered, [
      { verbs: ['delete'], apiGroups: [''], resources: ['pods'] },
      { verbs: ['get'], apiGroups: [''], resources: ['services'] },
      { verbs: ['delete'], apiGroups: [''], resources: ['services'] },
    ]);
  });
});

// ---- bindings ---------------------------------------------------------------------------

describe('bindings', () => {
  const podReader = [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }];

  test('RoleBinding → Role grants in its namespace only', () => {
    const alice = user('alice');
    const { can } = cluster(role('pod-reader', 'team', podReader), roleBinding('read', 'team', { kind: 'Role', name: 'pod-reader' }, [U('alice')]));
    assert.ok(can(alice, 'get', 'pods', { namespace: 'team' }));
    assert.ok(can(alice, 'list', 'pods', { namespace: 'team' }));
    assert.ok(!can(alice, 'get', 'pods', { namespace: 'other' }));
    assert.ok(!can(alice, 'list', 'pods'), 'not across all namespaces');
    assert.ok(!can(alice, 'delete', 'pods', { namespace: 'team' }));
    assert.ok(!can(user('bob'), 'get', 'pods', { namespace: 'team' }));
  });

  test('a RoleBinding references a Role of its own namespace', () => {
    const alice = user('alice');
    const { rbac, can } = cluster(role('pod-reader', 'other', podReader), roleBinding('read', 'team', { kind: 'Role', name: 'pod-reader' }, [U('alice')]));
    assert.ok(!can(alice, 'get', 'pods', { namespace: 'team' }));
    assert.ok(!can(alice, 'get', 'pods', { namespace: 'other' }));
    const d = rbac.authorize(resourceAttributes(alice, kindOf('pods'), 'get', { namespace: 'team', name: 'x' }));
    assert.deepEqual(d, { allowed: false, reason: 'RBAC: role.rbac.authorization.k8s.io "pod-reader" not found' });
  });

  test('RoleBinding → ClusterRole grants within the binding namespace only', () => {
    const alice = user('alice');
    const { can } = cluster(clusterRole('pod-reader', podReader), roleBinding('read', 'team', { kind: 'ClusterRole', name: 'pod-reader' }, [U('alice')]));
    assert.ok(can(alice, 'get', 'pods', { namespace: 'team' }));
    assert.ok(!can(alice, 'get', 'pods', { namespace: 'other' }));
    assert.ok(!can(alice, 'list', 'pods'));
  });

  test('ClusterRoleBinding → ClusterRole grants in every namespace and across them', () => {
    const alice = user('alice');
    const { can } = cluster(clusterRole('pod-reader', podReader), clusterRoleBinding('read', 'pod-reader', [U('alice')]));
    assert.ok(can(alice, 'get', 'pods', { namespace: 'team' }));
    assert.ok(can(alice, 'get', 'pods', { namespace: 'other' }));
    assert.ok(can(alice, 'list', 'pods'), 'list across all namespaces');
    assert.ok(!can(alice, 'watch', 'pods'));
  });

  test('Group subjects and the allow reason', () => {
    const { rbac, can } = cluster(clusterRole('pod-reader', podReader), clusterRoleBinding('read', 'pod-reader', [U('nobody'), G('devs')]));
    assert.ok(can(user('carol', 'devs'), 'get', 'pods', { namespace: 'a' }));
    assert.ok(!can(user('dave', 'ops'), 'get', 'pods', { namespace: 'a' }));
    assert.ok(!can(user('devs'), 'get', 'pods', { namespace: 'a' }), 'a group subject is not a user name');
    const d = rbac.authorize(resourceAttributes(user('carol', 'devs'), kindOf('pods'), 'get', { namespace: 'a', name: 'p' }));
    assert.deepEqual(d, { allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "read" of ClusterRole "pod-reader" to Group "devs"' });
  });

  test('ServiceAccount subjects: namespace defaults to the RoleBinding’s', () => {
    const builder = user('system:serviceaccount:team:builder', 'system:serviceaccounts', 'system:serviceaccounts:team');
    const other = user('system:serviceaccount:other:builder');
    const { rbac, can } = cluster(
      clusterRole('pod-reader', podReader),
      roleBinding('read', 'team', { kind: 'ClusterRole', name: 'pod-reader' }, [SA('builder')]),
    );
    assert.ok(can(builder, 'get', 'pods', { namespace: 'team' }));
    assert.ok(!can(other, 'get', 'pods', { namespace: 'team' }));
    const d = rbac.authorize(resourceAttributes(builder, kindOf('pods'), 'get', { namespace: 'team', name: 'p' }));
    assert.equal(d.reason, 'RBAC: allowed by RoleBinding "read/team" of ClusterRole "pod-reader" to ServiceAccount "builder/team"');
  });

  test('ServiceAccount subjects: explicit namespace; a ClusterRoleBinding needs one', () => {
    const deployer = user('system:serviceaccount:ci:deployer');
    const { can } = cluster(
      clusterRole('pod-reader', podReader),
      roleBinding('read', 'team', { kind: 'ClusterRole', name: 'pod-reader' }, [SA('deployer', 'ci')]),
      clusterRoleBinding('read-all', 'pod-reader', [SA('deployer')]), // no namespace: matches nobody
    );
    assert.ok(can(deployer, 'get', 'pods', { namespace: 'team' }), 'an SA of another namespace bound here');
    assert.ok(!can(deployer, 'get', 'pods', { namespace: 'ci' }));
    assert.ok(!can(user('system:serviceaccount::deployer'), 'get', 'pods', { namespace: 'x' }));
    const { can: can2 } = cluster(clusterRole('pod-reader', podReader), clusterRoleBinding('read-all', 'pod-reader', [SA('deployer', 'ci')]));
    assert.ok(can2(deployer, 'get', 'pods', { namespace: 'anywhere' }));
    assert.ok(can2(deployer, 'list', 'pods'));
  });

  test('cluster-scoped requests see only ClusterRoleBindings', () => {
    const alice = user('alice');
    const nodeReader = [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['nodes'] }];
    const { can } = cluster(clusterRole('node-reader', nodeReader), roleBinding('nodes', 'team', { kind: 'ClusterRole', name: 'node-reader' }, [U('alice')]));
    assert.ok(!can(alice, 'get', 'nodes'), 'a RoleBinding cannot grant cluster-scoped resources');
    assert.ok(!can(alice, 'list', 'nodes'));
  });

  test('a binding to a missing role explains itself, and only to its subjects', () => {
    const { rbac } = cluster(clusterRoleBinding('ghost', 'does-not-exist', [U('alice')]));
    const a = resourceAttributes(user('alice'), kindOf('pods'), 'list', { namespace: 'team' });
    assert.deepEqual(rbac.authorize(a), { allowed: false, reason: 'RBAC: clusterrole.rbac.authorization.k8s.io "does-not-exist" not found' });
    assert.deepEqual(rbac.authorize({ ...a, user: user('bob') }), { allowed: false, reason: '' });
  });

  test('rulesFor: cluster-wide rules, plus the namespace’s', () => {
    const alice = user('alice');
    const { rbac } = cluster(role('pod-reader', 'team', podReader), roleBinding('read', 'team', { kind: 'Role', name: 'pod-reader' }, [U('alice')]));
    const basic = rbac.rulesFor(alice);
    assert.ok(
      basic.some((r) => r.resources?.includes('selfsubjectaccessreviews')),
      'system:basic-user via system:authenticated',
    );
    assert.ok(!basic.some((r) => r.resources?.includes('pods')));
    assert.deepEqual(rbac.rulesFor(alice, 'team').slice(basic.length), podReader);
    assert.deepEqual(rbac.rulesFor(alice, 'other'), basic);
  });
});

// ---- the default roles ------------------------------------------------------------------

/**
 * What each default role grants in a namespace where it is bound, per namespaced kind, written
 * from Kubernetes' documentation (User-facing roles) and its bootstrap policy:
 * - view: read most objects of a namespace; not Roles/RoleBindings (nor Secrets); no Leases.
 * - edit: view plus writes to workloads, Services, ServiceAccounts and Events; EndpointSlices stay
 *   read-only (their write access was removed from edit in Kubernetes 1.22); no Roles/RoleBindings.
 * - admin: edit plus Roles and RoleBindings.
 * - cluster-admin: everything. system:basic-user: nothing on kinds.
 */
// Kubernetes' aggregated roles (bootstrappolicy/policy.go): view reads what a namespace runs
// but Secrets; edit writes workloads, Services, ConfigMaps, Secrets and claims, and only reads
// Endpoints (write removed in 1.22, CVE-2021-25740), EndpointSlices, ControllerRevisions,
// LimitRanges and ResourceQuotas; admin adds Roles and RoleBindings; PodTemplates are in none.
const VIEW: Record<string, string[]> = {
  pods: R,
  events: R,
  leases: [],
  replicasets: R,
  deployments: R,
  services: R,
  endpointslices: R,
  serviceaccounts: R,
  roles: [],
  rolebindings: [],
  configmaps: R,
  secrets: [],
  persistentvolumeclaims: R,
  replicationcontrollers: R,
  endpoints: R,
  resourcequotas: R,
  limitranges: R,
  podtemplates: [],
  statefulsets: R,
  daemonsets: R,
  controllerrevisions: R,
  jobs: R,
  cronjobs: R,
  horizontalpodautoscalers: R,
  poddisruptionbudgets: R,
  ingresses: R,
  networkpolicies: R,
};
const EDIT: Record<string, string[]> = {
  ...VIEW,
  pods: RW,
  events: RW,
  replicasets: RW,
  deployments: RW,
  services: RW,
  serviceaccounts: RW,
  configmaps: RW,
  secrets: RW,
  persistentvolumeclaims: RW,
  replicationcontrollers: RW,
  statefulsets: RW,
  daemonsets: RW,
  jobs: RW,
  cronjobs: RW,
  horizontalpodautoscalers: RW,
  poddisruptionbudgets: RW,
  ingresses: RW,
  networkpolicies: RW,
};
const EXPECTED: Record<string, Record<string, string[]>> = {
  view: VIEW,
  edit: EDIT,
  admin: { ...EDIT, roles: RW, rolebindings: RW },
  'cluster-admin': Object.fromEntries(KINDS.filter((k) => k.namespaced).map((k) => [k.resource, RW])),
  'system:basic-user': Object.fromEntries(KINDS.filter((k) => k.namespaced).map((k) => [k.resource, []])),
};
/** Per cluster-scoped kind, when bound cluster-wide by a ClusterRoleBinding. */
const NO_CLUSTER_KINDS = {
  nodes: [],
  clusterroles: [],
  clusterrolebindings: [],
  priorityclasses: [],
  persistentvolumes: [],
  storageclasses: [],
  ingressclasses: [],
  customresourcedefinitions: [],
};
const EXPECTED_CLUSTER: Record<string, Record<string, string[]>> = {
  view: { ...NO_CLUSTER_KINDS, namespaces: R },
  edit: { ...NO_CLUSTER_KINDS, namespaces: R },
  admin: { ...NO_CLUSTER_KINDS, namespaces: R },
  'cluster-admin': Object.fromEntries(KINDS.filter((k) => !k.namespaced).map((k) => [k.resource, RW])),
  'system:basic-user': { ...NO_CLUSTER_KINDS, namespaces: [] },
};

describe('default roles × verbs × kinds', () => {
  const namespaced = KINDS.filter((k) => k.namespaced).map((k) => k.resource);
  const clusterScoped = KINDS.filter((k) => !k.namespaced).map((k) => k.resource);

  test('the tables cover every kind kubeql serves', () => {
    for (const r of Object.keys(EXPECTED)) assert.deepEqual(Object.keys(EXPECTED[r]!).sort(), [...namespaced].sort(), r);
    for (const r of Object.keys(EXPECTED_CLUSTER)) assert.deepEqual(Object.keys(EXPECTED_CLUSTER[r]!).sort(), [...clusterScoped].sort(), r);
  });

  for (const roleName of Object.keys(EXPECTED)) {
    test(`${roleName} bound by a RoleBinding in "team"`, () => {
      const u = user('u');
      const { can } = cluster(roleBinding('b', 'team', { kind: 'ClusterRole', name: roleName }, [U('u')]));
      const mismatches: string[] = [];
      const expect = (ok: boolean, want: boolean, what: string) => ok !== want && mismatches.push(`${what}: got ${ok}, want ${want}`);
      for (const resource of namespaced) {
        for (const verb of RW) {
          const want = EXPECTED[roleName]![resource]!.includes(verb);
          expect(can(u, verb, resource, { namespace: 'team' }), want, `${verb} ${resource} in team`);
          expect(can(u, verb, resource, { namespace: 'other' }), false, `${verb} ${resource} in other`);
          if (verb === 'list' || verb === 'watch') expect(can(u, verb, resource), false, `${verb} ${resource} in all namespaces`);
        }
      }
      // Cluster-scoped kinds are out of a RoleBinding's reach, except reading (and, for
      // cluster-admin, changing) the binding's own namespace.
      for (const resource of clusterScoped) {
        for (const verb of RW) {
          if (resource === 'namespaces') {
            const own = roleName === 'cluster-admin' ? RW : roleName === 'system:basic-user' ? [] : R;
            expect(
              can(u, verb, 'namespaces', { name: 'team' }),
              own.includes(verb) && !['list', 'watch', 'create', 'deletecollection'].includes(verb),
              `${verb} namespace team`,
            );
            expect(can(u, verb, 'namespaces', { name: 'other' }), false, `${verb} namespace other`);
          } else {
            expect(can(u, verb, resource), false, `${verb} ${resource}`);
          }
        }
      }
      assert.deepEqual(mismatches, []);
    });

    test(`${roleName} bound by a ClusterRoleBinding`, () => {
      const u = user('u');
      const { can } = cluster(clusterRoleBinding('b', roleName, [U('u')]));
      const mismatches: string[] = [];
      const expect = (ok: boolean, want: boolean, what: string) => ok !== want && mismatches.push(`${what}: got ${ok}, want ${want}`);
      for (const resource of namespaced) {
        for (const verb of RW) {
          const want = EXPECTED[roleName]![resource]!.includes(verb);
          for (const ns of ['team', 'other', 'kube-system']) expect(can(u, verb, resource, { namespace: ns }), want, `${verb} ${resource} in ${ns}`);
          if (verb === 'list' || verb === 'watch') expect(can(u, verb, resource), want, `${verb} ${resource} in all namespaces`);
        }
      }
      for (const resource of clusterScoped) {
        for (const verb of RW) expect(can(u, verb, resource), EXPECTED_CLUSTER[roleName]![resource]!.includes(verb), `${verb} ${resource}`);
      }
      assert.deepEqual(mismatches, []);
    });
  }

  test('status, scale and binding subresources', () => {
    const u = user('u');
    const { can } = cluster(
      roleBinding('v', 'view-ns', { kind: 'ClusterRole', name: 'view' }, [U('u')]),
      roleBinding('e', 'edit-ns', { kind: 'ClusterRole', name: 'edit' }, [U('u')]),
    );
    // view reads status and scale; edit writes scale but never status (the system's domain)
    assert.ok(can(u, 'get', 'pods/status', { namespace: 'view-ns' }));
    assert.ok(can(u, 'get', 'deployments/status', { namespace: 'view-ns' }));
    assert.ok(can(u, 'get', 'deployments/scale', { namespace: 'view-ns' }));
    assert.ok(!can(u, 'update', 'deployments/scale', { namespace: 'view-ns' }));
    assert.ok(can(u, 'update', 'deployments/scale', { namespace: 'edit-ns' }));
    assert.ok(can(u, 'patch', 'replicasets/scale', { namespace: 'edit-ns' }));
    assert.ok(!can(u, 'update', 'pods/status', { namespace: 'edit-ns' }));
    assert.ok(!can(u, 'update', 'deployments/status', { namespace: 'edit-ns' }));
    assert.ok(!can(u, 'create', 'pods/binding', { namespace: 'edit-ns' }), 'binding pods is the scheduler’s');
    assert.ok(can(u, 'impersonate', 'serviceaccounts', { namespace: 'edit-ns', name: 'default' }));
    assert.ok(can(u, 'create', 'serviceaccounts/token', { namespace: 'edit-ns', name: 'default' }));
  });

  test('system:basic-user: self access reviews only', () => {
    const { rbac, can } = cluster();
    const u = user('newcomer');
    const review = (resource: string, apiGroup: string) => rbac.authorize({ user: u, verb: 'create', apiGroup, resource }).allowed;
    assert.ok(review('selfsubjectaccessreviews', 'authorization.k8s.io'));
    assert.ok(review('selfsubjectrulesreviews', 'authorization.k8s.io'));
    assert.ok(review('selfsubjectreviews', 'authentication.k8s.io'));
    assert.ok(!review('subjectaccessreviews', 'authorization.k8s.io'));
    for (const k of KINDS) for (const verb of RW) assert.ok(!can(u, verb, k.resource, { namespace: 'default' }), `${verb} ${k.resource}`);
    // unauthenticated requests have nothing but the public info
    const anon: UserInfo = { username: 'system:anonymous', uid: '', groups: ['system:unauthenticated'] };
    assert.ok(!rbac.authorize({ user: anon, verb: 'create', apiGroup: 'authorization.k8s.io', resource: 'selfsubjectaccessreviews' }).allowed);
    assert.ok(rbac.authorize({ user: anon, verb: 'get', apiGroup: '', resource: '', path: '/healthz' }).allowed);
    assert.ok(!rbac.authorize({ user: anon, verb: 'get', apiGroup: '', resource: '', path: '/metrics' }).allowed);
  });

  test('system:masters is cluster-admin', () => {
    const { can, rbac } = cluster();
    const root = user('root', 'system:masters');
    for (const k of KINDS)
      for (const verb of [...RW, 'escalate', 'bind'])
        assert.ok(can(root, verb, k.resource, { namespace: k.namespaced ? 'any' : undefined }), `${verb} ${k.resource}`);
    assert.ok(rbac.authorize({ user: root, verb: 'get', apiGroup: '', resource: '', path: '/metrics' }).allowed);
  });

  test('system:kube-scheduler', () => {
    const { can } = cluster();
    const s = user('system:kube-scheduler');
    for (const verb of R) assert.ok(can(s, verb, 'pods', { namespace: 'a' }) && can(s, verb, 'nodes'), verb);
    assert.ok(can(s, 'list', 'pods'), 'all namespaces');
    assert.ok(can(s, 'create', 'pods/binding', { namespace: 'a', name: 'web' }));
    assert.ok(can(s, 'patch', 'pods/status', { namespace: 'a' }));
    assert.ok(can(s, 'update', 'pods/status', { namespace: 'a' }));
    assert.ok(can(s, 'delete', 'pods', { namespace: 'a' }), 'preemption');
    assert.ok(!can(s, 'update', 'pods', { namespace: 'a' }));
    assert.ok(!can(s, 'create', 'pods', { namespace: 'a' }));
    assert.ok(!can(s, 'update', 'nodes'));
    assert.ok(can(s, 'create', 'events', { namespace: 'a' }) && can(s, 'patch', 'events', { namespace: 'a' }));
    assert.ok(!can(s, 'delete', 'events', { namespace: 'a' }));
    assert.ok(can(s, 'create', 'leases', { namespace: 'kube-system' }));
    assert.ok(can(s, 'get', 'leases', { namespace: 'kube-system', name: 'kube-scheduler' }));
    assert.ok(can(s, 'update', 'leases', { namespace: 'kube-system', name: 'kube-scheduler' }));
    assert.ok(!can(s, 'update', 'leases', { namespace: 'kube-system', name: 'kube-controller-manager' }));
    assert.ok(!can(s, 'list', 'leases', { namespace: 'kube-system' }));
    for (const r of ['services', 'replicasets', 'namespaces']) assert.ok(can(s, 'watch', r), r);
    for (const verb of ['get', 'list', 'watch']) assert.ok(can(s, verb, 'priorityclasses'), `${verb} priorityclasses`);
    assert.ok(!can(s, 'create', 'priorityclasses') && !can(s, 'delete', 'priorityclasses'));
    assert.ok(!can(s, 'list', 'deployments'));
    assert.ok(!can(s, 'list', 'roles') && !can(s, 'get', 'clusterroles'));
  });

  test('system:node (group system:nodes)', () => {
    const { can } = cluster();
    const n = user('system:node:n1', 'system:nodes');
    for (const verb of R) assert.ok(can(n, verb, 'pods', { namespace: 'a' }) && can(n, verb, 'nodes') && can(n, verb, 'services', { namespace: 'a' }), verb);
    assert.ok(can(n, 'create', 'nodes') && can(n, 'update', 'nodes') && can(n, 'patch', 'nodes'));
    assert.ok(!can(n, 'delete', 'nodes'));
    assert.ok(can(n, 'update', 'nodes/status') && can(n, 'patch', 'nodes/status'));
    assert.ok(can(n, 'update', 'pods/status', { namespace: 'a' }) && can(n, 'patch', 'pods/status', { namespace: 'a' }));
    assert.ok(can(n, 'create', 'pods', { namespace: 'a' }) && can(n, 'delete', 'pods', { namespace: 'a' }), 'mirror pods');
    assert.ok(!can(n, 'update', 'pods', { namespace: 'a' }));
    assert.ok(!can(n, 'create', 'pods/binding', { namespace: 'a' }));
    for (const verb of ['get', 'create', 'update', 'patch', 'delete']) assert.ok(can(n, verb, 'leases', { namespace: 'kube-node-lease', name: 'n1' }), verb);
    assert.ok(!can(n, 'list', 'leases', { namespace: 'kube-node-lease' }));
    assert.ok(can(n, 'create', 'events', { namespace: 'a' }) && !can(n, 'delete', 'events', { namespace: 'a' }));
    assert.ok(can(n, 'watch', 'endpointslices'));
    assert.ok(!can(n, 'create', 'endpointslices', { namespace: 'a' }));
    assert.ok(!can(n, 'list', 'deployments') && !can(n, 'list', 'roles') && !can(n, 'list', 'serviceaccounts'));
    assert.ok(!can(user('system:node:n1'), 'get', 'pods', { namespace: 'a' }), 'the group grants, not the name');
  });

  test('system:kube-controller-manager', () => {
    const { can } = cluster();
    const c = user('system:kube-controller-manager');
    for (const k of KINDS) for (const verb of ['list', 'watch']) assert.ok(can(c, verb, k.resource), `${verb} ${k.resource}`);
    assert.ok(can(c, 'create', 'replicasets', { namespace: 'a' }) && can(c, 'update', 'replicasets', { namespace: 'a' }));
    assert.ok(can(c, 'update', 'deployments/status', { namespace: 'a' }) && can(c, 'update', 'replicasets/status', { namespace: 'a' }));
    assert.ok(can(c, 'create', 'pods', { namespace: 'a' }) && can(c, 'delete', 'pods', { namespace: 'a' }));
    assert.ok(can(c, 'create', 'endpointslices', { namespace: 'a' }) && can(c, 'update', 'endpointslices', { namespace: 'a' }));
    assert.ok(can(c, 'update', 'nodes') && can(c, 'patch', 'nodes/status') && can(c, 'delete', 'nodes'));
    assert.ok(can(c, 'create', 'serviceaccounts', { namespace: 'a' }));
    assert.ok(can(c, 'create', 'events', { namespace: 'a' }));
    assert.ok(can(c, 'create', 'leases', { namespace: 'kube-system' }));
    assert.ok(can(c, 'update', 'leases', { namespace: 'kube-system', name: 'kube-controller-manager' }));
    assert.ok(can(c, 'delete', 'namespaces', { name: 'gone' }) && can(c, 'update', 'namespaces/finalize', { name: 'gone' }));
    assert.ok(can(c, 'deletecollection', 'pods', { namespace: 'gone' }), 'namespace cleanup');
    assert.ok(!can(c, 'create', 'deployments', { namespace: 'a' }), 'users create Deployments, controllers do not');
    assert.ok(!can(c, 'create', 'roles', { namespace: 'a' }) && !can(c, 'create', 'clusterrolebindings'));
    assert.ok(!can(c, 'create', 'nodes'));
  });
});

// ---- escalation prevention ----------------------------------------------------------------

describe('confirmNoEscalation', () => {
  const alice = user('alice');
  const setup = (...extra: KubeObject[]) =>
    cluster(
      roleBinding('admin', 'team', { kind: 'ClusterRole', name: 'admin' }, [U('alice')]),
      roleBinding('edit', 'team', { kind: 'ClusterRole', name: 'edit' }, [U('ed')]),
      ...extra,
    );

  test('an edit user may create a Role granting a subset of edit, not * verbs', () => {
    const { rbac } = setup();
    const ed = user('ed');
    const subset = role('r', 'team', [{ verbs: ['get', 'create'], apiGroups: [''], resources: ['pods'] }]);
    assert.equal(rbac.confirmNoEscalation(ed, subset).allowed, true);
    const star = role('r', 'team', [{ verbs: ['*'], apiGroups: [''], resources: ['pods'] }]);
    const d = rbac.confirmNoEscalation(ed, star);
    assert.equal(d.allowed, false);
    assert.equal(
      d.reason,
      'roles.rbac.authorization.k8s.io "r" is forbidden: user "ed" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
        '{APIGroups:[""], Resources:["pods"], Verbs:["*"]}',
    );
    assert.deepEqual(d.uncovered, [{ verbs: ['*'], apiGroups: [''], resources: ['pods'] }]);
    assert.equal(rbac.confirmNoEscalation(ed, { ...subset, metadata: { name: 'r', namespace: 'other' } }).allowed, false, 'not in another namespace');
  });

  test('admin: subsets of admin in its namespace; uncovered rules listed, compacted and sorted', () => {
    const { rbac } = setup();
    assert.equal(
      rbac.confirmNoEscalation(alice, role('r', 'team', [{ verbs: RW, apiGroups: ['apps'], resources: ['deployments', 'replicasets'] }])).allowed,
      true,
    );
    assert.equal(rbac.confirmNoEscalation(alice, role('r', 'team', [{ verbs: RW, apiGroups: [RBAC_GROUP], resources: ['roles'] }])).allowed, true);
    const d = rbac.confirmNoEscalation(
      alice,
      role('r', 'team', [
        { verbs: ['get', 'update'], apiGroups: ['coordination.k8s.io'], resources: ['leases'] },
        { verbs: ['update'], apiGroups: [''], resources: ['pods', 'pods/status'] },
      ]),
    );
    assert.equal(d.allowed, false);
    assert.match(d.reason, /user "alice" \(groups=\["system:authenticated"\]\) is attempting to grant RBAC permissions not currently held:\n/);
    assert.ok(
      d.reason.endsWith(
        '\n{APIGroups:[""], Resources:["pods/status"], Verbs:["update"]}\n{APIGroups:["coordination.k8s.io"], Resources:["leases"], Verbs:["get" "update"]}',
      ),
      d.reason,
    );
  });

  test('ClusterRoles are checked against cluster-wide rules only', () => {
    const { rbac } = setup(clusterRoleBinding('viewer', 'view', [U('victor')]));
    const readPods = clusterRole('read-pods', [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }]);
    assert.equal(rbac.confirmNoEscalation(alice, readPods).allowed, false, 'admin of one namespace holds nothing cluster-wide');
    assert.equal(rbac.confirmNoEscalation(user('victor'), readPods).allowed, true);
    assert.equal(rbac.confirmNoEscalation(user('victor'), clusterRole('x', [{ verbs: ['get'], apiGroups: [''], resources: ['nodes'] }])).allowed, false);
  });

  test('escalate on roles/clusterroles allows any rules', () => {
    const { rbac } = setup(
      role('escalator', 'team', [{ verbs: ['escalate'], apiGroups: [RBAC_GROUP], resources: ['roles'] }]),
      roleBinding('esc', 'team', { kind: 'Role', name: 'escalator' }, [U('erin')]),
      clusterRole('cr-escalator', [{ verbs: ['escalate'], apiGroups: [RBAC_GROUP], resources: ['clusterroles'], resourceNames: ['mine'] }]),
      clusterRoleBinding('cr-esc', 'cr-escalator', [U('erin')]),
    );
    const erin = user('erin');
    const everything = [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }];
    assert.equal(rbac.confirmNoEscalation(erin, role('god', 'team', everything)).allowed, true);
    assert.equal(rbac.confirmNoEscalation(erin, role('god', 'other', everything)).allowed, false);
    // escalate restricted by name only helps updates: a create request names nothing
    const mine = clusterRole('mine', everything);
    assert.equal(rbac.confirmNoEscalation(erin, mine).allowed, false);
    assert.equal(rbac.confirmNoEscalation(erin, mine, clusterRole('mine', [])).allowed, true);
    assert.equal(rbac.confirmNoEscalation(erin, clusterRole('theirs', everything), clusterRole('theirs', [])).allowed, false);
  });

  test('bindings: allowed when the user holds the referenced role there', () => {
    const { rbac } = setup(clusterRole('node-reader', [{ verbs: ['get'], apiGroups: [''], resources: ['nodes'] }]));
    const bind = (name: string, ns = 'team', kind: 'Role' | 'ClusterRole' = 'ClusterRole') => roleBinding('b', ns, { kind, name }, [U('bob')]);
    assert.equal(rbac.confirmNoEscalation(alice, bind('edit')).allowed, true);
    assert.equal(rbac.confirmNoEscalation(alice, bind('view')).allowed, true);
    assert.equal(rbac.confirmNoEscalation(alice, bind('admin')).allowed, true);
    assert.equal(rbac.confirmNoEscalation(alice, bind('edit', 'other')).allowed, false, 'not in another namespace');
    const d = rbac.confirmNoEscalation(alice, bind('cluster-admin'));
    assert.equal(d.allowed, false);
    assert.match(d.reason, /^rolebindings\.rbac\.authorization\.k8s\.io "b" is forbidden: user "alice"/);
    assert.match(d.reason, /\{APIGroups:\["\*"\], Resources:\["\*"\], Verbs:\["\*"\]\}/);
    assert.equal(rbac.confirmNoEscalation(alice, bind('node-reader')).allowed, false);
    assert.equal(rbac.confirmNoEscalation(user('ed'), bind('edit')).allowed, true, 'edit may pass edit on: it holds every rule');
    assert.equal(rbac.confirmNoEscalation(user('ed'), bind('admin')).allowed, false);
    // a ClusterRoleBinding needs the rules cluster-wide
    assert.equal(rbac.confirmNoEscalation(alice, clusterRoleBinding('b', 'view', [U('bob')])).allowed, false);
  });

  test('bind on the referenced role allows the binding', () => {
    const { rbac } = setup(
      clusterRole('binder', [{ verbs: ['bind'], apiGroups: [RBAC_GROUP], resources: ['clusterroles'], resourceNames: ['cluster-admin'] }]),
      roleBinding('binder', 'team', { kind: 'ClusterRole', name: 'binder' }, [U('alice')]),
    );
    const crAdmin = roleBinding('b', 'team', { kind: 'ClusterRole', name: 'cluster-admin' }, [U('bob')]);
    const d = rbac.confirmNoEscalation(alice, crAdmin);
    assert.equal(d.allowed, true);
    assert.match(d.reason, /allowed by RoleBinding "binder\/team"/);
    assert.equal(rbac.confirmNoEscalation(alice, roleBinding('b', 'other', { kind: 'ClusterRole', name: 'cluster-admin' }, [U('bob')])).allowed, false);
    assert.equal(rbac.confirmNoEscalation(alice, clusterRoleBinding('b', 'cluster-admin', [U('bob')])).allowed, false, 'bind was granted in team only');
  });

  test('a binding to a missing role is NotFound (unless bind allows it)', () => {
    const { rbac } = setup();
    const d = rbac.confirmNoEscalation(alice, roleBinding('b', 'team', { kind: 'Role', name: 'nope' }, [U('bob')]));
    assert.deepEqual(d, { allowed: false, reason: 'roles.rbac.authorization.k8s.io "nope" not found', notFound: true });
    const root = user('root', 'system:masters');
    assert.equal(rbac.confirmNoEscalation(root, roleBinding('b', 'team', { kind: 'Role', name: 'nope' }, [U('bob')])).allowed, true);
  });

  test('aggregationRule needs cluster-admin', () => {
    const { rbac } = setup(clusterRoleBinding('viewer', 'view', [U('victor')]));
    const agg = clusterRole('agg', [], { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { x: 'y' } }] } });
    const d = rbac.confirmNoEscalation(user('victor'), agg);
    assert.deepEqual(d, {
      allowed: false,
      reason: 'clusterroles.rbac.authorization.k8s.io "agg" is forbidden: must have cluster-admin privileges to use the aggregationRule',
    });
    assert.equal(rbac.confirmNoEscalation(user('root', 'system:masters'), agg).allowed, true);
    const { rbac: rbac2 } = setup(clusterRoleBinding('admin', 'cluster-admin', [U('boss')]));
    assert.equal(rbac2.confirmNoEscalation(user('boss'), agg).allowed, true);
  });

  test('updates that only change ownerReferences or finalizers pass', () => {
    const { rbac } = setup();
    const old = role('r', 'team', [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]);
    const gcOnly = structuredClone(old);
    gcOnly.metadata.finalizers = ['foregroundDeletion'];
    gcOnly.metadata.resourceVersion = '42';
    assert.equal(rbac.confirmNoEscalation(alice, gcOnly, old).allowed, true);
    const relabel = structuredClone(gcOnly);
    relabel.metadata.labels = { a: 'b' };
    assert.equal(rbac.confirmNoEscalation(alice, relabel, old).allowed, false);
  });
});

// ---- the cache ---------------------------------------------------------------------------

describe('RbacCache', () => {
  const podReader = [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }];
  const alice = user('alice');
  const getPod = (ns = 'team') => resourceAttributes(alice, kindOf('pods'), 'get', { namespace: ns, name: 'p' });

  test('apply ADDED / MODIFIED / DELETED changes the next decision', () => {
    const cache = new RbacCache();
    const rbac = new RbacAuthorizer(cache);
    const revisions = [cache.revision];
    const step = (f: () => void) => {
      f();
      revisions.push(cache.revision);
    };
    assert.equal(rbac.authorize(getPod()).allowed, false);
    step(() => cache.apply('ADDED', role('r', 'team', podReader)));
    assert.equal(rbac.authorize(getPod()).allowed, false, 'a role without a binding grants nothing');
    step(() => cache.apply('ADDED', roleBinding('b', 'team', { kind: 'Role', name: 'r' }, [U('alice')])));
    assert.equal(rbac.authorize(getPod()).allowed, true);
    step(() => cache.apply('MODIFIED', role('r', 'team', [{ verbs: ['list'], apiGroups: [''], resources: ['pods'] }])));
    assert.equal(rbac.authorize(getPod()).allowed, false, 'the rule changed');
    step(() => cache.apply('MODIFIED', role('r', 'team', podReader)));
    assert.equal(rbac.authorize(getPod()).allowed, true);
    step(() => cache.apply('MODIFIED', roleBinding('b', 'team', { kind: 'Role', name: 'r' }, [U('bob')])));
    assert.equal(rbac.authorize(getPod()).allowed, false, 'the subject changed');
    step(() => cache.apply('MODIFIED', roleBinding('b', 'team', { kind: 'Role', name: 'r' }, [U('alice')])));
    assert.equal(rbac.authorize(getPod()).allowed, true);
    step(() => cache.apply('DELETED', role('r', 'team', podReader)));
    assert.deepEqual(rbac.authorize(getPod()), { allowed: false, reason: 'RBAC: role.rbac.authorization.k8s.io "r" not found' });
    step(() => cache.apply('ADDED', role('r', 'team', podReader)));
    step(() => cache.apply('DELETED', roleBinding('b', 'team', { kind: 'Role', name: 'r' }, [])));
    assert.equal(rbac.authorize(getPod()).allowed, false);
    // cluster kinds
    step(() => cache.apply('ADDED', clusterRoleBinding('crb', 'reader', [G('system:authenticated')])));
    assert.equal(rbac.authorize(getPod('anywhere')).allowed, false);
    step(() => cache.apply('ADDED', clusterRole('reader', podReader)));
    assert.equal(rbac.authorize(getPod('anywhere')).allowed, true);
    step(() => cache.apply('DELETED', clusterRoleBinding('crb', 'reader', [])));
    assert.equal(rbac.authorize(getPod('anywhere')).allowed, false);
    step(() => cache.apply('ADDED', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ignored', namespace: 'team' } }));
    assert.equal(rbac.revision, cache.revision);
    for (let i = 1; i < revisions.length - 1; i++) assert.ok(revisions[i]! > revisions[i - 1]!, `revision bumps on every change (${revisions})`);
    assert.equal(revisions.at(-1), revisions.at(-2), 'other kinds are ignored');
  });

  test('decisions are memoized per identity and namespace, never stale', () => {
    const { cache, rbac } = cluster(clusterRole('reader', podReader), clusterRoleBinding('crb', 'reader', [G('readers')]));
    const u: UserInfo = { username: 'ann', uid: '1', groups: [] };
    const a = resourceAttributes(u, kindOf('pods'), 'get', { namespace: 'x', name: 'p' });
    assert.equal(rbac.authorize(a).allowed, false);
    u.groups.push('readers'); // changed in place: noticed
    assert.equal(rbac.authorize(a).allowed, true);
    u.groups = []; // replaced: noticed
    assert.equal(rbac.authorize(a).allowed, false);
    u.groups = ['readers'];
    assert.equal(rbac.authorize(a).allowed, true);
    assert.equal(rbac.authorize({ ...a, user: { username: 'ann', uid: '1', groups: ['readers'] } }).allowed, true, 'an equal identity');
    cache.apply('DELETED', clusterRoleBinding('crb', 'reader', []));
    assert.equal(rbac.authorize(a).allowed, false, 'the same identity object after a change');
  });

  test('replace swaps the whole state; kinds limits it', () => {
    const cache = new RbacCache();
    const rbac = new RbacAuthorizer(cache);
    cache.replace([role('r', 'team', podReader), roleBinding('b', 'team', { kind: 'Role', name: 'r' }, [U('alice')])]);
    assert.equal(rbac.authorize(getPod()).allowed, true);
    const before = cache.revision;
    cache.replace([clusterRole('reader', podReader), clusterRoleBinding('crb', 'reader', [U('alice')])]);
    assert.ok(cache.revision > before);
    assert.deepEqual(cache.size, { roles: 0, clusterRoles: 1, roleBindings: 0, clusterRoleBindings: 1 });
    assert.equal(rbac.authorize(getPod('elsewhere')).allowed, true);
    cache.replace([], ['ClusterRoleBinding']);
    assert.deepEqual(cache.size, { roles: 0, clusterRoles: 1, roleBindings: 0, clusterRoleBindings: 0 });
    assert.equal(rbac.authorize(getPod('elsewhere')).allowed, false);
  });

  test('aggregated ClusterRoles follow the roles they select', () => {
    const { cache, can, rbac } = cluster(
      roleBinding('v', 'team', { kind: 'ClusterRole', name: 'view' }, [U('victor')]),
      roleBinding('a', 'team', { kind: 'ClusterRole', name: 'admin' }, [U('alice')]),
    );
    const victor = user('victor');
    assert.ok(!can(victor, 'get', 'leases', { namespace: 'team' }));
    const leaseViewer = clusterRole('lease-viewer', [{ verbs: R, apiGroups: ['coordination.k8s.io'], resources: ['leases'] }], {
      metadata: { name: 'lease-viewer', labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } },
    });
    cache.apply('ADDED', leaseViewer);
    assert.ok(can(victor, 'get', 'leases', { namespace: 'team' }), 'aggregated into view');
    assert.ok(can(user('alice'), 'list', 'leases', { namespace: 'team' }), 'and through edit into admin');
    assert.ok(rbac.clusterRoleRules('edit')!.some((r) => r.resources?.includes('leases')));
    cache.apply('MODIFIED', { ...leaseViewer, metadata: { name: 'lease-viewer', labels: {} } });
    assert.ok(!can(victor, 'get', 'leases', { namespace: 'team' }), 'unlabelled: no longer aggregated');
  });

  test('the bootstrap aggregated roles are stored as the aggregation computes them', () => {
    const cache = new RbacCache();
    cache.replace(BOOTSTRAP_POLICY);
    const rbac = new RbacAuthorizer(cache);
    for (const name of ['admin', 'edit', 'view']) {
      const stored = BOOTSTRAP_POLICY.find((o) => o.kind === 'ClusterRole' && o.metadata.name === name)!;
      assert.deepEqual(rbac.clusterRoleRules(name), stored.rules, name);
    }
  });
});

// ---- bootstrap policy ---------------------------------------------------------------------

describe('BOOTSTRAP_POLICY', () => {
  test('labelled, complete and consistent', () => {
    const names = (kind: string) => BOOTSTRAP_POLICY.filter((o) => o.kind === kind).map((o) => o.metadata.name);
    for (const o of BOOTSTRAP_POLICY) {
      assert.equal(o.apiVersion, RBAC_API_VERSION);
      assert.equal(o.metadata.labels?.['kubernetes.io/bootstrapping'], 'rbac-defaults', o.metadata.name);
    }
    const roles = names('ClusterRole');
    for (const r of ['cluster-admin', 'admin', 'edit', 'view', 'system:basic-user', 'system:kube-scheduler', 'system:kube-controller-manager', 'system:node']) {
      assert.ok(roles.includes(r), r);
    }
    const bindings = BOOTSTRAP_POLICY.filter((o) => o.kind === 'ClusterRoleBinding');
    for (const b of bindings) assert.ok(roles.includes((b.roleRef as { name: string }).name), `${b.metadata.name} references an existing role`);
    const subjects = Object.fromEntries(bindings.map((b) => [b.metadata.name, (b.subjects as Subject[]).map((s) => `${s.kind}:${s.name}`)]));
    assert.deepEqual(subjects['cluster-admin'], ['Group:system:masters']);
    assert.deepEqual(subjects['system:basic-user'], ['Group:system:authenticated']);
    assert.deepEqual(subjects['system:kube-scheduler'], ['User:system:kube-scheduler']);
    assert.deepEqual(subjects['system:kube-controller-manager'], ['User:system:kube-controller-manager']);
    assert.deepEqual(subjects['system:node'], ['Group:system:nodes']);
    assert.ok(
      BOOTSTRAP_POLICY.findIndex((o) => o.kind === 'ClusterRoleBinding') > BOOTSTRAP_POLICY.map((o) => o.kind).lastIndexOf('ClusterRole'),
      'roles first, so bindings never dangle while storing',
    );
  });

  test('rules name only what kubeql serves', () => {
    const served = new Set(KINDS.map((k) => `${apiGroupOf(k.apiVersion)}/${k.resource}`));
    for (const g of ['authorization.k8s.io', 'authentication.k8s.io']) served.add(`${g}/*reviews`);
    for (const o of BOOTSTRAP_POLICY) {
      for (const r of (o.rules as PolicyRule[] | undefined) ?? []) {
        for (const g of r.apiGroups ?? []) {
          for (const res of r.resources ?? []) {
            const base = res.split('/')[0]!;
            const ok = g === '*' || base === '*' || served.has(`${g}/${base}`) || (base.endsWith('reviews') && served.has(`${g}/*reviews`));
            assert.ok(ok, `${o.metadata.name}: ${g}/${res}`);
          }
        }
      }
    }
  });

  test('bootstrapPolicy() returns an independent copy', () => {
    const a = bootstrapPolicy();
    a[0]!.metadata.name = 'changed';
    assert.notEqual(BOOTSTRAP_POLICY[0]!.metadata.name, 'changed');
    assert.deepEqual(bootstrapPolicy(), BOOTSTRAP_POLICY);
  });
});

// ---- attributes and messages ---------------------------------------------------------------

describe('resourceAttributes and forbiddenMessage', () => {
  const alice = user('alice');
  test('RequestInfo rules', () => {
    assert.deepEqual(resourceAttributes(alice, kindOf('deployments'), 'get', { namespace: 'team', name: 'web' }), {
      user: alice,
      verb: 'get',
      apiGroup: 'apps',
      resource: 'deployments',
      namespace: 'team',
      name: 'web',
    });
    assert.equal(resourceAttributes(alice, kindOf('pods'), 'create', { namespace: 'team', name: 'web' }).name, undefined);
    assert.equal(resourceAttributes(alice, kindOf('pods'), 'create', { namespace: 'team', name: 'web', subresource: 'binding' }).name, 'web');
    assert.equal(resourceAttributes(alice, kindOf('nodes'), 'get', { namespace: 'team', name: 'n1' }).namespace, undefined);
    assert.equal(resourceAttributes(alice, kindOf('namespaces'), 'get', { name: 'team' }).namespace, 'team');
    assert.equal(resourceAttributes(alice, kindOf('namespaces'), 'list').namespace, undefined);
  });

  test('kube-apiserver wording', () => {
    assert.equal(
      forbiddenMessage(resourceAttributes(alice, kindOf('pods'), 'get', { namespace: 'default', name: 'web' })),
      'pods "web" is forbidden: User "alice" cannot get resource "pods" in API group "" in the namespace "default"',
    );
    assert.equal(
      forbiddenMessage(resourceAttributes(alice, kindOf('deployments'), 'list'), 'RBAC: clusterrole.rbac.authorization.k8s.io "x" not found'),
      'deployments.apps is forbidden: User "alice" cannot list resource "deployments" in API group "apps" at the cluster scope: RBAC: clusterrole.rbac.authorization.k8s.io "x" not found',
    );
    assert.equal(
      forbiddenMessage(resourceAttributes(alice, kindOf('pods'), 'update', { namespace: 'a', name: 'web', subresource: 'status' })),
      'pods "web" is forbidden: User "alice" cannot update resource "pods/status" in API group "" in the namespace "a"',
    );
    assert.equal(
      forbiddenMessage({ user: alice, verb: 'get', apiGroup: '', resource: '', path: '/metrics' }),
      'forbidden: User "alice" cannot get path "/metrics"',
    );
  });
});

// ---- speed ---------------------------------------------------------------------------------
//
// Bench (the setup of the test below: the bootstrap policy, 100 ClusterRoles bound to groups,
// 500 namespaces each with a Role and two RoleBindings — ~1,730 objects; node 20, tsx, one core):
//   cache.replace(all)                                             ~6–8 ms
//   first decision after it (cluster index + one namespace index)  ~1.5 ms (includes JIT warm-up)
//   authorize, same identity object (request / watch hot path):
//     allow via RoleBinding → Role                                 ~120 ns
//     allow via RoleBinding → ClusterRole view                     ~230 ns
//     deny (every rule of the user scanned)                        ~165 ns
//     system:masters                                               ~30 ns
//   authorize, a new identity object each call (string-keyed memo) ~0.3–1 µs
//   one RoleBinding MODIFIED, then a decision in that namespace     ~4 µs
// No timing is asserted; the test checks the decisions stay right under load.

describe('speed (no timing asserted)', () => {
  test('many roles: decisions stay correct after the memo is warm', () => {
    const objects: KubeObject[] = [];
    for (let i = 0; i < 100; i++) {
      objects.push(clusterRole(`cr-${i}`, [{ verbs: R, apiGroups: ['apps'], resources: [`things-${i}`] }]));
      objects.push(clusterRoleBinding(`crb-${i}`, `cr-${i}`, [G(`group-${i}`)]));
    }
    for (let i = 0; i < 500; i++) {
      objects.push(role('r', `ns-${i}`, [{ verbs: RW, apiGroups: [''], resources: ['pods', 'services'] }]));
      objects.push(roleBinding('b1', `ns-${i}`, { kind: 'Role', name: 'r' }, [U(`user-${i}`), G('team')]));
      objects.push(roleBinding('b2', `ns-${i}`, { kind: 'ClusterRole', name: 'view' }, [U(`user-${(i + 1) % 500}`)]));
    }
    const { rbac } = cluster(...objects);
    const u = user('user-7', 'group-3', 'group-50');
    const a = resourceAttributes(u, kindOf('pods'), 'delete', { namespace: 'ns-7', name: 'p' });
    const b = resourceAttributes(u, kindOf('deployments'), 'get', { namespace: 'ns-6', name: 'd' });
    const c = resourceAttributes(u, kindOf('deployments'), 'delete', { namespace: 'ns-6', name: 'd' });
    for (let i = 0; i < 10_000; i++) {
      assert.ok(rbac.authorize(a).allowed);
      assert.ok(rbac.authorize(b).allowed);
      assert.ok(!rbac.authorize(c).allowed);
    }
  });
});
