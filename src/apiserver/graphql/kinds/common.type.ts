/**
 * Shared Kubernetes object types used by several kinds (meta/v1 and core/v1).
 * Every field is nullable: objects come straight from stored JSON and absent
 * fields resolve to null through the default property resolvers.
 */
import 'reflect-metadata';
import { Field, ObjectType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';

@ObjectType({
  description:
    'A status condition (PodCondition, NodeCondition, NamespaceCondition, ReplicaSetCondition, DeploymentCondition, metav1.Condition).',
})
export class Condition {
  @Field(() => String, { nullable: true, description: 'Type of the condition, e.g. Ready, Available.' })
  type?: string | null;

  @Field(() => String, { nullable: true, description: 'Status of the condition: True, False or Unknown.' })
  status?: string | null;

  @Field(() => String, { nullable: true, description: 'Machine-readable, CamelCase reason for the last transition.' })
  reason?: string | null;

  @Field(() => String, { nullable: true, description: 'Human-readable message about the last transition.' })
  message?: string | null;

  @Field(() => String, { nullable: true, description: 'Last time the condition transitioned (RFC 3339).' })
  lastTransitionTime?: string | null;

  @Field(() => String, { nullable: true, description: 'Last time the condition was probed (pods).' })
  lastProbeTime?: string | null;

  @Field(() => String, { nullable: true, description: 'Last time a heartbeat was received (nodes).' })
  lastHeartbeatTime?: string | null;

  @Field(() => String, { nullable: true, description: 'Last time the condition was updated (deployments).' })
  lastUpdateTime?: string | null;
}

@ObjectType({ description: 'A label selector requirement: a key, an operator and a set of values.' })
export class LabelSelectorRequirement {
  @Field(() => String, { nullable: true })
  key?: string | null;

  @Field(() => String, { nullable: true, description: 'In, NotIn, Exists or DoesNotExist.' })
  operator?: string | null;

  @Field(() => [String], { nullable: 'itemsAndList' })
  values?: string[] | null;
}

@ObjectType({ description: 'A label query over a set of resources (meta/v1 LabelSelector).' })
export class LabelSelector {
  @Field(() => GraphQLJSON, { nullable: true, description: 'Map of {key: value} pairs, ANDed together.' })
  matchLabels?: Record<string, string> | null;

  @Field(() => [LabelSelectorRequirement], { nullable: 'itemsAndList' })
  matchExpressions?: LabelSelectorRequirement[] | null;
}

@ObjectType({ description: 'A reference to another object (core/v1 ObjectReference).' })
export class ObjectReference {
  @Field(() => String, { nullable: true })
  kind?: string | null;

  @Field(() => String, { nullable: true })
  namespace?: string | null;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  uid?: string | null;

  @Field(() => String, { nullable: true })
  apiVersion?: string | null;

  @Field(() => String, { nullable: true })
  resourceVersion?: string | null;

  @Field(() => String, { nullable: true })
  fieldPath?: string | null;
}
