import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { Role } from '../../core/authorization/role';
import { Connection } from '../../core/pagination/connection';
import { MembershipEntity } from './membership.entity';

export const MembershipConnection = Connection(MembershipEntity, 'Membership', 'A page of memberships (roles), oldest first.');

@InputType({ description: 'A role for a person on exactly one organization, group or project.' })
export class AddMembershipInput {
  @Field(() => ID, { description: 'The person to add.' })
  userId: string;

  @Field(() => ID, { nullable: true, description: 'The organization (give exactly one of the three ids).' })
  organizationId?: string;

  @Field(() => ID, { nullable: true, description: 'The group.' })
  groupId?: string;

  @Field(() => ID, { nullable: true, description: 'The project.' })
  projectId?: string;

  @Field(() => Role, { description: "The role; never above the caller's own effective role there." })
  role: Role;
}

@InputType({ description: 'A new role for an existing membership.' })
export class UpdateMembershipInput {
  @Field(() => ID, { description: 'The membership.' })
  id: string;

  @Field(() => Role, { description: "The new role; never above the caller's own effective role." })
  role: Role;
}

@InputType({ description: 'A membership to remove.' })
export class RemoveMembershipInput {
  @Field(() => ID, { description: 'The membership.' })
  id: string;
}

@ObjectType({ description: 'The result of adding or changing a membership.' })
export class MembershipPayload {
  @Field(() => MembershipEntity, { description: 'The membership as it is now.' })
  membership: MembershipEntity;
}
