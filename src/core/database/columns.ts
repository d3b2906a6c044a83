import { BeforeInsert, Column, ColumnOptions, PrimaryColumn } from 'typeorm';
import { newId } from './ids';

/** Microsecond timestamps on MySQL (the precision of its CURRENT_TIMESTAMP(6) defaults); SQLite stores the same values as text. */
export const timestampColumn = (options: ColumnOptions = {}): PropertyDecorator =>
  Column({ type: 'datetime', precision: 6, ...options });

/** Base for entities keyed by an application-generated UUIDv7. */
export abstract class IdentifiedEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @BeforeInsert()
  assignId(): void {
    if (!this.id) this.id = newId();
  }
}

/** An id column pointing at another entity. */
export const idColumn = (options: ColumnOptions = {}): PropertyDecorator =>
  Column({ type: 'varchar', length: 36, ...options });
