import { Field, ID, InputType } from 'type-graphql';
import { ArrayMaxSize, ArrayMinSize, IsBoolean, IsOptional, MaxLength } from 'class-validator';
import { IsDescription, IsName, IsText } from '../../../core/validation/text';
import { Role } from '../../../core/authorization/role';
import { PASSWORD_MAX_LENGTH } from '../../user/user.types';
import { AccessTokenKind } from '../access-token.entity';

@InputType({ description: 'A new access token. Give one of organizationId, groupId or projectId for a resource token, none for a personal token.' })
export class CreateAccessTokenInput {
  @Field({ description: 'A descriptive name, e.g. the machine or application that uses it (1 to 100 characters).' })
  @IsName()
  name: string;

  @Field({ nullable: true, description: 'Its purpose, in more detail (up to 500 characters; line breaks allowed).' })
  @IsOptional()
  @IsDescription()
  description?: string;

  @Field(() => ID, { nullable: true, description: 'Bind the token to this organization (organization ADMINs).' })
  organizationId?: string;

  @Field(() => ID, { nullable: true, description: 'Bind the token to this group (group ADMINs).' })
  groupId?: string;

  @Field(() => ID, { nullable: true, description: 'Bind the token to this project (project ADMINs).' })
  projectId?: string;

  @Field(() => AccessTokenKind, { nullable: true, description: 'ACCESS (default), EXPOSE for a personal DataChain expose token, or CLIENT for a personal token of an OAuth client (with a refresh token).' })
  @IsOptional()
  kind?: AccessTokenKind;

  @Field(() => ID, { nullable: true, description: 'The OAuth client (its `id`, see `oauthClients`) of a CLIENT token: required for CLIENT tokens, refused for others.' })
  oauthClientId?: string;

  @Field({ nullable: true, description: 'CLIENT tokens only: true for an offline refresh token, which has no expiry (default false).' })
  @IsOptional()
  @IsBoolean()
  offline?: boolean;

  @Field(() => [String], { description: 'What the token may do; see `accessTokenScopes` for what each level offers.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(16)
  @IsText({ min: 1, max: 32 }, { each: true })
  scopes: string[];

  @Field(() => Role, { nullable: true, description: "Role of the token's technical user on the resource (resource tokens only; default VIEWER; never above your own)." })
  @IsOptional()
  role?: Role;

  @Field(() => Date, { nullable: true, description: "Expiry; omit for the default of 30 days from now, send null for no expiry (if the policy allows). CLIENT tokens take none: they expire after their OAuth client's access-token lifetime." })
  @IsOptional()
  expiresAt?: Date | null;

  @Field(() => [String], { nullable: true, description: "Client addresses and CIDR ranges it may be used from (IPv4 or IPv6, e.g. `203.0.113.7`, `10.0.0.0/8`, `2001:db8::/32`; at most 32); a use from elsewhere is refused. For introspection, the end client's `client_address` is checked. Omit or null for anywhere (unless the organization's policy requires a list). Not for CLIENT tokens." })
  @IsOptional()
  allowedAddresses?: string[] | null;

  @Field({ nullable: true, description: 'Your current password: required when signed in with a session.' })
  @IsOptional()
  @MaxLength(PASSWORD_MAX_LENGTH)
  password?: string;
}
