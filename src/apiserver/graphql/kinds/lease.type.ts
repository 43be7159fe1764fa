/** coordination.k8s.io/v1 Lease types. All fields nullable (stored JSON). */
import 'reflect-metadata';
import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Specification of a Lease.' })
export class LeaseSpec {
  @Field(() => String, { nullable: true })
  holderIdentity?: string | null;

  @Field(() => Int, { nullable: true })
  leaseDurationSeconds?: number | null;

  @Field(() => String, { nullable: true, description: 'MicroTime (RFC 3339 with microseconds).' })
  acquireTime?: string | null;

  @Field(() => String, { nullable: true, description: 'MicroTime (RFC 3339 with microseconds).' })
  renewTime?: string | null;

  @Field(() => Int, { nullable: true })
  leaseTransitions?: number | null;
}
