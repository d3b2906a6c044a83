import { registerEnumType } from 'type-graphql';
import { UserEntity, isUserUsable } from '../user/user.entity';
import { AccessTokenEntity } from './access-token.entity';

export enum AccessTokenStatus {
  ACTIVE = 'ACTIVE',
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
    REVOKED: { description: 'Revoked (temporarily disabled; see `revocationReason`). `restoreAccessToken` may re-enable it.' },
    LEAKED: { description: 'Revoked for good because someone reported its secret as leaked (`POST /tokens/leaked`); never restored.' },
    EXPIRED: { description: 'Past its expiry date.' },
    OWNER_INACTIVE: { description: 'Its owner is deactivated or past the account validity date.' },
  },
});

/** The revocation reason of a token whose secret was reported leaked: its status is LEAKED. */
export const REVOKED_AS_LEAKED = 'leaked';

/** The one definition of a token's status; authentication accepts ACTIVE only. */
export function accessTokenStatus(
  token: Pick<AccessTokenEntity, 'revokedAt' | 'expiresAt'> & Partial<Pick<AccessTokenEntity, 'revocationReason'>>,
  owner: Pick<UserEntity, 'status' | 'validUntil'>,
  now = new Date(),
): AccessTokenStatus {
  if (token.revokedAt) return token.revocationReason === REVOKED_AS_LEAKED ? AccessTokenStatus.LEAKED : AccessTokenStatus.REVOKED;
  if (token.expiresAt && token.expiresAt.getTime() <= now.getTime()) return AccessTokenStatus.EXPIRED;
  if (!isUserUsable(owner, now)) return AccessTokenStatus.OWNER_INACTIVE;
  return AccessTokenStatus.ACTIVE;
}
