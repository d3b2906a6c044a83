import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { DataSource, EntityManager, In } from 'typeorm';
import { createTransactionRunner, forUpdate } from '../../core/database/transaction';
import { WebhookDeliveryEntity, WebhookDeliveryStatus } from './webhook-delivery.entity';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';
import { WebhookSecrets } from './webhook-secrets';
import { signWebhook } from './webhook-signature';
import { guardedLookup } from './webhook-url';

/** Attempts before a delivery is FAILED: with the default 30 s base, the waits between 15 attempts add up to about 24.3 hours. */
export const MAX_ATTEMPTS = 15;
/** Deliveries one instance claims per poll. */
const BATCH = 20;
/** A claimed delivery whose instance died is due again after this. */
const LEASE_MS = 5 * 60_000;
/** What is kept of an answer: the status; the body is read and dropped. */
const ERROR_LENGTH = 255;

export interface DeliveryOptions {
  allowPrivate: boolean;
  retryBaseMs: number;
  timeoutMs: number;
}

/** The wait after failed attempt `attempts` (1-based): the base doubling, capped at 480 times it (4 h at 30 s). */
export const retryDelayMs = (attempts: number, baseMs: number): number => baseMs * Math.min(2 ** (attempts - 1), 480);

interface Outcome {
  statusCode: number | null;
  error: string | null;
}

/**
 * Delivers the outbox. Every instance polls; a due delivery is claimed by exactly one of them (on
 * MySQL/MariaDB `FOR UPDATE SKIP LOCKED` and a lease in the same transaction; on SQLite a conditional
 * update, its single writer deciding), POSTed once, and rescheduled with exponential backoff until it
 * is answered 2xx or its attempts run out.
 */
export class WebhookDeliveryWorker {
  /** Pending deliveries at the last poll (the backlog gauge). */
  backlog = 0;

  constructor(
    private readonly secrets: WebhookSecrets,
    private readonly options: DeliveryOptions,
  ) {}

  /** One poll: claims due deliveries and sends them; returns how many were attempted. */
  async deliverDue(db: DataSource): Promise<number> {
    const claimed = await this.claim(db);
    await Promise.all(claimed.map((delivery) => this.attempt(db, delivery)));
    this.backlog = await db.manager.count(WebhookDeliveryEntity, { where: { status: WebhookDeliveryStatus.PENDING } });
    return claimed.length;
  }

  private async claim(db: DataSource): Promise<WebhookDeliveryEntity[]> {
    const due = (manager: EntityManager) =>
      manager
        .createQueryBuilder(WebhookDeliveryEntity, 'd')
        .where('d.status = :pending AND d.nextAttemptAt <= :now', { pending: WebhookDeliveryStatus.PENDING, now: new Date() })
        .orderBy('d.nextAttemptAt', 'ASC')
        .limit(BATCH);
    if (db.options.type === 'better-sqlite3') return this.takeUnlessTaken(db.manager, await due(db.manager).getMany());
    // Rows another instance holds are skipped, not waited for; a deadlock victim is run again (nothing was sent yet).
    return createTransactionRunner(db)(async (tx) => {
      const locked = await forUpdate(due(tx)).setOnLocked('skip_locked').getMany();
      if (locked.length) {
        await tx.update(WebhookDeliveryEntity, { id: In(locked.map((d) => d.id)) }, { attempts: () => 'attempts + 1', nextAttemptAt: new Date(Date.now() + LEASE_MS) });
      }
      return locked.map((delivery) => Object.assign(delivery, { attempts: delivery.attempts + 1 }));
    });
  }

  /** SQLite: takes each candidate unless another instance did first (its attempt count moved), leasing it meanwhile. */
  private async takeUnlessTaken(manager: EntityManager, candidates: WebhookDeliveryEntity[]): Promise<WebhookDeliveryEntity[]> {
    const taken: WebhookDeliveryEntity[] = [];
    for (const delivery of candidates) {
      const result = await manager.update(
        WebhookDeliveryEntity,
        { id: delivery.id, attempts: delivery.attempts, status: WebhookDeliveryStatus.PENDING },
        { attempts: delivery.attempts + 1, nextAttemptAt: new Date(Date.now() + LEASE_MS) },
      );
      if (result.affected === 1) taken.push(Object.assign(delivery, { attempts: delivery.attempts + 1 }));
    }
    return taken;
  }

  private async attempt(db: DataSource, delivery: WebhookDeliveryEntity): Promise<void> {
    const endpoint = await db.manager.findOne(WebhookEndpointEntity, { where: { id: delivery.endpointId } });
    const outcome: Outcome = !endpoint
      ? { statusCode: null, error: 'endpoint deleted' }
      : !endpoint.enabled
        ? { statusCode: null, error: 'endpoint disabled' }
        : await this.post(endpoint, delivery);
    const delivered = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;
    const givenUp = !delivered && (delivery.attempts >= MAX_ATTEMPTS || !endpoint?.enabled);
    await db.manager.update(WebhookDeliveryEntity, { id: delivery.id, attempts: delivery.attempts }, {
      status: delivered ? WebhookDeliveryStatus.DELIVERED : givenUp ? WebhookDeliveryStatus.FAILED : WebhookDeliveryStatus.PENDING,
      nextAttemptAt: delivered || givenUp ? null : new Date(Date.now() + retryDelayMs(delivery.attempts, this.options.retryBaseMs)),
      lastAttemptAt: new Date(),
      lastStatusCode: outcome.statusCode,
      lastError: outcome.error?.slice(0, ERROR_LENGTH) ?? null,
    });
  }

  /** One POST: signed, no redirect followed (Node's client follows none), non-public addresses refused after resolution, bounded in time. */
  private post(endpoint: WebhookEndpointEntity, delivery: WebhookDeliveryEntity): Promise<Outcome> {
    const secret = this.secrets.open(endpoint);
    if (!secret) return Promise.resolve({ statusCode: null, error: 'signing secret does not open (token pepper changed?)' });
    const timestamp = Math.floor(Date.now() / 1000);
    const url = new URL(endpoint.url);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<Outcome>((resolve) => {
      const req = send(
        url,
        {
          method: 'POST',
          lookup: guardedLookup(this.options.allowPrivate) as never,
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Tessera-Webhooks/1',
            'x-tessera-event': delivery.eventType,
            'x-tessera-delivery': delivery.id,
            'x-tessera-timestamp': String(timestamp),
            'x-tessera-signature': signWebhook(secret, timestamp, delivery.payload),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ statusCode: res.statusCode ?? null, error: res.statusCode && res.statusCode < 300 ? null : `answered ${res.statusCode}` }));
          res.on('error', (error) => resolve({ statusCode: res.statusCode ?? null, error: error.message }));
        },
      );
      // The whole exchange is bounded, not only each silence: a receiver dripping bytes cannot hold a delivery.
      const deadline = setTimeout(() => req.destroy(new Error(`no answer within ${this.options.timeoutMs} ms`)), this.options.timeoutMs);
      req.on('close', () => clearTimeout(deadline));
      req.on('error', (error) => resolve({ statusCode: null, error: error.message }));
      req.end(delivery.payload);
    });
  }
}
