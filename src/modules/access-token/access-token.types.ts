import { ArgsType, Field, Int, ObjectType } from 'type-graphql';
import { IsOptional, MaxLength } from 'class-validator';
import { Scope } from '../../core/authorization/scopes';
import { Connection } from '../../core/pagination/connection';
import { AccessTokenEntity, AccessTokenKind, AccessTokenLevel } from './access-token.entity';
import { AccessTokenStatus } from './access-token.status';

export const AccessTokenConnection = Connection(AccessTokenEntity, 'AccessToken', 'A page of access tokens, newest first.');

@ObjectType({ description: 'A new or rotated access token with its secret.' })
export class AccessTokenSecretPayload {
  @Field(() => AccessTokenEntity, { description: 'The token.' })
  accessToken: AccessTokenEntity;

  @Field({ description: 'The secret, to send as `Authorization: Bearer <secret>`. Shown only in this response: copy it now.' })
  secret: string;
}

@ObjectType({ description: 'The result of revoking or restoring an access token.' })
export class AccessTokenPayload {
  @Field(() => AccessTokenEntity, { description: 'The token as it is now.' })
  accessToken: AccessTokenEntity;
}

@ObjectType({ description: 'The result of deleting several tokens.' })
export class DeleteAllAccessTokensPayload {
  @Field(() => Int, { description: 'How many tokens were deleted.' })
  deletedCount: number;
}

@ObjectType({ description: 'A scope a token may carry.' })
export class ScopeDescription {
  @Field(() => String, { description: 'The scope, as given in `scopes`.' })
  name: Scope;

  @Field({ description: 'What it allows.' })
  description: string;
}

@ArgsType()
export class AccessTokenFilterArgs {
  @Field(() => AccessTokenStatus, { nullable: true, description: 'Only tokens with this status.' })
  status?: AccessTokenStatus;

  @Field(() => AccessTokenLevel, { nullable: true, description: 'Only tokens of this level.' })
  level?: AccessTokenLevel;

  @Field(() => AccessTokenKind, { nullable: true, description: 'Only tokens of this kind.' })
  kind?: AccessTokenKind;

  @Field(() => Date, { nullable: true, description: 'Only tokens that expire before this instant.' })
  expiresBefore?: Date;

  @Field({ nullable: true, description: 'Only tokens whose name contains this text.' })
  @IsOptional()
  @MaxLength(100)
  search?: string;
}
