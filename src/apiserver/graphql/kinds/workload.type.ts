/** apps/v1 ReplicaSet and Deployment types, plus PodTemplateSpec. All fields nullable (stored JSON). */
import 'reflect-metadata';
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { Condition, LabelSelector } from './common.type.ts';
import { PodSpec } from './pod.type.ts';

@ObjectType({ description: 'Describes the data a pod should have when created from a template.' })
export class PodTemplateSpec {
  @Field(() => GraphQLJSON, { nullable: true, description: 'ObjectMeta of the pods created from this template.' })
  metadata?: Record<string, unknown> | null;

  @Field(() => PodSpec, { nullable: true })
  spec?: PodSpec | null;
}

@ObjectType({ description: 'Specification of a ReplicaSet.' })
export class ReplicaSetSpec {
  @Field(() => Int, { nullable: true })
  replicas?: number | null;

  @Field(() => Int, { nullable: true })
  minReadySeconds?: number | null;

  @Field(() => LabelSelector, { nullable: true })
  selector?: LabelSelector | null;

  @Field(() => PodTemplateSpec, { nullable: true })
  template?: PodTemplateSpec | null;
}

@ObjectType({ description: 'Most recently observed status of a ReplicaSet.' })
export class ReplicaSetStatus {
  @Field(() => Int, { nullable: true })
  replicas?: number | null;

  @Field(() => Int, { nullable: true })
  fullyLabeledReplicas?: number | null;

  @Field(() => Int, { nullable: true })
  readyReplicas?: number | null;

  @Field(() => Int, { nullable: true })
  availableReplicas?: number | null;

  @Field(() => Int, { nullable: true })
  terminatingReplicas?: number | null;

  @Field(() => Float, { nullable: true, description: 'int64.' })
  observedGeneration?: number | null;

  @Field(() => [Condition], { nullable: 'itemsAndList' })
  conditions?: Condition[] | null;
}

@ObjectType({ description: 'Spec to control the desired behavior of a rolling update.' })
export class RollingUpdateDeployment {
  @Field(() => GraphQLJSON, { nullable: true, description: 'Int or percentage string, e.g. 1 or "25%".' })
  maxSurge?: number | string | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'Int or percentage string, e.g. 0 or "25%".' })
  maxUnavailable?: number | string | null;
}

@ObjectType({ description: 'How to replace existing pods with new ones.' })
export class DeploymentStrategy {
  @Field(() => String, { nullable: true, description: 'Recreate or RollingUpdate.' })
  type?: string | null;

  @Field(() => RollingUpdateDeployment, { nullable: true })
  rollingUpdate?: RollingUpdateDeployment | null;
}

@ObjectType({ description: 'Specification of a Deployment.' })
export class DeploymentSpec {
  @Field(() => Int, { nullable: true })
  replicas?: number | null;

  @Field(() => LabelSelector, { nullable: true })
  selector?: LabelSelector | null;

  @Field(() => PodTemplateSpec, { nullable: true })
  template?: PodTemplateSpec | null;

  @Field(() => DeploymentStrategy, { nullable: true })
  strategy?: DeploymentStrategy | null;

  @Field(() => Int, { nullable: true })
  minReadySeconds?: number | null;

  @Field(() => Int, { nullable: true })
  revisionHistoryLimit?: number | null;

  @Field(() => Boolean, { nullable: true })
  paused?: boolean | null;

  @Field(() => Int, { nullable: true })
  progressDeadlineSeconds?: number | null;
}

@ObjectType({ description: 'Most recently observed status of a Deployment.' })
export class DeploymentStatus {
  @Field(() => Float, { nullable: true, description: 'int64.' })
  observedGeneration?: number | null;

  @Field(() => Int, { nullable: true })
  replicas?: number | null;

  @Field(() => Int, { nullable: true })
  updatedReplicas?: number | null;

  @Field(() => Int, { nullable: true })
  readyReplicas?: number | null;

  @Field(() => Int, { nullable: true })
  availableReplicas?: number | null;

  @Field(() => Int, { nullable: true })
  unavailableReplicas?: number | null;

  @Field(() => Int, { nullable: true })
  terminatingReplicas?: number | null;

  @Field(() => [Condition], { nullable: 'itemsAndList' })
  conditions?: Condition[] | null;

  @Field(() => Int, { nullable: true })
  collisionCount?: number | null;
}
