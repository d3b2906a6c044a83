import { Brackets, DataSource, SelectQueryBuilder } from 'typeorm';
import { callerRoleOn } from '../../../core/authorization/caller-role';
import { ResourcePath } from '../../../core/authorization/resource-path';
import { Role, roleAtLeast } from '../../../core/authorization/role';
import { RequestContext, requireCaller } from '../../../core/context/request-context';
import { containsPattern } from '../../../core/database/like';
import { forbidden, notFound } from '../../../core/errors/app-error';
import { ConnectionArgs, OrderDirection, SortKey, paginate } from '../../../core/pagination/connection';
import { UserStatus } from '../../user/user.entity';
import { AccessTokenEntity, AccessTokenLevel } from '../access-token.entity';
import { AccessTokenStatus, REVOKED_AS_LEAKED } from '../access-token.status';
import { AccessTokenFilterArgs, AccessTokenOrderField } from '../access-token.types';

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

/** Reading tokens: one by id, and the token tables (own, per resource, platform-wide) with filters and sort orders. */
export class AccessTokenQueryService {
  async get(ctx: RequestContext, id: string): Promise<AccessTokenEntity> {
    const token = await ctx.db.manager.findOne(AccessTokenEntity, { where: { id } });
    if (!token) throw notFound('Access token');
    return token;
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

  /** A query over tokens with the filters a token table needs; status is derived as in `accessTokenStatus`. */
  private filtered(ctx: RequestContext, filter: AccessTokenFilterArgs): SelectQueryBuilder<AccessTokenEntity> {
    const now = new Date();
    const query = ctx.db.manager.createQueryBuilder(AccessTokenEntity, 'token');
    // Only the owner-dependent statuses need the owner; without that filter a join would lead the
    // optimizer through the users table and sort a whole owner's tokens.
    if (filter.status === AccessTokenStatus.ACTIVE || filter.status === AccessTokenStatus.ROTATING || filter.status === AccessTokenStatus.OWNER_INACTIVE) query.innerJoin('token.owner', 'owner');
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
    // A future revokedAt is the end of a rotation overlap (see accessTokenStatus).
    const notRevoked = '(token.revokedAt IS NULL OR token.revokedAt > :now)';
    switch (filter.status) {
      case AccessTokenStatus.REVOKED:
        query.andWhere('token.revokedAt <= :now AND (token.revocationReason IS NULL OR token.revocationReason <> :leaked)', { now, leaked: REVOKED_AS_LEAKED });
        break;
      case AccessTokenStatus.LEAKED:
        query.andWhere('token.revokedAt <= :now AND token.revocationReason = :leaked', { now, leaked: REVOKED_AS_LEAKED });
        break;
      case AccessTokenStatus.EXPIRED:
        query.andWhere(`${notRevoked} AND token.expiresAt <= :now`, { now });
        break;
      case AccessTokenStatus.OWNER_INACTIVE:
        query.andWhere(`${notRevoked} AND ${notExpired}`, { now }).andWhere(new Brackets((qb) => qb.where('NOT (owner.status = :active AND (owner.validUntil IS NULL OR owner.validUntil > :now))', { active: UserStatus.ACTIVE, now })));
        break;
      case AccessTokenStatus.ACTIVE:
        query.andWhere(`token.revokedAt IS NULL AND ${notExpired}`, { now }).andWhere(ownerUsable);
        break;
      case AccessTokenStatus.ROTATING:
        query.andWhere(`token.revokedAt > :now AND ${notExpired}`, { now }).andWhere(ownerUsable);
        break;
    }
    return query;
  }
}
