// Which describer prints which kind (kubectl's describerMap, by group and kind); every
// other kind, custom resources included, gets the generic one.
import { describeConfigMap, describeSecret } from './config.ts';
import { describeDaemonSet } from './daemon-set.ts';
import { describeDeployment } from './deployment.ts';
import type { Describer } from './describer.ts';
import { describeGeneric } from './generic.ts';
import { describeHorizontalPodAutoscaler } from './horizontal-pod-autoscaler.ts';
import { describeIngress } from './ingress.ts';
import { describeCronJob, describeJob } from './jobs.ts';
import { describeNamespace } from './namespace.ts';
import { describeNode } from './node.ts';
import { describePod } from './pod.ts';
import { describePodDisruptionBudget, describePriorityClass, describeServiceAccount } from './policy.ts';
import { describeReplicaSet, describeReplicationController } from './replica-sets.ts';
import { describeEndpoints, describeService } from './service.ts';
import { describeStatefulSet } from './stateful-set.ts';
import { describePersistentVolume, describePersistentVolumeClaim, describeStorageClass } from './storage.ts';

/** `group/Kind` (core kinds: `/Kind`) → its describer. */
const DESCRIBERS: ReadonlyMap<string, Describer> = new Map([
  ['/Pod', describePod],
  ['/ReplicationController', describeReplicationController],
  ['/Secret', describeSecret],
  ['/Service', describeService],
  ['/ServiceAccount', describeServiceAccount],
  ['/Node', describeNode],
  ['/PersistentVolume', describePersistentVolume],
  ['/PersistentVolumeClaim', describePersistentVolumeClaim],
  ['/Namespace', describeNamespace],
  ['/Endpoints', describeEndpoints],
  ['/ConfigMap', describeConfigMap],
  ['autoscaling/HorizontalPodAutoscaler', describeHorizontalPodAutoscaler],
  ['networking.k8s.io/Ingress', describeIngress],
  ['batch/Job', describeJob],
  ['batch/CronJob', describeCronJob],
  ['apps/StatefulSet', describeStatefulSet],
  ['apps/Deployment', describeDeployment],
  ['apps/DaemonSet', describeDaemonSet],
  ['apps/ReplicaSet', describeReplicaSet],
  ['storage.k8s.io/StorageClass', describeStorageClass],
  ['policy/PodDisruptionBudget', describePodDisruptionBudget],
  ['scheduling.k8s.io/PriorityClass', describePriorityClass],
]);

/** The describer of a kind: its own, else the generic one. */
export const describerFor = (group: string, kind: string): Describer => DESCRIBERS.get(`${group}/${kind}`) ?? describeGeneric;

/** Whether `kind` has a describer of its own (kubectl's DescriberFor). */
export const hasOwnDescriber = (group: string, kind: string): boolean => DESCRIBERS.has(`${group}/${kind}`);
