import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ArrayMaxSize, IsOptional, Max, Min } from 'class-validator';
import { TokenPolicyEntity } from './token-policy.entity';

@InputType({ description: "An organization's token policy; it replaces the previous one." })
export class SetTokenPolicyInput {
  @Field(() => ID, { description: 'The organization.' })
  organizationId: string;

  @Field(() => Int, { nullable: true, description: 'Longest lifetime a token may get, in days (1 to 3650); null for no limit.' })
  @IsOptional()
  @Min(1)
  @Max(3650)
  maxLifetimeDays?: number | null;

  @Field({ nullable: true, description: 'Whether every token must have an expiry date (default false).' })
  @IsOptional()
  requireExpiry?: boolean;

  @Field(() => Int, { nullable: true, description: 'Revoke tokens not used for this many days (1 to 3650; never used: counted from creation), for good; null: never.' })
  @IsOptional()
  @Min(1)
  @Max(3650)
  revokeUnusedAfterDays?: number | null;

  @Field(() => Int, { nullable: true, description: 'Longest overlap `rotateAccessToken` may give the old secret, in seconds (0 to 604800, default 0: it stops working at once).' })
  @IsOptional()
  @Min(0)
  @Max(7 * 24 * 3600)
  maxRotationOverlapSeconds?: number | null;

  @Field(() => [String], { nullable: true, description: 'Scopes tokens may carry; null allows every scope their level offers.' })
  @IsOptional()
  @ArrayMaxSize(16)
  allowedScopes?: string[] | null;

  @Field({ nullable: true, description: 'Whether every new, rotated or edited token must carry an address allowlist (default false).' })
  @IsOptional()
  requireAllowedAddresses?: boolean;

  @Field(() => [String], { nullable: true, description: "CIDR ranges (or addresses) every entry of a token's allowlist must lie inside, at most 32; a token then needs an allowlist. Null for no bound." })
  @IsOptional()
  allowedAddressRanges?: string[] | null;
}

@ObjectType({ description: 'The result of setting a token policy.' })
export class TokenPolicyPayload {
  @Field(() => TokenPolicyEntity, { description: 'The policy as it is now.' })
  tokenPolicy: TokenPolicyEntity;
}
