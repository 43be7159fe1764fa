// One generic implementation of every kind's GraphQL surface: the object, list,
// watch-event and input types, and the queries, mutations and subscription of
// API.md, created per kind from the kind table instead of written out fourteen times.
import 'reflect-metadata';
import { GraphQLJSON, GraphQLJSONObject } from 'graphql-scalars';
import { Arg, Args, Ctx, Field, FieldResolver, InputType, Mutation, ObjectType, Query, Resolver, Root, Subscription, type ClassType } from 'type-graphql';
import { kindInfo, type KindInfo, type KubeObject } from '../../apis/kinds.ts';
import { badInput } from '../../apimachinery/errors.ts';
import { watchKind, type ApiWatchEvent } from '../registry/index.ts';
import type { Context } from './context.ts';
import { definitions, kindDefinition, type Schema } from '../../apis/openapi/index.ts';
import type { OpenApiTypes } from './openapi-types.ts';
import { strategyFor } from '../../apis/strategies/index.ts';
import {
  DeleteArgs,
  ListArgs,
  ListMeta,
  NameArgs,
  NamespacedDeleteArgs,
  NamespacedListArgs,
  NamespacedNameArgs,
  NamespacedPatchArgs,
  NamespacedStatusArgs,
  NamespacedWatchArgs,
  ObjectMetaInput,
  PatchArgs,
  MAX_BULK_ITEMS,
  ScaleArgs,
  StatusArgs,
  StatusUpdatesArgs,
  WatchArgs,
  WatchEventType,
} from './meta.type.ts';

export interface KindTypes {
  info: KindInfo;
  /** The subresources served (`status`, `scale`, `binding`), as discovery lists them. */
  subresources: string[];
  object: ClassType;
  list: ClassType;
  event: ClassType;
  input: ClassType;
}

type Decorate = (target: object, key: string, descriptor?: PropertyDescriptor) => void;
const decorate = (cls: ClassType, key: string, ...decorators: Decorate[]) => {
  const descriptor = Object.getOwnPropertyDescriptor(cls.prototype, key);
  for (const d of decorators) d(cls.prototype, key, descriptor);
};

/** meta/v1 ObjectMeta, every object's metadata. */
export const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

export function createKindTypes(info: KindInfo, types: OpenApiTypes): KindTypes {
  const definition = kindDefinition(info.apiVersion, info.kind);
  const schema = definition ? definitions()[definition] : undefined;
  // Kubernetes has a definition for every built-in kind; anything else keeps spec and status as JSON.
  const properties: Record<string, Schema> = Object.fromEntries(
    Object.entries(schema?.properties ?? { spec: {}, status: {} }).filter(([k]) => k !== 'apiVersion' && k !== 'kind' && k !== 'metadata'),
  );
  const scope = info.namespaced ? 'Namespaced' : 'Cluster-scoped';
  const description = `${scope} kind ${info.apiVersion} ${info.kind}.${schema?.description ? ` ${schema.description}` : ''}`;

  const own = (field: string, fallback: string): string => schema?.properties?.[field]?.description ?? fallback;
  @ObjectType(info.kind, { description })
  class KindObject {
    @Field(() => String, { description: own('apiVersion', 'The versioned schema of this object.') }) apiVersion!: string;
    @Field(() => String, { description: own('kind', 'The kind of this object.') }) kind!: string;
    @Field(() => types.objectType(OBJECT_META), { description: own('metadata', "Standard object's metadata.") }) metadata!: KubeObject['metadata'];
  }
  for (const [name, property] of Object.entries(properties)) types.decorateField(KindObject, name, property);

  @ObjectType(`${info.kind}List`)
  class KindList {
    @Field(() => [KindObject]) items!: KubeObject[];
    @Field(() => ListMeta) metadata!: ListMeta;
  }

  @ObjectType(`${info.kind}WatchEvent`)
  class KindWatchEvent {
    @Field(() => WatchEventType) type!: WatchEventType;
    @Field(() => KindObject) object!: KubeObject;
  }

  // Inputs take the body as JSON so that every field of a Kubernetes manifest is
  // accepted and kept as written; the registry decodes it against the object type
  // (conformance) and validates it with field paths.
  @InputType(`${info.kind}Input`, { description: `A ${info.kind} manifest: metadata plus the kind's top-level fields as JSON.` })
  class KindInput {
    @Field(() => String, { nullable: true }) apiVersion?: string;
    @Field(() => String, { nullable: true }) kind?: string;
    @Field(() => ObjectMetaInput) metadata!: ObjectMetaInput;
  }
  for (const [name, property] of Object.entries(properties)) {
    decorate(KindInput, name, Field(() => GraphQLJSON, { nullable: true, ...(property.description ? { description: property.description } : {}) }) as Decorate);
  }

  const subresources = [...(info.hasStatus ? ['status'] : []), ...(info.scale ? ['scale'] : []), ...Object.keys(strategyFor(info.kind)?.subresources ?? {})];
  return { info, subresources, object: KindObject, list: KindList, event: KindWatchEvent, input: KindInput };
}

/**
 * A subscription's context lives as long as the subscription; its loaders must not:
 * each event's relations are batched among themselves and read afresh (no stale
 * `Pod.node` from an earlier event, no cache growing for hours).
 */
function scopeLoadersPerEvent<T>(ctx: Context, events: AsyncIterable<T>): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]() {
      const it = events[Symbol.asyncIterator]();
      return {
        // graphql-ws executes an event completely before it asks for the next one.
        next: () => {
          ctx.loaders = ctx.loaders.fresh();
          return it.next();
        },
        return: () => it.return?.() ?? Promise.resolve({ value: undefined, done: true }),
        throw: (e?: unknown) => it.throw?.(e) ?? Promise.reject(e),
      };
    },
  };
}

const upper = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A bulk operation's size: at most MAX_BULK_ITEMS, each item beyond the first charged to the caller's rate limit. */
export function checkBulk(items: number, ctx: Context): void {
  if (items > MAX_BULK_ITEMS) {
    throw badInput(`too many items: ${items} (at most ${MAX_BULK_ITEMS} per request)`, [{ field: 'items', message: `at most ${MAX_BULK_ITEMS} items` }]);
  }
  ctx.charge?.(items - 1);
}

type NsArgs = { namespace?: string | null };

/** A watch of one kind, as watch<Kinds> and watchResources serve it. */
export function subscribeToKind(info: KindInfo, a: WatchArgs & NsArgs, ctx: Context): AsyncIterable<ApiWatchEvent> {
  const namespace = info.namespaced && a.namespace !== null ? (a.namespace ?? 'default') : undefined;
  ctx.access.check('watch', info, namespace);
  // Every event is checked too, on the delivered object's own kind and namespace:
  // a watch ends when its caller loses the right to what it is about to receive.
  const authorize = (o: KubeObject) => {
    const own = kindInfo(o.kind);
    return own !== undefined && ctx.access.can('watch', own, own.namespaced ? o.metadata.namespace : undefined);
  };
  return scopeLoadersPerEvent(ctx, watchKind(ctx.registry, info.kind, { ...a, namespace, authorize }));
}

export function createKindResolver(types: KindTypes): ClassType {
  const { info } = types;
  const Kind = info.kind;
  const Plural = upper(info.plural);
  const ns = (a: NsArgs): string | undefined => (info.namespaced ? (a.namespace ?? 'default') : undefined);

  @Resolver(() => types.object)
  class KindResolver {
    @FieldResolver(() => GraphQLJSONObject, { description: 'The whole object as `kubectl get -o json` prints it.' })
    manifest(@Root() object: KubeObject): KubeObject {
      return object;
    }

    async get(args: NameArgs & NsArgs, ctx: Context) {
      ctx.access.check('get', info, ns(args), args.name);
      return (await ctx.registry.get(Kind, ns(args), args.name)) ?? null;
    }

    async list(args: ListArgs & { namespace?: string | null; allNamespaces?: boolean }, ctx: Context) {
      const namespace = args.allNamespaces || args.namespace === null ? undefined : ns(args);
      ctx.access.check('list', info, namespace);
      const result = await ctx.registry.list(Kind, { ...args, namespace });
      return { items: result.items, metadata: { resourceVersion: String(result.revision), continue: result.continue } };
    }

    async create(input: KubeObject, ctx: Context) {
      const namespace = info.namespaced ? (input.metadata?.namespace ?? 'default') : undefined;
      ctx.access.check('create', info, namespace, input.metadata?.name);
      return ctx.registry.create(Kind, input, { admit: ctx.admit });
    }

    /**
     * Many objects created in one request (a controller creating a batch of pods): each
     * item authorized, admitted, validated and written exactly as create<Kind> would, on
     * its own — null with its error at its index where it failed, the others created.
     * Each item counts against the caller's rate limit as one request.
     */
    createMany(items: KubeObject[], ctx: Context) {
      checkBulk(items.length, ctx);
      return items.map((input) => this.create(input, ctx));
    }

    async replace(input: KubeObject, ctx: Context) {
      const namespace = info.namespaced ? (input.metadata?.namespace ?? 'default') : undefined;
      ctx.access.check('update', info, namespace, input.metadata?.name);
      return ctx.registry.replace(Kind, input, { admit: ctx.admit });
    }

    async patch(args: PatchArgs & NsArgs, ctx: Context) {
      ctx.access.check('patch', info, ns(args), args.name);
      return ctx.registry.patch(Kind, ns(args), args.name, args.patch, args.type, ctx.admit);
    }

    async delete(args: DeleteArgs & NsArgs, ctx: Context) {
      ctx.access.check('delete', info, ns(args), args.name);
      return (await ctx.registry.delete(Kind, ns(args), args.name, args, ctx.admit)) ?? null;
    }

    async updateStatus(args: StatusArgs & NsArgs, ctx: Context) {
      ctx.access.check('update', info, ns(args), args.name, 'status');
      return ctx.registry.updateStatus(Kind, ns(args), args.name, args.status, args.resourceVersion, ctx.admit);
    }

    /**
     * Many objects' status subresources in one request (a fleet of kubelets posting at
     * once): each item is authorized, validated and written exactly as update<Kind>Status
     * would, on its own — one failing (null, with its error at its index) leaves the others
     * written. Each item counts against the caller's rate limit as one request.
     */
    updateStatuses(args: StatusUpdatesArgs, ctx: Context) {
      checkBulk(args.items.length, ctx);
      return args.items.map(async (item) => {
        ctx.access.check('update', info, ns(item), item.name, 'status');
        return ctx.registry.updateStatus(Kind, ns(item), item.name, item.status, item.resourceVersion, ctx.admit);
      });
    }

    /** The scale subresource: `spec.replicas` (the kind's scale path) set, as `kubectl scale` does. */
    async scale(args: ScaleArgs, ctx: Context) {
      ctx.access.check('update', info, ns(args), args.name, 'scale');
      const path = info.scale!.specReplicasPath;
      if (!Number.isInteger(args.replicas) || args.replicas < 0) {
        throw badInput(`${Kind} is invalid: ${path}: Invalid value: ${args.replicas}: must be greater than or equal to 0`, [
          { field: path, message: 'must be greater than or equal to 0' },
        ]);
      }
      const patch = path.split('.').reduceRight<unknown>((inner, key) => ({ [key]: inner }), args.replicas);
      return ctx.registry.patch(Kind, ns(args), args.name, patch, 'MERGE', ctx.admit);
    }

    watch(event: ApiWatchEvent) {
      return event;
    }
  }

  const nsd = info.namespaced;
  const op = (key: string, decorator: Decorate, argsType: ClassType | undefined, inputArg?: string) => {
    const decorators: Decorate[] = [decorator];
    if (argsType) decorators.push(((t: object, k: string) => Args(() => argsType)(t, k, 0)) as Decorate);
    if (inputArg) decorators.push(((t: object, k: string) => Arg(inputArg, () => types.input)(t, k, 0)) as Decorate);
    decorators.push(((t: object, k: string) => Ctx()(t, k, 1)) as Decorate);
    decorate(KindResolver, key, ...decorators);
  };
  op(
    'get',
    Query(() => types.object, { name: info.singular, nullable: true, description: `One ${Kind}; null when absent.` }) as Decorate,
    nsd ? NamespacedNameArgs : NameArgs,
  );
  op('list', Query(() => types.list, { name: info.plural }) as Decorate, nsd ? NamespacedListArgs : ListArgs);
  op('create', Mutation(() => types.object, { name: `create${Kind}` }) as Decorate, undefined, info.singular);
  decorate(
    KindResolver,
    'createMany',
    Mutation(() => [types.object], {
      name: `create${Plural}`,
      nullable: 'items',
      description: `Many ${info.plural} at once, each as create${Kind} would create it: in the order given, null (with an error at its index) where that one failed; the others are created. At most ${MAX_BULK_ITEMS}.`,
    }) as Decorate,
    ((t: object, k: string) => Arg('items', () => [types.input])(t, k, 0)) as Decorate,
    ((t: object, k: string) => Ctx()(t, k, 1)) as Decorate,
  );
  op(
    'replace',
    Mutation(() => types.object, { name: `replace${Kind}`, description: 'Full update; a stale metadata.resourceVersion is a CONFLICT.' }) as Decorate,
    undefined,
    info.singular,
  );
  op('patch', Mutation(() => types.object, { name: `patch${Kind}` }) as Decorate, nsd ? NamespacedPatchArgs : PatchArgs);
  op(
    'delete',
    Mutation(() => types.object, {
      name: `delete${Kind}`,
      nullable: true,
      description: 'The object as it now stands (with deletionTimestamp while it terminates).',
    }) as Decorate,
    nsd ? NamespacedDeleteArgs : DeleteArgs,
  );
  if (info.hasStatus) {
    op(
      'updateStatus',
      Mutation(() => types.object, { name: `update${Kind}Status`, description: 'The status subresource.' }) as Decorate,
      nsd ? NamespacedStatusArgs : StatusArgs,
    );
    op(
      'updateStatuses',
      Mutation(() => [types.object], {
        name: `update${Kind}Statuses`,
        nullable: 'items',
        description: `The status subresource of many ${info.plural} at once, each as update${Kind}Status would write it: in the order given, null (with an error at its index) where that one failed; the others are written.`,
      }) as Decorate,
      StatusUpdatesArgs,
    );
  }
  if (info.scale) {
    op(
      'scale',
      Mutation(() => types.object, { name: `scale${Kind}`, description: `The scale subresource: sets ${info.scale.specReplicasPath}.` }) as Decorate,
      ScaleArgs,
    );
  }
  decorate(
    KindResolver,
    'watch',
    Subscription(() => types.event, {
      name: `watch${Plural}`,
      subscribe: ({ args, context }) => subscribeToKind(info, args as WatchArgs & NsArgs, context as Context),
    }) as Decorate,
    ((t: object, k: string) => Args(() => (nsd ? NamespacedWatchArgs : WatchArgs))(t, k, 1)) as Decorate,
    ((t: object, k: string) => Root()(t, k, 0)) as Decorate,
  );
  Object.defineProperty(KindResolver, 'name', { value: `${Kind}Resolver` });
  return KindResolver;
}
