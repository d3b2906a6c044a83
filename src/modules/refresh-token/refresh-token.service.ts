import { EntityManager, In, IsNull, Not } from 'typeorm';
import { AuditService } from '../../core/audit/audit.service';
import { RequestContext } from '../../core/context/request-context';
import { newId } from '../../core/database/ids';
import { forUpdate } from '../../core/database/transaction';
import { badInput, notFound } from '../../core/errors/app-error';
import { PepperRing } from '../../core/secrets/pepper';
import { SECRET_PREFIXES, generateSecret, parseSecret, secretHint } from '../../core/secrets/secret-format';
import { AccessTokenEntity, AccessTokenKind } from '../access-token/access-token.entity';
import { ACCESS_TOKEN_PREFIXES, AccessTokenIssuer, IssuedAccessToken } from '../access-token/access-token.issuer';
import { REVOKED_BY_REFRESH_REUSE, revocationReasonOf } from '../access-token/access-token.records';
import { TokenKindIssuer } from '../access-token/services/create-access-token.service';
import { recordTokenRevocations } from '../access-token/token-revocations';
import { CreateAccessTokenInput } from '../access-token/dto/create-access-token.input';
import { OAuthClientEntity } from '../oauth-client/oauth-client.entity';
import { AccountEnd } from '../user/user.service';
import { UserEntity, isUserUsable } from '../user/user.entity';
import { RefreshGrace } from './refresh-grace';
import { OAuthError, invalidGrant } from './refresh-token.errors';
import { RefreshTokenEntity } from './refresh-token.entity';

const DAY_MS = 24 * 3600 * 1000;

export const REVOKED_BY_REFRESH = 'refreshed';
export const REVOKED_BY_CLIENT = 'revoked by the client';
export const REVOKED_BY_CLIENT_DELETION = 'OAuth client deleted';

/** What `POST /oauth/token` answers for a successful refresh (RFC 6749 §5.1). */
export interface RefreshedPair {
  accessToken: string;
  expiresInSeconds: number;
  refreshToken: string;
  refreshTokenExpiresAt: Date | null;
  scope: string;
}

/** A live refresh token as introspection answers it, and whose it is. */
export interface RefreshTokenIntrospection {
  ownerId: string;
  oauthClientId: string;
  answer: Record<string, unknown>;
}

/**
 * Refresh tokens of CLIENT access tokens: issued with the access token, renewed (rotated) on every
 * use at `POST /oauth/token`, with reuse detection over the family; revoked at `POST /oauth/revoke`,
 * on owner deactivation and when their OAuth client is deleted.
 */
export class RefreshTokenService implements TokenKindIssuer {
  constructor(
    private readonly peppers: PepperRing,
    private readonly audit: AuditService,
    private readonly accessTokens: AccessTokenIssuer,
    /** The reuse grace period: replays of a just-spent refresh token answer its successor pair. */
    readonly grace: RefreshGrace,
  ) {}

  /** CLIENT tokens name an existing OAuth client and expire after its access-token lifetime. */
  async prepare(ctx: RequestContext, input: CreateAccessTokenInput): Promise<{ expiresAt: Date | null }> {
    if (!input.oauthClientId) throw badInput('input.oauthClientId', 'choose the OAuth client of a CLIENT token', 'isNotEmpty');
    if (input.expiresAt !== undefined) throw badInput('input.expiresAt', "a CLIENT token expires after its OAuth client's access-token lifetime", 'clientLifetime');
    const client = await ctx.db.manager.findOne(OAuthClientEntity, { where: { id: input.oauthClientId } });
    if (!client) throw notFound('OAuth client');
    return { expiresAt: new Date(Date.now() + client.accessTokenLifetimeSeconds * 1000) };
  }

  /** Issues the refresh token of a new CLIENT token, in the token's create transaction. */
  async issued(tx: EntityManager, ctx: RequestContext, issued: IssuedAccessToken, input: CreateAccessTokenInput): Promise<IssuedAccessToken> {
    const client = await tx.findOne(OAuthClientEntity, { where: { id: input.oauthClientId! } });
    if (!client) throw notFound('OAuth client');
    const expiresAt = input.offline ? null : new Date(Date.now() + client.refreshTokenLifetimeDays * DAY_MS);
    const id = newId();
    const refreshToken = await this.insert(tx, { id, familyId: id, accessTokenId: issued.accessToken.id, oauthClientId: client.id, ownerId: issued.accessToken.ownerId, expiresAt });
    await this.audit.record(tx, ctx, {
      action: 'issueRefreshToken',
      targetType: 'AccessToken',
      targetId: issued.accessToken.id,
      detail: { refreshTokenId: id, oauthClientId: client.id, clientId: client.clientId, offline: expiresAt === null, expiresAt: expiresAt?.toISOString() ?? null },
    });
    return { ...issued, refreshToken, refreshTokenExpiresAt: expiresAt };
  }

  /**
   * The refresh grant (RFC 6749 §6) in one transaction: a new access token with the same settings
   * and a new expiry, the old one revoked; a new refresh token with the family's expiry, the old one
   * spent. A spent refresh token presented again revokes the whole family and is refused, unless
   * within the reuse grace period (see `replayWithinGrace`). A requested `scope` narrows the new
   * access token within the original grant.
   */
  async refresh(ctx: RequestContext, client: OAuthClientEntity, presented: string, requestedScope: string | null = null): Promise<RefreshedPair> {
    if (parseSecret(presented) !== SECRET_PREFIXES.refreshToken) throw invalidGrant();
    const outcome = await ctx.transaction(async (tx) => {
      const current = await this.lockBySecret(tx, presented);
      if (!current) return { refused: invalidGrant() };
      if (current.oauthClientId !== client.id) return { refused: invalidGrant('The refresh token was issued to another client') };
      const owner = await tx.findOneOrFail(UserEntity, { where: { id: current.ownerId } });
      const actor = this.actingAs(ctx, owner);
      const now = new Date();
      if (current.replacedByRefreshTokenId && current.graceUntil && current.graceUntil > now) {
        return this.replayWithinGrace(tx, actor, client, current, owner, presented, requestedScope, now);
      }
      if (current.replacedByRefreshTokenId) {
        const revoked = await this.revokeFamily(tx, actor, current.familyId, REVOKED_BY_REFRESH_REUSE);
        await this.audit.record(tx, actor, { action: 'refreshAccessToken', targetType: 'AccessToken', targetId: current.accessTokenId, detail: { reuseDetected: true, refreshTokenId: current.id, revokedAccessTokens: revoked } });
        return { refused: invalidGrant('The refresh token was already used; its tokens are revoked') };
      }
      if (current.revokedAt || (current.expiresAt && current.expiresAt.getTime() <= now.getTime())) return { refused: invalidGrant() };
      if (!isUserUsable(owner, now)) return { refused: invalidGrant("The token owner's account is inactive") };
      const previous = await tx.findOne(AccessTokenEntity, { where: { id: current.accessTokenId } });
      if (!previous || previous.revokedAt) return { refused: invalidGrant('The access token of this refresh token is revoked') };

      const scopeList = await this.scopeFor(tx, current, requestedScope);
      if (scopeList === null) return { refused: new OAuthError('invalid_scope', 'The requested scope exceeds the scope granted to this refresh token') };
      const next = await this.accessTokens.insert(tx, {
        level: previous.level,
        kind: previous.kind,
        name: previous.name,
        description: previous.description,
        scopeList,
        role: previous.role,
        resourceType: previous.resourceType,
        resourceId: previous.resourceId,
        organizationId: previous.organizationId,
        ownerId: previous.ownerId,
        createdById: previous.createdById,
        expiresAt: new Date(now.getTime() + client.accessTokenLifetimeSeconds * 1000),
        previousTokenId: previous.id,
      });
      await tx.update(AccessTokenEntity, { id: previous.id }, { revokedAt: now, revokedById: owner.id, revocationReason: REVOKED_BY_REFRESH, replacedByTokenId: next.accessToken.id });
      await recordTokenRevocations(tx, { tokenIds: [previous.id] });
      const id = newId();
      const refreshToken = await this.insert(tx, { id, familyId: current.familyId, accessTokenId: next.accessToken.id, oauthClientId: client.id, ownerId: owner.id, expiresAt: current.expiresAt });
      // A rotation ends the grace answers of the family's earlier tokens: their successor is now spent.
      await tx.update(RefreshTokenEntity, { familyId: current.familyId, graceSealed: Not(IsNull()) }, { graceSealed: null });
      const graceUntil = this.grace.seconds ? new Date(now.getTime() + this.grace.seconds * 1000) : null;
      await tx.update(RefreshTokenEntity, { id: current.id }, {
        replacedByRefreshTokenId: id,
        graceUntil,
        graceSealed: graceUntil ? this.grace.seal(presented, current.id, { accessToken: next.secret, refreshToken }) : null,
      });
      await this.audit.record(tx, actor, {
        action: 'refreshAccessToken',
        targetType: 'AccessToken',
        targetId: next.accessToken.id,
        detail: { previousTokenId: previous.id, refreshTokenId: id, previousRefreshTokenId: current.id, clientId: client.clientId },
      });
      return {
        pair: {
          accessToken: next.secret,
          expiresInSeconds: client.accessTokenLifetimeSeconds,
          refreshToken,
          refreshTokenExpiresAt: current.expiresAt,
          scope: scopeList,
        },
      };
    });
    if ('refused' in outcome) throw outcome.refused;
    return outcome.pair;
  }

  /**
   * A spent refresh token presented again within its grace period (parallel refreshes, a retry after
   * a lost answer): the same pair its rotation issued, as long as that successor is still live and
   * unused and the request asks for the same scope; otherwise invalid_grant, and nothing is revoked
   * or brought back. After the period the replay is reuse, as without a grace period.
   */
  private async replayWithinGrace(
    tx: EntityManager,
    actor: RequestContext,
    client: OAuthClientEntity,
    current: RefreshTokenEntity,
    owner: UserEntity,
    presented: string,
    requestedScope: string | null,
    now: Date,
  ): Promise<{ refused: OAuthError } | { pair: RefreshedPair }> {
    const refused = { refused: invalidGrant('The refresh token was already used, and its successor is used or revoked') };
    if (current.revokedAt || !current.graceSealed || (current.expiresAt && current.expiresAt <= now) || !isUserUsable(owner, now)) return refused;
    // Locking reads: the rotation that spent this token committed after this transaction's first read.
    const successor = await forUpdate(tx.createQueryBuilder(RefreshTokenEntity, 'refresh')).where('refresh.id = :id', { id: current.replacedByRefreshTokenId }).getOne();
    if (!successor || successor.revokedAt || successor.replacedByRefreshTokenId) return refused;
    const access = await forUpdate(tx.createQueryBuilder(AccessTokenEntity, 'token')).where('token.id = :id', { id: successor.accessTokenId }).getOne();
    if (!access || access.revokedAt || !access.expiresAt || access.expiresAt <= now) return refused;
    const scopeList = await this.scopeFor(tx, current, requestedScope);
    if (scopeList === null) return { refused: new OAuthError('invalid_scope', 'The requested scope exceeds the scope granted to this refresh token') };
    if (scopeList !== access.scopeList) return { refused: invalidGrant('The refresh token was already used with another scope') };
    const pair = this.grace.open(presented, current.id, current.graceSealed);
    if (!pair) return refused;
    await this.audit.record(tx, actor, {
      action: 'refreshAccessToken',
      targetType: 'AccessToken',
      targetId: access.id,
      detail: { graceReplay: true, refreshTokenId: successor.id, previousRefreshTokenId: current.id, clientId: client.clientId },
    });
    return {
      pair: {
        accessToken: pair.accessToken,
        expiresInSeconds: Math.max(0, Math.floor((access.expiresAt.getTime() - now.getTime()) / 1000)),
        refreshToken: pair.refreshToken,
        refreshTokenExpiresAt: current.expiresAt,
        scope: scopeList,
      },
    };
  }

  /**
   * Token revocation (RFC 7009) by whoever holds the token (the authenticated client, when one
   * was named, must be the token's): a refresh token revokes its family and their access tokens; an
   * access token revokes itself. Unknown tokens change nothing.
   */
  async revokePresented(ctx: RequestContext, presented: string, client: OAuthClientEntity | null): Promise<void> {
    const prefix = parseSecret(presented);
    if (!prefix) return;
    if (prefix === SECRET_PREFIXES.refreshToken) {
      await ctx.transaction(async (tx) => {
        const refresh = await this.lockBySecret(tx, presented);
        if (!refresh) return;
        if (client && refresh.oauthClientId !== client.id) throw new OAuthError('unauthorized_client', 'The token was issued to another client');
        const actor = this.actingAs(ctx, await tx.findOneOrFail(UserEntity, { where: { id: refresh.ownerId } }));
        const revoked = await this.revokeFamily(tx, actor, refresh.familyId, REVOKED_BY_CLIENT);
        await this.audit.record(tx, actor, { action: 'revokeRefreshToken', targetType: 'AccessToken', targetId: refresh.accessTokenId, detail: { refreshTokenId: refresh.id, revokedAccessTokens: revoked } });
      });
      return;
    }
    if (!ACCESS_TOKEN_PREFIXES.includes(prefix)) return;
    await ctx.transaction(async (tx) => {
      const token = (await this.peppers.find(presented, (tokenHash) => forUpdate(tx.createQueryBuilder(AccessTokenEntity, 'token')).where('token.tokenHash = :tokenHash', { tokenHash }).getOne()))?.record;
      if (!token) return;
      if (client && token.kind === AccessTokenKind.CLIENT && !(await tx.exists(RefreshTokenEntity, { where: { accessTokenId: token.id, oauthClientId: client.id } }))) {
        throw new OAuthError('unauthorized_client', 'The token was issued to another client');
      }
      if (token.revokedAt) return;
      const actor = this.actingAs(ctx, await tx.findOneOrFail(UserEntity, { where: { id: token.ownerId } }));
      await tx.update(AccessTokenEntity, { id: token.id }, { revokedAt: new Date(), revokedById: token.ownerId, revocationReason: REVOKED_BY_CLIENT });
      await recordTokenRevocations(tx, { tokenIds: [token.id] });
      await this.audit.record(tx, actor, { action: 'revokeAccessToken', targetType: 'AccessToken', targetId: token.id, organizationId: token.organizationId, detail: { reason: REVOKED_BY_CLIENT, via: 'oauth/revoke' } });
    });
  }

  /**
   * RFC 7662 members of a live refresh token (not spent, revoked or expired; owner usable), with
   * what decides who may see them (`ownerId`, `oauthClientId`); null otherwise.
   */
  async introspect(ctx: RequestContext, presented: string): Promise<RefreshTokenIntrospection | null> {
    if (parseSecret(presented) !== SECRET_PREFIXES.refreshToken) return null;
    const refresh = (await this.peppers.find(presented, (tokenHash) => ctx.db.manager.findOne(RefreshTokenEntity, { where: { tokenHash }, relations: { oauthClient: true, owner: true, accessToken: true } })))?.record;
    const now = new Date();
    if (!refresh || refresh.revokedAt || refresh.replacedByRefreshTokenId || (refresh.expiresAt && refresh.expiresAt <= now) || !isUserUsable(refresh.owner!, now)) return null;
    return {
      ownerId: refresh.ownerId,
      oauthClientId: refresh.oauthClientId,
      answer: {
        active: true,
        token_type: 'refresh_token',
        scope: refresh.accessToken!.scopeList,
        client_id: refresh.oauthClient!.clientId,
        sub: refresh.ownerId,
        iat: Math.floor(refresh.createdAt.getTime() / 1000),
        ...(refresh.expiresAt ? { exp: Math.floor(refresh.expiresAt.getTime() / 1000) } : {}),
        jti: refresh.id,
        kind: AccessTokenKind.CLIENT,
      },
    };
  }

  /** The `client_id` of the OAuth client a CLIENT access token was issued to. */
  async clientIdOf(ctx: RequestContext, accessTokenId: string): Promise<string | null> {
    const row = await ctx.db.manager
      .createQueryBuilder(RefreshTokenEntity, 'refresh')
      .innerJoin('refresh.oauthClient', 'client')
      .select('client.clientId', 'clientId')
      .where('refresh.accessTokenId = :accessTokenId', { accessTokenId })
      .getRawOne<{ clientId: string }>();
    return row?.clientId ?? null;
  }

  /** Revokes every refresh token of an account whose credentials ended (its access tokens are revoked by the access-token hook). */
  async revokeAllOfOwner(tx: EntityManager, _ctx: RequestContext, user: UserEntity, end: AccountEnd): Promise<void> {
    await tx.update(RefreshTokenEntity, { ownerId: user.id, revokedAt: IsNull() }, { revokedAt: new Date(), revocationReason: revocationReasonOf(end), graceSealed: null });
  }

  /**
   * Deletes the refresh tokens that can no longer be used nor tell a reuse: expired families and
   * revoked ones. Spent tokens of a live family stay, so that presenting one still revokes it.
   */
  async pruneUnusable(manager: EntityManager): Promise<number> {
    const result = await manager
      .createQueryBuilder()
      .delete()
      .from(RefreshTokenEntity)
      .where('expiresAt <= :now OR revokedAt IS NOT NULL', { now: new Date() })
      .execute();
    return result.affected ?? 0;
  }

  /** Revokes the access tokens issued for a client that is being deleted (its refresh tokens go with it); returns how many. */
  async revokeForClient(tx: EntityManager, ctx: RequestContext, oauthClientId: string): Promise<number> {
    const refreshTokens = await tx.find(RefreshTokenEntity, { select: { accessTokenId: true }, where: { oauthClientId } });
    return this.revokeAccessTokens(tx, ctx, refreshTokens.map((r) => r.accessTokenId), REVOKED_BY_CLIENT_DELETION);
  }

  /**
   * The scope of the next access token (RFC 6749 §6): the family's original grant (the scope of its
   * first access token), or the requested part of it; null when the request names a scope outside it.
   */
  private async scopeFor(tx: EntityManager, current: RefreshTokenEntity, requested: string | null): Promise<string | null> {
    const first = await tx.findOneOrFail(RefreshTokenEntity, { select: { accessTokenId: true }, where: { id: current.familyId } });
    const granted = (await tx.findOneOrFail(AccessTokenEntity, { select: { scopeList: true }, where: { id: first.accessTokenId } })).scopeList.split(' ');
    if (requested === null) return granted.join(' ');
    const wanted = new Set(requested.split(' ').filter(Boolean));
    if (!wanted.size || [...wanted].some((scope) => !granted.includes(scope))) return null;
    return granted.filter((scope) => wanted.has(scope)).join(' ');
  }

  /**
   * Locks a refresh token row by its primary key, found first by a plain read of the hash index
   * (under each pepper in turn, see PepperRing.find). Locking through the unique hash index took a
   * next-key lock there, and the winner's insert of the successor into that index then waited on
   * the queued lockers: a deadlock on MySQL.
   */
  private async lockBySecret(tx: EntityManager, presented: string): Promise<RefreshTokenEntity | null> {
    const found = (await this.peppers.find(presented, (tokenHash) => tx.findOne(RefreshTokenEntity, { select: { id: true }, where: { tokenHash } })))?.record;
    if (!found) return null;
    return forUpdate(tx.createQueryBuilder(RefreshTokenEntity, 'refresh')).addSelect('refresh.graceSealed').where('refresh.id = :id', { id: found.id }).getOne();
  }

  /** Revokes a family's refresh tokens and the access tokens issued with them (still live ones, for `reason`); returns how many access tokens. */
  async revokeFamily(tx: EntityManager, ctx: RequestContext, familyId: string, reason: string): Promise<number> {
    const members = await tx.find(RefreshTokenEntity, { where: { familyId } });
    await tx.update(RefreshTokenEntity, { familyId, revokedAt: IsNull() }, { revokedAt: new Date(), revocationReason: reason, graceSealed: null });
    return this.revokeAccessTokens(tx, ctx, members.map((m) => m.accessTokenId), reason);
  }

  private async revokeAccessTokens(tx: EntityManager, ctx: RequestContext, ids: string[], reason: string): Promise<number> {
    const active = ids.length ? await tx.find(AccessTokenEntity, { select: { id: true }, where: { id: In(ids), revokedAt: IsNull() } }) : [];
    if (active.length) {
      await tx.update(AccessTokenEntity, { id: In(active.map((t) => t.id)) }, { revokedAt: new Date(), revokedById: ctx.caller?.user.id ?? null, revocationReason: reason });
      await recordTokenRevocations(tx, { tokenIds: active.map((t) => t.id) });
    }
    return active.length;
  }

  private async insert(tx: EntityManager, fields: Pick<RefreshTokenEntity, 'id' | 'familyId' | 'accessTokenId' | 'oauthClientId' | 'ownerId' | 'expiresAt'>): Promise<string> {
    const secret = generateSecret(SECRET_PREFIXES.refreshToken);
    await tx.insert(RefreshTokenEntity, {
      ...fields,
      tokenHash: this.peppers.digest(secret),
      pepperId: this.peppers.current.id,
      hint: secretHint(secret),
      revokedAt: null,
      revocationReason: null,
      replacedByRefreshTokenId: null,
    });
    return secret;
  }

  /** The context of an OAuth request, acting as the token's owner (for the audit trail). */
  private actingAs(ctx: RequestContext, owner: UserEntity): RequestContext {
    return { ...ctx, caller: { user: owner, sessionId: null, accessTokenId: null, scopes: null } };
  }
}
