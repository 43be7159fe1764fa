import 'reflect-metadata';
import { Arg, Ctx, Field, ObjectType, Query, Resolver } from 'type-graphql';
import { KINDS, type KindInfo } from '../../apis/kinds.ts';
import type { Context } from './context.ts';
import { defineKind } from '../../apis/strategies/define.ts';

@ObjectType({ description: 'Who the caller is, as the apiserver authenticated them.' })
export class UserInfo {
  @Field(() => String) username!: string;
  @Field(() => String) uid!: string;
  @Field(() => [String]) groups!: string[];
}

const byResource = new Map(KINDS.map((k) => [k.resource, k]));

@Resolver()
export class IdentityResolver {
  @Query(() => UserInfo)
  whoami(@Ctx() ctx: Context): UserInfo {
    return ctx.access.user;
  }

  @Query(() => Boolean, { description: 'Self access review: may the caller do `verb` on `resource` (e.g. "pods", "pods/status")?' })
  can(
    @Arg('verb', () => String) verb: string,
    @Arg('resource', () => String) resource: string,
    @Arg('namespace', () => String, { nullable: true }) namespace: string | null,
    @Arg('name', () => String, { nullable: true }) name: string | null,
    @Ctx() ctx: Context,
  ): boolean {
    const [plural, subresource] = resource.split('/', 2);
    // A resource kubeql does not serve is still a fair question for RBAC (its rules may name it).
    const info: KindInfo = byResource.get(plural) ?? { ...defineKind(plural, 'v1', plural, namespace !== null, { hasStatus: false }), fieldSelectors: [] };
    return ctx.access.can(verb, info, namespace, name, subresource);
  }
}
