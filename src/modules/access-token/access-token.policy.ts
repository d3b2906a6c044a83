import { Role, roleAtLeast } from '../../core/authorization/role';
import { AddressRange, parseAddressList, rangesOutside } from '../../core/http/address-ranges';
import { SCOPES_BY_LEVEL, Scope } from './access-token.scopes';
import { AppError, ErrorCode, badInput, conflict, forbidden } from '../../core/errors/app-error';
import { TokenPolicyEntity } from '../token-policy/token-policy.entity';
import { AccessTokenLevel } from './access-token.entity';

export const DEFAULT_LIFETIME_DAYS = 30;
const DAY_MS = 24 * 3600 * 1000;

/** What the caller's own access token allows it to pass on; null for a signed-in session. */
export interface MintingToken {
  /** The token the caller authenticated with. */
  id: string;
  scopes: string[];
  expiresAt: Date | null;
  /** Its address allowlist: a token it sets one on stays inside it; null for none. */
  allowedAddresses: AddressRange[] | null;
}

/** Scopes must be offered by the level, allowed by the organization's policy, and within the minting token's. */
export function checkScopes(level: AccessTokenLevel, scopes: string[], policy: TokenPolicyEntity | null, minting: MintingToken | null): string[] {
  const unique = [...new Set(scopes)];
  const offered = SCOPES_BY_LEVEL[level] as readonly string[];
  const unavailable = unique.filter((scope) => !offered.includes(scope));
  if (unavailable.length) {
    throw badInput('input.scopes', `${unavailable.join(', ')} not available for ${level} tokens (offered: ${offered.join(', ')})`, 'scopeCatalogue');
  }
  const refused = scopesRefusedByPolicy(unique, policy);
  if (refused.length) throw badInput('input.scopes', `${refused.join(', ')} not allowed by the organization's token policy`, 'tokenPolicy');
  const beyond = scopesBeyond(unique, minting);
  if (beyond.length) throw badInput('input.scopes', `${beyond.join(', ')} exceed the scopes of the token you are using`, 'scopeCeiling');
  return unique;
}

/** The scopes a token-authenticated caller could not pass on (`api` covers `read_api`); none for a session. */
function scopesBeyond(scopes: string[], minting: Pick<MintingToken, 'scopes'> | null): string[] {
  if (!minting) return [];
  return scopes.filter((scope) => !minting.scopes.includes(scope) && !(scope === Scope.READ_API && minting.scopes.includes(Scope.API)));
}

/** Edit in place only narrows: every new scope must be one the token has (`api` covers `read_api`). */
export function checkNarrowerScopes(scopes: string[], current: string[]): void {
  const wider = scopesBeyond(scopes, { scopes: current });
  if (wider.length) throw badInput('input.scopes', `${wider.join(', ')} not among the token's scopes (${current.join(', ')}): scopes can only be narrowed in place; create a new token for more`, 'narrowerOnly');
}

/** Why an address allowlist (normalised; null for none) is refused, or null when it is allowed. */
export interface AddressListRefusal {
  message: string;
  constraint: 'tokenPolicy' | 'addressCeiling';
}

/**
 * An organization's policy may require an allowlist (`requireAllowedAddresses`) and bound it
 * (`allowedAddressRanges`: every entry inside one of them, so a list is then required too); a
 * token-authenticated caller whose token has an allowlist passes on none wider than its own.
 */
export function addressListRefusal(list: string[] | null, policy: TokenPolicyEntity | null, minting: MintingToken | null): AddressListRefusal | null {
  const caps = parseAddressList(policy?.allowedAddressRangeList ?? null);
  if (!list && (policy?.requireAllowedAddresses || caps)) return { message: "the organization's token policy requires an address allowlist", constraint: 'tokenPolicy' };
  if (!list && minting?.allowedAddresses) return { message: 'the token you are using has an address allowlist: give one within it', constraint: 'addressCeiling' };
  const ranges = parseAddressList(list?.join(' ') ?? null) ?? [];
  const outsidePolicy = caps ? rangesOutside(ranges, caps) : [];
  if (outsidePolicy.length) return { message: `${outsidePolicy.join(', ')} outside the ranges the organization's token policy allows (${policy!.allowedAddressRangeList!.split(' ').join(', ')})`, constraint: 'tokenPolicy' };
  const outsideMinting = minting?.allowedAddresses ? rangesOutside(ranges, minting.allowedAddresses) : [];
  if (outsideMinting.length) return { message: `${outsideMinting.join(', ')} outside the address allowlist of the token you are using`, constraint: 'addressCeiling' };
  return null;
}

/** A requested allowlist (normalised; null for none) that the policy and the minting token allow, as stored. */
export function checkAllowedAddresses(list: string[] | null, policy: TokenPolicyEntity | null, minting: MintingToken | null): string | null {
  const refusal = addressListRefusal(list, policy, minting);
  if (refusal) throw badInput('input.allowedAddresses', refusal.message, refusal.constraint);
  return list ? list.join(' ') : null;
}

/**
 * Rotating and restoring both put a token (back) into service, so a token-authenticated caller may
 * do either only to tokens it could have created: resource tokens within its own scopes, and
 * (rotation only) itself, also when it is a personal token. A
 * restored token keeps its expiry (`keptExpiry`), which must not outlive the caller's token;
 * rotation leaves it undefined, because it fits the new secret's expiry instead (`resolveRotationExpiry`).
 */
export function checkReissue(action: 'rotate' | 'restore' | 'update', token: { id: string; level: AccessTokenLevel }, scopes: string[], minting: MintingToken | null, keptExpiry?: Date | null): void {
  if (!minting) return;
  // A personal token may rotate itself (bots renew without a human), never another personal token.
  const selfRotation = action === 'rotate' && token.id === minting.id;
  if (token.level === AccessTokenLevel.PERSONAL && !selfRotation) throw forbidden(`An access token cannot ${action} personal tokens other than itself; sign in to do so`);
  const beyond = scopesBeyond(scopes, minting);
  if (beyond.length) throw forbidden(`This token carries ${beyond.join(', ')}, beyond the scopes of the token you are using`);
  if (keptExpiry !== undefined && minting.expiresAt && (keptExpiry === null || keptExpiry > minting.expiresAt)) {
    throw forbidden(`This token ${keptExpiry ? `expires ${keptExpiry.toISOString()}` : 'never expires'}: it would outlive the token you are using`);
  }
}

function scopesRefusedByPolicy(scopes: string[], policy: TokenPolicyEntity | null): string[] {
  const allowed = policy?.allowedScopeList?.split(' ');
  return allowed ? scopes.filter((scope) => !allowed.includes(scope)) : [];
}

/** A rotated token keeps its scopes, so they must still be allowed by the organization's policy. */
export function checkScopesStillAllowed(scopes: string[], policy: TokenPolicyEntity | null): void {
  const refused = scopesRefusedByPolicy(scopes, policy);
  if (refused.length) throw conflict(`The token carries ${refused.join(', ')}, which the organization's token policy no longer allows; create a new token`);
}

/** Whether the organization's policy requires tokens to expire: explicitly, or by a maximum lifetime. */
const policyRequiresExpiry = (policy: TokenPolicyEntity | null): boolean => Boolean(policy?.requireExpiry || policy?.maxLifetimeDays);

/**
 * A revoked token put back into service as it is (restore) must meet its organization's policy as
 * it is now: its scopes, its lifetime (from creation) and its address allowlist. Rotation, which
 * may shorten the lifetime to fit, or a new token is the way back for one that does not.
 */
export function checkRestorable(token: { scopes: string[]; createdAt: Date; expiresAt: Date | null; allowedAddressList: string | null }, policy: TokenPolicyEntity | null): void {
  if (!policy) return;
  checkScopesStillAllowed(token.scopes, policy);
  if (!token.expiresAt && policyRequiresExpiry(policy)) {
    throw conflict("The organization's token policy requires an expiry and this token has none; rotate it or create a new token");
  }
  if (token.expiresAt && policy.maxLifetimeDays && token.expiresAt.getTime() - token.createdAt.getTime() > policy.maxLifetimeDays * DAY_MS) {
    throw conflict(`The token lives longer than the ${policy.maxLifetimeDays} days the organization's token policy allows; rotate it or create a new token`);
  }
  const refusal = addressListRefusal(token.allowedAddressList?.split(' ') ?? null, policy, null);
  if (refusal) throw conflict(`${refusal.message[0].toUpperCase()}${refusal.message.slice(1)}; this token does not comply: rotate it with an allowlist or create a new token`);
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
  const limit = expiryLimit(policy, minting, now);
  if (requested === undefined) {
    const fallback = new Date(now.getTime() + DEFAULT_LIFETIME_DAYS * DAY_MS);
    return limit && limit < fallback ? limit : fallback;
  }
  if (requested === null) {
    if (policyRequiresExpiry(policy)) throw badInput('input.expiresAt', "the organization's token policy requires an expiry date", 'tokenPolicy');
    if (minting?.expiresAt) throw badInput('input.expiresAt', 'cannot outlive the token you are using', 'expiryCeiling');
    return null;
  }
  if (requested.getTime() <= now.getTime()) throw badInput('input.expiresAt', 'must be in the future', 'future');
  if (limit && requested > limit) throw badInput('input.expiresAt', `must be on or before ${limit.toISOString()}`, 'maxLifetime');
  return requested;
}

/** The latest expiry the policy's maximum lifetime and the minting token allow; null when nothing limits it. */
function expiryLimit(policy: TokenPolicyEntity | null, minting: MintingToken | null, now: Date): Date | null {
  const latest = [
    policy?.maxLifetimeDays ? new Date(now.getTime() + policy.maxLifetimeDays * DAY_MS) : null,
    minting?.expiresAt ?? null,
  ].filter((date): date is Date => date !== null);
  return latest.length ? new Date(Math.min(...latest.map((date) => date.getTime()))) : null;
}

/**
 * The expiry of a rotated token. An explicit `requested` expiry is checked like a new token's.
 * Otherwise the new secret keeps the old token's lifetime, shortened to what the policy and the
 * minting token allow today (a policy set after the token was created does not make rotation fail);
 * a token without expiry keeps none unless something now requires one, then it gets the default.
 */
export function resolveRotationExpiry(
  previous: { createdAt: Date; expiresAt: Date | null },
  requested: Date | null | undefined,
  policy: TokenPolicyEntity | null,
  minting: MintingToken | null,
  now = new Date(),
): Date | null {
  if (requested !== undefined) return resolveExpiry(requested, policy, minting, now);
  if (!previous.expiresAt) {
    return policyRequiresExpiry(policy) || minting?.expiresAt ? resolveExpiry(undefined, policy, minting, now) : null;
  }
  const sameLifetime = new Date(now.getTime() + (previous.expiresAt.getTime() - previous.createdAt.getTime()));
  const limit = expiryLimit(policy, minting, now);
  return limit && limit < sameLifetime ? limit : sameLifetime;
}
