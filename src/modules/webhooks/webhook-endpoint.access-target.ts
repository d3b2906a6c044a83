import { AccessTargetResolver } from '../../core/authorization/access-targets';
import { organizationPath } from '../../core/authorization/resource-path';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';

/** `@requireRole(on: WEBHOOK_ENDPOINT)`: an organization's endpoint is checked on the organization; a personal one belongs to its user alone. */
export const webhookEndpointAccessTarget: AccessTargetResolver = async (em, id) => {
  const endpoint = await em.findOne(WebhookEndpointEntity, { where: { id }, select: { id: true, organizationId: true, userId: true } });
  if (!endpoint) return null;
  if (endpoint.userId) return { kind: 'owner', userId: endpoint.userId, what: 'Webhook endpoint' };
  return { kind: 'resource', path: organizationPath(endpoint.organizationId!), what: 'Webhook endpoint' };
};
