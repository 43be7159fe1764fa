/** core/v1 Namespace spec and status types. All fields nullable (stored JSON). */
import 'reflect-metadata';
import { Field, ObjectType } from 'type-graphql';
import { Condition } from './common.type.ts';

@ObjectType({ description: 'Attributes of a namespace.' })
export class NamespaceSpec {
  @Field(() => [String], { nullable: 'itemsAndList' })
  finalizers?: string[] | null;
}

@ObjectType({ description: 'Information about the state of a namespace.' })
export class NamespaceStatus {
  @Field(() => String, { nullable: true, description: 'Active or Terminating.' })
  phase?: string | null;

  @Field(() => [Condition], { nullable: 'itemsAndList' })
  conditions?: Condition[] | null;
}
