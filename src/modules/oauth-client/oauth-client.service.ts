import { EntityManager } from 'typeorm';
import { AuditService } from '../../core/audit/audit.service';
import { RequestContext } from '../../core/context/request-context';
import { conflict, notFound } from '../../core/errors/app-error';
import { ConnectionArgs, paginate } from '../../core/pagination/connection';
import { forUpdate } from '../../core/database/transaction';
import { RefreshTokenService } from '../refresh-token/refresh-token.service';
import { DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS, DEFAULT_REFRESH_TOKEN_LIFETIME_DAYS, OAuthClientEntity } from './oauth-client.entity';
import { CreateOAuthClientInput, UpdateOAuthClientInput } from './dto/oauth-client.input';

/** OAuth clients: registered, changed and deleted by platform admins; listed for every signed-in user. */
export class OAuthClientService {
  constructor(
    private readonly audit: AuditService,
    private readonly refreshTokens: RefreshTokenService,
  ) {}

  async create(ctx: RequestContext, input: CreateOAuthClientInput): Promise<OAuthClientEntity> {
    return ctx.transaction(async (tx) => {
      if (await tx.exists(OAuthClientEntity, { where: { clientId: input.clientId } })) {
        throw conflict(`An OAuth client with clientId "${input.clientId}" exists`, 'input.clientId');
      }
      const client = await tx.save(
        Object.assign(new OAuthClientEntity(), {
          clientId: input.clientId,
          name: input.name.trim(),
          description: input.description?.trim() || null,
          accessTokenLifetimeSeconds: input.accessTokenLifetimeSeconds ?? DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS,
          refreshTokenLifetimeDays: input.refreshTokenLifetimeDays ?? DEFAULT_REFRESH_TOKEN_LIFETIME_DAYS,
        }),
      );
      await this.audit.record(tx, ctx, { action: 'createOAuthClient', targetType: 'OAuthClient', targetId: client.id, detail: this.settingsOf(client) });
      return client;
    });
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
      name: client.name,
      accessTokenLifetimeSeconds: client.accessTokenLifetimeSeconds,
      refreshTokenLifetimeDays: client.refreshTokenLifetimeDays,
    };
  }

  private async lock(tx: EntityManager, id: string): Promise<OAuthClientEntity> {
    const client = await forUpdate(tx.createQueryBuilder(OAuthClientEntity, 'client')).where('client.id = :id', { id }).getOne();
    if (!client) throw notFound('OAuth client');
    return client;
  }
}
