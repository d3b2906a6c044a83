import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { idColumn, timestampColumn } from '../../core/database/columns';

/** What a revocation event names: one token, or every token of one owner. */
export enum RevokedSubjectType {
  TOKEN = 'token',
  OWNER = 'owner',
}

/**
 * "The cached rows of this token (or of this owner's tokens) no longer hold", written in the
 * transaction that changed them and read by every instance in id order (token-revocations.ts).
 * Kept for a while, then pruned: an instance only needs the events since it last looked.
 */
@Entity('token_revocation_events')
export class TokenRevocationEventEntity {
  /** Increasing, so instances read what is new by id (SQLite's AUTOINCREMENT takes only INTEGER: 2^32 events on MySQL). */
  @PrimaryGeneratedColumn('increment', { type: 'int', unsigned: true })
  id: number;

  @Column({ type: 'varchar', length: 10 })
  subjectType: RevokedSubjectType;

  @idColumn()
  subjectId: string;

  @Index('IDX_token_revocation_events_created_at')
  @timestampColumn()
  createdAt: Date;
}
