import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { IsName } from '../../core/validation/text';
import { Connection } from '../../core/pagination/connection';
import { GroupEntity } from './group.entity';

export const GroupConnection = Connection(GroupEntity, 'Group', 'A page of groups, oldest first.');

@InputType({ description: 'A new group in an organization (organization ADMINs).' })
export class CreateGroupInput {
  @Field(() => ID, { description: 'The organization to create the group in.' })
  organizationId: string;

  @Field({ description: 'Display name, 1 to 100 characters.' })
  @IsName()
  name: string;
}

@InputType({ description: 'A new name for a group.' })
export class UpdateGroupInput {
  @Field(() => ID, { description: 'The group.' })
  id: string;

  @Field({ description: 'Display name, 1 to 100 characters.' })
  @IsName()
  name: string;
}

@InputType({ description: 'A group to delete with its projects.' })
export class DeleteGroupInput {
  @Field(() => ID, { description: 'The group.' })
  id: string;
}

@ObjectType({ description: 'The result of creating or changing a group.' })
export class GroupPayload {
  @Field(() => GroupEntity, { description: 'The group as it is now.' })
  group: GroupEntity;
}
