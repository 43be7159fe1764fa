// Every kind kubeql serves, one strategy each: the kind table (src/apis/kinds.ts's KINDS)
// is this list. A new kind is a `<kind>.strategy.ts` beside these (with its validation in
// src/apis/validation/<kind>.ts), added here; its GraphQL types come from Kubernetes' schema
// (src/apis/openapi), discovery, tables, RBAC names and the SDK from this table.
import type { Strategy } from '../strategy.ts';
import type { KubeObject } from '../kinds.ts';
import { deploymentStrategy } from './deployment.strategy.ts';
import { endpointSliceStrategy } from './endpointslice.strategy.ts';
import { eventStrategy } from './event.strategy.ts';
import { leaseStrategy } from './lease.strategy.ts';
import { namespaceStrategy } from './namespace.strategy.ts';
import { nodeStrategy } from './node.strategy.ts';
import { podStrategy } from './pod.strategy.ts';
import { priorityClassStrategy } from './priorityclass.strategy.ts';
import { clusterRoleBindingStrategy, clusterRoleStrategy, roleBindingStrategy, roleStrategy } from './rbac.strategy.ts';
import { replicaSetStrategy } from './replicaset.strategy.ts';
import { serviceStrategy } from './service.strategy.ts';
import { serviceAccountStrategy } from './serviceaccount.strategy.ts';
import { horizontalPodAutoscalerStrategy } from './horizontalpodautoscaler.strategy.ts';
import { podDisruptionBudgetStrategy } from './poddisruptionbudget.strategy.ts';
import { ingressStrategy } from './ingress.strategy.ts';
import { ingressClassStrategy } from './ingressclass.strategy.ts';
import { networkPolicyStrategy } from './networkpolicy.strategy.ts';
import { storageClassStrategy } from './storageclass.strategy.ts';
import { customResourceDefinitionStrategy } from './customresourcedefinition.strategy.ts';
import { statefulSetStrategy } from './statefulset.strategy.ts';
import { daemonSetStrategy } from './daemonset.strategy.ts';
import { controllerRevisionStrategy } from './controllerrevision.strategy.ts';
import { jobStrategy } from './job.strategy.ts';
import { cronJobStrategy } from './cronjob.strategy.ts';
import { configMapStrategy } from './configmap.strategy.ts';
import { secretStrategy } from './secret.strategy.ts';
import { persistentVolumeStrategy } from './persistentvolume.strategy.ts';
import { persistentVolumeClaimStrategy } from './persistentvolumeclaim.strategy.ts';
import { replicationControllerStrategy } from './replicationcontroller.strategy.ts';
import { endpointsStrategy } from './endpoints.strategy.ts';
import { resourceQuotaStrategy } from './resourcequota.strategy.ts';
import { limitRangeStrategy } from './limitrange.strategy.ts';
import { podTemplateStrategy } from './podtemplate.strategy.ts';

export const STRATEGIES: readonly Strategy[] = [
  namespaceStrategy,
  nodeStrategy,
  podStrategy,
  eventStrategy,
  leaseStrategy,
  replicaSetStrategy,
  deploymentStrategy,
  serviceStrategy,
  endpointSliceStrategy,
  serviceAccountStrategy,
  roleStrategy,
  roleBindingStrategy,
  clusterRoleStrategy,
  clusterRoleBindingStrategy,
  priorityClassStrategy,
  horizontalPodAutoscalerStrategy,
  podDisruptionBudgetStrategy,
  ingressStrategy,
  ingressClassStrategy,
  networkPolicyStrategy,
  storageClassStrategy,
  customResourceDefinitionStrategy,
  statefulSetStrategy,
  daemonSetStrategy,
  controllerRevisionStrategy,
  jobStrategy,
  cronJobStrategy,
  configMapStrategy,
  secretStrategy,
  persistentVolumeStrategy,
  persistentVolumeClaimStrategy,
  replicationControllerStrategy,
  endpointsStrategy,
  resourceQuotaStrategy,
  limitRangeStrategy,
  podTemplateStrategy,
];

const byKind = new Map(STRATEGIES.map((s) => [s.info.kind, s]));

/** The kind's strategy; undefined for a kind kubeql does not serve. */
export const strategyFor = (kind: string): Strategy | undefined => byKind.get(kind);

/** Fills in Kubernetes' defaults for the object's kind, in place (its strategy's `defaults`). Other kinds and non-objects are left as they are. */
export function applyDefaults(obj: KubeObject): void {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj) || typeof obj.kind !== 'string') return;
  strategyFor(obj.kind)?.defaults(obj);
}
