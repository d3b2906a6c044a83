import { Field, ID, InputType, ObjectType, ArgsType } from 'type-graphql';
import { IsOptional, MaxLength, MinLength } from 'class-validator';
import { IsEmailAddress, IsName } from '../../core/validation/text';
import { Connection } from '../../core/pagination/connection';
import { Principal, UserEntity, UserStatus } from './user.entity';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

@ObjectType('TechnicalUser', { implements: Principal, description: 'A system-created account that holds the role of one organization, group or project access token. It never signs in.' })
export class TechnicalUser {
  @Field(() => ID, { description: 'Stable identifier of the technical user.' })
  id: string;

  @Field({ description: 'Name derived from its access token.' })
  displayName: string;

  @Field({ description: 'When it was created (with its token).' })
  createdAt: Date;
}

export const UserConnection = Connection(UserEntity, 'User', 'A page of users.');

@InputType({ description: 'A new person account (platform admins only).' })
export class CreateUserInput {
  @Field({ description: 'Sign-in e-mail address; unique.' })
  @IsEmailAddress()
  email: string;

  @Field({ description: 'Name shown to other users.' })
  @IsName()
  displayName: string;

  @Field({ description: `Initial password, ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters.` })
  @MinLength(PASSWORD_MIN_LENGTH)
  @MaxLength(PASSWORD_MAX_LENGTH)
  password: string;

  @Field({ nullable: true, description: 'Make the user a platform admin (default false).' })
  isPlatformAdmin?: boolean;

  @Field(() => Date, { nullable: true, description: 'Optional validity date of the account.' })
  @IsOptional()
  validUntil?: Date | null;
}

@InputType({ description: 'Changes to a user (platform admins only); omitted fields stay as they are.' })
export class UpdateUserInput {
  @Field(() => ID, { description: 'The user to change.' })
  id: string;

  @Field({ nullable: true, description: 'New sign-in e-mail address.' })
  @IsOptional()
  @IsEmailAddress()
  email?: string;

  @Field({ nullable: true, description: 'New display name.' })
  @IsOptional()
  @IsName()
  displayName?: string;

  @Field(() => Date, { nullable: true, description: 'New validity date; send null to clear it.' })
  @IsOptional()
  validUntil?: Date | null;

  @Field({ nullable: true, description: 'Grant or withdraw platform admin rights.' })
  @IsOptional()
  isPlatformAdmin?: boolean;
}

@InputType({ description: 'A user to deactivate or reactivate.' })
export class UserIdInput {
  @Field(() => ID, { description: 'The user.' })
  id: string;
}

@InputType({ description: "A change of the caller's own password." })
export class ChangePasswordInput {
  @Field({ description: 'The current password.' })
  @MaxLength(PASSWORD_MAX_LENGTH)
  currentPassword: string;

  @Field({ description: `The new password, ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters.` })
  @MinLength(PASSWORD_MIN_LENGTH)
  @MaxLength(PASSWORD_MAX_LENGTH)
  newPassword: string;
}

@ObjectType({ description: 'The result of a user mutation.' })
export class UserPayload {
  @Field(() => UserEntity, { description: 'The user as it is now.' })
  user: UserEntity;
}

@ArgsType()
export class UsersFilterArgs {
  @Field(() => UserStatus, { nullable: true, description: 'Only users with this status.' })
  status?: UserStatus;

  @Field({ nullable: true, description: 'Only users whose e-mail or name contains this text.' })
  @IsOptional()
  @MaxLength(100)
  search?: string;
}
