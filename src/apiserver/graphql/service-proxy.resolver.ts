import 'reflect-metadata';
// resolveService: which backend a connection to a Service's port from a node reaches,
// under the simulated kube-proxy's rules (src/apiserver/proxy). Read from the apiserver's
// watch-fed copy of the rules, not the store.
import { Arg, Ctx, Field, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { kindInfo } from '../../apis/kinds.ts';
import { ApiError, ErrorCode } from '../../apimachinery/errors.ts';
import { serviceProxyOf } from '../proxy/service-proxy.ts';
import type { Backend } from '../proxy/proxy-rules.ts';
import { builtinTypes } from './openapi-types.ts';
import type { Context } from './context.ts';

@ObjectType({
  description:
    "One backend of a Service: the endpoint a connection reaches and the port it reaches it on (the Service port's targetPort, as the EndpointSlice resolved it).",
})
export class Endpoint {
  @Field(() => String, { description: "The endpoint's address (the pod IP)." })
  ip!: string;

  @Field(() => Int, { description: 'The target port on the endpoint.' })
  port!: number;

  @Field(() => String, { description: 'TCP, UDP or SCTP.' })
  protocol!: string;

  @Field(() => String, { nullable: true, description: 'The node the endpoint runs on.' })
  nodeName!: string | null;

  @Field(() => String, { nullable: true })
  zone!: string | null;

  @Field(() => String, { nullable: true })
  hostname!: string | null;

  @Field(() => builtinTypes().objectType('io.k8s.api.core.v1.ObjectReference'), { nullable: true, description: 'The pod behind the endpoint.' })
  targetRef!: Record<string, unknown> | null;

  @Field(() => String, { description: 'The EndpointSlice the endpoint was read from.' })
  endpointSlice!: string;
}

@Resolver()
export class ServiceProxyResolver {
  @Query(() => Endpoint, {
    nullable: true,
    description:
      "The ready backend a connection to the Service's `port` from node `fromNode` would reach under the simulated kube-proxy's rules (round robin; sessionAffinity ClientIP per node); null when none is ready.",
  })
  async resolveService(
    @Arg('namespace', () => String, { nullable: true, defaultValue: 'default' }) namespace: string | null,
    @Arg('name', () => String) name: string,
    @Arg('port', () => Int) port: number,
    @Arg('fromNode', () => String, { nullable: true }) fromNode: string | null,
    @Ctx() ctx: Context,
  ): Promise<Backend | null> {
    const ns = namespace ?? 'default';
    ctx.access.check('get', kindInfo('Service')!, ns, name);
    ctx.access.check('get', kindInfo('EndpointSlice')!, ns);
    const proxy = serviceProxyOf(ctx.registry);
    if (!proxy) throw new ApiError(ErrorCode.UNAVAILABLE, 'the service proxy is not running on this apiserver');
    return proxy.resolve(ns, name, port, fromNode);
  }
}
