import { AuditEventEntity } from '../core/audit/audit-event.entity';
import { AccessTokenEntity } from '../modules/access-token/access-token.entity';
import { TokenRevocationEventEntity } from '../modules/access-token/token-revocation-event.entity';
import { GroupEntity } from '../modules/group/group.entity';
import { MembershipEntity } from '../modules/membership/membership.entity';
import { OAuthClientEntity } from '../modules/oauth-client/oauth-client.entity';
import { OrganizationEntity } from '../modules/organization/organization.entity';
import { ProjectEntity } from '../modules/project/project.entity';
import { RefreshTokenEntity } from '../modules/refresh-token/refresh-token.entity';
import { SessionEntity } from '../modules/session/session.entity';
import { TokenPolicyEntity } from '../modules/token-policy/token-policy.entity';
import { TokenUsageEntity } from '../modules/token-usage/token-usage.entity';
import { UserEntity } from '../modules/user/user.entity';
import { WebhookDeliveryEntity } from '../modules/webhooks/webhook-delivery.entity';
import { WebhookEndpointEntity } from '../modules/webhooks/webhook-endpoint.entity';

/** Every entity, for the one DataSource that the app, the tests and the TypeORM CLI share. */
export const ENTITIES = [
  UserEntity,
  SessionEntity,
  OrganizationEntity,
  GroupEntity,
  ProjectEntity,
  MembershipEntity,
  AuditEventEntity,
  AccessTokenEntity,
  TokenPolicyEntity,
  TokenUsageEntity,
  OAuthClientEntity,
  RefreshTokenEntity,
  TokenRevocationEventEntity,
  WebhookEndpointEntity,
  WebhookDeliveryEntity,
];
