import { Field, ID, InputType } from 'type-graphql';
import { ArrayMaxSize, ArrayMinSize, IsOptional } from 'class-validator';
import { IsDescription, IsName, IsText } from '../../../core/validation/text';

@InputType({ description: 'Changes to an access token, made in place: the secret stays. Omit a field to keep it. Nothing here can make the token more powerful or longer-lived.' })
export class UpdateAccessTokenInput {
  @Field(() => ID, { description: 'The token.' })
  id: string;

  @Field(() => String, { nullable: true, description: 'A new name (1 to 100 characters).' })
  @IsOptional()
  @IsName()
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'A new description (up to 500 characters; line breaks allowed); null or empty clears it.' })
  @IsOptional()
  @IsDescription()
  description?: string | null;

  @Field(() => [String], { nullable: true, description: "Narrower scopes: some of the token's own (`read_api` in place of `api`), never more. Not for CLIENT tokens." })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(16)
  @IsText({ min: 1, max: 32 }, { each: true })
  scopes?: string[] | null;

  @Field(() => Date, { nullable: true, description: 'An earlier expiry, still in the future and within the policy; an expiry cannot be removed or put later in place (rotate or create a token for that).' })
  @IsOptional()
  expiresAt?: Date | null;

  @Field(() => [String], { nullable: true, description: "A new address allowlist (see `createAccessToken`), within the organization's policy; null removes it (if the policy allows). Not for CLIENT tokens." })
  @IsOptional()
  allowedAddresses?: string[] | null;
}
