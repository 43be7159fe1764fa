/** core/v1 Pod spec and status types. All fields nullable (stored JSON). */
import 'reflect-metadata';
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { Condition } from './common.type.ts';

@ObjectType({ description: 'A network port in a single container.' })
export class ContainerPort {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => Int, { nullable: true })
  containerPort?: number | null;

  @Field(() => Int, { nullable: true })
  hostPort?: number | null;

  @Field(() => String, { nullable: true, description: 'TCP, UDP or SCTP.' })
  protocol?: string | null;

  @Field(() => String, { nullable: true })
  hostIP?: string | null;
}

@ObjectType({ description: 'Compute resource requirements (ResourceList maps of quantities).' })
export class ResourceRequirements {
  @Field(() => GraphQLJSON, { nullable: true })
  requests?: Record<string, string> | null;

  @Field(() => GraphQLJSON, { nullable: true })
  limits?: Record<string, string> | null;
}

@ObjectType({ description: 'A single application container that runs within a pod.' })
export class Container {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  image?: string | null;

  @Field(() => String, { nullable: true, description: 'Always, Never or IfNotPresent.' })
  imagePullPolicy?: string | null;

  @Field(() => [String], { nullable: 'itemsAndList' })
  command?: string[] | null;

  @Field(() => [String], { nullable: 'itemsAndList' })
  args?: string[] | null;

  @Field(() => String, { nullable: true })
  workingDir?: string | null;

  @Field(() => [ContainerPort], { nullable: 'itemsAndList' })
  ports?: ContainerPort[] | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'List of EnvVar.' })
  env?: unknown;

  @Field(() => GraphQLJSON, { nullable: true, description: 'List of EnvFromSource.' })
  envFrom?: unknown;

  @Field(() => ResourceRequirements, { nullable: true })
  resources?: ResourceRequirements | null;

  @Field(() => GraphQLJSON, { nullable: true })
  livenessProbe?: unknown;

  @Field(() => GraphQLJSON, { nullable: true })
  readinessProbe?: unknown;

  @Field(() => GraphQLJSON, { nullable: true })
  startupProbe?: unknown;

  @Field(() => GraphQLJSON, { nullable: true })
  lifecycle?: unknown;

  @Field(() => GraphQLJSON, { nullable: true, description: 'List of VolumeMount.' })
  volumeMounts?: unknown;

  @Field(() => GraphQLJSON, { nullable: true })
  securityContext?: unknown;

  @Field(() => String, { nullable: true })
  terminationMessagePath?: string | null;

  @Field(() => String, { nullable: true })
  terminationMessagePolicy?: string | null;

  @Field(() => Boolean, { nullable: true })
  stdin?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  tty?: boolean | null;
}

@ObjectType({ description: 'Allows a pod to tolerate a matching taint.' })
export class Toleration {
  @Field(() => String, { nullable: true })
  key?: string | null;

  @Field(() => String, { nullable: true, description: 'Exists or Equal.' })
  operator?: string | null;

  @Field(() => String, { nullable: true })
  value?: string | null;

  @Field(() => String, { nullable: true, description: 'NoSchedule, PreferNoSchedule or NoExecute.' })
  effect?: string | null;

  @Field(() => Float, { nullable: true, description: 'int64 seconds for NoExecute taints.' })
  tolerationSeconds?: number | null;
}

@ObjectType({ description: 'Specification of the desired behavior of a pod.' })
export class PodSpec {
  @Field(() => String, { nullable: true })
  nodeName?: string | null;

  @Field(() => String, { nullable: true })
  schedulerName?: string | null;

  @Field(() => String, { nullable: true, description: 'Always, OnFailure or Never.' })
  restartPolicy?: string | null;

  @Field(() => Int, { nullable: true })
  terminationGracePeriodSeconds?: number | null;

  @Field(() => Float, { nullable: true, description: 'int64 seconds.' })
  activeDeadlineSeconds?: number | null;

  @Field(() => String, { nullable: true })
  serviceAccountName?: string | null;

  @Field(() => String, { nullable: true, description: 'Deprecated alias of serviceAccountName.' })
  serviceAccount?: string | null;

  @Field(() => Boolean, { nullable: true })
  automountServiceAccountToken?: boolean | null;

  @Field(() => Int, { nullable: true })
  priority?: number | null;

  @Field(() => String, { nullable: true })
  priorityClassName?: string | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'Map of node labels the pod must match.' })
  nodeSelector?: Record<string, string> | null;

  @Field(() => [Container], { nullable: 'itemsAndList' })
  containers?: Container[] | null;

  @Field(() => [Container], { nullable: 'itemsAndList' })
  initContainers?: Container[] | null;

  @Field(() => [Toleration], { nullable: 'itemsAndList' })
  tolerations?: Toleration[] | null;

  @Field(() => GraphQLJSON, { nullable: true })
  affinity?: unknown;

  @Field(() => GraphQLJSON, { nullable: true, description: 'List of Volume.' })
  volumes?: unknown;

  @Field(() => String, { nullable: true })
  dnsPolicy?: string | null;

  @Field(() => String, { nullable: true })
  hostname?: string | null;

  @Field(() => String, { nullable: true })
  subdomain?: string | null;

  @Field(() => Boolean, { nullable: true })
  hostNetwork?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  hostPID?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  hostIPC?: boolean | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'PodSecurityContext.' })
  securityContext?: unknown;

  @Field(() => GraphQLJSON, { nullable: true, description: 'List of LocalObjectReference.' })
  imagePullSecrets?: unknown;

  @Field(() => Boolean, { nullable: true })
  enableServiceLinks?: boolean | null;

  @Field(() => String, { nullable: true })
  preemptionPolicy?: string | null;

  @Field(() => GraphQLJSON, { nullable: true })
  topologySpreadConstraints?: unknown;
}

@ObjectType({ description: 'Status of a single container within a pod.' })
export class ContainerStatus {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  image?: string | null;

  @Field(() => String, { nullable: true })
  imageID?: string | null;

  @Field(() => String, { nullable: true })
  containerID?: string | null;

  @Field(() => Boolean, { nullable: true })
  ready?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  started?: boolean | null;

  @Field(() => Int, { nullable: true })
  restartCount?: number | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'ContainerState: waiting, running or terminated.' })
  state?: unknown;

  @Field(() => GraphQLJSON, { nullable: true, description: 'ContainerState of the previous termination.' })
  lastState?: unknown;
}

@ObjectType({ description: 'Most recently observed status of a pod.' })
export class PodStatus {
  @Field(() => String, { nullable: true, description: 'Pending, Running, Succeeded, Failed or Unknown.' })
  phase?: string | null;

  @Field(() => [Condition], { nullable: 'itemsAndList' })
  conditions?: Condition[] | null;

  @Field(() => String, { nullable: true })
  message?: string | null;

  @Field(() => String, { nullable: true })
  reason?: string | null;

  @Field(() => String, { nullable: true })
  hostIP?: string | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'List of HostIP ({ip}).' })
  hostIPs?: unknown;

  @Field(() => String, { nullable: true })
  podIP?: string | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'List of PodIP ({ip}).' })
  podIPs?: unknown;

  @Field(() => String, { nullable: true })
  startTime?: string | null;

  @Field(() => String, { nullable: true, description: 'Guaranteed, Burstable or BestEffort.' })
  qosClass?: string | null;

  @Field(() => String, { nullable: true })
  nominatedNodeName?: string | null;

  @Field(() => [ContainerStatus], { nullable: 'itemsAndList' })
  containerStatuses?: ContainerStatus[] | null;

  @Field(() => [ContainerStatus], { nullable: 'itemsAndList' })
  initContainerStatuses?: ContainerStatus[] | null;
}
