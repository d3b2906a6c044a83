import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, Index, UpdateDateColumn } from 'typeorm';
import { IdentifiedEntity, TEXT_LENGTH, pepperIdColumn } from '../../core/database/columns';

export const DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS = 3600;
export const DEFAULT_REFRESH_TOKEN_LIFETIME_DAYS = 30;

/** RFC 6749 §2.1 client types. */
export enum OAuthClientType {
  /** Runs where a secret cannot be kept (a desktop add-on like PyDC): identifies itself by `client_id` only. */
  PUBLIC = 'PUBLIC',
  /** Keeps a client secret (a server-side service): authenticates with it at the OAuth endpoints. */
  CONFIDENTIAL = 'CONFIDENTIAL',
}

registerEnumType(OAuthClientType, {
  name: 'OAuthClientType',
  description: 'Whether a client authenticates with a secret (RFC 6749 §2.1).',
  valuesConfig: {
    PUBLIC: { description: 'Sends only `client_id`; must not send a secret (e.g. a desktop add-on).' },
    CONFIDENTIAL: { description: 'Authenticates with its secret: HTTP Basic (`client_secret_basic`) or `client_secret` in the form (`client_secret_post`).' },
  },
});

/**
 * An OAuth client registered by a platform admin (e.g. the PyDC add-on). CLIENT tokens are issued
 * for one client and refreshed by it at `POST /oauth/token` with its public `clientId` (and, for a
 * confidential client, its secret, of which only a keyed hash is stored).
 */
@ObjectType('OAuthClient', { description: 'An application that consumes the APIs with CLIENT tokens and refreshes them (e.g. PyDC).' })
@Entity('oauth_clients')
export class OAuthClientEntity extends IdentifiedEntity {
  @Field(() => ID, { description: 'Stable identifier; give it as `oauthClientId` when creating a CLIENT token.' })
  declare id: string;

  @Field({ description: 'Public identifier the application sends as `client_id` to `POST /oauth/token`, e.g. `pydc`.' })
  @Index('UQ_oauth_clients_client_id', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  clientId: string;

  @Field({ description: 'Display name, for the client picker.' })
  @Column({ type: 'varchar', length: TEXT_LENGTH.name })
  name: string;

  @Field(() => OAuthClientType, { description: 'PUBLIC (client_id only) or CONFIDENTIAL (authenticates with its secret).' })
  @Column({ type: 'varchar', length: 16, default: OAuthClientType.PUBLIC })
  type: OAuthClientType;

  /** Keyed hash of a confidential client's secret (like token hashes); null for public clients. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  secretHash: string | null;

  /** The pepper `secretHash` was made with. */
  @pepperIdColumn()
  pepperId: string;

  @Field(() => String, { nullable: true, description: "What may be shown of a confidential client's secret (prefix and last four characters); null for public clients." })
  @Column({ type: 'varchar', length: 32, nullable: true })
  secretHint: string | null;

  @Field(() => String, { nullable: true, description: 'What the application is.' })
  @Column({ type: 'varchar', length: TEXT_LENGTH.description, nullable: true })
  description: string | null;

  @Field(() => Int, { description: 'How long its access tokens work, in seconds, from creation or refresh.' })
  @Column({ type: 'int', default: DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS })
  accessTokenLifetimeSeconds: number;

  @Field(() => Int, { description: 'How long its refresh tokens work, in days from the CLIENT token\'s creation (refreshing does not extend it); offline refresh tokens never expire.' })
  @Column({ type: 'int', default: DEFAULT_REFRESH_TOKEN_LIFETIME_DAYS })
  refreshTokenLifetimeDays: number;

  @Field({ description: 'When it was registered.' })
  @CreateDateColumn({ precision: 6 })
  createdAt: Date;

  @Field({ description: 'When it was last changed.' })
  @UpdateDateColumn({ precision: 6 })
  updatedAt: Date;
}
