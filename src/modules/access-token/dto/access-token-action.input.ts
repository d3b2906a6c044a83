import { Field, ID, InputType, Int } from 'type-graphql';
import { IsOptional, MaxLength, Min } from 'class-validator';
import { TEXT_LENGTH } from '../../../core/database/columns';
import { IsText } from '../../../core/validation/text';
import { PASSWORD_MAX_LENGTH } from '../../user/user.types';
import { AccessTokenKind } from '../access-token.entity';

@InputType({ description: 'An access token to revoke (temporarily disable).' })
export class RevokeAccessTokenInput {
  @Field(() => ID, { description: 'The token.' })
  id: string;

  @Field({ nullable: true, description: 'Why, for the record (up to 255 characters, one line).' })
  @IsOptional()
  @IsText({ max: TEXT_LENGTH.reason })
  reason?: string;
}

@InputType({ description: 'An access token to act on.' })
export class AccessTokenIdInput {
  @Field(() => ID, { description: 'The token.' })
  id: string;
}

@InputType({ description: 'An access token to rotate: a new secret with the same settings; the old one is revoked, at once or after an overlap.' })
export class RotateAccessTokenInput {
  @Field(() => ID, { description: 'The token.' })
  id: string;

  @Field(() => Int, { nullable: true, description: "How long the old secret keeps working, in seconds (status ROTATING until `rotationEndsAt`); at most the organization policy's `maxRotationOverlapSeconds` (personal tokens: the platform setting). Default 0: revoked at once." })
  @IsOptional()
  @Min(0)
  overlapSeconds?: number;

  @Field(() => Date, { nullable: true, description: 'Expiry of the new secret; omit to keep the same lifetime as the old one.' })
  @IsOptional()
  expiresAt?: Date | null;

  @Field(() => [String], { nullable: true, description: "Replaces the address allowlist (see `createAccessToken`); omit to keep the old token's, null for none." })
  @IsOptional()
  allowedAddresses?: string[] | null;

  @Field({ nullable: true, description: 'Your current password: required when signed in with a session, as for createAccessToken.' })
  @IsOptional()
  @MaxLength(PASSWORD_MAX_LENGTH)
  password?: string;
}

@InputType({ description: "Which of the caller's own personal tokens to delete." })
export class DeleteAllAccessTokensInput {
  @Field(() => AccessTokenKind, { nullable: true, description: 'Only tokens of this kind; omit for all.' })
  @IsOptional()
  kind?: AccessTokenKind;
}
