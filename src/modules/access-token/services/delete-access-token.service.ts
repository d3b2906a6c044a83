import { EntityManager, In } from 'typeorm';
import { AuditService } from '../../../core/audit/audit.service';
import { ResourceType } from '../../../core/authorization/role';
import { RequestContext, requireCaller } from '../../../core/context/request-context';
import { forbidden } from '../../../core/errors/app-error';
import { ResourceRef } from '../../../core/lifecycle/resource-deletion';
import { AccessTokenEntity, AccessTokenKind, AccessTokenLevel } from '../access-token.entity';
import { deleteAccessTokens, lockAccessToken } from '../access-token.records';

/** Deleting tokens for good (unlike revocation): one with its rotated predecessors, all of one's own, or a deleted resource's. */
export class DeleteAccessTokenService {
  constructor(private readonly audit: AuditService) {}

  /** Deletes a token with its rotated predecessors and, when unused, its technical user. */
  async delete(ctx: RequestContext, id: string): Promise<void> {
    await ctx.transaction(async (tx) => {
      const token = await lockAccessToken(tx, id);
      const chain = [token];
      for (let previous = token.previousTokenId; previous; ) {
        const found = await tx.findOne(AccessTokenEntity, { where: { id: previous } });
        if (!found) break;
        chain.push(found);
        previous = found.previousTokenId;
      }
      await deleteAccessTokens(tx, chain);
      await this.audit.record(tx, ctx, { action: 'deleteAccessToken', targetType: 'AccessToken', targetId: id, organizationId: token.organizationId, detail: { deleted: chain.length } });
    });
  }

  /** Deletes the caller's own personal tokens, optionally of one kind. */
  async deleteAllOwn(ctx: RequestContext, kind: AccessTokenKind | undefined): Promise<number> {
    const caller = requireCaller(ctx);
    if (!caller.sessionId) throw forbidden('Sign in to delete all your tokens; an access token cannot');
    return ctx.transaction(async (tx) => {
      const tokens = await tx.find(AccessTokenEntity, { where: { ownerId: caller.user.id, level: AccessTokenLevel.PERSONAL, ...(kind ? { kind } : {}) } });
      await deleteAccessTokens(tx, tokens);
      await this.audit.record(tx, ctx, { action: 'deleteAllAccessTokens', targetType: 'User', targetId: caller.user.id, detail: { kind: kind ?? null, deleted: tokens.length } });
      return tokens.length;
    });
  }

  /** Deletes the tokens (and technical users) bound to resources that are being deleted. */
  async deleteForResources(tx: EntityManager, resources: ResourceRef[]): Promise<void> {
    for (const type of Object.values(ResourceType)) {
      const ids = resources.filter((r) => r.type === type).map((r) => r.id);
      if (ids.length) await deleteAccessTokens(tx, await tx.find(AccessTokenEntity, { where: { resourceType: type, resourceId: In(ids) } }));
    }
  }
}
