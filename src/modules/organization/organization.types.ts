import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { IsName } from '../../core/validation/text';
import { Connection } from '../../core/pagination/connection';
import { OrganizationEntity } from './organization.entity';

export const OrganizationConnection = Connection(OrganizationEntity, 'Organization', 'A page of organizations.');

@InputType({ description: 'A new organization; the caller becomes its ADMIN.' })
export class CreateOrganizationInput {
  @Field({ description: 'Display name, 1 to 100 characters.' })
  @IsName()
  name: string;
}

@InputType({ description: 'A new name for an organization.' })
export class UpdateOrganizationInput {
  @Field(() => ID, { description: 'The organization.' })
  id: string;

  @Field({ description: 'Display name, 1 to 100 characters.' })
  @IsName()
  name: string;
}

@InputType({ description: 'An organization to delete with everything in it.' })
export class DeleteOrganizationInput {
  @Field(() => ID, { description: 'The organization.' })
  id: string;
}

@ObjectType({ description: 'The result of creating or changing an organization.' })
export class OrganizationPayload {
  @Field(() => OrganizationEntity, { description: 'The organization as it is now.' })
  organization: OrganizationEntity;
}

@ObjectType({ description: 'The result of deleting a record.' })
export class DeletePayload {
  @Field(() => ID, { description: 'Id of the deleted record.' })
  deletedId: string;
}
