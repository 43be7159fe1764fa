/** core/v1 Service and discovery.k8s.io/v1 EndpointSlice types. All fields nullable (stored JSON). */
import 'reflect-metadata';
import { Field, Int, ObjectType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { ObjectReference } from './common.type.ts';

@ObjectType({ description: 'A port exposed by a service.' })
export class ServicePort {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'TCP, UDP or SCTP.' })
  protocol?: string | null;

  @Field(() => String, { nullable: true })
  appProtocol?: string | null;

  @Field(() => Int, { nullable: true })
  port?: number | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'Int port number or string port name on the pods.' })
  targetPort?: number | string | null;

  @Field(() => Int, { nullable: true })
  nodePort?: number | null;
}

@ObjectType({ description: 'Attributes a user creates on a service.' })
export class ServiceSpec {
  @Field(() => String, { nullable: true, description: 'ClusterIP, NodePort, LoadBalancer or ExternalName.' })
  type?: string | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'Map of pod labels traffic is routed to.' })
  selector?: Record<string, string> | null;

  @Field(() => String, { nullable: true })
  clusterIP?: string | null;

  @Field(() => [String], { nullable: 'itemsAndList' })
  clusterIPs?: string[] | null;

  @Field(() => [ServicePort], { nullable: 'itemsAndList' })
  ports?: ServicePort[] | null;

  @Field(() => String, { nullable: true, description: 'ClientIP or None.' })
  sessionAffinity?: string | null;

  @Field(() => GraphQLJSON, { nullable: true })
  sessionAffinityConfig?: unknown;

  @Field(() => String, { nullable: true })
  externalName?: string | null;

  @Field(() => [String], { nullable: 'itemsAndList' })
  externalIPs?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Cluster or Local.' })
  externalTrafficPolicy?: string | null;

  @Field(() => String, { nullable: true, description: 'Cluster or Local.' })
  internalTrafficPolicy?: string | null;

  @Field(() => [String], { nullable: 'itemsAndList' })
  ipFamilies?: string[] | null;

  @Field(() => String, { nullable: true, description: 'SingleStack, PreferDualStack or RequireDualStack.' })
  ipFamilyPolicy?: string | null;

  @Field(() => Boolean, { nullable: true })
  publishNotReadyAddresses?: boolean | null;

  @Field(() => String, { nullable: true })
  loadBalancerIP?: string | null;

  @Field(() => [String], { nullable: 'itemsAndList' })
  loadBalancerSourceRanges?: string[] | null;

  @Field(() => String, { nullable: true })
  loadBalancerClass?: string | null;

  @Field(() => Boolean, { nullable: true })
  allocateLoadBalancerNodePorts?: boolean | null;

  @Field(() => Int, { nullable: true })
  healthCheckNodePort?: number | null;
}

@ObjectType({ description: 'Current status of a service.' })
export class ServiceStatus {
  @Field(() => GraphQLJSON, { nullable: true, description: 'LoadBalancerStatus ({ingress: [...]}).' })
  loadBalancer?: unknown;

  @Field(() => GraphQLJSON, { nullable: true, description: 'List of metav1.Condition.' })
  conditions?: unknown;
}

@ObjectType({ description: 'A single logical backend of an EndpointSlice.' })
export class EndpointSliceEndpoint {
  @Field(() => [String], { nullable: 'itemsAndList' })
  addresses?: string[] | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'EndpointConditions: ready, serving, terminating.' })
  conditions?: unknown;

  @Field(() => String, { nullable: true })
  hostname?: string | null;

  @Field(() => String, { nullable: true })
  nodeName?: string | null;

  @Field(() => String, { nullable: true })
  zone?: string | null;

  @Field(() => ObjectReference, { nullable: true })
  targetRef?: ObjectReference | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'EndpointHints.' })
  hints?: unknown;
}

@ObjectType({ description: 'A port used by an EndpointSlice.' })
export class EndpointPort {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'TCP, UDP or SCTP.' })
  protocol?: string | null;

  @Field(() => Int, { nullable: true })
  port?: number | null;

  @Field(() => String, { nullable: true })
  appProtocol?: string | null;
}
