/** core/v1 Node spec and status types. All fields nullable (stored JSON). */
import 'reflect-metadata';
import { Field, ObjectType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { Condition } from './common.type.ts';

@ObjectType({ description: 'A taint on a node, repelling pods that do not tolerate it.' })
export class Taint {
  @Field(() => String, { nullable: true })
  key?: string | null;

  @Field(() => String, { nullable: true })
  value?: string | null;

  @Field(() => String, { nullable: true, description: 'NoSchedule, PreferNoSchedule or NoExecute.' })
  effect?: string | null;

  @Field(() => String, { nullable: true })
  timeAdded?: string | null;
}

@ObjectType({ description: 'Specification of a node.' })
export class NodeSpec {
  @Field(() => Boolean, { nullable: true })
  unschedulable?: boolean | null;

  @Field(() => [Taint], { nullable: 'itemsAndList' })
  taints?: Taint[] | null;

  @Field(() => String, { nullable: true })
  podCIDR?: string | null;

  @Field(() => [String], { nullable: 'itemsAndList' })
  podCIDRs?: string[] | null;

  @Field(() => String, { nullable: true })
  providerID?: string | null;
}

@ObjectType({ description: 'An address reachable to the node.' })
export class NodeAddress {
  @Field(() => String, { nullable: true, description: 'Hostname, InternalIP, ExternalIP, InternalDNS or ExternalDNS.' })
  type?: string | null;

  @Field(() => String, { nullable: true })
  address?: string | null;
}

@ObjectType({ description: 'Ids/uuids and versions identifying the node.' })
export class NodeSystemInfo {
  @Field(() => String, { nullable: true })
  machineID?: string | null;

  @Field(() => String, { nullable: true })
  systemUUID?: string | null;

  @Field(() => String, { nullable: true })
  bootID?: string | null;

  @Field(() => String, { nullable: true })
  kernelVersion?: string | null;

  @Field(() => String, { nullable: true })
  osImage?: string | null;

  @Field(() => String, { nullable: true })
  containerRuntimeVersion?: string | null;

  @Field(() => String, { nullable: true })
  kubeletVersion?: string | null;

  @Field(() => String, { nullable: true })
  kubeProxyVersion?: string | null;

  @Field(() => String, { nullable: true })
  operatingSystem?: string | null;

  @Field(() => String, { nullable: true })
  architecture?: string | null;
}

@ObjectType({ description: 'Most recently observed status of a node.' })
export class NodeStatus {
  @Field(() => GraphQLJSON, { nullable: true, description: 'ResourceList of total resources.' })
  capacity?: Record<string, string> | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'ResourceList available for scheduling.' })
  allocatable?: Record<string, string> | null;

  @Field(() => [Condition], { nullable: 'itemsAndList' })
  conditions?: Condition[] | null;

  @Field(() => [NodeAddress], { nullable: 'itemsAndList' })
  addresses?: NodeAddress[] | null;

  @Field(() => NodeSystemInfo, { nullable: true })
  nodeInfo?: NodeSystemInfo | null;

  @Field(() => String, { nullable: true, description: 'Deprecated: Pending, Running or Terminated.' })
  phase?: string | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'List of ContainerImage.' })
  images?: unknown;

  @Field(() => GraphQLJSON, { nullable: true, description: 'NodeDaemonEndpoints.' })
  daemonEndpoints?: unknown;
}
