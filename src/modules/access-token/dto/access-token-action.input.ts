import { Field, ID, InputType } from 'type-graphql';
import { IsOptional, IsUUID, MaxLength } from 'class-validator';
import { AccessTokenKind } from '../access-token.entity';

@InputType({ description: 'An access token to revoke (temporarily disable).' })
export class RevokeAccessTokenInput {
  @Field(() => ID, { description: 'The token.' })
  @IsUUID()
  id: string;

  @Field({ nullable: true, description: 'Why, for the record (up to 255 characters).' })
  @IsOptional()
  @MaxLength(255)
  reason?: string;
}

@InputType({ description: 'An access token to act on.' })
export class AccessTokenIdInput {
  @Field(() => ID, { description: 'The token.' })
  @IsUUID()
  id: string;
}

@InputType({ description: 'An access token to rotate: a new secret with the same settings; the old one is revoked.' })
export class RotateAccessTokenInput {
  @Field(() => ID, { description: 'The token.' })
  @IsUUID()
  id: string;

  @Field(() => Date, { nullable: true, description: 'Expiry of the new secret; omit to keep the same lifetime as the old one.' })
  @IsOptional()
  expiresAt?: Date | null;
}

@InputType({ description: "Which of the caller's own personal tokens to delete." })
export class DeleteAllAccessTokensInput {
  @Field(() => AccessTokenKind, { nullable: true, description: 'Only tokens of this kind; omit for all.' })
  @IsOptional()
  kind?: AccessTokenKind;
}
