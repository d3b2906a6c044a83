import { BeforeInsert, Column, ColumnOptions, PrimaryColumn } from 'typeorm';
import { DEFAULT_PEPPER_ID } from '../secrets/pepper';
import { newId } from './ids';

/**
 * Lengths of the bounded text columns, in characters. MySQL's utf8mb4 `varchar(N)` counts code points
 * (SQLite counts nothing), so the inputs stored in them are validated in code points against these
 * same numbers (`IsText`, src/core/validation/text.ts): what passes validation always fits.
 */
export const TEXT_LENGTH = {
  /** An application-generated UUID (see ids.ts). */
  id: 36,
  /** Names of organizations, groups, projects, tokens, OAuth clients; display names of users. */
  name: 100,
  /** Free-text descriptions. */
  description: 500,
  /** E-mail addresses (RFC 5321's path limit). */
  email: 254,
  /** Why something was revoked. */
  reason: 255,
} as const;

/** Microsecond timestamps on MySQL (the precision of its CURRENT_TIMESTAMP(6) defaults); SQLite stores the same values as text. */
export const timestampColumn = (options: ColumnOptions = {}): PropertyDecorator =>
  Column({ type: 'datetime', precision: 6, ...options });

/** Base for entities keyed by an application-generated UUIDv7. */
export abstract class IdentifiedEntity {
  @PrimaryColumn({ type: 'varchar', length: TEXT_LENGTH.id })
  id: string;

  @BeforeInsert()
  assignId(): void {
    if (!this.id) this.id = newId();
  }
}

/** An id column pointing at another entity. */
export const idColumn = (options: ColumnOptions = {}): PropertyDecorator =>
  Column({ type: 'varchar', length: TEXT_LENGTH.id, ...options });

/** The id of the pepper a row's secret digest was made with (`tessera pepper-status` counts them); rows older than pepper ids have the default one's. */
export const pepperIdColumn = (): PropertyDecorator => Column({ type: 'varchar', length: 16, default: DEFAULT_PEPPER_ID });
