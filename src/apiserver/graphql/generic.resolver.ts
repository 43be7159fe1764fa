import 'reflect-metadata';
// Any kind, by name (API.md "Any kind, by name"): the operations generic clients use —
// the CLI, dashboards, custom resources — and discovery. Everything is read off the kind
// table; nothing here names a kind.
import { GraphQLJSON } from 'graphql-scalars';
import {
  Arg,
  Args,
  ArgsType,
  Ctx,
  Field,
  ObjectType,
  Query,
  Resolver,
  Root,
  Subscription,
  registerEnumType,
  Int,
  Mutation,
  type ClassType,
} from 'type-graphql';
import { KINDS, type KindInfo, type KubeObject } from '../../apis/kinds.ts';
import { ApiError, ErrorCode, badInput } from '../../apimachinery/errors.ts';
import { columnsOf, printRow, type Cell } from '../../apis/strategy.ts';
import type { ApiWatchEvent } from '../registry/index.ts';
import type { Context } from './context.ts';
import { ListMeta, WatchEventType } from './meta.type.ts';
import { parseManifests } from './manifests.ts';
import { subscribeToKind, type KindTypes } from './resource.factory.ts';

export enum ApplyAction {
  CREATED = 'CREATED',
  CONFIGURED = 'CONFIGURED',
  UNCHANGED = 'UNCHANGED',
}
registerEnumType(ApplyAction, { name: 'ApplyAction', description: "What apply did to an object: `kubectl apply`'s created, configured, unchanged." });

@ObjectType({ description: 'The GraphQL fields that serve a kind.' })
export class APIResourceFields {
  @Field(() => String, { description: 'The object type (`Deployment`).' }) type!: string;
  @Field(() => String, { description: 'The query of one object (`deployment`).' }) object!: string;
  @Field(() => String, { description: 'The list query (`deployments`).' }) list!: string;
  @Field(() => String, { description: 'The watch subscription (`watchDeployments`).' }) watch!: string;
}

@ObjectType({ description: 'A kind the server serves, as `kubectl api-resources` lists it (metav1.APIResource).' })
export class APIResource {
  @Field(() => String, { description: 'The API group; empty for the core group.' }) group!: string;
  @Field(() => String) version!: string;
  @Field(() => String) kind!: string;
  @Field(() => String, { description: 'The plural resource name (`deployments`), as RBAC rules name it.' }) name!: string;
  @Field(() => String) singularName!: string;
  @Field(() => Boolean) namespaced!: boolean;
  @Field(() => [String]) shortNames!: string[];
  @Field(() => [String], { description: '`all`: listed by `kubectl get all`.' }) categories!: string[];
  @Field(() => [String]) verbs!: string[];
  @Field(() => [String], { description: 'Subresources (`status`, `scale`, `binding`).' }) subresources!: string[];
  @Field(() => APIResourceFields) graphql!: APIResourceFields;
}

@ObjectType({ description: 'A column of a Table (metav1.TableColumnDefinition).' })
export class TableColumnDefinition {
  @Field(() => String) name!: string;
  @Field(() => String, { description: '`string`, `integer`, `date`' }) type!: string;
  @Field(() => String) format!: string;
  @Field(() => String) description!: string;
  @Field(() => Int, { description: '0: always printed; 1: only with `-o wide`.' }) priority!: number;
}

@ArgsType()
class KindArgs {
  @Field(() => String, { description: '`v1`, `apps/v1`, …' }) apiVersion!: string;
  @Field(() => String) kind!: string;
}

@ArgsType()
class ResourceArgs extends KindArgs {
  @Field(() => String, { nullable: true, defaultValue: 'default', description: 'Ignored for cluster-scoped kinds.' }) namespace?: string | null;
  @Field(() => String) name!: string;
}

@ArgsType()
class ResourcesArgs extends KindArgs {
  @Field(() => String, { nullable: true, defaultValue: 'default' }) namespace?: string | null;
  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'List every namespace (namespace is then ignored).' }) allNamespaces?: boolean;
  @Field(() => String, { nullable: true }) labelSelector?: string;
  @Field(() => String, { nullable: true }) fieldSelector?: string;
  @Field(() => Int, { nullable: true }) limit?: number;
  @Field(() => String, { nullable: true }) continue?: string;
}

@ArgsType()
class TableArgs extends KindArgs {
  @Field(() => String, { nullable: true, defaultValue: 'default' }) namespace?: string | null;
  @Field(() => Boolean, { nullable: true, defaultValue: false }) allNamespaces?: boolean;
  @Field(() => String, { nullable: true, description: 'One object: its row alone.' }) name?: string;
  @Field(() => String, { nullable: true }) labelSelector?: string;
  @Field(() => String, { nullable: true }) fieldSelector?: string;
  @Field(() => Boolean, { nullable: true, defaultValue: false, description: "`kubectl get -o wide`'s columns too." }) wide?: boolean;
}

@ArgsType()
class WatchResourcesArgs extends KindArgs {
  @Field(() => String, { nullable: true, defaultValue: 'default', description: 'null: every namespace' }) namespace?: string | null;
  @Field(() => String, { nullable: true }) labelSelector?: string;
  @Field(() => String, { nullable: true }) fieldSelector?: string;
  @Field(() => String, { nullable: true, description: 'Absent: the current state first, then changes. Given: every change after it.' })
  resourceVersion?: string;
  @Field(() => Boolean, { nullable: true, defaultValue: false }) allowBookmarks?: boolean;
}

const VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
const upper = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** The served kind of an apiVersion and kind (a kind's accepted older versions included), or Kubernetes' error. */
export function servedKind(apiVersion: string, kind: string): KindInfo {
  const info = KINDS.find((k) => k.kind === kind && (k.apiVersion === apiVersion || k.acceptedVersions.includes(apiVersion)));
  if (!info)
    throw badInput(`no matches for kind "${kind}" in version "${apiVersion}"`, [{ field: 'apiVersion', message: `Unsupported value: "${apiVersion}"` }]);
  return info;
}

export function apiResourceOf(info: KindInfo, subresources: readonly string[]): APIResource {
  const plural = upper(info.plural);
  return {
    group: info.group,
    version: info.version,
    kind: info.kind,
    name: info.resource,
    singularName: info.singularName,
    namespaced: info.namespaced,
    shortNames: [...info.shortNames],
    categories: [...info.categories],
    verbs: VERBS,
    subresources: [...subresources],
    graphql: { type: info.kind, object: info.singular, list: info.plural, watch: `watch${plural}` },
  };
}

export function createGenericResolver(all: KindTypes[], Resource: ClassType): ClassType[] {
  @ObjectType({ description: 'Objects of any kind (metav1.List).' })
  class ResourceList {
    @Field(() => [Resource]) items!: KubeObject[];
    @Field(() => ListMeta) metadata!: ListMeta;
  }

  @ObjectType({ description: 'A change to an object of any kind.' })
  class ResourceWatchEvent {
    @Field(() => WatchEventType) type!: WatchEventType;
    @Field(() => Resource) object!: KubeObject;
  }

  @ObjectType({ description: 'A row of a Table: its cells, in the order of the columns, and the object.' })
  class TableRow {
    @Field(() => [GraphQLJSON]) cells!: Cell[];
    @Field(() => Resource) object!: KubeObject;
  }

  @ObjectType({ description: "Server-side printing, as kube-apiserver's Table (meta.k8s.io/v1): `kubectl get`'s columns and rows." })
  class Table {
    @Field(() => [TableColumnDefinition]) columnDefinitions!: TableColumnDefinition[];
    @Field(() => [TableRow]) rows!: TableRow[];
    @Field(() => ListMeta) metadata!: ListMeta;
  }

  @ObjectType({ description: 'What applyYaml did with one object.' })
  class ApplyResult {
    @Field(() => ApplyAction) action!: ApplyAction;
    @Field(() => Resource) object!: KubeObject;
  }

  const subresourcesOf = new Map(all.map((t) => [t.info.kind, t.subresources]));

  @Resolver()
  class GenericResolver {
    @Query(() => Resource, { nullable: true, description: 'One object of any kind; null when absent.' })
    async resource(@Args(() => ResourceArgs) a: ResourceArgs, @Ctx() ctx: Context): Promise<KubeObject | null> {
      const info = servedKind(a.apiVersion, a.kind);
      const namespace = info.namespaced ? (a.namespace ?? 'default') : undefined;
      ctx.access.check('get', info, namespace, a.name);
      return (await ctx.registry.get(info.kind, namespace, a.name)) ?? null;
    }

    @Query(() => ResourceList, { description: 'Objects of any kind, with the selectors and paging of the typed lists.' })
    async resources(@Args(() => ResourcesArgs) a: ResourcesArgs, @Ctx() ctx: Context) {
      const info = servedKind(a.apiVersion, a.kind);
      const namespace = !info.namespaced || a.allNamespaces || a.namespace === null ? undefined : (a.namespace ?? 'default');
      ctx.access.check('list', info, namespace);
      const result = await ctx.registry.list(info.kind, { ...a, namespace });
      return { items: result.items, metadata: { resourceVersion: String(result.revision), continue: result.continue } };
    }

    @Subscription(() => ResourceWatchEvent, {
      description: 'A watch of any kind, with the semantics of the typed watches.',
      subscribe: ({ args, context }) => {
        const a = args as WatchResourcesArgs;
        return subscribeToKind(servedKind(a.apiVersion, a.kind), a, context as Context);
      },
    })
    watchResources(@Root() event: ApiWatchEvent, @Args(() => WatchResourcesArgs) _a: WatchResourcesArgs) {
      return event;
    }

    @Query(() => [APIResource], { description: 'Discovery: every kind served, as `kubectl api-resources` lists them.' })
    apiResources(): APIResource[] {
      return KINDS.map((k) => apiResourceOf(k, subresourcesOf.get(k.kind) ?? []));
    }

    @Query(() => Table, { description: "Server-side printing: `kubectl get`'s columns for the kind, and a row per object." })
    async table(@Args(() => TableArgs) a: TableArgs, @Ctx() ctx: Context) {
      const info = servedKind(a.apiVersion, a.kind);
      const strategy = ctx.registry.strategy(info.kind);
      const columns = columnsOf(strategy, a.wide ?? false);
      const namespace = !info.namespaced || a.allNamespaces || a.namespace === null ? undefined : (a.namespace ?? 'default');
      let items: KubeObject[];
      let resourceVersion: string;
      if (a.name) {
        ctx.access.check('get', info, namespace, a.name);
        const one = await ctx.registry.get(info.kind, namespace ?? 'default', a.name);
        if (!one) throw new ApiError(ErrorCode.NOT_FOUND, `${info.group ? `${info.resource}.${info.group}` : info.resource} "${a.name}" not found`);
        items = [one];
        resourceVersion = one.metadata.resourceVersion ?? '';
      } else {
        ctx.access.check('list', info, namespace);
        const result = await ctx.registry.list(info.kind, { namespace, labelSelector: a.labelSelector, fieldSelector: a.fieldSelector });
        items = result.items;
        resourceVersion = String(result.revision);
      }
      const now = ctx.registry.clock.now();
      return {
        columnDefinitions: columns.map((c) => ({
          name: c.name,
          type: c.type,
          format: c.name === 'NAME' ? 'name' : '',
          description: c.description ?? '',
          priority: c.priority ?? 0,
        })),
        rows: items.map((object) => ({ cells: printRow(columns, object, now), object })),
        metadata: { resourceVersion },
      };
    }

    @Mutation(() => [ApplyResult], {
      description:
        'kubectl apply -f of a YAML text: its documents (and `kind: List` items) applied in order as one atomic write; a document that fails is refused with its index in `extensions.document`, and nothing is applied.',
    })
    async applyYaml(
      @Arg('yaml', () => String) yaml: string,
      @Arg('namespace', () => String, { nullable: true, description: 'The namespace of namespaced objects that name none.' }) namespace: string | null,
      @Arg('dryRun', () => Boolean, { nullable: true, defaultValue: false }) dryRun: boolean,
      @Ctx() ctx: Context,
    ) {
      const documents = parseManifests(yaml);
      for (const d of documents) {
        const info = KINDS.find((k) => k.kind === d.manifest.kind);
        if (info?.namespaced && namespace && !(d.manifest.metadata as { namespace?: unknown } | undefined)?.namespace) {
          d.manifest.metadata = { ...(d.manifest.metadata as object), namespace };
        }
      }
      try {
        const results = await ctx.registry.applyAll(
          documents.map((d) => d.manifest),
          { dryRun, admit: applyAdmission(ctx) },
        );
        return results;
      } catch (err) {
        throw atDocument(
          err,
          documents.map((d) => d.document),
        );
      }
    }
  }

  return [GenericResolver];
}

/** A batch error names its manifest (`manifests[i]`): said as the YAML document it came from. */
function atDocument(err: unknown, documentOf: number[]): unknown {
  if (!(err instanceof ApiError)) return err;
  const manifest = err.extensions.manifest;
  if (typeof manifest !== 'number') return err;
  const document = documentOf[manifest] ?? manifest;
  const causes = err.causes.map((c) => ({ ...c, field: c.field.replace(/^manifests\[\d+\]\.?/, '') }));
  return new ApiError(err.code, err.message.replace(/manifests\[\d+\]/g, `document ${document}`), causes, { document });
}

/** kubectl apply needs create for new objects and patch for existing ones. */
export const applyAdmission =
  (ctx: Context): NonNullable<Parameters<Context['registry']['applyAll']>[1]>['admit'] =>
  (attrs) => {
    const meta = (attrs.object ?? attrs.oldObject)!.metadata;
    ctx.access.check(attrs.operation === 'CREATE' ? 'create' : 'patch', attrs.info, meta.namespace, meta.name);
    return ctx.admit(attrs);
  };
