import { EntityManager, In, IsNull, MoreThan } from 'typeorm';
import { AuditService } from '../../../core/audit/audit.service';
import { RequestContext, requireCaller } from '../../../core/context/request-context';
import { conflict } from '../../../core/errors/app-error';
import { RefreshTokenEntity } from '../../refresh-token/refresh-token.entity';
import { UserEntity } from '../../user/user.entity';
import { AccountEnd } from '../../user/user.service';
import { AccessTokenEntity, AccessTokenKind, tokenScopes } from '../access-token.entity';
import { TokenEventType } from '../access-token.events';
import { TokenPolicyService } from '../../token-policy/token-policy.service';
import { checkReissue, checkRestorable } from '../access-token.policy';
import { isFinalRevocation, lockAccessToken, mintingTokenOf, revocationReasonOf } from '../access-token.records';
import { AccessTokenStatus, REVOKED_AS_LEAKED, accessTokenStatus } from '../access-token.status';

/** Revocation (temporarily disabling a token) and its undo, and the revocations the system makes. */
export class RevokeAccessTokenService {
  constructor(
    private readonly audit: AuditService,
    private readonly policies: TokenPolicyService,
  ) {}

  /** Temporarily disables a token; revoking a revoked token changes nothing. */
  async revoke(ctx: RequestContext, id: string, reason: string | null): Promise<AccessTokenEntity> {
    return ctx.transaction(async (tx) => {
      const token = await lockAccessToken(tx, id);
      // A ROTATING token (overlap still running) is revoked now, ending its overlap.
      if (token.revokedAt && token.revokedAt <= new Date()) return token;
      Object.assign(token, { revokedAt: new Date(), revokedById: ctx.caller?.user.id ?? null, revocationReason: reason?.trim() || null });
      await tx.save(token);
      await this.audit.record(tx, ctx, { action: 'revokeAccessToken', targetType: 'AccessToken', targetId: id, organizationId: token.organizationId, detail: { reason: token.revocationReason } });
      await ctx.services.tokenEvents.publish(tx, { type: TokenEventType.REVOKED, tokenIds: [id] });
      return token;
    });
  }

  /**
   * Re-enables a revoked token that has not expired, was not rotated, and whose owner (and, for a
   * CLIENT token, OAuth client) still exists and is active, within the caller's limits as rotation
   * and its organization's token policy as it is now.
   */
  async restore(ctx: RequestContext, id: string): Promise<AccessTokenEntity> {
    const minting = await mintingTokenOf(ctx, requireCaller(ctx));
    return ctx.transaction(async (tx) => {
      const token = await lockAccessToken(tx, id);
      checkReissue('restore', token, tokenScopes(token), minting, token.expiresAt);
      if (!token.revokedAt) return token;
      if (token.replacedByTokenId) throw conflict('A rotated token cannot be restored; its successor replaces it');
      if (isFinalRevocation(token.revocationReason)) {
        throw conflict(`A token revoked because "${token.revocationReason}" stays revoked; create a new one`);
      }
      const owner = await tx.findOneOrFail(UserEntity, { where: { id: token.ownerId } });
      const status = accessTokenStatus({ ...token, revokedAt: null }, owner);
      if (status === AccessTokenStatus.EXPIRED) throw conflict('The token has expired; create a new one');
      if (status === AccessTokenStatus.OWNER_INACTIVE) throw conflict("The token's owner is inactive");
      if (token.kind === AccessTokenKind.CLIENT && !(await this.hasOAuthClient(tx, token))) throw conflict('The OAuth client of this CLIENT token was deleted; create a new token');
      checkRestorable({ ...token, scopes: tokenScopes(token) }, token.organizationId ? await this.policies.find(tx, token.organizationId) : null);
      Object.assign(token, { revokedAt: null, revokedById: null, revocationReason: null });
      await tx.save(token);
      await this.audit.record(tx, ctx, { action: 'restoreAccessToken', targetType: 'AccessToken', targetId: id, organizationId: token.organizationId });
      return token;
    });
  }

  /** Revokes every active token of an account whose credentials ended (reactivating it or extending its validity restores none). */
  async revokeAllOfOwner(tx: EntityManager, ctx: RequestContext, user: UserEntity, end: AccountEnd): Promise<void> {
    // Working tokens: never revoked, or ROTATING (their overlap ends now).
    const working = [{ ownerId: user.id, revokedAt: IsNull() }, { ownerId: user.id, revokedAt: MoreThan(new Date()) }];
    const tokenIds = (await tx.find(AccessTokenEntity, { where: working, select: { id: true } })).map((token) => token.id);
    if (tokenIds.length) {
      await tx.update(AccessTokenEntity, { id: In(tokenIds) }, { revokedAt: new Date(), revokedById: ctx.caller?.user.id ?? null, revocationReason: revocationReasonOf(end) });
    }
    await ctx.services.tokenEvents.publish(tx, { type: TokenEventType.OWNER_CREDENTIALS_ENDED, tokenIds, detail: { reason: revocationReasonOf(end) } });
  }

  /**
   * Marks a token whose secret was reported leaked: revoked for good (status LEAKED), also when it
   * was only temporarily revoked or is ROTATING (its overlap ends now). A token already gone for
   * good (rotated, or revoked for a final reason) stays as it is. Returns whether it changed.
   */
  async markLeaked(tx: EntityManager, token: AccessTokenEntity): Promise<boolean> {
    const now = new Date();
    const rotating = token.revokedAt !== null && token.revokedAt > now;
    if (!rotating && (token.replacedByTokenId || (token.revokedAt && isFinalRevocation(token.revocationReason)))) return false;
    Object.assign(token, { revokedAt: rotating ? now : (token.revokedAt ?? now), revokedById: null, revocationReason: REVOKED_AS_LEAKED });
    await tx.save(token);
    return true;
  }

  /** Whether a CLIENT token's OAuth client still exists (deleting a client deletes its refresh tokens). */
  private hasOAuthClient(tx: EntityManager, token: AccessTokenEntity): Promise<boolean> {
    return tx.exists(RefreshTokenEntity, { where: { accessTokenId: token.id } });
  }
}
