import { Role, roleAtLeast } from '../../core/authorization/role';
import { SCOPES_BY_LEVEL, Scope } from '../../core/authorization/scopes';
import { AppError, ErrorCode, badInput } from '../../core/errors/app-error';
import { TokenPolicyEntity } from '../token-policy/token-policy.entity';
import { AccessTokenLevel } from './access-token.entity';

export const DEFAULT_LIFETIME_DAYS = 30;
const DAY_MS = 24 * 3600 * 1000;

/** What the caller's own access token allows it to pass on; null for a signed-in session. */
export interface MintingToken {
  scopes: string[];
  expiresAt: Date | null;
}

/** Scopes must be offered by the level, allowed by the organization's policy, and within the minting token's. */
export function checkScopes(level: AccessTokenLevel, scopes: string[], policy: TokenPolicyEntity | null, minting: MintingToken | null): string[] {
  const unique = [...new Set(scopes)];
  const offered = SCOPES_BY_LEVEL[level] as readonly string[];
  const unavailable = unique.filter((scope) => !offered.includes(scope));
  if (unavailable.length) {
    throw badInput('input.scopes', `${unavailable.join(', ')} not available for ${level} tokens (offered: ${offered.join(', ')})`, 'scopeCatalogue');
  }
  const allowed = policy?.allowedScopeList?.split(' ');
  const refused = allowed ? unique.filter((scope) => !allowed.includes(scope)) : [];
  if (refused.length) throw badInput('input.scopes', `${refused.join(', ')} not allowed by the organization's token policy`, 'tokenPolicy');
  const beyond = minting ? unique.filter((scope) => !minting.scopes.includes(scope) && !(scope === Scope.READ_API && minting.scopes.includes(Scope.API))) : [];
  if (beyond.length) throw badInput('input.scopes', `${beyond.join(', ')} exceed the scopes of the token you are using`, 'scopeCeiling');
  return unique;
}

/** A token's role is never above its creator's effective role on the resource. */
export function checkRole(callerRole: Role | null, requested: Role): Role {
  if (!roleAtLeast(callerRole, requested)) {
    throw new AppError(ErrorCode.FORBIDDEN, `A token cannot get ${requested}: it is above your own role (${callerRole ?? 'none'})`, {
      fields: [{ field: 'input.role', message: 'above your own role', constraint: 'roleCeiling' }],
    });
  }
  return requested;
}

/**
 * The expiry of a new token: `undefined` asks for the default (30 days), `null` for none.
 * It must lie in the future, within the policy's maximum lifetime and the minting token's expiry.
 */
export function resolveExpiry(requested: Date | null | undefined, policy: TokenPolicyEntity | null, minting: MintingToken | null, now = new Date()): Date | null {
  const latest = [
    policy?.maxLifetimeDays ? new Date(now.getTime() + policy.maxLifetimeDays * DAY_MS) : null,
    minting?.expiresAt ?? null,
  ].filter((date): date is Date => date !== null);
  const limit = latest.length ? new Date(Math.min(...latest.map((date) => date.getTime()))) : null;
  if (requested === undefined) {
    const fallback = new Date(now.getTime() + DEFAULT_LIFETIME_DAYS * DAY_MS);
    return limit && limit < fallback ? limit : fallback;
  }
  if (requested === null) {
    if (policy?.requireExpiry || policy?.maxLifetimeDays) throw badInput('input.expiresAt', "the organization's token policy requires an expiry date", 'tokenPolicy');
    if (minting?.expiresAt) throw badInput('input.expiresAt', 'cannot outlive the token you are using', 'expiryCeiling');
    return null;
  }
  if (requested.getTime() <= now.getTime()) throw badInput('input.expiresAt', 'must be in the future', 'future');
  if (limit && requested > limit) throw badInput('input.expiresAt', `must be on or before ${limit.toISOString()}`, 'maxLifetime');
  return requested;
}
