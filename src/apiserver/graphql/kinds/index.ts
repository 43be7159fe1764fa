/**
 * Typed GraphQL shapes of the Kubernetes kinds served by kubeql.
 *
 * The generic schema factory adds `apiVersion`, `kind`, `metadata` and `manifest`
 * to every kind; KIND_SHAPES lists each kind's other top-level fields. Every type
 * here is nullable all the way down, because the objects come straight from stored
 * JSON and the default property resolvers resolve absent fields to null.
 */
import 'reflect-metadata';
import { Int } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { Condition, LabelSelector, LabelSelectorRequirement, ObjectReference } from './common.type.ts';
import {
  Container,
  ContainerPort,
  ContainerStatus,
  PodSpec,
  PodStatus,
  ResourceRequirements,
  Toleration,
} from './pod.type.ts';
import { NodeAddress, NodeSpec, NodeStatus, NodeSystemInfo, Taint } from './node.type.ts';
import { NamespaceSpec, NamespaceStatus } from './namespace.type.ts';
import {
  DeploymentSpec,
  DeploymentStatus,
  DeploymentStrategy,
  PodTemplateSpec,
  ReplicaSetSpec,
  ReplicaSetStatus,
  RollingUpdateDeployment,
} from './workload.type.ts';
import {
  EndpointPort,
  EndpointSliceEndpoint,
  ServicePort,
  ServiceSpec,
  ServiceStatus,
} from './service.type.ts';
import { LeaseSpec } from './lease.type.ts';
import { EventSource } from './event.type.ts';
import { PolicyRule, RoleRef, Subject } from './rbac.type.ts';
import { PRIORITY_CLASS_FIELDS } from './priorityclass.type.ts';

export * from './common.type.ts';
export * from './pod.type.ts';
export * from './node.type.ts';
export * from './namespace.type.ts';
export * from './workload.type.ts';
export * from './service.type.ts';
export * from './lease.type.ts';
export * from './event.type.ts';
export * from './rbac.type.ts';

/** A type-graphql type function, e.g. () => PodSpec, () => String, () => [Subject], () => GraphQLJSON, () => Int. */
export type FieldType = () => unknown;

export interface KindShape {
  fields: Record<string, { type: FieldType; description?: string }>;
}

const roleBindingFields: KindShape['fields'] = {
  roleRef: { type: () => RoleRef, description: 'The Role or ClusterRole the binding grants.' },
  subjects: { type: () => [Subject], description: 'The users, groups and service accounts granted the role.' },
};

/** Top-level fields of each kind besides apiVersion, kind, metadata (and manifest). */
export const KIND_SHAPES: Record<string, KindShape> = {
  Namespace: {
    fields: {
      spec: { type: () => NamespaceSpec },
      status: { type: () => NamespaceStatus },
    },
  },
  Node: {
    fields: {
      spec: { type: () => NodeSpec },
      status: { type: () => NodeStatus },
    },
  },
  Pod: {
    fields: {
      spec: { type: () => PodSpec },
      status: { type: () => PodStatus },
    },
  },
  Event: {
    fields: {
      involvedObject: { type: () => ObjectReference, description: 'The object this event is about.' },
      reason: { type: () => String, description: 'Short, machine-understandable reason, e.g. Scheduled.' },
      message: { type: () => String, description: 'Human-readable description.' },
      type: { type: () => String, description: 'Normal or Warning.' },
      count: { type: () => Int, description: 'Number of times this event has occurred.' },
      firstTimestamp: { type: () => String },
      lastTimestamp: { type: () => String },
      eventTime: { type: () => String, description: 'MicroTime when the event was first observed.' },
      source: { type: () => EventSource },
      reportingComponent: { type: () => String },
      reportingInstance: { type: () => String },
      action: { type: () => String },
      related: { type: () => ObjectReference, description: 'Optional secondary object.' },
      series: { type: () => GraphQLJSON, description: 'EventSeries ({count, lastObservedTime}).' },
    },
  },
  Lease: {
    fields: {
      spec: { type: () => LeaseSpec },
    },
  },
  ReplicaSet: {
    fields: {
      spec: { type: () => ReplicaSetSpec },
      status: { type: () => ReplicaSetStatus },
    },
  },
  Deployment: {
    fields: {
      spec: { type: () => DeploymentSpec },
      status: { type: () => DeploymentStatus },
    },
  },
  Service: {
    fields: {
      spec: { type: () => ServiceSpec },
      status: { type: () => ServiceStatus },
    },
  },
  EndpointSlice: {
    fields: {
      addressType: { type: () => String, description: 'IPv4, IPv6 or FQDN.' },
      endpoints: { type: () => [EndpointSliceEndpoint] },
      ports: { type: () => [EndpointPort] },
    },
  },
  ServiceAccount: {
    fields: {
      secrets: { type: () => GraphQLJSON, description: 'List of ObjectReference.' },
      imagePullSecrets: { type: () => GraphQLJSON, description: 'List of LocalObjectReference.' },
      automountServiceAccountToken: { type: () => Boolean },
    },
  },
  Role: {
    fields: {
      rules: { type: () => [PolicyRule] },
    },
  },
  ClusterRole: {
    fields: {
      rules: { type: () => [PolicyRule] },
      aggregationRule: { type: () => GraphQLJSON, description: 'AggregationRule ({clusterRoleSelectors}).' },
    },
  },
  RoleBinding: { fields: { ...roleBindingFields } },
  ClusterRoleBinding: { fields: { ...roleBindingFields } },
  PriorityClass: { fields: PRIORITY_CLASS_FIELDS },
};

/** Every object type class defined here; pass as `orphanedTypes` to buildSchema if needed. */
export const KIND_OBJECT_TYPES: Function[] = [
  Condition,
  LabelSelector,
  LabelSelectorRequirement,
  ObjectReference,
  ContainerPort,
  ResourceRequirements,
  Container,
  Toleration,
  PodSpec,
  ContainerStatus,
  PodStatus,
  Taint,
  NodeSpec,
  NodeAddress,
  NodeSystemInfo,
  NodeStatus,
  NamespaceSpec,
  NamespaceStatus,
  PodTemplateSpec,
  ReplicaSetSpec,
  ReplicaSetStatus,
  RollingUpdateDeployment,
  DeploymentStrategy,
  DeploymentSpec,
  DeploymentStatus,
  ServicePort,
  ServiceSpec,
  ServiceStatus,
  EndpointSliceEndpoint,
  EndpointPort,
  LeaseSpec,
  EventSource,
  PolicyRule,
  RoleRef,
  Subject,
];
