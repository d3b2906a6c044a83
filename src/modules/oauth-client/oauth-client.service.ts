import { timingSafeEqual } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { AuditService } from '../../core/audit/audit.service';
import { RequestContext } from '../../core/context/request-context';
import { conflict, notFound } from '../../core/errors/app-error';
import { ConnectionArgs, paginate } from '../../core/pagination/connection';
import { forUpdate } from '../../core/database/transaction';
import { RefreshTokenService } from '../refresh-token/refresh-token.service';
import { PepperRing } from '../../core/secrets/pepper';
import { SECRET_PREFIXES, generateSecret, hashSecret, parseSecret, secretHint } from '../../core/secrets/secret-format';
import { OAuthError } from '../refresh-token/refresh-token.errors';
import { DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS, DEFAULT_REFRESH_TOKEN_LIFETIME_DAYS, OAuthClientEntity, OAuthClientType } from './oauth-client.entity';
import { OAuthClientPayload } from './oauth-client.types';
import { CreateOAuthClientInput, UpdateOAuthClientInput } from './dto/oauth-client.input';

/** How a request to an OAuth endpoint identified its client (RFC 6749 §2.3.1). */
export interface ClientCredentials {
  clientId: string;
  /** The secret sent, or null when none was. */
  secret: string | null;
}

/** OAuth clients: registered, changed and deleted by platform admins; listed for every signed-in user. */
export class OAuthClientService {
  constructor(
    private readonly peppers: PepperRing,
    private readonly audit: AuditService,
    private readonly refreshTokens: RefreshTokenService,
  ) {}

  async create(ctx: RequestContext, input: CreateOAuthClientInput): Promise<OAuthClientPayload> {
    return ctx.transaction(async (tx) => {
      if (await tx.exists(OAuthClientEntity, { where: { clientId: input.clientId } })) {
        throw conflict(`An OAuth client with clientId "${input.clientId}" exists`, 'input.clientId');
      }
      const client = await tx.save(
        Object.assign(new OAuthClientEntity(), {
          clientId: input.clientId,
          type: input.type ?? OAuthClientType.PUBLIC,
          secretHash: null,
          secretHint: null,
          name: input.name.trim(),
          description: input.description?.trim() || null,
          accessTokenLifetimeSeconds: input.accessTokenLifetimeSeconds ?? DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS,
          refreshTokenLifetimeDays: input.refreshTokenLifetimeDays ?? DEFAULT_REFRESH_TOKEN_LIFETIME_DAYS,
        }),
      );
      const clientSecret = client.type === OAuthClientType.CONFIDENTIAL ? await this.newSecret(tx, client) : null;
      await this.audit.record(tx, ctx, { action: 'createOAuthClient', targetType: 'OAuthClient', targetId: client.id, detail: this.settingsOf(client) });
      return { oauthClient: client, clientSecret };
    });
  }

  /** Gives a confidential client a new secret; the old one stops working when this commits. */
  async rotateSecret(ctx: RequestContext, id: string): Promise<OAuthClientPayload> {
    return ctx.transaction(async (tx) => {
      const client = await this.lock(tx, id);
      if (client.type !== OAuthClientType.CONFIDENTIAL) throw conflict('A public client has no secret', 'input.id');
      const clientSecret = await this.newSecret(tx, client);
      await this.audit.record(tx, ctx, { action: 'rotateOAuthClientSecret', targetType: 'OAuthClient', targetId: client.id, detail: { clientId: client.clientId, secretHint: client.secretHint } });
      return { oauthClient: client, clientSecret };
    });
  }

  /**
   * The client a request to an OAuth endpoint authenticated as: a confidential client must send its
   * secret, a public one must not (RFC 6749 §2.3); anything else is `invalid_client` (401).
   */
  async authenticate(ctx: RequestContext, credentials: ClientCredentials): Promise<OAuthClientEntity> {
    const client = await ctx.db.manager.findOne(OAuthClientEntity, { where: { clientId: credentials.clientId } });
    if (!client) throw new OAuthError('invalid_client', 'Unknown client');
    if (client.type === OAuthClientType.PUBLIC) {
      if (credentials.secret !== null) throw new OAuthError('invalid_client', 'A public client must not send a client secret');
      return client;
    }
    if (credentials.secret === null) throw new OAuthError('invalid_client', 'Client authentication is required (client_secret_basic or client_secret_post)');
    // The row names its pepper: one digest to compare, none when that pepper was retired.
    const pepper = this.peppers.byId(client.pepperId);
    const valid =
      parseSecret(credentials.secret) === SECRET_PREFIXES.oauthClientSecret &&
      client.secretHash !== null &&
      pepper !== undefined &&
      timingSafeEqual(Buffer.from(hashSecret(credentials.secret, pepper.secret)), Buffer.from(client.secretHash));
    if (!valid) throw new OAuthError('invalid_client', 'Client authentication failed');
    this.peppers.redigestLater(credentials.secret, { record: client, pepper: pepper! }, (secretHash, pepperId) =>
      ctx.db.manager.update(OAuthClientEntity, { id: client.id, secretHash: client.secretHash! }, { secretHash, pepperId }),
    );
    return client;
  }

  async update(ctx: RequestContext, input: UpdateOAuthClientInput): Promise<OAuthClientEntity> {
    return ctx.transaction(async (tx) => {
      const client = await this.lock(tx, input.id);
      if (input.name !== undefined && input.name !== null) client.name = input.name.trim();
      if (input.description !== undefined) client.description = input.description?.trim() || null;
      if (input.accessTokenLifetimeSeconds != null) client.accessTokenLifetimeSeconds = input.accessTokenLifetimeSeconds;
      if (input.refreshTokenLifetimeDays != null) client.refreshTokenLifetimeDays = input.refreshTokenLifetimeDays;
      const saved = await tx.save(client);
      await this.audit.record(tx, ctx, { action: 'updateOAuthClient', targetType: 'OAuthClient', targetId: client.id, detail: this.settingsOf(saved) });
      return saved;
    });
  }

  /** Deletes a client; its refresh tokens go with it and the access tokens issued for it are revoked. */
  async delete(ctx: RequestContext, id: string): Promise<void> {
    await ctx.transaction(async (tx) => {
      const client = await this.lock(tx, id);
      const revoked = await this.refreshTokens.revokeForClient(tx, ctx, client.id);
      await tx.delete(OAuthClientEntity, { id: client.id });
      await this.audit.record(tx, ctx, { action: 'deleteOAuthClient', targetType: 'OAuthClient', targetId: client.id, detail: { clientId: client.clientId, revokedAccessTokens: revoked } });
    });
  }

  /** Every client, by name (for the client picker of the CLIENT token dialog). */
  list(ctx: RequestContext, page: ConnectionArgs) {
    const query = ctx.db.manager.createQueryBuilder(OAuthClientEntity, 'client');
    return paginate(query, page, { expression: 'client.name', direction: 'ASC', valueOf: (client) => client.name });
  }

  private settingsOf(client: OAuthClientEntity): Record<string, unknown> {
    return {
      clientId: client.clientId,
      type: client.type,
      name: client.name,
      accessTokenLifetimeSeconds: client.accessTokenLifetimeSeconds,
      refreshTokenLifetimeDays: client.refreshTokenLifetimeDays,
    };
  }

  private async newSecret(tx: EntityManager, client: OAuthClientEntity): Promise<string> {
    const secret = generateSecret(SECRET_PREFIXES.oauthClientSecret);
    client.secretHash = this.peppers.digest(secret);
    client.pepperId = this.peppers.current.id;
    client.secretHint = secretHint(secret);
    await tx.update(OAuthClientEntity, { id: client.id }, { secretHash: client.secretHash, pepperId: client.pepperId, secretHint: client.secretHint });
    return secret;
  }

  private async lock(tx: EntityManager, id: string): Promise<OAuthClientEntity> {
    const client = await forUpdate(tx.createQueryBuilder(OAuthClientEntity, 'client')).where('client.id = :id', { id }).getOne();
    if (!client) throw notFound('OAuth client');
    return client;
  }
}
