import { EntityManager, In } from 'typeorm';
import { AuditService } from '../../../core/audit/audit.service';
import { RequestContext, requireCaller } from '../../../core/context/request-context';
import { AppError, ErrorCode, badInput, conflict } from '../../../core/errors/app-error';
import { normalizeAddressList } from '../../../core/http/address-ranges';
import { SessionService } from '../../session/session.service';
import { TokenPolicyEntity } from '../../token-policy/token-policy.entity';
import { TokenPolicyService } from '../../token-policy/token-policy.service';
import { UserEntity } from '../../user/user.entity';
import { AccessTokenEntity, AccessTokenKind, AccessTokenLevel, tokenScopes } from '../access-token.entity';
import { TokenEventType } from '../access-token.events';
import { AccessTokenIssuer, IssuedAccessToken } from '../access-token.issuer';
import { MintingToken, addressListRefusal, checkAllowedAddresses, checkReissue, checkScopesStillAllowed, resolveRotationExpiry } from '../access-token.policy';
import { REVOKED_BY_REUSE, lockAccessToken, mintingTokenOf, reenterPassword } from '../access-token.records';
import { AccessTokenStatus, REVOKED_BY_ROTATION, accessTokenStatus } from '../access-token.status';
import { recordTokenRevocations } from '../token-revocations';

/**
 * Rotation: a new secret with the same settings replaces the old token, which is revoked and
 * linked to it — at once, or at the end of an overlap (`revokedAt` in the future: status ROTATING,
 * still working until then, with no write at that instant). Rotating a token that was already
 * rotated, during its overlap or after, is reuse of a stale secret: the whole chain is revoked
 * (GitLab's and RFC 9700's reuse detection).
 */
export class RotateAccessTokenService {
  constructor(
    private readonly issuer: AccessTokenIssuer,
    private readonly audit: AuditService,
    private readonly sessions: SessionService,
    private readonly policies: TokenPolicyService,
  ) {}

  /**
   * `requestedAddresses`: a new allowlist, null for none, undefined to keep the old token's.
   * `overlapSeconds`: how long the old secret keeps working, up to the organization policy's
   * `maxRotationOverlapSeconds` (personal tokens: TESSERA_MAX_ROTATION_OVERLAP_SECONDS); 0 ends it at once.
   */
  async rotate(ctx: RequestContext, id: string, requestedExpiry: Date | null | undefined, password: string | undefined, requestedAddresses: string[] | null | undefined, overlapSeconds = 0): Promise<IssuedAccessToken> {
    const caller = requireCaller(ctx);
    const addresses = requestedAddresses ? normalizeAddressList(requestedAddresses, 'input.allowedAddresses') : requestedAddresses;
    const minting = await mintingTokenOf(ctx, caller);
    if (!minting) await reenterPassword(this.sessions, ctx, caller, password, 'rotate');
    const outcome = await ctx.transaction(async (tx) => {
      const token = await lockAccessToken(tx, id);
      if (token.kind === AccessTokenKind.CLIENT) throw conflict('A CLIENT token is renewed by its OAuth client at POST /oauth/token, not rotated');
      checkReissue('rotate', token, tokenScopes(token), minting);
      if (token.replacedByTokenId) {
        const revoked = await this.revokeChain(tx, ctx, token);
        return { reused: true as const, revoked };
      }
      const owner = await tx.findOneOrFail(UserEntity, { where: { id: token.ownerId } });
      const status = accessTokenStatus(token, owner);
      if (status !== AccessTokenStatus.ACTIVE) throw conflict(`Only active tokens can be rotated (this one is ${status})`);
      const policy = token.organizationId ? await this.policies.find(tx, token.organizationId) : null;
      checkScopesStillAllowed(tokenScopes(token), policy);
      const maxOverlap = token.level === AccessTokenLevel.PERSONAL ? ctx.config.maxRotationOverlapSeconds : (policy?.maxRotationOverlapSeconds ?? 0);
      if (overlapSeconds > maxOverlap) throw badInput('input.overlapSeconds', `at most ${maxOverlap} seconds (${token.level === AccessTokenLevel.PERSONAL ? 'platform setting' : "the organization's token policy"})`, 'maxRotationOverlap');
      const expiresAt = resolveRotationExpiry(token, requestedExpiry, policy, minting);
      const allowedAddressList = addresses !== undefined ? checkAllowedAddresses(addresses, policy, minting) : this.keptAddressList(token, policy, minting);
      const issued = await this.issuer.insert(tx, {
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
        allowedAddressList,
        previousTokenId: token.id,
      });
      Object.assign(token, { revokedAt: new Date(Date.now() + overlapSeconds * 1000), revokedById: ctx.caller?.user.id ?? null, revocationReason: REVOKED_BY_ROTATION, replacedByTokenId: issued.accessToken.id });
      await tx.save(token);
      await this.audit.record(tx, ctx, {
        action: 'rotateAccessToken',
        targetType: 'AccessToken',
        targetId: issued.accessToken.id,
        organizationId: token.organizationId,
        detail: { previousTokenId: token.id, ...(overlapSeconds ? { overlapSeconds } : {}), ...(addresses !== undefined ? { allowedAddresses: addresses } : {}) },
      });
      await ctx.services.tokenEvents.publish(tx, { type: TokenEventType.ROTATED, tokenIds: [token.id], detail: { successorId: issued.accessToken.id } });
      return { reused: false as const, issued };
    });
    if (outcome.reused) {
      throw new AppError(ErrorCode.CONFLICT, `This token was already rotated; reuse detected, ${outcome.revoked} token(s) of its chain revoked`);
    }
    return outcome.issued;
  }

  /** The old token's allowlist, kept: it must still satisfy the policy and the minting token, as a new one would. */
  private keptAddressList(token: AccessTokenEntity, policy: TokenPolicyEntity | null, minting: MintingToken | null): string | null {
    const refusal = addressListRefusal(token.allowedAddressList?.split(' ') ?? null, policy, minting);
    if (refusal) throw conflict(`The token's address allowlist no longer fits: ${refusal.message}; give allowedAddresses`, 'input.allowedAddresses');
    return token.allowedAddressList;
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
    const now = new Date();
    // Still working: never revoked, or rotated with an overlap that has not ended.
    const active = [...chain.values()].filter((t) => !t.revokedAt || t.revokedAt > now).map((t) => t.id);
    if (active.length) {
      await tx.update(AccessTokenEntity, { id: In(active) }, { revokedAt: now, revokedById: ctx.caller?.user.id ?? null, revocationReason: REVOKED_BY_REUSE });
      await recordTokenRevocations(tx, { tokenIds: active });
    }
    await this.audit.record(tx, ctx, { action: 'rotateAccessToken', targetType: 'AccessToken', targetId: token.id, organizationId: token.organizationId, detail: { reuseDetected: true, revoked: active } });
    return active.length;
  }
}
