import { EntityManager, In } from 'typeorm';
import { newId } from '../../core/database/ids';
import { AccessTokenEntity, AccessTokenLevel } from '../access-token/access-token.entity';
import { TokenEvent, TokenEventType } from '../access-token/access-token.events';
import { WebhookDeliveryEntity, WebhookDeliveryStatus } from './webhook-delivery.entity';
import { WebhookEndpointEntity, WebhookEvent, endpointEvents } from './webhook-endpoint.entity';

const SUBSCRIPTION: Record<TokenEventType, WebhookEvent> = {
  [TokenEventType.REVOKED]: WebhookEvent.TOKEN_REVOKED,
  [TokenEventType.ROTATED]: WebhookEvent.TOKEN_ROTATED,
  [TokenEventType.EXPIRED]: WebhookEvent.TOKEN_EXPIRED,
  [TokenEventType.EXPIRING]: WebhookEvent.TOKEN_EXPIRING,
  [TokenEventType.LEAKED]: WebhookEvent.TOKEN_LEAKED,
  [TokenEventType.REVOKED_AS_STALE]: WebhookEvent.TOKEN_REVOKED_STALE,
  [TokenEventType.OWNER_CREDENTIALS_ENDED]: WebhookEvent.TOKEN_OWNER_CREDENTIALS_ENDED,
};

/** What a payload says of a token: never its secret, digest or hint. */
export const tokenPayload = (token: AccessTokenEntity) => ({
  id: token.id,
  name: token.name,
  level: token.level,
  kind: token.kind,
  resource: token.resourceType && token.resourceId ? { type: token.resourceType, id: token.resourceId } : null,
  organizationId: token.organizationId,
  ownerId: token.ownerId,
  expiresAt: token.expiresAt?.toISOString() ?? null,
  revokedAt: token.revokedAt?.toISOString() ?? null,
  revocationReason: token.revocationReason,
});

/**
 * Turns token events into deliveries, inside the transaction of the change: one row per subscribed,
 * enabled endpoint (the organization's for organization, group and project tokens; the owner's for
 * personal ones). An event with a key already written for an endpoint is not written again.
 */
export class WebhookOutbox {
  async write(tx: EntityManager, event: TokenEvent): Promise<void> {
    if (!event.tokenIds.length) return;
    const tokens = await tx.find(AccessTokenEntity, { where: { id: In(event.tokenIds) } });
    const wanted = SUBSCRIPTION[event.type];
    const rows: Partial<WebhookDeliveryEntity>[] = [];
    // Tokens of one organization or one owner share their endpoints: read them once.
    const endpointsOf = new Map<string, Promise<WebhookEndpointEntity[]>>();
    for (const token of tokens) {
      const audience = token.level === AccessTokenLevel.PERSONAL ? `user:${token.ownerId}` : `organization:${token.organizationId}`;
      if (!endpointsOf.has(audience)) endpointsOf.set(audience, this.endpointsFor(tx, token));
      for (const endpoint of await endpointsOf.get(audience)!) {
        if (!endpoint.enabled || !endpointEvents(endpoint).includes(wanted)) continue;
        const id = newId();
        const createdAt = new Date();
        rows.push({
          id,
          endpointId: endpoint.id,
          eventType: event.type,
          eventKey: event.key?.(token.id) ?? id,
          payload: JSON.stringify({ id, type: event.type, createdAt: createdAt.toISOString(), data: { token: tokenPayload(token), ...event.detail } }),
          status: WebhookDeliveryStatus.PENDING,
          attempts: 0,
          nextAttemptAt: createdAt,
        });
      }
    }
    // INSERT IGNORE (MySQL) / INSERT OR IGNORE (SQLite): a key already present keeps its first row.
    if (rows.length) await tx.createQueryBuilder().insert().into(WebhookDeliveryEntity).values(rows).orIgnore().execute();
  }

  private endpointsFor(tx: EntityManager, token: AccessTokenEntity): Promise<WebhookEndpointEntity[]> {
    if (token.level === AccessTokenLevel.PERSONAL) return tx.find(WebhookEndpointEntity, { where: { userId: token.ownerId } });
    return token.organizationId ? tx.find(WebhookEndpointEntity, { where: { organizationId: token.organizationId } }) : Promise.resolve([]);
  }
}
