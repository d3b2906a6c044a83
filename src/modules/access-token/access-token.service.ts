import { Brackets, DataSource, EntityManager, In, IsNull, SelectQueryBuilder } from 'typeorm';
import { AuditService } from '../../core/audit/audit.service';
import { callerRoleOn } from '../../core/authorization/caller-role';
import { ResourcePath, namedResource } from '../../core/authorization/resource-path';
import { resolveResourcePath } from '../resource-hierarchy/resource-hierarchy';
import { ResourceType, Role, roleAtLeast } from '../../core/authorization/role';
import { Caller, RequestContext, requireCaller } from '../../core/context/request-context';
import { AppError, ErrorCode, badInput, conflict, forbidden, notFound } from '../../core/errors/app-error';
import { forUpdate } from '../../core/database/transaction';
import { ResourceRef } from '../../core/lifecycle/resource-deletion';
import { ConnectionArgs, OrderDirection, SortKey, paginate } from '../../core/pagination/connection';
import { containsPattern } from '../../core/database/like';
import { SECRET_PREFIXES, SecretPrefix, generateSecret, hashSecret, secretHint } from '../../core/secrets/secret-format';
import { MembershipEntity } from '../membership/membership.entity';
import { RefreshTokenEntity } from '../refresh-token/refresh-token.entity';
import { SessionService } from '../session/session.service';
import { TokenPolicyService } from '../token-policy/token-policy.service';
import { UserEntity, UserKind, UserStatus } from '../user/user.entity';
import { AccessTokenEntity, AccessTokenKind, AccessTokenLevel, tokenScopes } from './access-token.entity';
import { MintingToken, checkReissue, checkRole, checkScopesStillAllowed, checkScopes, resolveExpiry, resolveRotationExpiry } from './access-token.policy';
import { AccessTokenStatus, accessTokenStatus } from './access-token.status';
import { AccessTokenFilterArgs, AccessTokenOrderField } from './access-token.types';
import { CreateAccessTokenInput } from './dto/create-access-token.input';

export interface IssuedAccessToken {
  accessToken: AccessTokenEntity;
  secret: string;
  /** CLIENT tokens: the refresh token's secret and expiry (null when offline). */
  refreshToken?: string;
  refreshTokenExpiresAt?: Date | null;
}

/** The columns a caller of `insert` gives; the secret's hash, hint and the state columns are set there. */
export type NewAccessTokenFields = Omit<AccessTokenEntity, 'id' | 'tokenHash' | 'hint' | 'createdAt' | 'revokedAt' | 'revokedById' | 'revocationReason' | 'lastUsedAt' | 'lastUsedAddresses' | 'replacedByTokenId' | 'assignId' | 'owner'>;

/**
 * Issuing rules of a token kind that needs more than the common ones (CLIENT tokens: an OAuth
 * client, its access-token lifetime, and a refresh token), registered with `registerKind`.
 */
export interface TokenKindIssuer {
  /** Checks the kind's input before anything is written; returns the access token's expiry. */
  prepare(ctx: RequestContext, input: CreateAccessTokenInput): Promise<{ expiresAt: Date | null }>;
  /** Runs in the create transaction once the access token is inserted; returns what the caller gets. */
  issued(tx: EntityManager, ctx: RequestContext, issued: IssuedAccessToken, input: CreateAccessTokenInput): Promise<IssuedAccessToken>;
}

const LEVEL_OF_RESOURCE: Record<ResourceType, AccessTokenLevel> = {
  [ResourceType.ORGANIZATION]: AccessTokenLevel.ORGANIZATION,
  [ResourceType.GROUP]: AccessTokenLevel.GROUP,
  [ResourceType.PROJECT]: AccessTokenLevel.PROJECT,
};

export function secretPrefixOf(level: AccessTokenLevel, kind: AccessTokenKind): SecretPrefix {
  if (kind === AccessTokenKind.EXPOSE) return SECRET_PREFIXES.exposeToken;
  if (kind === AccessTokenKind.CLIENT) return SECRET_PREFIXES.clientAccessToken;
  switch (level) {
    case AccessTokenLevel.PERSONAL:
      return SECRET_PREFIXES.personalAccessToken;
    case AccessTokenLevel.ORGANIZATION:
      return SECRET_PREFIXES.organizationAccessToken;
    case AccessTokenLevel.GROUP:
      return SECRET_PREFIXES.groupAccessToken;
    case AccessTokenLevel.PROJECT:
      return SECRET_PREFIXES.projectAccessToken;
  }
}

export const ACCESS_TOKEN_PREFIXES: SecretPrefix[] = [
  SECRET_PREFIXES.personalAccessToken,
  SECRET_PREFIXES.organizationAccessToken,
  SECRET_PREFIXES.groupAccessToken,
  SECRET_PREFIXES.projectAccessToken,
  SECRET_PREFIXES.exposeToken,
  SECRET_PREFIXES.clientAccessToken,
];

// Sort stand-ins for missing dates: no expiry sorts as the latest, never used as the earliest.
const NO_EXPIRY = new Date('9999-12-31T00:00:00.000Z');
const NEVER_USED = new Date('1970-01-01T00:00:00.000Z');

/**
 * A date column with a stand-in for NULL that stays a date on MySQL (COALESCE with a plain string
 * would compare as text there); SQLite stores dates as text in the same format as the literal.
 */
function dateOrStandIn(db: DataSource, column: string, standIn: Date): string {
  const text = standIn.toISOString().replace('T', ' ').replace('Z', '');
  return db.options.type === 'better-sqlite3' ? `COALESCE(${column}, '${text}')` : `COALESCE(${column}, TIMESTAMP('${text}'))`;
}

/** The sort key of a token list (creation order when none is asked for). */
function sortKeyOf(db: DataSource, filter: AccessTokenFilterArgs): SortKey<AccessTokenEntity> | undefined {
  const direction = filter.direction ?? OrderDirection.DESC;
  switch (filter.orderBy ?? AccessTokenOrderField.CREATED_AT) {
    case AccessTokenOrderField.CREATED_AT:
      return direction === OrderDirection.DESC ? undefined : { expression: 'token.id', direction, valueOf: (token) => token.id };
    case AccessTokenOrderField.NAME:
      return { expression: 'token.name', direction, valueOf: (token) => token.name };
    case AccessTokenOrderField.EXPIRES_AT:
      return { expression: dateOrStandIn(db, 'token.expiresAt', NO_EXPIRY), direction, valueOf: (token) => token.expiresAt ?? NO_EXPIRY, isDate: true };
    case AccessTokenOrderField.LAST_USED_AT:
      return { expression: dateOrStandIn(db, 'token.lastUsedAt', NEVER_USED), direction, valueOf: (token) => token.lastUsedAt ?? NEVER_USED, isDate: true };
  }
}

export const REVOKED_BY_ROTATION = 'rotated';
export const REVOKED_BY_OWNER_DEACTIVATION = 'owner deactivated';
export const REVOKED_BY_REUSE = 'rotated token reused: chain revoked';
export const REVOKED_BY_REFRESH_REUSE = 'refresh token reused: family revoked';

/**
 * Access tokens at four levels: create (with a technical user for resource tokens), revoke,
 * restore, rotate (with reuse detection), delete.
 * Access to each mutation is decided by its `@requireRole` rule; this service adds the rules that
 * depend on the request's content (role ceiling, scopes, expiry, password re-entry).
 */
export class AccessTokenService {
  constructor(
    private readonly pepper: string,
    private readonly audit: AuditService,
    private readonly sessions: SessionService,
    private readonly policies: TokenPolicyService,
  ) {}

  private readonly kindIssuers = new Map<AccessTokenKind, TokenKindIssuer>();

  /** Hands the kind-specific part of `create` for `kind` to `issuer`. */
  registerKind(kind: AccessTokenKind, issuer: TokenKindIssuer): void {
    this.kindIssuers.set(kind, issuer);
  }

  async create(ctx: RequestContext, input: CreateAccessTokenInput): Promise<IssuedAccessToken> {
    const caller = requireCaller(ctx);
    const resource = namedResource(input);
    const level = resource ? LEVEL_OF_RESOURCE[resource.type] : AccessTokenLevel.PERSONAL;
    const kind = input.kind ?? AccessTokenKind.ACCESS;
    if ((kind === AccessTokenKind.EXPOSE || kind === AccessTokenKind.CLIENT) && level !== AccessTokenLevel.PERSONAL) throw badInput('input.kind', `${kind} tokens are personal`, 'personalOnly');
    if (kind !== AccessTokenKind.CLIENT && input.oauthClientId != null) throw badInput('input.oauthClientId', 'only CLIENT tokens have an OAuth client', 'clientOnly');
    if (kind !== AccessTokenKind.CLIENT && input.offline != null) throw badInput('input.offline', 'only CLIENT tokens have a refresh token', 'clientOnly');
    const kindIssuer = this.kindIssuers.get(kind);
    if (!resource && caller.accessTokenId) throw forbidden('An access token cannot create personal tokens; sign in to do so');
    if (!resource && input.role) throw badInput('input.role', 'personal tokens act with your own roles and take none', 'resourceOnly');

    const minting = await this.mintingToken(ctx, caller);
    if (!minting) await this.reenterPassword(ctx, caller, input.password, 'create');
    const path = resource ? await resolveResourcePath(ctx.db.manager, resource.type, resource.id) : null;
    if (resource && !path) throw notFound('Resource');
    const policy = path ? await this.policies.find(ctx.db.manager, path.organizationId) : null;
    const scopes = checkScopes(level, input.scopes, policy, minting);
    const role = path ? checkRole(await callerRoleOn(ctx, path), input.role ?? Role.VIEWER) : null;
    const expiresAt = kindIssuer ? (await kindIssuer.prepare(ctx, input)).expiresAt : resolveExpiry(input.expiresAt, policy, minting);

    return ctx.transaction(async (tx) => {
      const ownerId = path ? await this.createTechnicalUser(tx, input.name, path, role!) : caller.user.id;
      const inserted = await this.insert(tx, {
        level,
        kind,
        name: input.name.trim(),
        description: input.description?.trim() || null,
        scopeList: scopes.join(' '),
        role,
        resourceType: path?.type ?? null,
        resourceId: path?.id ?? null,
        organizationId: path?.organizationId ?? null,
        ownerId,
        createdById: caller.user.id,
        expiresAt,
        previousTokenId: null,
      });
      const issued = kindIssuer ? await kindIssuer.issued(tx, ctx, inserted, input) : inserted;
      await this.audit.record(tx, ctx, {
        action: 'createAccessToken',
        targetType: 'AccessToken',
        targetId: issued.accessToken.id,
        organizationId: path?.organizationId ?? null,
        detail: { level, kind, scopes, role, expiresAt: expiresAt?.toISOString() ?? null },
      });
      return issued;
    });
  }

  /** Temporarily disables a token; revoking a revoked token changes nothing. */
  async revoke(ctx: RequestContext, id: string, reason: string | null): Promise<AccessTokenEntity> {
    return ctx.transaction(async (tx) => {
      const token = await this.lock(tx, id);
      if (token.revokedAt) return token;
      Object.assign(token, { revokedAt: new Date(), revokedById: ctx.caller?.user.id ?? null, revocationReason: reason?.trim() || null });
      await tx.save(token);
      await this.audit.record(tx, ctx, { action: 'revokeAccessToken', targetType: 'AccessToken', targetId: id, organizationId: token.organizationId, detail: { reason: token.revocationReason } });
      return token;
    });
  }

  /**
   * Re-enables a revoked token that has not expired, was not rotated, and whose owner (and, for a
   * CLIENT token, OAuth client) still exists and is active, within the caller's limits as rotation.
   */
  async restore(ctx: RequestContext, id: string): Promise<AccessTokenEntity> {
    const minting = await this.mintingToken(ctx, requireCaller(ctx));
    return ctx.transaction(async (tx) => {
      const token = await this.lock(tx, id);
      checkReissue('restore', token.level, tokenScopes(token), minting, token.expiresAt);
      if (!token.revokedAt) return token;
      if (token.replacedByTokenId) throw conflict('A rotated token cannot be restored; its successor replaces it');
      if (token.revocationReason === REVOKED_BY_OWNER_DEACTIVATION || token.revocationReason === REVOKED_BY_REUSE || token.revocationReason === REVOKED_BY_REFRESH_REUSE) {
        throw conflict(`A token revoked because "${token.revocationReason}" stays revoked; create a new one`);
      }
      const owner = await tx.findOneOrFail(UserEntity, { where: { id: token.ownerId } });
      const status = accessTokenStatus({ ...token, revokedAt: null }, owner);
      if (status === AccessTokenStatus.EXPIRED) throw conflict('The token has expired; create a new one');
      if (status === AccessTokenStatus.OWNER_INACTIVE) throw conflict("The token's owner is inactive");
      if (token.kind === AccessTokenKind.CLIENT && !(await this.hasOAuthClient(tx, token))) throw conflict('The OAuth client of this CLIENT token was deleted; create a new token');
      Object.assign(token, { revokedAt: null, revokedById: null, revocationReason: null });
      await tx.save(token);
      await this.audit.record(tx, ctx, { action: 'restoreAccessToken', targetType: 'AccessToken', targetId: id, organizationId: token.organizationId });
      return token;
    });
  }

  /**
   * Issues a new secret with the same settings and revokes the old one, linking the two. Rotating
   * a token that was already rotated is reuse of a stale secret: the whole chain is revoked.
   */
  async rotate(ctx: RequestContext, id: string, requestedExpiry: Date | null | undefined, password: string | undefined): Promise<IssuedAccessToken> {
    const caller = requireCaller(ctx);
    const minting = await this.mintingToken(ctx, caller);
    if (!minting) await this.reenterPassword(ctx, caller, password, 'rotate');
    const outcome = await ctx.transaction(async (tx) => {
      const token = await this.lock(tx, id);
      if (token.kind === AccessTokenKind.CLIENT) throw conflict('A CLIENT token is renewed by its OAuth client at POST /oauth/token, not rotated');
      checkReissue('rotate', token.level, tokenScopes(token), minting);
      if (token.replacedByTokenId) {
        const revoked = await this.revokeChain(tx, ctx, token);
        return { reused: true as const, revoked };
      }
      const owner = await tx.findOneOrFail(UserEntity, { where: { id: token.ownerId } });
      const status = accessTokenStatus(token, owner);
      if (status !== AccessTokenStatus.ACTIVE) throw conflict(`Only active tokens can be rotated (this one is ${status})`);
      const policy = token.organizationId ? await this.policies.find(tx, token.organizationId) : null;
      checkScopesStillAllowed(tokenScopes(token), policy);
      const expiresAt = resolveRotationExpiry(token, requestedExpiry, policy, minting);
      const issued = await this.insert(tx, {
        level: token.level,
        kind: token.kind,
        name: token.name,
        description: token.description,
        scopeList: token.scopeList,
        role: token.role,
        resourceType: token.resourceType,
        resourceId: token.resourceId,
        organizationId: token.organizationId,
        ownerId: token.ownerId,
        createdById: ctx.caller?.user.id ?? null,
        expiresAt,
        previousTokenId: token.id,
      });
      Object.assign(token, { revokedAt: new Date(), revokedById: ctx.caller?.user.id ?? null, revocationReason: REVOKED_BY_ROTATION, replacedByTokenId: issued.accessToken.id });
      await tx.save(token);
      await this.audit.record(tx, ctx, {
        action: 'rotateAccessToken',
        targetType: 'AccessToken',
        targetId: issued.accessToken.id,
        organizationId: token.organizationId,
        detail: { previousTokenId: token.id },
      });
      return { reused: false as const, issued };
    });
    if (outcome.reused) {
      throw new AppError(ErrorCode.CONFLICT, `This token was already rotated; reuse detected, ${outcome.revoked} token(s) of its chain revoked`);
    }
    return outcome.issued;
  }

  /** Deletes a token for good, with its rotated predecessors and, when unused, its technical user. */
  async delete(ctx: RequestContext, id: string): Promise<void> {
    await ctx.transaction(async (tx) => {
      const token = await this.lock(tx, id);
      const chain = [token];
      for (let previous = token.previousTokenId; previous; ) {
        const found = await tx.findOne(AccessTokenEntity, { where: { id: previous } });
        if (!found) break;
        chain.push(found);
        previous = found.previousTokenId;
      }
      await this.deleteTokens(tx, chain);
      await this.audit.record(tx, ctx, { action: 'deleteAccessToken', targetType: 'AccessToken', targetId: id, organizationId: token.organizationId, detail: { deleted: chain.length } });
    });
  }

  /** Deletes the caller's own personal tokens, optionally of one kind. */
  async deleteAllOwn(ctx: RequestContext, kind: AccessTokenKind | undefined): Promise<number> {
    const caller = requireCaller(ctx);
    if (!caller.sessionId) throw forbidden('Sign in to delete all your tokens; an access token cannot');
    return ctx.transaction(async (tx) => {
      const tokens = await tx.find(AccessTokenEntity, { where: { ownerId: caller.user.id, level: AccessTokenLevel.PERSONAL, ...(kind ? { kind } : {}) } });
      await this.deleteTokens(tx, tokens);
      await this.audit.record(tx, ctx, { action: 'deleteAllAccessTokens', targetType: 'User', targetId: caller.user.id, detail: { kind: kind ?? null, deleted: tokens.length } });
      return tokens.length;
    });
  }

  async get(ctx: RequestContext, id: string): Promise<AccessTokenEntity> {
    return this.load(ctx.db.manager, id);
  }

  /** The caller's own personal tokens. */
  listOwn(ctx: RequestContext, filter: AccessTokenFilterArgs, page: ConnectionArgs) {
    const query = this.filtered(ctx, filter).andWhere('token.ownerId = :ownerId AND token.level = :personal', {
      ownerId: requireCaller(ctx).user.id,
      personal: AccessTokenLevel.PERSONAL,
    });
    return paginate(query, page, sortKeyOf(ctx.db, filter));
  }

  /** Tokens bound to one resource; only its ADMINs (and platform admins) see them. */
  async listForResource(ctx: RequestContext, path: ResourcePath, filter: AccessTokenFilterArgs, page: ConnectionArgs) {
    if (!roleAtLeast(await callerRoleOn(ctx, path), Role.ADMIN)) throw forbidden('Only ADMINs of the resource see its access tokens');
    const query = this.filtered(ctx, filter).andWhere('token.resourceType = :resourceType AND token.resourceId = :resourceId', {
      resourceType: path.type,
      resourceId: path.id,
    });
    return paginate(query, page, sortKeyOf(ctx.db, filter));
  }

  /** Every token on the platform (platform admins). */
  listAll(ctx: RequestContext, filter: AccessTokenFilterArgs, page: ConnectionArgs) {
    return paginate(this.filtered(ctx, filter), page, sortKeyOf(ctx.db, filter));
  }

  /** Revokes every active personal token of a deactivated user (reactivation does not restore them). */
  async revokeAllOfOwner(tx: EntityManager, ctx: RequestContext, user: UserEntity): Promise<void> {
    await tx.update(
      AccessTokenEntity,
      { ownerId: user.id, revokedAt: IsNull() },
      { revokedAt: new Date(), revokedById: ctx.caller?.user.id ?? null, revocationReason: REVOKED_BY_OWNER_DEACTIVATION },
    );
  }

  /** Deletes the tokens (and technical users) bound to resources that are being deleted. */
  async deleteForResources(tx: EntityManager, resources: ResourceRef[]): Promise<void> {
    for (const type of Object.values(ResourceType)) {
      const ids = resources.filter((r) => r.type === type).map((r) => r.id);
      if (ids.length) await this.deleteTokens(tx, await tx.find(AccessTokenEntity, { where: { resourceType: type, resourceId: In(ids) } }));
    }
  }

  /** The limits a token-authenticated caller passes on: its own token's scopes and expiry. */
  private async mintingToken(ctx: RequestContext, caller: Caller): Promise<MintingToken | null> {
    if (!caller.accessTokenId) return null;
    const own = await ctx.db.manager.findOneOrFail(AccessTokenEntity, { where: { id: caller.accessTokenId } });
    return { scopes: tokenScopes(own), expiresAt: own.expiresAt };
  }

  /**
   * A signed-in session re-enters its password before it is handed a secret (create, rotate), so a
   * stolen session cookie alone cannot mint one; token callers are bound by their token's limits instead.
   */
  private async reenterPassword(ctx: RequestContext, caller: Caller, password: string | undefined, action: 'create' | 'rotate'): Promise<void> {
    if (!password) throw badInput('input.password', `enter your current password to ${action} a token`, 'isNotEmpty');
    await this.sessions.verifyPasswordThrottled(ctx, caller.user, password, 'input.password');
  }

  /** Whether a CLIENT token's OAuth client still exists (deleting a client deletes its refresh tokens). */
  private hasOAuthClient(tx: EntityManager, token: AccessTokenEntity): Promise<boolean> {
    return tx.exists(RefreshTokenEntity, { where: { accessTokenId: token.id } });
  }

  /** The token, row-locked until the transaction ends, so concurrent revokes and rotations of it take turns. */
  private async lock(tx: EntityManager, id: string): Promise<AccessTokenEntity> {
    const token = await forUpdate(tx.createQueryBuilder(AccessTokenEntity, 'token')).where('token.id = :id', { id }).getOne();
    if (!token) throw notFound('Access token');
    return token;
  }

  private async load(em: EntityManager, id: string): Promise<AccessTokenEntity> {
    const token = await em.findOne(AccessTokenEntity, { where: { id } });
    if (!token) throw notFound('Access token');
    return token;
  }

  private async createTechnicalUser(tx: EntityManager, tokenName: string, path: ResourcePath, role: Role): Promise<string> {
    const technicalUser = await tx.save(
      Object.assign(new UserEntity(), {
        kind: UserKind.TECHNICAL,
        email: null,
        displayName: `${tokenName.trim().slice(0, 80)} (token)`,
        passwordHash: null,
        status: UserStatus.ACTIVE,
        validUntil: null,
        isPlatformAdmin: false,
      }),
    );
    await tx.save(
      Object.assign(new MembershipEntity(), {
        userId: technicalUser.id,
        resourceType: path.type,
        resourceId: path.id,
        organizationId: path.organizationId,
        role,
      }),
    );
    return technicalUser.id;
  }

  /** Inserts a token with a new secret of its kind and level, inside the caller's transaction. */
  async insert(tx: EntityManager, fields: NewAccessTokenFields): Promise<IssuedAccessToken> {
    const secret = generateSecret(secretPrefixOf(fields.level, fields.kind));
    const accessToken = await tx.save(
      Object.assign(new AccessTokenEntity(), {
        ...fields,
        tokenHash: hashSecret(secret, this.pepper),
        hint: secretHint(secret),
        revokedAt: null,
        revokedById: null,
        revocationReason: null,
        lastUsedAt: null,
        lastUsedAddresses: null,
        replacedByTokenId: null,
      }),
    );
    return { accessToken, secret };
  }

  /** Revokes every still-active token of a rotation chain, both directions; returns how many. */
  private async revokeChain(tx: EntityManager, ctx: RequestContext, token: AccessTokenEntity): Promise<number> {
    const chain = new Map<string, AccessTokenEntity>([[token.id, token]]);
    const pending = [token];
    while (pending.length) {
      const current = pending.pop()!;
      for (const id of [current.previousTokenId, current.replacedByTokenId]) {
        if (!id || chain.has(id)) continue;
        const linked = await tx.findOne(AccessTokenEntity, { where: { id } });
        if (linked) {
          chain.set(id, linked);
          pending.push(linked);
        }
      }
    }
    const active = [...chain.values()].filter((t) => !t.revokedAt).map((t) => t.id);
    if (active.length) {
      await tx.update(AccessTokenEntity, { id: In(active) }, { revokedAt: new Date(), revokedById: ctx.caller?.user.id ?? null, revocationReason: REVOKED_BY_REUSE });
    }
    await this.audit.record(tx, ctx, { action: 'rotateAccessToken', targetType: 'AccessToken', targetId: token.id, organizationId: token.organizationId, detail: { reuseDetected: true, revoked: active } });
    return active.length;
  }

  /** Deletes tokens, then their technical users that no remaining token uses (memberships go with them). */
  private async deleteTokens(tx: EntityManager, tokens: AccessTokenEntity[]): Promise<void> {
    if (!tokens.length) return;
    await tx.delete(AccessTokenEntity, { id: In(tokens.map((t) => t.id)) });
    const owners = [...new Set(tokens.filter((t) => t.level !== AccessTokenLevel.PERSONAL).map((t) => t.ownerId))];
    for (const ownerId of owners) {
      if (!(await tx.exists(AccessTokenEntity, { where: { ownerId } }))) {
        await tx.delete(MembershipEntity, { userId: ownerId });
        await tx.delete(UserEntity, { id: ownerId, kind: UserKind.TECHNICAL });
      }
    }
  }

  /** A query over tokens with the filters a token table needs; status is derived as in `accessTokenStatus`. */
  private filtered(ctx: RequestContext, filter: AccessTokenFilterArgs): SelectQueryBuilder<AccessTokenEntity> {
    const now = new Date();
    const query = ctx.db.manager.createQueryBuilder(AccessTokenEntity, 'token');
    // Only the owner-dependent statuses need the owner; without that filter a join would lead the
    // optimizer through the users table and sort a whole owner's tokens.
    if (filter.status === AccessTokenStatus.ACTIVE || filter.status === AccessTokenStatus.OWNER_INACTIVE) query.innerJoin('token.owner', 'owner');
    if (filter.level) query.andWhere('token.level = :level', { level: filter.level });
    if (filter.kind) query.andWhere('token.kind = :kind', { kind: filter.kind });
    if (filter.expiresBefore) query.andWhere('token.expiresAt < :expiresBefore', { expiresBefore: filter.expiresBefore });
    if (filter.expiresAfter) query.andWhere('(token.expiresAt IS NULL OR token.expiresAt > :expiresAfter)', { expiresAfter: filter.expiresAfter });
    if (filter.createdById) query.andWhere('token.createdById = :createdById', { createdById: filter.createdById });
    if (filter.search) query.andWhere("LOWER(token.name) LIKE :search ESCAPE '!'", { search: containsPattern(filter.search) });
    const ownerUsable = new Brackets((qb) =>
      qb.where('owner.status = :active', { active: UserStatus.ACTIVE }).andWhere('(owner.validUntil IS NULL OR owner.validUntil > :now)', { now }),
    );
    const notExpired = '(token.expiresAt IS NULL OR token.expiresAt > :now)';
    switch (filter.status) {
      case AccessTokenStatus.REVOKED:
        query.andWhere('token.revokedAt IS NOT NULL');
        break;
      case AccessTokenStatus.EXPIRED:
        query.andWhere('token.revokedAt IS NULL AND token.expiresAt <= :now', { now });
        break;
      case AccessTokenStatus.OWNER_INACTIVE:
        query.andWhere(`token.revokedAt IS NULL AND ${notExpired}`, { now }).andWhere(new Brackets((qb) => qb.where('NOT (owner.status = :active AND (owner.validUntil IS NULL OR owner.validUntil > :now))', { active: UserStatus.ACTIVE, now })));
        break;
      case AccessTokenStatus.ACTIVE:
        query.andWhere(`token.revokedAt IS NULL AND ${notExpired}`, { now }).andWhere(ownerUsable);
        break;
    }
    return query;
  }
}
