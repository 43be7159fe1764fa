import 'reflect-metadata';
// Relations that REST needs several round trips for, each resolved through the
// request's batching loaders.
import { Args, ArgsType, Ctx, Field, FieldResolver, Resolver, Root, type ClassType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { kindInfo, type KubeObject } from '../../apis/kinds.ts';
import { addQuantities, formatQuantity } from '../../apis/quantity.ts';
import type { Context } from './context.ts';
import type { KindTypes } from './resource.factory.ts';

@ArgsType()
class SelectorArgs {
  @Field(() => String, { nullable: true }) labelSelector?: string;
  @Field(() => String, { nullable: true }) fieldSelector?: string;
}

/**
 * Relations never leak: a list reached through a relation holds only the objects the
 * caller may list in their namespace (RBAC decisions are cached per request).
 */
function visible(ctx: Context, kind: string): (objects: KubeObject[]) => KubeObject[];
function visible(ctx: Context, kind: string, one: true): (object: KubeObject) => boolean;
function visible(ctx: Context, kind: string, one?: true) {
  const info = kindInfo(kind)!;
  const can = (o: KubeObject) => ctx.access.can('list', info, o.metadata.namespace);
  return one ? can : (objects: KubeObject[]) => objects.filter(can);
}

/** A watch BOOKMARK carries only a resourceVersion: it has no relations. */
const isBookmark = (o: KubeObject): boolean => !o.metadata.uid;

type Containers = { containers?: { resources?: { requests?: Record<string, string | number> } }[] };

export function createRelationResolvers(all: KindTypes[], resource: ClassType | object): ClassType[] {
  const t = (kind: string) => all.find((k) => k.info.kind === kind)!;
  const ofType = (kind: string) => () => [t(kind).object];

  @Resolver(() => t('Pod').object)
  class PodRelations {
    @FieldResolver(() => t('Node').object, { nullable: true, description: 'The node the pod is bound to.' })
    node(@Root() pod: KubeObject, @Ctx() ctx: Context) {
      if (isBookmark(pod)) return null;
      const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
      if (!nodeName) return null;
      ctx.access.check('get', t('Node').info, undefined, nodeName);
      return ctx.loaders.get('Node', '', nodeName).then((n) => n ?? null);
    }

    @FieldResolver(() => resource as ClassType, { nullable: true, description: 'The controller that owns the pod.' })
    owner(@Root() pod: KubeObject, @Ctx() ctx: Context) {
      if (isBookmark(pod)) return null;
      const ref = pod.metadata.ownerReferences?.find((r) => r.controller) ?? pod.metadata.ownerReferences?.[0];
      if (!ref || !all.some((k) => k.info.kind === ref.kind)) return null;
      const namespaced = t(ref.kind).info.namespaced;
      ctx.access.check('get', t(ref.kind).info, pod.metadata.namespace, ref.name);
      return ctx.loaders.get(ref.kind, namespaced ? (pod.metadata.namespace ?? '') : '', ref.name).then((o) => (o && o.metadata.uid === ref.uid ? o : null));
    }

    @FieldResolver(ofType('Event'), { description: 'Events about this pod.' })
    events(@Root() pod: KubeObject, @Ctx() ctx: Context) {
      if (isBookmark(pod)) return [];
      return ctx.loaders.byField('Event', 'involvedObject.uid', pod.metadata.uid ?? '').then(visible(ctx, 'Event'));
    }
  }

  @Resolver(() => t('Node').object)
  class NodeRelations {
    @FieldResolver(ofType('Pod'), { description: 'Pods bound to this node.' })
    pods(@Root() node: KubeObject, @Ctx() ctx: Context) {
      if (isBookmark(node)) return [];
      return ctx.loaders.byField('Pod', 'spec.nodeName', node.metadata.name!).then(visible(ctx, 'Pod'));
    }

    @FieldResolver(() => GraphQLJSONObject, { description: 'The sum of the requests of the pods bound to this node that still run (a ResourceList).' })
    async allocated(@Root() node: KubeObject, @Ctx() ctx: Context) {
      if (isBookmark(node)) return {};
      // The sum is over every pod on the node: it is the node's figure, not a view of the pods.
      ctx.access.check('get', t('Node').info, undefined, node.metadata.name);
      const pods = await ctx.loaders.byField('Pod', 'spec.nodeName', node.metadata.name!);
      const running = pods.filter((p) => !['Succeeded', 'Failed'].includes((p.status as { phase?: string } | undefined)?.phase ?? ''));
      const requests = running.flatMap((p) => ((p.spec as Containers | undefined)?.containers ?? []).map((c) => c.resources?.requests ?? {}));
      const total = addQuantities(requests);
      return Object.fromEntries(Object.entries(total).map(([k, v]) => [k, formatQuantity(k, v)]));
    }
  }

  @Resolver(() => t('ReplicaSet').object)
  class ReplicaSetRelations {
    @FieldResolver(ofType('Pod'), { description: 'Pods this ReplicaSet owns.' })
    pods(@Root() rs: KubeObject, @Ctx() ctx: Context) {
      if (isBookmark(rs)) return [];
      return ctx.loaders.byOwner('Pod', rs.metadata.uid!).then(visible(ctx, 'Pod'));
    }
  }

  @Resolver(() => t('Deployment').object)
  class DeploymentRelations {
    @FieldResolver(ofType('ReplicaSet'), { description: 'ReplicaSets this Deployment owns (its revisions).' })
    replicaSets(@Root() d: KubeObject, @Ctx() ctx: Context) {
      if (isBookmark(d)) return [];
      return ctx.loaders.byOwner('ReplicaSet', d.metadata.uid!).then(visible(ctx, 'ReplicaSet'));
    }

    @FieldResolver(ofType('Pod'), { description: 'Pods of every ReplicaSet of this Deployment.' })
    async pods(@Root() d: KubeObject, @Ctx() ctx: Context) {
      if (isBookmark(d)) return [];
      const sets = await ctx.loaders.byOwner('ReplicaSet', d.metadata.uid!);
      return (await Promise.all(sets.map((rs) => ctx.loaders.byOwner('Pod', rs.metadata.uid!)))).flat().filter(visible(ctx, 'Pod', true));
    }
  }

  @Resolver(() => t('Service').object)
  class ServiceRelations {
    @FieldResolver(ofType('EndpointSlice'), { description: 'EndpointSlices of this Service (label kubernetes.io/service-name).' })
    endpoints(@Root() svc: KubeObject, @Ctx() ctx: Context) {
      if (isBookmark(svc)) return [];
      return ctx.loaders
        .byLabel('EndpointSlice', 'kubernetes.io/service-name', svc.metadata.namespace ?? '', svc.metadata.name!)
        .then(visible(ctx, 'EndpointSlice'));
    }
  }

  // Namespace.<plural> for every namespaced kind, with the list selectors.
  @Resolver(() => t('Namespace').object)
  class NamespaceRelations {}
  for (const k of all.filter((x) => x.info.namespaced)) {
    const key = k.info.plural;
    Object.defineProperty(NamespaceRelations.prototype, key, {
      value(ns: KubeObject, args: SelectorArgs, ctx: Context) {
        if (isBookmark(ns)) return [];
        if (!ctx.access.can('list', k.info, ns.metadata.name)) return [];
        return ctx.loaders.inNamespace(k.info.kind, ns.metadata.name!, args.labelSelector, args.fieldSelector);
      },
    });
    const descriptor = Object.getOwnPropertyDescriptor(NamespaceRelations.prototype, key);
    FieldResolver(() => [k.object], { description: `${k.info.kind} objects in this namespace.` })(NamespaceRelations.prototype, key, descriptor!);
    Root()(NamespaceRelations.prototype, key, 0);
    Args(() => SelectorArgs)(NamespaceRelations.prototype, key, 1);
    Ctx()(NamespaceRelations.prototype, key, 2);
  }

  return [PodRelations, NodeRelations, ReplicaSetRelations, DeploymentRelations, ServiceRelations, NamespaceRelations];
}
