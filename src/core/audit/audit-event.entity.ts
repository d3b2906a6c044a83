import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, Index } from 'typeorm';
import { IdentifiedEntity, idColumn } from '../database/columns';

export enum AuditOutcome {
  SUCCESS = 'SUCCESS',
  DENIED = 'DENIED',
}

registerEnumType(AuditOutcome, {
  name: 'AuditOutcome',
  description: 'Whether the audited attempt was carried out.',
  valuesConfig: {
    SUCCESS: { description: 'The action was allowed and carried out.' },
    DENIED: { description: 'The action was refused (not signed in, not allowed, or out of reach).' },
  },
});

/**
 * Who did what to which record, when, from where, and whether it was allowed. Rows keep plain ids
 * (no foreign keys) so the trail outlives what it describes.
 */
@ObjectType('AuditEvent', { description: 'One audited action: who did what to which record, when, from where, and with what outcome.' })
@Entity('audit_events')
@Index('IDX_audit_events_organization', ['organizationId', 'id'])
@Index('IDX_audit_events_actor', ['actorId', 'id'])
@Index('IDX_audit_events_target', ['targetType', 'targetId'])
@Index('IDX_audit_events_subject', ['subjectUserId', 'id'])
export class AuditEventEntity extends IdentifiedEntity {
  @Field(() => ID, { description: 'Stable identifier; later events have greater ids.' })
  declare id: string;

  @Field({ description: 'When it happened.' })
  @CreateDateColumn({ precision: 6 })
  createdAt: Date;

  @Field(() => ID, { nullable: true, description: 'The user or technical user who acted; null when anonymous.' })
  @idColumn({ nullable: true })
  actorId: string | null;

  @Field(() => ID, { nullable: true, description: 'The access token the actor used, if any.' })
  @idColumn({ nullable: true })
  actorTokenId: string | null;

  @Field({ description: 'What was attempted, for example `createGroup` or `login`.' })
  @Column({ type: 'varchar', length: 64 })
  action: string;

  @Field(() => String, { nullable: true, description: 'The kind of record acted on, for example `Group` or `AccessToken`.' })
  @Column({ type: 'varchar', length: 32, nullable: true })
  targetType: string | null;

  @Field(() => ID, { nullable: true, description: 'The id of the record acted on.' })
  @idColumn({ nullable: true })
  targetId: string | null;

  @Field(() => ID, { nullable: true, description: 'The organization the record belongs to, if any.' })
  @idColumn({ nullable: true })
  organizationId: string | null;

  /** The account whose credential was acted on by someone else (the system): the event also shows in that account's own trail. */
  @Field(() => ID, { nullable: true, description: "The account whose credential was acted on by someone else, e.g. the owner of a token the system revoked as leaked or unused: the event also shows in that account's `viewer.auditEvents`." })
  @idColumn({ nullable: true })
  subjectUserId: string | null;

  @Field(() => AuditOutcome, { description: 'Whether it was allowed.' })
  @Column({ type: 'varchar', length: 16 })
  outcome: AuditOutcome;

  @Field(() => String, { nullable: true, description: 'Why it was refused: an error code such as FORBIDDEN.' })
  @Column({ type: 'varchar', length: 32, nullable: true })
  reason: string | null;

  @Field(() => String, { nullable: true, description: 'The client address the request came from.' })
  @Column({ type: 'varchar', length: 64, nullable: true })
  clientAddress: string | null;

  @Field(() => String, { nullable: true, description: 'The request id, also in the server log.' })
  @Column({ type: 'varchar', length: 64, nullable: true })
  requestId: string | null;

  /** Non-secret details (changed fields, roles); JSON. */
  @Column({ type: 'text', nullable: true })
  detail: string | null;
}
