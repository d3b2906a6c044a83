import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, Index, UpdateDateColumn } from 'typeorm';
import { IdentifiedEntity } from '../../core/database/columns';

export const DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS = 3600;
export const DEFAULT_REFRESH_TOKEN_LIFETIME_DAYS = 30;

/**
 * An OAuth client registered by a platform admin (e.g. the PyDC add-on). CLIENT tokens are issued
 * for one client and refreshed by it at `POST /oauth/token` with its public `clientId`.
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
  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Field(() => String, { nullable: true, description: 'What the application is.' })
  @Column({ type: 'varchar', length: 500, nullable: true })
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
