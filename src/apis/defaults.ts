// Kubernetes' defaulting (pkg/apis/*/v1/defaults.go) for kubeql's kinds, plus the two
// values the Priority admission plugin always sets on a Pod (`priority`,
// `preemptionPolicy`), so a stored object reads back as `kubectl get -o yaml` shows it.
// Metadata is never touched (uid, timestamps and generation are the registry's), but for a
// Namespace's kubernetes.io/metadata.name label, as Kubernetes sets it.
//
// Each kind's strategy (src/apis/strategies) names its defaulter here; the registry runs
// it on every write, updates included: each default only fills a field that is absent
// (or, for strings, empty), so it is idempotent and never overrides a value. Values of
// the wrong shape are left alone for validation to report: a defaulter must tolerate any
// JSON where it reads (`containers: false`, `ports: "x"`), never throw on it.

import type { KubeObject } from './kinds.ts';
import { isRecord as isRec } from '../apimachinery/json.ts';
import { VOLUME_SOURCES } from './validation/pod.ts';

type Rec = Record<string, unknown>;
const recs = (v: unknown): Rec[] => (Array.isArray(v) ? v.filter(isRec) : []);

/** A Go pointer field left nil: absent or null. */
const unset = (v: unknown): boolean => v === undefined || v === null;
/** A Go string/int field left at its zero value (or a pointer left nil). */
const zero = (v: unknown): boolean => unset(v) || v === '' || v === 0;

function setIfUnset(o: Rec, key: string, value: unknown): void {
  if (unset(o[key])) o[key] = value;
}
function setIfZero(o: Rec, key: string, value: unknown): void {
  if (zero(o[key])) o[key] = value;
}
/** The object at o[key], created when absent; undefined when o[key] is something else. */
function obj(o: Rec, key: string): Rec | undefined {
  if (unset(o[key])) o[key] = {};
  return isRec(o[key]) ? o[key] : undefined;
}

export const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30;
export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';
export const TERMINATION_MESSAGE_PATH = '/dev/termination-log';
/** 0644, the mode of files of secret, configMap, projected and downwardAPI volumes. */
const DEFAULT_FILE_MODE = 0o644;
/** v1.DefaultClientIPServiceAffinitySeconds: three hours. */
const DEFAULT_CLIENT_IP_AFFINITY_SECONDS = 10800;
const RBAC_GROUP = 'rbac.authorization.k8s.io';
/** The priorities of the two built-in priority classes. */
const SYSTEM_PRIORITIES: Readonly<Record<string, number>> = { 'system-node-critical': 2000001000, 'system-cluster-critical': 2000000000 };

// ---- images ------------------------------------------------------------------------

const pathComponent = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domainRe = new RegExp(`^(?:${domainComponent}(?:\\.${domainComponent})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?$`);
const pathRe = new RegExp(`^${pathComponent}(?:/${pathComponent})*$`);
const tagRe = /^[\w][\w.-]{0,127}$/;
const digestRe = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}$/;

/**
 * The tag parsers.ParseImageName finds: `latest` when neither tag nor digest is given, ""
 * for a digest-only reference; undefined when the reference does not parse.
 */
export function imageTag(image: string): string | undefined {
  let name = image;
  let digest = '';
  const at = name.indexOf('@');
  if (at >= 0) {
    digest = name.slice(at + 1);
    name = name.slice(0, at);
    if (!digestRe.test(digest)) return undefined;
  }
  let tag = '';
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/')) {
    tag = name.slice(colon + 1);
    name = name.slice(0, colon);
    if (!tagRe.test(tag)) return undefined;
  }
  // docker/distribution's splitDockerDomain: the first component is a registry when it
  // looks like a host (a dot, a port, `localhost`, or upper case).
  const slash = name.indexOf('/');
  let path = name;
  if (slash >= 0) {
    const first = name.slice(0, slash);
    if (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first) {
      if (!domainRe.test(first)) return undefined;
      path = name.slice(slash + 1);
    }
  }
  if (name.length > 255 || !pathRe.test(path)) return undefined;
  return tag || (digest ? '' : 'latest');
}

/** SetDefaults_Container's imagePullPolicy: Always for `:latest` (or no tag), else IfNotPresent. */
export const defaultPullPolicy = (image: unknown): 'Always' | 'IfNotPresent' =>
  typeof image === 'string' && imageTag(image) === 'latest' ? 'Always' : 'IfNotPresent';

// ---- pod spec ----------------------------------------------------------------------

function defaultHTTPGet(h: Rec): void {
  setIfZero(h, 'path', '/');
  setIfZero(h, 'scheme', 'HTTP');
}

function defaultHandler(h: unknown): void {
  if (!isRec(h)) return;
  if (isRec(h.httpGet)) defaultHTTPGet(h.httpGet);
  if (isRec(h.grpc)) setIfUnset(h.grpc, 'service', '');
}

/** SetDefaults_Probe. */
function defaultProbe(p: unknown): void {
  if (!isRec(p)) return;
  defaultHandler(p);
  setIfZero(p, 'timeoutSeconds', 1);
  setIfZero(p, 'periodSeconds', 10);
  setIfZero(p, 'successThreshold', 1);
  setIfZero(p, 'failureThreshold', 3);
}

/** SetDefaults_ObjectFieldSelector. */
function defaultFieldRef(v: unknown): void {
  if (isRec(v) && isRec(v.fieldRef)) setIfZero(v.fieldRef, 'apiVersion', 'v1');
}

/** SetDefaults_Container and everything nested in a container. */
function defaultContainer(c: Rec): void {
  setIfZero(c, 'imagePullPolicy', defaultPullPolicy(c.image));
  setIfZero(c, 'terminationMessagePath', TERMINATION_MESSAGE_PATH);
  setIfZero(c, 'terminationMessagePolicy', 'File');
  for (const p of recs(c.ports)) setIfZero(p, 'protocol', 'TCP');
  for (const e of recs(c.env)) defaultFieldRef(e.valueFrom);
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  if (isRec(c.lifecycle)) {
    defaultHandler(c.lifecycle.postStart);
    defaultHandler(c.lifecycle.preStop);
  }
}

/** SetDefaults_Volume and the defaults of the volume sources. */
function defaultVolume(v: Rec): void {
  if (!VOLUME_SOURCES.some((s) => !unset(v[s]))) v.emptyDir = {};
  for (const s of ['secret', 'configMap', 'projected', 'downwardAPI']) {
    if (isRec(v[s])) setIfUnset(v[s], 'defaultMode', DEFAULT_FILE_MODE);
  }
  if (isRec(v.hostPath)) setIfUnset(v.hostPath, 'type', '');
  if (isRec(v.downwardAPI)) for (const item of recs(v.downwardAPI.items)) defaultFieldRef(item);
  if (isRec(v.projected)) {
    for (const src of recs(v.projected.sources)) {
      if (isRec(src.downwardAPI)) for (const item of recs(src.downwardAPI.items)) defaultFieldRef(item);
    }
  }
}

/** SetDefaults_PodSpec: what every pod spec gets, templates included. */
function defaultPodSpec(spec: Rec): void {
  setIfZero(spec, 'dnsPolicy', 'ClusterFirst');
  setIfZero(spec, 'restartPolicy', 'Always');
  setIfUnset(spec, 'securityContext', {});
  setIfUnset(spec, 'terminationGracePeriodSeconds', DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS);
  setIfZero(spec, 'schedulerName', DEFAULT_SCHEDULER_NAME);
  for (const c of recs(spec.containers)) defaultContainer(c);
  for (const c of recs(spec.initContainers)) defaultContainer(c);
  for (const c of recs(spec.ephemeralContainers)) defaultContainer(c);
  for (const v of recs(spec.volumes)) defaultVolume(v);
}

/** A pod template's spec (every kind with a pod template: Deployments, ReplicaSets, StatefulSets, Jobs…). */
export function defaultPodTemplate(template: Rec | undefined): void {
  const spec = template && obj(template, 'spec');
  if (spec) defaultPodSpec(spec);
}

/** SetDefaults_Pod, then the Priority admission plugin's two fields. */
export function defaultPod(pod: KubeObject): void {
  const spec = obj(pod as Rec, 'spec');
  if (!spec) return;
  defaultPodSpec(spec);
  // Limits stand in for missing requests (Pods only, not templates).
  for (const c of [...recs(spec.containers), ...recs(spec.initContainers)]) {
    const resources = isRec(c.resources) ? c.resources : undefined;
    if (!resources || !isRec(resources.limits)) continue;
    const requests = obj(resources, 'requests');
    if (requests) for (const [k, v] of Object.entries(resources.limits)) setIfUnset(requests, k, v);
  }
  setIfUnset(spec, 'enableServiceLinks', true);
  if (spec.hostNetwork === true) {
    for (const c of [...recs(spec.containers), ...recs(spec.initContainers)]) {
      for (const p of recs(c.ports)) if (zero(p.hostPort)) p.hostPort = p.containerPort;
    }
  }
  const className = typeof spec.priorityClassName === 'string' ? spec.priorityClassName : '';
  if (unset(spec.priority)) {
    if (!className) spec.priority = 0;
    else if (className in SYSTEM_PRIORITIES) spec.priority = SYSTEM_PRIORITIES[className];
  }
  setIfZero(spec, 'preemptionPolicy', 'PreemptLowerPriority');
}

// ---- other kinds -------------------------------------------------------------------

export function defaultReplicaSet(rs: KubeObject): void {
  const spec = obj(rs as Rec, 'spec');
  if (!spec) return;
  setIfUnset(spec, 'replicas', 1);
  defaultPodTemplate(isRec(spec.template) ? spec.template : undefined);
}

/** SetDefaults_Deployment. */
export function defaultDeployment(d: KubeObject): void {
  const spec = obj(d as Rec, 'spec');
  if (!spec) return;
  setIfUnset(spec, 'replicas', 1);
  const strategy = obj(spec, 'strategy');
  if (strategy) {
    setIfZero(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') {
      const ru = obj(strategy, 'rollingUpdate');
      if (ru) {
        setIfUnset(ru, 'maxUnavailable', '25%');
        setIfUnset(ru, 'maxSurge', '25%');
      }
    }
  }
  setIfUnset(spec, 'revisionHistoryLimit', 10);
  setIfUnset(spec, 'progressDeadlineSeconds', 600);
  defaultPodTemplate(isRec(spec.template) ? spec.template : undefined);
}

/** SetDefaults_Service. */
export function defaultService(svc: KubeObject): void {
  const spec = obj(svc as Rec, 'spec');
  if (!spec) return;
  setIfZero(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const config = obj(spec, 'sessionAffinityConfig');
    const clientIP = config && obj(config, 'clientIP');
    if (clientIP) setIfUnset(clientIP, 'timeoutSeconds', DEFAULT_CLIENT_IP_AFFINITY_SECONDS);
  }
  setIfZero(spec, 'type', 'ClusterIP');
  for (const p of recs(spec.ports)) {
    setIfZero(p, 'protocol', 'TCP');
    if (zero(p.targetPort)) p.targetPort = p.port;
  }
  const type = spec.type;
  const externallyAccessible =
    type === 'LoadBalancer' || type === 'NodePort' || (type === 'ClusterIP' && Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0);
  if (externallyAccessible) setIfZero(spec, 'externalTrafficPolicy', 'Cluster');
  if (type === 'ClusterIP' || type === 'NodePort' || type === 'LoadBalancer') setIfUnset(spec, 'internalTrafficPolicy', 'Cluster');
  if (type === 'LoadBalancer') setIfUnset(spec, 'allocateLoadBalancerNodePorts', true);
}

/**
 * A new Namespace carries the `kubernetes` finalizer (the namespace strategy adds it on
 * create; it is not added back once removed, nor while the namespace terminates) and
 * starts Active.
 */
export function defaultNamespace(ns: KubeObject): void {
  // SetDefaults_Namespace: the immutable label that lets selectors (NetworkPolicy's
  // namespaceSelector) name a namespace — the one default that touches metadata.
  if (isRec(ns.metadata) && typeof ns.metadata.name === 'string' && ns.metadata.name) {
    const labels = isRec(ns.metadata.labels) ? ns.metadata.labels : undefined;
    if (labels || ns.metadata.labels === undefined || ns.metadata.labels === null)
      ns.metadata.labels = { ...labels, 'kubernetes.io/metadata.name': ns.metadata.name };
  }
  const spec = obj(ns as Rec, 'spec');
  if (spec && unset(spec.finalizers) && !ns.metadata?.deletionTimestamp) spec.finalizers = ['kubernetes'];
  const status = obj(ns as Rec, 'status');
  if (status) setIfZero(status, 'phase', 'Active');
}

/** SetDefaults_NodeStatus: allocatable is the capacity unless the kubelet says otherwise. */
export function defaultNode(node: KubeObject): void {
  const status = isRec(node.status) ? node.status : undefined;
  if (status && unset(status.allocatable) && isRec(status.capacity)) status.allocatable = { ...status.capacity };
}

/** SetDefaults_EndpointPort. */
export function defaultEndpointSlice(slice: KubeObject): void {
  for (const p of recs(slice.ports)) {
    setIfUnset(p, 'name', '');
    setIfUnset(p, 'protocol', 'TCP');
  }
}

/** SetDefaults_RoleBinding / ClusterRoleBinding and SetDefaults_Subject. */
export function defaultBinding(b: KubeObject): void {
  if (isRec(b.roleRef)) setIfZero(b.roleRef, 'apiGroup', RBAC_GROUP);
  for (const s of recs(b.subjects)) {
    // A ServiceAccount subject's group is "", which Kubernetes omits.
    if (zero(s.apiGroup) && (s.kind === 'User' || s.kind === 'Group')) s.apiGroup = RBAC_GROUP;
  }
}
