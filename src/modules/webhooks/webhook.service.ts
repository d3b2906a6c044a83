import { Brackets, DataSource, EntityManager, In } from 'typeorm';
import { AuditService } from '../../core/audit/audit.service';
import { RequestContext, requireCaller } from '../../core/context/request-context';
import { newId } from '../../core/database/ids';
import { createTransactionRunner } from '../../core/database/transaction';
import { notFound } from '../../core/errors/app-error';
import { ConnectionArgs, paginate } from '../../core/pagination/connection';
import { AccessTokenEntity, AccessTokenLevel } from '../access-token/access-token.entity';
import { TokenEventType } from '../access-token/access-token.events';
import { CreateWebhookEndpointInput, UpdateWebhookEndpointInput } from './dto/webhook-endpoint.input';
import { WebhookDeliveryEntity, WebhookDeliveryStatus } from './webhook-delivery.entity';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';
import { WebhookOutbox } from './webhook-outbox';
import { WebhookSecrets } from './webhook-secrets';
import { newWebhookSecret } from './webhook-signature';
import { checkWebhookUrl } from './webhook-url';

/** Days before expiry at which `token.expiring` is sent, each once per token (only the nearest one due). */
export const EXPIRY_WARNING_DAYS = [1, 7, 30] as const;
const DAY_MS = 24 * 3600_000;
/** Tokens that expired longer ago than this get no `token.expired` (a first scan does not replay history). */
const EXPIRED_LOOKBACK_MS = 7 * DAY_MS;

/** Webhook endpoints (who may manage them is declared on the resolver) and the expiry scan. */
export class WebhookService {
  constructor(
    private readonly audit: AuditService,
    private readonly secrets: WebhookSecrets,
    private readonly outbox: WebhookOutbox,
    private readonly allowPrivate: boolean,
  ) {}

  /** Registers an endpoint of an organization (given `organizationId`) or of the caller's personal tokens; the secret is returned only here. */
  async create(ctx: RequestContext, input: CreateWebhookEndpointInput): Promise<{ webhookEndpoint: WebhookEndpointEntity; secret: string }> {
    const caller = requireCaller(ctx);
    const url = await checkWebhookUrl(input.url, this.allowPrivate);
    const secret = newWebhookSecret();
    return ctx.transaction(async (tx) => {
      const id = newId();
      const endpoint = tx.create(WebhookEndpointEntity, {
        id,
        organizationId: input.organizationId ?? null,
        userId: input.organizationId ? null : caller.user.id,
        url,
        description: input.description?.trim() || null,
        eventList: [...new Set(input.events)].join(' '),
        secretSealed: this.secrets.seal(id, secret),
        enabled: true,
        createdById: caller.user.id,
      });
      await tx.save(endpoint);
      await this.audit.record(tx, ctx, { action: 'createWebhookEndpoint', targetType: 'WebhookEndpoint', targetId: id, organizationId: endpoint.organizationId, detail: { url, events: input.events } });
      return { webhookEndpoint: endpoint, secret };
    });
  }

  async update(ctx: RequestContext, input: UpdateWebhookEndpointInput): Promise<WebhookEndpointEntity> {
    const url = input.url === undefined ? undefined : await checkWebhookUrl(input.url, this.allowPrivate);
    return ctx.transaction(async (tx) => {
      const endpoint = await this.find(tx, input.id);
      if (url !== undefined) endpoint.url = url;
      if (input.events) endpoint.eventList = [...new Set(input.events)].join(' ');
      if (input.description !== undefined) endpoint.description = input.description?.trim() || null;
      if (input.enabled != null) endpoint.enabled = input.enabled;
      await tx.save(endpoint);
      await this.audit.record(tx, ctx, { action: 'updateWebhookEndpoint', targetType: 'WebhookEndpoint', targetId: endpoint.id, organizationId: endpoint.organizationId, detail: { url: endpoint.url, events: endpoint.eventList.split(' '), enabled: endpoint.enabled } });
      return endpoint;
    });
  }

  async delete(ctx: RequestContext, id: string): Promise<void> {
    await ctx.transaction(async (tx) => {
      const endpoint = await this.find(tx, id);
      await tx.delete(WebhookDeliveryEntity, { endpointId: id });
      await tx.delete(WebhookEndpointEntity, { id });
      await this.audit.record(tx, ctx, { action: 'deleteWebhookEndpoint', targetType: 'WebhookEndpoint', targetId: id, organizationId: endpoint.organizationId, detail: { url: endpoint.url } });
    });
  }

  /** Removes the endpoints of organizations being deleted, with their delivery logs, in the deleting transaction. */
  async deleteForOrganizations(tx: EntityManager, organizationIds: string[]): Promise<void> {
    if (!organizationIds.length) return;
    const endpoints = await tx.find(WebhookEndpointEntity, { where: { organizationId: In(organizationIds) }, select: { id: true } });
    if (!endpoints.length) return;
    await tx.delete(WebhookDeliveryEntity, { endpointId: In(endpoints.map((e) => e.id)) });
    await tx.delete(WebhookEndpointEntity, { id: In(endpoints.map((e) => e.id)) });
  }

  /** Sends a delivery again from the first attempt (a FAILED one, or a DELIVERED one the receiver lost). */
  async redeliver(ctx: RequestContext, endpointId: string, deliveryId: string): Promise<WebhookDeliveryEntity> {
    return ctx.transaction(async (tx) => {
      const endpoint = await this.find(tx, endpointId);
      const delivery = await tx.findOne(WebhookDeliveryEntity, { where: { id: deliveryId, endpointId } });
      if (!delivery) throw notFound('Webhook delivery');
      Object.assign(delivery, { status: WebhookDeliveryStatus.PENDING, attempts: 0, nextAttemptAt: new Date() });
      await tx.save(delivery);
      await this.audit.record(tx, ctx, { action: 'redeliverWebhook', targetType: 'WebhookEndpoint', targetId: endpointId, organizationId: endpoint.organizationId, detail: { deliveryId } });
      return delivery;
    });
  }

  listForOrganization(ctx: RequestContext, organizationId: string, page: ConnectionArgs) {
    return paginate(ctx.db.manager.createQueryBuilder(WebhookEndpointEntity, 'endpoint').where('endpoint.organizationId = :organizationId', { organizationId }), page);
  }

  listOwn(ctx: RequestContext, page: ConnectionArgs) {
    return paginate(ctx.db.manager.createQueryBuilder(WebhookEndpointEntity, 'endpoint').where('endpoint.userId = :userId', { userId: requireCaller(ctx).user.id }), page);
  }

  deliveries(ctx: RequestContext, endpointId: string, page: ConnectionArgs) {
    return paginate(ctx.db.manager.createQueryBuilder(WebhookDeliveryEntity, 'delivery').where('delivery.endpointId = :endpointId', { endpointId }), page);
  }

  /**
   * Writes `token.expiring` (the nearest of 30/7/1 days now due) and `token.expired` for active
   * tokens. Every instance runs it; the outbox keeps one delivery per key and endpoint, so each
   * event is sent once however often and wherever it runs.
   */
  async scanExpiry(db: DataSource, now = new Date()): Promise<void> {
    const horizon = new Date(now.getTime() + EXPIRY_WARNING_DAYS[EXPIRY_WARNING_DAYS.length - 1] * DAY_MS);
    // Only tokens someone listens for: those of organizations, and personal ones of users, with an enabled endpoint.
    const tokens = await db.manager
      .createQueryBuilder(AccessTokenEntity, 'token')
      .select(['token.id', 'token.expiresAt'])
      .where('token.revokedAt IS NULL AND token.expiresAt <= :horizon', { horizon })
      .andWhere(
        new Brackets((listened) =>
          listened
            .where(`token.level <> :personal AND token.organizationId IN (SELECT e.organizationId FROM webhook_endpoints e WHERE e.enabled = :on AND e.organizationId IS NOT NULL)`)
            .orWhere(`token.level = :personal AND token.ownerId IN (SELECT e.userId FROM webhook_endpoints e WHERE e.enabled = :on AND e.userId IS NOT NULL)`),
        ),
      )
      .setParameters({ personal: AccessTokenLevel.PERSONAL, on: true })
      .getMany();
    const expiring = new Map<number, string[]>(EXPIRY_WARNING_DAYS.map((days) => [days, []]));
    const expired: string[] = [];
    for (const token of tokens) {
      const left = token.expiresAt!.getTime() - now.getTime();
      if (left <= 0) {
        if (-left <= EXPIRED_LOOKBACK_MS) expired.push(token.id);
        continue;
      }
      expiring.get(EXPIRY_WARNING_DAYS.find((days) => left <= days * DAY_MS)!)!.push(token.id);
    }
    await createTransactionRunner(db)(async (tx) => {
      for (const [days, tokenIds] of expiring) {
        await this.outbox.write(tx, { type: TokenEventType.EXPIRING, tokenIds, key: (id) => `expiring:${days}:${id}`, detail: { withinDays: days } });
      }
      await this.outbox.write(tx, { type: TokenEventType.EXPIRED, tokenIds: expired, key: (id) => `expired:${id}` });
    });
  }

  private async find(tx: EntityManager, id: string): Promise<WebhookEndpointEntity> {
    const endpoint = await tx.findOne(WebhookEndpointEntity, { where: { id } });
    if (!endpoint) throw notFound('Webhook endpoint');
    return endpoint;
  }
}
