import { ArgsType, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { IsOptional, MaxLength } from 'class-validator';
import { Scope } from './access-token.scopes';
import { Connection, OrderDirection } from '../../core/pagination/connection';
import { AccessTokenEntity, AccessTokenKind, AccessTokenLevel } from './access-token.entity';
import { AccessTokenStatus } from './access-token.status';

export const AccessTokenConnection = Connection(AccessTokenEntity, 'AccessToken', 'A page of access tokens, newest first.');

@ObjectType({ description: 'A new or rotated access token with its secret.' })
export class AccessTokenSecretPayload {
  @Field(() => AccessTokenEntity, { description: 'The token.' })
  accessToken: AccessTokenEntity;

  @Field({ description: 'The secret, to send as `Authorization: Bearer <secret>`. Shown only in this response: copy it now.' })
  secret: string;

  @Field(() => String, { nullable: true, description: 'CLIENT tokens: the refresh token, to send as `refresh_token` to `POST /oauth/token` for a new pair. Shown only in this response: copy it now. Null for other kinds.' })
  refreshToken?: string | null;

  @Field(() => Date, { nullable: true, description: 'CLIENT tokens: when the refresh token stops working (refreshing does not extend it); null for an offline refresh token and for other kinds.' })
  refreshTokenExpiresAt?: Date | null;
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

export enum AccessTokenOrderField {
  CREATED_AT = 'CREATED_AT',
  NAME = 'NAME',
  EXPIRES_AT = 'EXPIRES_AT',
  LAST_USED_AT = 'LAST_USED_AT',
}

registerEnumType(AccessTokenOrderField, {
  name: 'AccessTokenOrderField',
  description: 'What a token list is sorted by; ties are broken by creation order.',
  valuesConfig: {
    CREATED_AT: { description: 'Creation time.' },
    NAME: { description: 'Name.' },
    EXPIRES_AT: { description: 'Expiry; tokens without expiry sort as the latest.' },
    LAST_USED_AT: { description: 'Last use; never-used tokens sort as the earliest.' },
  },
});

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

  @Field(() => Date, { nullable: true, description: 'Only tokens that expire after this instant (tokens without expiry included).' })
  expiresAfter?: Date;

  @Field(() => ID, { nullable: true, description: 'Only tokens created (or last rotated) by this user.' })
  createdById?: string;

  @Field(() => AccessTokenOrderField, { nullable: true, description: 'What to sort by (default CREATED_AT).' })
  orderBy?: AccessTokenOrderField;

  @Field(() => OrderDirection, { nullable: true, description: 'Sort direction (default DESC: newest, latest or last first).' })
  direction?: OrderDirection;

  @Field({ nullable: true, description: 'Only tokens whose name contains this text.' })
  @IsOptional()
  @MaxLength(100)
  search?: string;
}
