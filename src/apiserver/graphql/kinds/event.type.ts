/** core/v1 Event types. All fields nullable (stored JSON). */
import 'reflect-metadata';
import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'The component that reported an event.' })
export class EventSource {
  @Field(() => String, { nullable: true })
  component?: string | null;

  @Field(() => String, { nullable: true })
  host?: string | null;
}
