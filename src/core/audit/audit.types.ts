import { ArgsType, Field } from 'type-graphql';
import { IsOptional, MaxLength } from 'class-validator';
import { Connection } from '../pagination/connection';
import { AuditEventEntity, AuditOutcome } from './audit-event.entity';

export const AuditEventConnection = Connection(AuditEventEntity, 'AuditEvent', 'A page of audit events, newest first.');

@ArgsType()
export class AuditEventFilterArgs {
  @Field({ nullable: true, description: 'Only this action, e.g. `createAccessToken`.' })
  @IsOptional()
  @MaxLength(64)
  action?: string;

  @Field(() => AuditOutcome, { nullable: true, description: 'Only allowed or only refused attempts.' })
  outcome?: AuditOutcome;

  @Field({ nullable: true, description: 'Only events of this actor (user or technical user id).' })
  @IsOptional()
  @MaxLength(36)
  actorId?: string;

  @Field({ nullable: true, description: 'Only events about this record id.' })
  @IsOptional()
  @MaxLength(36)
  targetId?: string;
}
