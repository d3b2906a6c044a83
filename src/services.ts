import { DataSource } from 'typeorm';
import { AuditService } from './core/audit/audit.service';
import { CredentialThrottle } from './core/auth/credential-throttle';
import { FailureThrottle, throttleStoreFor } from './core/auth/failure-throttle';
import { LoginThrottle } from './core/auth/login-throttle';
import { ResourceType } from './core/authorization/role';
import { AppConfig } from './core/config/config';
import { ResourceDeletion } from './core/lifecycle/resource-deletion';
import { PepperRing } from './core/secrets/pepper';
import { AccessTokenAuthenticator } from './modules/access-token/access-token.authenticator';
import { AccessTokenKind } from './modules/access-token/access-token.entity';
import { TokenEvents } from './modules/access-token/access-token.events';
import { AccessTokenIssuer } from './modules/access-token/access-token.issuer';
import { AccessTokenQueryService } from './modules/access-token/services/access-token-query.service';
import { CreateAccessTokenService } from './modules/access-token/services/create-access-token.service';
import { DeleteAccessTokenService } from './modules/access-token/services/delete-access-token.service';
import { RevokeAccessTokenService } from './modules/access-token/services/revoke-access-token.service';
import { RotateAccessTokenService } from './modules/access-token/services/rotate-access-token.service';
import { UpdateAccessTokenService } from './modules/access-token/services/update-access-token.service';
import { createTokenLookup, createTokenRedigest } from './modules/access-token/token-lookup';
import { TokenRevocationFeed } from './modules/access-token/token-revocations';
import { VerifiedTokenCache } from './modules/access-token/verified-token.cache';
import { GroupService } from './modules/group/group.service';
import { LeakResponseService } from './modules/leak-response/leak-response.service';
import { MembershipService } from './modules/membership/membership.service';
import { OAuthClientService } from './modules/oauth-client/oauth-client.service';
import { RefreshGrace } from './modules/refresh-token/refresh-grace';
import { RefreshTokenService } from './modules/refresh-token/refresh-token.service';
import { OrganizationService } from './modules/organization/organization.service';
import { ProjectService } from './modules/project/project.service';
import { SessionService } from './modules/session/session.service';
import { StaleTokenService } from './modules/token-policy/stale-tokens.service';
import { TokenPolicyService } from './modules/token-policy/token-policy.service';
import { LastUsedTracker } from './modules/token-usage/last-used.tracker';
import { TokenUsageService } from './modules/token-usage/token-usage.service';
import { UsageRecorder } from './modules/token-usage/usage.recorder';
import type { UserEntity } from './modules/user/user.entity';
import { UserService } from './modules/user/user.service';
import { WebhookDeliveryWorker } from './modules/webhooks/webhook-delivery.worker';
import { WebhookOutbox } from './modules/webhooks/webhook-outbox';
import { WebhookSecrets } from './modules/webhooks/webhook-secrets';
import { WebhookService } from './modules/webhooks/webhook.service';

/** The stateless services of one server, wired once at start-up; each method takes the request context. */
export function createServices(db: DataSource, config: AppConfig, peppers: PepperRing) {
  const audit = new AuditService();
  const throttleStore = throttleStoreFor(db);
  const deletion = new ResourceDeletion();
  const sessions = new SessionService(db, config, peppers, audit, new LoginThrottle(throttleStore, config));
  const users = new UserService(audit, sessions);
  const memberships = new MembershipService(audit);
  const tokenPolicies = new TokenPolicyService(audit);
  const accessTokenIssuer = new AccessTokenIssuer(peppers);
  const accessTokenCreation = new CreateAccessTokenService(accessTokenIssuer, audit, sessions, tokenPolicies);
  const accessTokenRevocation = new RevokeAccessTokenService(audit, tokenPolicies);
  const accessTokenDeletion = new DeleteAccessTokenService(audit);
  const refreshTokens = new RefreshTokenService(peppers, audit, accessTokenIssuer, new RefreshGrace(peppers, config.refreshReuseGraceSeconds));
  accessTokenCreation.registerKind(AccessTokenKind.CLIENT, refreshTokens);
  const lastUsed = new LastUsedTracker(db);
  // Token events become webhook deliveries in the transaction of the change (the outbox).
  const tokenEvents = new TokenEvents();
  const webhookOutbox = new WebhookOutbox();
  const webhookSecrets = new WebhookSecrets(peppers.peppers.map((pepper) => pepper.secret));
  tokenEvents.subscribe((tx, event) => webhookOutbox.write(tx, event));
  const webhooks = new WebhookService(audit, webhookSecrets, webhookOutbox, config.webhooks.allowPrivate);
  const tokenCache = new VerifiedTokenCache({ maxEntries: config.tokenCache.maxEntries, ttlMs: config.tokenCache.ttlMs });
  const usageRecorder = new UsageRecorder(db, {
    maxBuffered: config.usageBufferMax,
    flushIntervalMs: config.usageFlushIntervalMs,
    retentionDays: config.usageRetentionDays,
  });
  users.onAccountEnd((tx, ctx, user, end) => accessTokenRevocation.revokeAllOfOwner(tx, ctx, user, end));
  users.onAccountEnd((tx, ctx, user, end) => refreshTokens.revokeAllOfOwner(tx, ctx, user, end));
  deletion.register((tx, _ctx, resources) => accessTokenDeletion.deleteForResources(tx, resources));
  deletion.register((tx, _ctx, resources) => memberships.deleteForResources(tx, resources));
  deletion.register((tx, _ctx, resources) =>
    tokenPolicies.deleteForOrganizations(tx, resources.filter((r) => r.type === ResourceType.ORGANIZATION).map((r) => r.id)),
  );
  deletion.register((tx, _ctx, resources) => webhooks.deleteForOrganizations(tx, resources.filter((r) => r.type === ResourceType.ORGANIZATION).map((r) => r.id)));
  return {
    peppers,
    audit,
    sessions,
    users,
    memberships,
    tokenPolicies,
    accessTokenQueries: new AccessTokenQueryService(),
    accessTokenCreation,
    accessTokenRotation: new RotateAccessTokenService(accessTokenIssuer, audit, sessions, tokenPolicies),
    accessTokenRevocation,
    accessTokenUpdate: new UpdateAccessTokenService(audit, tokenPolicies),
    accessTokenDeletion,
    refreshTokens,
    oauthClients: new OAuthClientService(peppers, audit, refreshTokens),
    leakResponse: new LeakResponseService(peppers, audit, accessTokenRevocation, refreshTokens),
    // Every report counts, per client address, in the shared store (reports are anonymous).
    leakReportThrottle: new FailureThrottle(throttleStore, 'leak-report', config.leakReportsPerMinute, 60),
    staleTokens: new StaleTokenService(audit),
    accessTokenAuthenticator: new AccessTokenAuthenticator(peppers, tokenCache.wrap(createTokenLookup(db)), lastUsed, usageRecorder, createTokenRedigest(db)),
    tokenCache,
    // A hole in the event ids is waited for as long as an entry lives.
    tokenRevocations: new TokenRevocationFeed(tokenCache, { pollMs: config.tokenCache.pollMs, gapWaitMs: config.tokenCache.ttlMs }),
    tokenAuthFailures: new CredentialThrottle(throttleStore, config),
    lastUsed,
    usageRecorder,
    tokenUsage: new TokenUsageService(),
    tokenEvents,
    webhooks,
    webhookDeliveries: new WebhookDeliveryWorker(webhookSecrets, config.webhooks),
    organizations: new OrganizationService(audit, deletion),
    groups: new GroupService(audit, deletion),
    projects: new ProjectService(audit, deletion),
  };
}

export type Services = ReturnType<typeof createServices>;

declare module './core/context/request-context' {
  // The services wired above, reachable as `ctx.services.x` from every module.
  interface ServiceRegistry extends Services {}
  // Modules see the caller's whole account record.
  interface CallerAccount extends UserEntity {}
}
