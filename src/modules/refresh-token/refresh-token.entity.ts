import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { IdentifiedEntity, idColumn, pepperIdColumn, timestampColumn } from '../../core/database/columns';
import { AccessTokenEntity } from '../access-token/access-token.entity';
import { OAuthClientEntity } from '../oauth-client/oauth-client.entity';
import { UserEntity } from '../user/user.entity';

/**
 * The refresh token of a CLIENT access token. Only the keyed hash of its secret is stored. Each
 * use replaces it by a new one of the same family (same absolute expiry); presenting a replaced
 * one again is reuse, which revokes the whole family, except within the reuse grace period (see
 * `graceUntil`). Deleted with its access token.
 */
@Entity('refresh_tokens')
@Index('IDX_refresh_tokens_owner', ['ownerId', 'id'])
export class RefreshTokenEntity extends IdentifiedEntity {
  @Index('UQ_refresh_tokens_token_hash', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  tokenHash: string;

  /** The pepper `tokenHash` was made with. */
  @pepperIdColumn()
  pepperId: string;

  @Column({ type: 'varchar', length: 32 })
  hint: string;

  /** The access token issued with it; its successor gets the next access token. */
  @Index('IDX_refresh_tokens_access_token')
  @idColumn()
  accessTokenId: string;

  @ManyToOne(() => AccessTokenEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'accessTokenId' })
  accessToken?: AccessTokenEntity;

  @Index('IDX_refresh_tokens_oauth_client')
  @idColumn()
  oauthClientId: string;

  @ManyToOne(() => OAuthClientEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'oauthClientId' })
  oauthClient?: OAuthClientEntity;

  @idColumn()
  ownerId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'ownerId' })
  owner?: UserEntity;

  /** The id of the first refresh token of its family, so a reuse revokes the family in one statement. */
  @Index('IDX_refresh_tokens_family')
  @idColumn()
  familyId: string;

  /** Absolute expiry of the family, set at creation; null for an offline refresh token. */
  @timestampColumn({ nullable: true })
  expiresAt: Date | null;

  @timestampColumn({ nullable: true })
  revokedAt: Date | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  revocationReason: string | null;

  /** Set when a refresh replaced it; it is then spent. */
  @idColumn({ nullable: true })
  replacedByRefreshTokenId: string | null;

  /**
   * End of the reuse grace period of a spent refresh token: until then a replay is answered with
   * its successor's pair instead of revoking the family. Cleared once past, with `graceSealed`.
   */
  @Index('IDX_refresh_tokens_grace_until')
  @timestampColumn({ nullable: true })
  graceUntil: Date | null;

  /** The successor pair, sealed with AES-256-GCM (refresh-grace.ts), kept during the grace period only; never selected by default. */
  @Column({ type: 'varchar', length: 255, nullable: true, select: false })
  graceSealed: string | null;

  @CreateDateColumn({ precision: 6 })
  createdAt: Date;
}
