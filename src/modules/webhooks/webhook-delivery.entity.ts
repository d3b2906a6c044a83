import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, Index } from 'typeorm';
import { IdentifiedEntity, idColumn, timestampColumn } from '../../core/database/columns';

export enum WebhookDeliveryStatus {
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  FAILED = 'FAILED',
}

registerEnumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  description: 'Where a delivery stands.',
  valuesConfig: {
    PENDING: { description: 'Not yet answered with 2xx; tried again at `nextAttemptAt`.' },
    DELIVERED: { description: 'The endpoint answered 2xx.' },
    FAILED: { description: 'Retries ran out (about 26 hours); an admin may redeliver it.' },
  },
});

/**
 * The outbox and the delivery log in one: a row per (event, endpoint), written in the transaction of
 * the change; the worker claims due rows and records each attempt's outcome on it. `eventKey` is
 * unique per endpoint, so an event published twice (the expiry scan on every instance) is kept once.
 */
@ObjectType('WebhookDelivery', { description: 'One event sent (or to be sent) to one endpoint, with the outcome of the last attempt.' })
@Entity('webhook_deliveries')
@Index('UQ_webhook_deliveries_event', ['endpointId', 'eventKey'], { unique: true })
@Index('IDX_webhook_deliveries_due', ['status', 'nextAttemptAt'])
@Index('IDX_webhook_deliveries_endpoint', ['endpointId', 'id'])
export class WebhookDeliveryEntity extends IdentifiedEntity {
  @Field(() => ID, { description: 'Stable identifier; also the payload `id` and the `X-Tessera-Delivery` header.' })
  declare id: string;

  @idColumn()
  endpointId: string;

  @Field({ description: 'The payload `type`, e.g. `token.revoked`.' })
  @Column({ type: 'varchar', length: 64 })
  eventType: string;

  @Column({ type: 'varchar', length: 191 })
  eventKey: string;

  @Field({ description: 'The JSON body sent (never a secret).' })
  @Column({ type: 'text' })
  payload: string;

  @Field(() => WebhookDeliveryStatus, { description: 'PENDING, DELIVERED or FAILED.' })
  @Column({ type: 'varchar', length: 16, default: WebhookDeliveryStatus.PENDING })
  status: WebhookDeliveryStatus;

  @Field(() => Int, { description: 'Attempts made so far.' })
  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Field(() => Date, { nullable: true, description: 'When the next attempt is due (PENDING only).' })
  @timestampColumn({ nullable: true })
  nextAttemptAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the last attempt was made.' })
  @timestampColumn({ nullable: true })
  lastAttemptAt: Date | null;

  @Field(() => Int, { nullable: true, description: 'The HTTP status of the last answer; null when there was none (refused address, timeout, network error).' })
  @Column({ type: 'int', nullable: true })
  lastStatusCode: number | null;

  @Field(() => String, { nullable: true, description: 'Why the last attempt failed, when it did.' })
  @Column({ type: 'varchar', length: 255, nullable: true })
  lastError: string | null;

  @Field({ description: 'When the event happened.' })
  @CreateDateColumn({ precision: 6 })
  createdAt: Date;
}
