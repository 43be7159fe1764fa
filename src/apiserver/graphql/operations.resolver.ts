import 'reflect-metadata';
// The operations that are not plain CRUD: apply, subresources (binding, scale) and
// the Deployment verbs, plus node-side lease renewal.
import { GraphQLJSON } from 'graphql-scalars';
import { Arg, Args, Ctx, Field, Int, Mutation, ObjectType, Resolver, createUnionType, type ClassType } from 'type-graphql';
import { kindInfo, type KindInfo, type KubeObject } from '../../apis/kinds.ts';
import { ApiError, ErrorCode, badInput, notFound } from '../../apimachinery/errors.ts';
import type { Context } from './context.ts';
import { NamespacedNameArgs, PodBinding } from './meta.type.ts';
import { applyAdmission } from './generic.resolver.ts';
import { checkBulk, type KindTypes } from './resource.factory.ts';

@ObjectType({ description: 'The status of a TokenRequest: the token and when it expires.' })
export class TokenRequestStatus {
  @Field(() => String) token!: string;
  @Field(() => String) expirationTimestamp!: string;
}

export function createResourceUnion(all: KindTypes[]) {
  return createUnionType({
    name: 'Resource',
    description: 'Any object kubeql serves, told apart by `kind`.',
    types: () => all.map((t) => t.object) as [ClassType, ...ClassType[]],
    resolveType: (value: object) => (value as KubeObject).kind, // each kind's GraphQL type is named after it
  });
}

const REVISION = 'deployment.kubernetes.io/revision';
const info = (kind: string): KindInfo => kindInfo(kind)!;

export function createOperationsResolver(all: KindTypes[], Resource: ReturnType<typeof createResourceUnion>): ClassType {
  const type = (kind: string) => all.find((t) => t.info.kind === kind)!.object;

  @Resolver()
  class OperationsResolver {
    @Mutation(() => Resource, { description: 'kubectl apply: create the manifest, or update the fields it sets.' })
    apply(
      @Arg('manifest', () => GraphQLJSON) manifest: unknown,
      @Arg('dryRun', () => Boolean, { nullable: true, defaultValue: false }) dryRun: boolean,
      @Ctx() ctx: Context,
    ): Promise<KubeObject> {
      return ctx.registry.apply(manifest, dryRun, applyAdmission(ctx));
    }

    @Mutation(() => [Resource], { description: 'Several manifests, in order (a multi-document YAML file split client-side).' })
    async applyAll(
      @Arg('manifests', () => [GraphQLJSON]) manifests: unknown[],
      @Arg('dryRun', () => Boolean, { nullable: true, defaultValue: false }) dryRun: boolean,
      @Ctx() ctx: Context,
    ): Promise<KubeObject[]> {
      return (await ctx.registry.applyAll(manifests, { dryRun, admit: applyAdmission(ctx) })).map((r) => r.object);
    }

    @Mutation(() => type('Pod'), { description: 'The binding subresource: assigns the pod to a node; CONFLICT if already bound.' })
    bindPod(@Args(() => NamespacedNameArgs) a: NamespacedNameArgs, @Arg('nodeName', () => String) nodeName: string, @Ctx() ctx: Context) {
      ctx.access.check('create', info('Pod'), a.namespace, a.name, 'binding');
      return ctx.registry.updateSubresource('Pod', a.namespace, a.name, 'binding', { nodeName }, ctx.admit);
    }

    @Mutation(() => [type('Pod')], {
      nullable: 'items',
      description:
        'Many bindings in one request (a scheduler binding a batch), each as bindPod would make it: in the order given, null (with an error at its index) where that one failed; the others are bound. At most 500.',
    })
    bindPods(@Arg('items', () => [PodBinding]) items: PodBinding[], @Ctx() ctx: Context) {
      checkBulk(items.length, ctx);
      return items.map(async (b) => {
        const namespace = b.namespace ?? 'default';
        ctx.access.check('create', info('Pod'), namespace, b.name, 'binding');
        return ctx.registry.updateSubresource('Pod', namespace, b.name, 'binding', { nodeName: b.nodeName }, ctx.admit);
      });
    }

    @Mutation(() => type('Deployment'))
    pauseDeployment(@Args(() => NamespacedNameArgs) a: NamespacedNameArgs, @Ctx() ctx: Context) {
      ctx.access.check('patch', info('Deployment'), a.namespace, a.name);
      return ctx.registry.patch('Deployment', a.namespace, a.name, { spec: { paused: true } }, 'MERGE', ctx.admit);
    }

    @Mutation(() => type('Deployment'))
    resumeDeployment(@Args(() => NamespacedNameArgs) a: NamespacedNameArgs, @Ctx() ctx: Context) {
      ctx.access.check('patch', info('Deployment'), a.namespace, a.name);
      return ctx.registry.patch('Deployment', a.namespace, a.name, { spec: { paused: null } }, 'MERGE', ctx.admit);
    }

    @Mutation(() => type('Deployment'), { description: 'Roll the pod template back to that of an earlier revision (default: the previous one).' })
    async rollbackDeployment(
      @Args(() => NamespacedNameArgs) a: NamespacedNameArgs,
      @Arg('toRevision', () => Int, { nullable: true }) toRevision: number | null,
      @Ctx() ctx: Context,
    ) {
      ctx.access.check('patch', info('Deployment'), a.namespace, a.name);
      ctx.access.check('list', info('ReplicaSet'), a.namespace);
      const deployment = await ctx.registry.get('Deployment', a.namespace, a.name);
      if (!deployment) throw notFound('deployments.apps', a.name);
      const owned = await ctx.loaders.byOwner('ReplicaSet', deployment.metadata.uid!);
      const revisions = owned.map((rs) => ({ rs, revision: Number(rs.metadata.annotations?.[REVISION] ?? 0) })).sort((x, y) => y.revision - x.revision);
      const target = toRevision ? revisions.find((r) => r.revision === toRevision) : revisions[1];
      if (!target)
        throw badInput(toRevision ? `unable to find specified revision ${toRevision} in history` : 'no rollout history found for deployment', [
          { field: 'toRevision', message: 'Not found' },
        ]);
      const template = structuredClone((target.rs.spec as { template: { metadata?: { labels?: Record<string, string> } } }).template);
      delete template.metadata?.labels?.['pod-template-hash'];
      return ctx.registry.patch('Deployment', a.namespace, a.name, { spec: { template } }, 'MERGE', ctx.admit);
    }

    @Mutation(() => TokenRequestStatus, {
      description: 'A bearer token for a ServiceAccount (the serviceaccounts/token subresource, like `kubectl create token`).',
    })
    async createServiceAccountToken(
      @Args(() => NamespacedNameArgs) a: NamespacedNameArgs,
      @Arg('expirationSeconds', () => Int, { nullable: true, defaultValue: 3600 }) expirationSeconds: number,
      @Ctx() ctx: Context,
    ): Promise<TokenRequestStatus> {
      ctx.access.check('create', info('ServiceAccount'), a.namespace, a.name, 'token');
      if (!ctx.serviceAccountTokens)
        throw badInput('token requests need authentication to be on', [{ field: 'serviceaccounts/token', message: 'Unsupported' }]);
      if (expirationSeconds < 600 || expirationSeconds > 172_800) {
        throw badInput(
          'TokenRequest is invalid: spec.expirationSeconds: Invalid value: may not specify a duration less than 10 minutes or more than 48 hours',
          [{ field: 'spec.expirationSeconds', message: 'Invalid value' }],
        );
      }
      const account = await ctx.registry.get('ServiceAccount', a.namespace, a.name);
      if (!account) throw notFound('serviceaccounts', a.name);
      const token = await ctx.serviceAccountTokens.mintServiceAccount(account.metadata.namespace!, a.name, account.metadata.uid!, expirationSeconds);
      return { token, expirationTimestamp: new Date(Date.now() + expirationSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') };
    }

    @Mutation(() => type('Lease'), { description: 'A node heartbeat: create or renew the Lease (namespace kube-node-lease).' })
    async renewLease(
      @Arg('name', () => String) name: string,
      @Arg('holderIdentity', () => String) holderIdentity: string,
      @Arg('namespace', () => String, { nullable: true, defaultValue: 'kube-node-lease' }) namespace: string,
      @Arg('leaseDurationSeconds', () => Int, { nullable: true }) leaseDurationSeconds: number | null,
      @Ctx() ctx: Context,
    ) {
      const renewTime = new Date().toISOString().replace('Z', '000Z'); // MicroTime
      const spec = { holderIdentity, renewTime, ...(leaseDurationSeconds ? { leaseDurationSeconds } : {}) };
      const lease = info('Lease');
      if (!(await ctx.registry.get('Lease', namespace, name))) {
        ctx.access.check('create', lease, namespace, name);
        try {
          return await ctx.registry.create(
            'Lease',
            { metadata: { name, namespace }, spec: { leaseDurationSeconds: 40, acquireTime: renewTime, ...spec } },
            { admit: ctx.admit },
          );
        } catch (err) {
          if (!(err instanceof ApiError && err.code === ErrorCode.ALREADY_EXISTS)) throw err;
        }
      }
      ctx.access.check('update', lease, namespace, name);
      return ctx.registry.patch('Lease', namespace, name, { spec }, 'MERGE', ctx.admit);
    }
  }
  return OperationsResolver;
}
