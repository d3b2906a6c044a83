import { Brackets, EntityManager, IsNull, Not, SelectQueryBuilder } from 'typeorm';
import { AuditService } from '../../core/audit/audit.service';
import { RequestContext } from '../../core/context/request-context';
import { forUpdate } from '../../core/database/transaction';
import { ConnectionArgs, paginate } from '../../core/pagination/connection';
import { AccessTokenEntity, AccessTokenLevel } from '../access-token/access-token.entity';
import { TokenEventType } from '../access-token/access-token.events';
import { holderOf, revokedAsUnused } from '../access-token/access-token.records';
import { TokenPolicyEntity } from './token-policy.entity';

const DAY_MS = 86_400_000;

/** Tokens revoked per organization (or for personal tokens) per sweep at most; the next sweep takes the rest. */
const STALE_SWEEP_BATCH = 500;

/** Which tokens a stale rule covers: an organization's (its organization, group and project tokens), or every personal token. */
export type StaleScope = { organizationId: string } | { personal: true };

/**
 * Revokes tokens nobody used for longer than allowed (GitLab #369000): an organization's tokens by
 * its policy's `revokeUnusedAfterDays`, personal tokens by TESSERA_REVOKE_UNUSED_PERSONAL_TOKENS_AFTER_DAYS.
 * The dry run and the sweep select through the same query, so the dry run lists exactly what the
 * next sweep revokes.
 */
export class StaleTokenService {
  constructor(private readonly audit: AuditService) {}

  /**
   * Live tokens of the scope not used for `days` days (never used: created that long ago). Revoked
   * and expired tokens are left alone: they already do not work.
   */
  staleQuery(em: EntityManager, scope: StaleScope, days: number, now = new Date()): SelectQueryBuilder<AccessTokenEntity> {
    const cutoff = new Date(now.getTime() - days * DAY_MS);
    const query = em.createQueryBuilder(AccessTokenEntity, 'token');
    if ('organizationId' in scope) query.where('token.organizationId = :organizationId', { organizationId: scope.organizationId });
    else query.where('token.level = :personal', { personal: AccessTokenLevel.PERSONAL });
    return query
      .andWhere('token.revokedAt IS NULL')
      .andWhere('(token.expiresAt IS NULL OR token.expiresAt > :now)', { now })
      .andWhere(new Brackets((qb) => qb.where('token.lastUsedAt <= :cutoff', { cutoff }).orWhere('(token.lastUsedAt IS NULL AND token.createdAt <= :cutoff)', { cutoff })));
  }

  /** The dry run: what the sweep would revoke in the organization now, newest first; empty when its policy revokes nothing. */
  async listStale(ctx: RequestContext, organizationId: string, page: ConnectionArgs) {
    const policy = await ctx.db.manager.findOne(TokenPolicyEntity, { where: { organizationId } });
    const days = policy?.revokeUnusedAfterDays ?? null;
    // An impossible condition keeps the connection's shape (totalCount 0) without a second code path.
    const query = days === null ? ctx.db.manager.createQueryBuilder(AccessTokenEntity, 'token').where('1 = 0') : this.staleQuery(ctx.db.manager, { organizationId }, days);
    return paginate(query, page);
  }

  /**
   * One sweep over every organization with a rule, then personal tokens when the platform setting
   * is set. Every instance runs it (TESSERA_STALE_SWEEP_SECONDS): each token is locked and re-checked before it is revoked, so
   * concurrent sweeps revoke (and audit) it once. Returns how many tokens this call revoked.
   */
  async sweep(ctx: RequestContext): Promise<number> {
    const policies = await ctx.db.manager.find(TokenPolicyEntity, { select: { organizationId: true, revokeUnusedAfterDays: true }, where: { revokeUnusedAfterDays: Not(IsNull()) } });
    const rules: Array<{ scope: StaleScope; days: number }> = policies.map((p) => ({ scope: { organizationId: p.organizationId }, days: p.revokeUnusedAfterDays! }));
    const personalDays = ctx.config.revokeUnusedPersonalTokensAfterDays;
    if (personalDays !== undefined) rules.push({ scope: { personal: true }, days: personalDays });
    let revoked = 0;
    for (const { scope, days } of rules) {
      const stale = await this.staleQuery(ctx.db.manager, scope, days).select('token.id', 'id').orderBy('token.id').limit(STALE_SWEEP_BATCH).getRawMany<{ id: string }>();
      for (const { id } of stale) if (await this.revokeIfStale(ctx, id, scope, days)) revoked += 1;
    }
    return revoked;
  }

  /** Revokes the token if it is still stale under its lock (another instance may have revoked it, or it was used since). */
  private revokeIfStale(ctx: RequestContext, id: string, scope: StaleScope, days: number): Promise<boolean> {
    return ctx.transaction(async (tx) => {
      // Locking through the stale condition: a sweep that waited for another's revoke reads the revoked row and finds nothing.
      const token = await forUpdate(this.staleQuery(tx, scope, days).andWhere('token.id = :id', { id })).getOne();
      if (!token) return false;
      const reason = revokedAsUnused(days);
      Object.assign(token, { revokedAt: new Date(), revokedById: null, revocationReason: reason });
      await tx.save(token);
      await this.audit.record(tx, ctx, {
        action: 'revokeStaleAccessToken',
        targetType: 'AccessToken',
        targetId: token.id,
        organizationId: token.organizationId,
        subjectUserId: holderOf(token),
        detail: { reason, unusedForDays: days, lastUsedAt: token.lastUsedAt?.toISOString() ?? null },
      });
      await ctx.services.tokenEvents.publish(tx, { type: TokenEventType.REVOKED_AS_STALE, tokenIds: [token.id], detail: { unusedForDays: days } });
      return true;
    });
  }
}
