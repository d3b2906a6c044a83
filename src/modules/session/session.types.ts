import { Field, InputType, ObjectType } from 'type-graphql';
import { MaxLength } from 'class-validator';
import { IsEmailAddress } from '../../core/validation/text';
import { UserEntity } from '../user/user.entity';
import { PASSWORD_MAX_LENGTH } from '../user/user.types';

@InputType({ description: 'E-mail and password of a person.' })
export class LoginInput {
  @Field({ description: 'Sign-in e-mail address.' })
  @IsEmailAddress()
  email: string;

  @Field({ description: 'Password.' })
  @MaxLength(PASSWORD_MAX_LENGTH)
  password: string;
}

@ObjectType({ description: 'A new sign-in session.' })
export class LoginPayload {
  @Field({ description: 'Send as `Authorization: Bearer <sessionToken>`. Shown only in this response.' })
  sessionToken: string;

  @Field({ description: 'When the session ends by itself.' })
  expiresAt: Date;

  @Field(() => UserEntity, { description: 'The signed-in user.' })
  user: UserEntity;
}

@ObjectType({ description: 'The result of signing out.' })
export class LogoutPayload {
  @Field({ description: 'True once the session has ended.' })
  success: boolean;
}
