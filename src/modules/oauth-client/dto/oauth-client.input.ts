import { Field, ID, InputType, Int } from 'type-graphql';
import { OAuthClientType } from '../oauth-client.entity';
import { IsOptional, Matches, Max, Min } from 'class-validator';
import { IsDescription, IsName } from '../../../core/validation/text';

const CLIENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const MAX_ACCESS_TOKEN_LIFETIME_SECONDS = 30 * 24 * 3600;
const MAX_REFRESH_TOKEN_LIFETIME_DAYS = 3650;

@InputType({ description: 'A new OAuth client.' })
export class CreateOAuthClientInput {
  @Field({ description: 'Public identifier sent as `client_id`: 1 to 64 letters, digits, `.`, `_` or `-`, starting with a letter or digit (e.g. `pydc`). Cannot be changed later.' })
  @Matches(CLIENT_ID_PATTERN, { message: '$property must be 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit' })
  clientId: string;

  @Field({ description: 'Display name, 1 to 100 characters.' })
  @IsName()
  name: string;

  @Field(() => OAuthClientType, { nullable: true, description: 'PUBLIC (default: sends only `client_id`) or CONFIDENTIAL (gets a secret, shown once in the payload, to authenticate with). Cannot be changed later.' })
  @IsOptional()
  type?: OAuthClientType;

  @Field({ nullable: true, description: 'What the application is (up to 500 characters; line breaks allowed).' })
  @IsOptional()
  @IsDescription()
  description?: string;

  @Field(() => Int, { nullable: true, description: 'Lifetime of its access tokens in seconds (60 to 2592000; default 3600).' })
  @IsOptional()
  @Min(60)
  @Max(MAX_ACCESS_TOKEN_LIFETIME_SECONDS)
  accessTokenLifetimeSeconds?: number;

  @Field(() => Int, { nullable: true, description: 'Lifetime of its (non-offline) refresh tokens in days (1 to 3650; default 30).' })
  @IsOptional()
  @Min(1)
  @Max(MAX_REFRESH_TOKEN_LIFETIME_DAYS)
  refreshTokenLifetimeDays?: number;
}

@InputType({ description: 'Changes to an OAuth client; omitted fields stay as they are. Tokens already issued keep their expiry.' })
export class UpdateOAuthClientInput {
  @Field(() => ID, { description: 'The client (its `id`, not its `clientId`).' })
  id: string;

  @Field({ nullable: true, description: 'Display name, 1 to 100 characters.' })
  @IsOptional()
  @IsName()
  name?: string;

  @Field(() => String, { nullable: true, description: 'What the application is (up to 500 characters; line breaks allowed); null to remove it.' })
  @IsOptional()
  @IsDescription()
  description?: string | null;

  @Field(() => Int, { nullable: true, description: 'Lifetime of its access tokens in seconds (60 to 2592000).' })
  @IsOptional()
  @Min(60)
  @Max(MAX_ACCESS_TOKEN_LIFETIME_SECONDS)
  accessTokenLifetimeSeconds?: number;

  @Field(() => Int, { nullable: true, description: 'Lifetime of its (non-offline) refresh tokens in days (1 to 3650).' })
  @IsOptional()
  @Min(1)
  @Max(MAX_REFRESH_TOKEN_LIFETIME_DAYS)
  refreshTokenLifetimeDays?: number;
}

@InputType({ description: 'An OAuth client to delete; its refresh tokens are deleted and their access tokens revoked.' })
export class DeleteOAuthClientInput {
  @Field(() => ID, { description: 'The client (its `id`).' })
  id: string;
}

@InputType({ description: 'A confidential OAuth client whose secret to replace; the old secret stops working at once.' })
export class RotateOAuthClientSecretInput {
  @Field(() => ID, { description: 'The client (its `id`).' })
  id: string;
}
