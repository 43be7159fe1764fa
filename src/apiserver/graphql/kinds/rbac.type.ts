/** rbac.authorization.k8s.io/v1 types. All fields nullable (stored JSON). */
import 'reflect-metadata';
import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A set of permissions granted by a Role or ClusterRole.' })
export class PolicyRule {
  @Field(() => [String], { nullable: 'itemsAndList' })
  apiGroups?: string[] | null;

  @Field(() => [String], { nullable: 'itemsAndList' })
  resources?: string[] | null;

  @Field(() => [String], { nullable: 'itemsAndList' })
  verbs?: string[] | null;

  @Field(() => [String], { nullable: 'itemsAndList' })
  resourceNames?: string[] | null;

  @Field(() => [String], { nullable: 'itemsAndList' })
  nonResourceURLs?: string[] | null;
}

@ObjectType({ description: 'The role a binding refers to.' })
export class RoleRef {
  @Field(() => String, { nullable: true })
  apiGroup?: string | null;

  @Field(() => String, { nullable: true, description: 'Role or ClusterRole.' })
  kind?: string | null;

  @Field(() => String, { nullable: true })
  name?: string | null;
}

@ObjectType({ description: 'A user, group or service account a binding applies to.' })
export class Subject {
  @Field(() => String, { nullable: true, description: 'User, Group or ServiceAccount.' })
  kind?: string | null;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  namespace?: string | null;

  @Field(() => String, { nullable: true })
  apiGroup?: string | null;
}
