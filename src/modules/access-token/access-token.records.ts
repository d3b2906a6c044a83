import { EntityManager, In } from 'typeorm';
import { Caller, RequestContext } from '../../core/context/request-context';
import { forUpdate } from '../../core/database/transaction';
import { badInput, notFound } from '../../core/errors/app-error';
import { parseAddressList } from '../../core/http/address-ranges';
import { MembershipEntity } from '../membership/membership.entity';
import { SessionService } from '../session/session.service';
import { UserEntity, UserKind } from '../user/user.entity';
import { AccountEnd } from '../user/user.service';
import { AccessTokenEntity, AccessTokenLevel, tokenScopes } from './access-token.entity';
import { MintingToken } from './access-token.policy';
import { recordTokenRevocations } from './token-revocations';
import { REVOKED_AS_LEAKED } from './access-token.status';

/** Why the system (not a person) revoked a token; such tokens are never restored. */
export const REVOKED_BY_OWNER_DEACTIVATION = 'owner deactivated';
export const REVOKED_BY_VALIDITY_END = "owner account's validity ended";
export const REVOKED_BY_REUSE = 'rotated token reused: chain revoked';
export const REVOKED_BY_REFRESH_REUSE = 'refresh token reused: family revoked';

export const REVOKED_BY_OPERATOR = "owner's credentials revoked by an operator";

/** Why an account's tokens were revoked when its credentials ended. */
export const revocationReasonOf = (end: AccountEnd): string =>
  ({ [AccountEnd.DEACTIVATED]: REVOKED_BY_OWNER_DEACTIVATION, [AccountEnd.VALIDITY_ENDED]: REVOKED_BY_VALIDITY_END, [AccountEnd.CREDENTIALS_REVOKED]: REVOKED_BY_OPERATOR })[end];

/** Why the stale-token sweep revoked a token (`TokenPolicy.revokeUnusedAfterDays` or the platform setting for personal tokens). */
export const revokedAsUnused = (days: number): string => `unused for ${days} days`;
const UNUSED_REASON = /^unused for \d+ days$/;

/** Revocation reasons that only the system sets: a token revoked for one of them is never restored. */
export const FINAL_REVOCATION_REASONS: readonly string[] = [REVOKED_BY_OWNER_DEACTIVATION, REVOKED_BY_VALIDITY_END, REVOKED_BY_OPERATOR, REVOKED_BY_REUSE, REVOKED_BY_REFRESH_REUSE, REVOKED_AS_LEAKED];

/** Whether a token revoked for this reason stays revoked for good. */
export const isFinalRevocation = (reason: string | null): boolean => reason !== null && (FINAL_REVOCATION_REASONS.includes(reason) || UNUSED_REASON.test(reason));

/** The person who holds a token, whose audit trail shows what the system did to it: the owner of a personal token, the creator of a resource token. */
export const holderOf = (token: Pick<AccessTokenEntity, 'level' | 'ownerId' | 'createdById'>): string | null =>
  token.level === AccessTokenLevel.PERSONAL ? token.ownerId : token.createdById;

/** The token, row-locked until the transaction ends, so concurrent revokes and rotations of it take turns. */
export async function lockAccessToken(tx: EntityManager, id: string): Promise<AccessTokenEntity> {
  const token = await forUpdate(tx.createQueryBuilder(AccessTokenEntity, 'token')).where('token.id = :id', { id }).getOne();
  if (!token) throw notFound('Access token');
  return token;
}

/** The limits a token-authenticated caller passes on: its own token's scopes, expiry and allowlist; null for a session. */
export async function mintingTokenOf(ctx: RequestContext, caller: Caller): Promise<MintingToken | null> {
  if (!caller.accessTokenId) return null;
  const own = await ctx.db.manager.findOneOrFail(AccessTokenEntity, { where: { id: caller.accessTokenId } });
  return { id: own.id, scopes: tokenScopes(own), expiresAt: own.expiresAt, allowedAddresses: parseAddressList(own.allowedAddressList) };
}

/**
 * A signed-in session re-enters its password before it is handed a secret (create, rotate), so a
 * stolen session cookie alone cannot mint one; token callers are bound by their token's limits instead.
 */
export async function reenterPassword(sessions: SessionService, ctx: RequestContext, caller: Caller, password: string | undefined, action: 'create' | 'rotate'): Promise<void> {
  if (!password) throw badInput('input.password', `enter your current password to ${action} a token`, 'isNotEmpty');
  await sessions.verifyPasswordThrottled(ctx, caller.user, password, 'input.password');
}

/** Deletes tokens, then their technical users that no remaining token uses (memberships go with them). */
export async function deleteAccessTokens(tx: EntityManager, tokens: AccessTokenEntity[]): Promise<void> {
  if (!tokens.length) return;
  await tx.delete(AccessTokenEntity, { id: In(tokens.map((t) => t.id)) });
  await recordTokenRevocations(tx, { tokenIds: tokens.map((t) => t.id) });
  const owners = [...new Set(tokens.filter((t) => t.level !== AccessTokenLevel.PERSONAL).map((t) => t.ownerId))];
  for (const ownerId of owners) {
    if (!(await tx.exists(AccessTokenEntity, { where: { ownerId } }))) {
      await tx.delete(MembershipEntity, { userId: ownerId });
      await tx.delete(UserEntity, { id: ownerId, kind: UserKind.TECHNICAL });
    }
  }
}
