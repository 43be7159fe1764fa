import 'reflect-metadata';
// ListMeta and the argument/input types shared by every kind (ObjectMeta is generated
// from Kubernetes' schema with the kinds' types: openapi-types.ts).
import { GraphQLJSON, GraphQLJSONObject } from 'graphql-scalars';
import { ArgsType, Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum PatchType {
  MERGE = 'MERGE',
  JSON = 'JSON',
}
export enum PropagationPolicy {
  BACKGROUND = 'BACKGROUND',
  FOREGROUND = 'FOREGROUND',
  ORPHAN = 'ORPHAN',
}
export enum WatchEventType {
  ADDED = 'ADDED',
  MODIFIED = 'MODIFIED',
  DELETED = 'DELETED',
  BOOKMARK = 'BOOKMARK',
}
registerEnumType(PatchType, { name: 'PatchType', description: 'MERGE: JSON merge patch (RFC 7386); JSON: JSON patch (RFC 6902).' });
registerEnumType(PropagationPolicy, { name: 'PropagationPolicy', description: 'What happens to dependents of a deleted object.' });
registerEnumType(WatchEventType, { name: 'WatchEventType' });

// The input; the output `OwnerReference` is generated from Kubernetes' schema.
@InputType('OwnerReferenceInput')
export class OwnerReference {
  @Field(() => String) apiVersion!: string;
  @Field(() => String) kind!: string;
  @Field(() => String) name!: string;
  @Field(() => String) uid!: string;
  @Field(() => Boolean, { nullable: true }) controller?: boolean;
  @Field(() => Boolean, { nullable: true }) blockOwnerDeletion?: boolean;
}

@ObjectType()
export class ListMeta {
  @Field(() => String) resourceVersion!: string;
  @Field(() => String, { nullable: true, description: 'Pass to the next call to get the next page.' }) continue?: string;
  @Field(() => Int, { nullable: true }) remainingItemCount?: number;
}

@InputType({ description: "The metadata a client may set; the rest is the system's." })
export class ObjectMetaInput {
  @Field(() => String, { nullable: true }) name?: string;
  @Field(() => String, { nullable: true }) generateName?: string;
  @Field(() => String, { nullable: true }) namespace?: string;
  @Field(() => String, { nullable: true, description: 'When given, the write is refused with CONFLICT unless it is current.' }) resourceVersion?: string;
  @Field(() => GraphQLJSONObject, { nullable: true }) labels?: Record<string, string>;
  @Field(() => GraphQLJSONObject, { nullable: true }) annotations?: Record<string, string>;
  @Field(() => [OwnerReference], { nullable: true }) ownerReferences?: OwnerReference[];
  @Field(() => [String], { nullable: true }) finalizers?: string[];
  @Field(() => String, { nullable: true, description: 'Ignored: set by the server.' }) uid?: string;
  @Field(() => String, { nullable: true, description: 'Ignored: set by the server.' }) creationTimestamp?: string;
}

@InputType()
export class Preconditions {
  @Field(() => String, { nullable: true }) uid?: string;
  @Field(() => String, { nullable: true }) resourceVersion?: string;
}

// ---- argument sets, one per operation shape, shared by every kind ----------

@ArgsType()
export class NameArgs {
  @Field(() => String) name!: string;
}

@ArgsType()
export class NamespacedNameArgs extends NameArgs {
  @Field(() => String, { nullable: true, defaultValue: 'default' }) namespace?: string | null;
}

@ArgsType()
export class ListArgs {
  @Field(() => String, { nullable: true, description: 'Kubernetes label selector: `app=web,tier in (a,b),!canary`' }) labelSelector?: string;
  @Field(() => String, { nullable: true, description: 'metadata.name, metadata.namespace and kind-specific fields with =, ==, !=' }) fieldSelector?: string;
  @Field(() => Int, { nullable: true }) limit?: number;
  @Field(() => String, { nullable: true }) continue?: string;
}

@ArgsType()
export class NamespacedListArgs extends ListArgs {
  @Field(() => String, { nullable: true, defaultValue: 'default' }) namespace?: string | null;
  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'List every namespace (namespace is then ignored).' }) allNamespaces?: boolean;
}

@ArgsType()
export class PatchArgs extends NameArgs {
  @Field(() => GraphQLJSON) patch!: unknown;
  @Field(() => PatchType, { nullable: true, defaultValue: PatchType.MERGE }) type?: PatchType;
}

@ArgsType()
export class NamespacedPatchArgs extends PatchArgs {
  @Field(() => String, { nullable: true, defaultValue: 'default' }) namespace?: string | null;
}

@ArgsType()
export class DeleteArgs extends NameArgs {
  @Field(() => Int, { nullable: true }) gracePeriodSeconds?: number;
  @Field(() => PropagationPolicy, { nullable: true }) propagationPolicy?: PropagationPolicy;
  @Field(() => Preconditions, { nullable: true }) preconditions?: Preconditions;
}

@ArgsType()
export class NamespacedDeleteArgs extends DeleteArgs {
  @Field(() => String, { nullable: true, defaultValue: 'default' }) namespace?: string | null;
}

@ArgsType()
export class StatusArgs extends NameArgs {
  @Field(() => GraphQLJSON) status!: unknown;
  @Field(() => String, { nullable: true }) resourceVersion?: string;
}

@ArgsType()
export class NamespacedStatusArgs extends StatusArgs {
  @Field(() => String, { nullable: true, defaultValue: 'default' }) namespace?: string | null;
}

/** At most this many objects per bulk operation (create<Kinds>, update<Kind>Statuses). */
export const MAX_BULK_ITEMS = 500;

@InputType({ description: "One object's status for a bulk status write (update<Kind>Statuses)." })
export class StatusUpdate {
  @Field(() => String, { nullable: true, description: 'The object\'s namespace (namespaced kinds; default "default"); ignored for cluster-scoped kinds.' })
  namespace?: string | null;
  @Field(() => String) name!: string;
  @Field(() => GraphQLJSON) status!: unknown;
  @Field(() => String, { nullable: true, description: 'When given, a stale one is a CONFLICT for this object.' }) resourceVersion?: string;
}

@InputType({ description: "One pod's binding for bindPods." })
export class PodBinding {
  @Field(() => String, { nullable: true, defaultValue: 'default' }) namespace?: string | null;
  @Field(() => String) name!: string;
  @Field(() => String) nodeName!: string;
}

@ArgsType()
export class StatusUpdatesArgs {
  @Field(() => [StatusUpdate], { description: `At most ${MAX_BULK_ITEMS}.` }) items!: StatusUpdate[];
}

@ArgsType()
export class WatchArgs {
  @Field(() => String, { nullable: true }) labelSelector?: string;
  @Field(() => String, { nullable: true }) fieldSelector?: string;
  @Field(() => String, { nullable: true, description: 'Absent: the current state first, then changes. Given: every change after it.' })
  resourceVersion?: string;
  @Field(() => Boolean, { nullable: true, defaultValue: false }) allowBookmarks?: boolean;
}

@ArgsType()
export class NamespacedWatchArgs extends WatchArgs {
  @Field(() => String, { nullable: true, defaultValue: 'default', description: 'null: every namespace' }) namespace?: string | null;
}

@ArgsType()
export class ScaleArgs extends NamespacedNameArgs {
  @Field(() => Int) replicas!: number;
}
