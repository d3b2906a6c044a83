import { registerEnumType } from 'type-graphql';
import { UserEntity, isUserUsable } from '../user/user.entity';
import { AccessTokenEntity } from './access-token.entity';

export enum AccessTokenStatus {
  ACTIVE = 'ACTIVE',
  ROTATING = 'ROTATING',
  REVOKED = 'REVOKED',
  LEAKED = 'LEAKED',
  EXPIRED = 'EXPIRED',
  OWNER_INACTIVE = 'OWNER_INACTIVE',
}

registerEnumType(AccessTokenStatus, {
  name: 'AccessTokenStatus',
  description: 'Whether an access token works now.',
  valuesConfig: {
    ACTIVE: { description: 'It works.' },
    ROTATING: { description: 'Rotated with an overlap (`rotateAccessToken` `overlapSeconds`): it still works until `rotationEndsAt`, then it is REVOKED by itself.' },
    REVOKED: { description: 'Revoked (temporarily disabled; see `revocationReason`). `restoreAccessToken` may re-enable it.' },
    LEAKED: { description: 'Revoked for good because someone reported its secret as leaked (`POST /tokens/leaked`); never restored.' },
    EXPIRED: { description: 'Past its expiry date.' },
    OWNER_INACTIVE: { description: 'Its owner is deactivated or past the account validity date.' },
  },
});

/** The revocation reason of a token whose secret was reported leaked: its status is LEAKED. */
export const REVOKED_AS_LEAKED = 'leaked';

/** The revocation reason of a token replaced by rotation (at once, or at the end of its overlap). */
export const REVOKED_BY_ROTATION = 'rotated';

/**
 * The one definition of a token's status; authentication accepts ACTIVE and ROTATING. A
 * `revokedAt` in the future is the end of a rotation overlap (only rotation sets one): the token
 * works until then and is revoked from then on, with no write needed at that instant.
 */
export function accessTokenStatus(
  token: Pick<AccessTokenEntity, 'revokedAt' | 'expiresAt'> & Partial<Pick<AccessTokenEntity, 'revocationReason'>>,
  owner: Pick<UserEntity, 'status' | 'validUntil'>,
  now = new Date(),
): AccessTokenStatus {
  if (token.revokedAt && token.revokedAt.getTime() <= now.getTime()) return token.revocationReason === REVOKED_AS_LEAKED ? AccessTokenStatus.LEAKED : AccessTokenStatus.REVOKED;
  if (token.expiresAt && token.expiresAt.getTime() <= now.getTime()) return AccessTokenStatus.EXPIRED;
  if (!isUserUsable(owner, now)) return AccessTokenStatus.OWNER_INACTIVE;
  return token.revokedAt ? AccessTokenStatus.ROTATING : AccessTokenStatus.ACTIVE;
}

/** Whether a token with this status works (authentication, introspection). */
export const isWorkingStatus = (status: AccessTokenStatus): boolean => status === AccessTokenStatus.ACTIVE || status === AccessTokenStatus.ROTATING;

/** When a rotated token's overlap ends (ended): its `revokedAt`, for a token revoked by rotation; null otherwise. */
export function rotationEndOf(token: Pick<AccessTokenEntity, 'revokedAt' | 'revocationReason'>): Date | null {
  return token.revocationReason === REVOKED_BY_ROTATION ? token.revokedAt : null;
}
