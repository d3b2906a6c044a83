import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { IdentifiedEntity, idColumn, pepperIdColumn, timestampColumn } from '../../core/database/columns';
import { UserEntity } from '../user/user.entity';

/** A sign-in session; only the keyed hash of its bearer secret is stored. */
@Entity('sessions')
export class SessionEntity extends IdentifiedEntity {
  @Index('IDX_sessions_user')
  @idColumn()
  userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId' })
  user?: UserEntity;

  @Index('UQ_sessions_token_hash', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  tokenHash: string;

  /** The pepper `tokenHash` was made with. */
  @pepperIdColumn()
  pepperId: string;

  @CreateDateColumn({ precision: 6 })
  createdAt: Date;

  @timestampColumn()
  expiresAt: Date;

  @timestampColumn({ nullable: true })
  endedAt: Date | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  clientAddress: string | null;
}
