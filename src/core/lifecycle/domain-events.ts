import { EntityManager } from 'typeorm';

/** Reacts to a domain event inside the transaction that made the change (e.g. writes an outbox row). */
export type DomainEventHandler<E> = (tx: EntityManager, event: E) => Promise<void>;

/**
 * One hook point per kind of domain event: the module that makes a change publishes it inside its
 * transaction, and modules that care (webhooks) subscribe at start-up, so a change and what it
 * triggers commit or roll back together. The publisher knows no subscriber.
 */
export class DomainEvents<E> {
  private readonly handlers: DomainEventHandler<E>[] = [];

  subscribe(handler: DomainEventHandler<E>): void {
    this.handlers.push(handler);
  }

  async publish(tx: EntityManager, event: E): Promise<void> {
    for (const handler of this.handlers) await handler(tx, event);
  }
}
