import { Role } from '../../src/core/authorization/role';
import { AppError } from '../../src/core/errors/app-error';
import { AccessTokenLevel } from '../../src/modules/access-token/access-token.entity';
import { checkReissue, checkRole, checkScopes, resolveExpiry, resolveRotationExpiry } from '../../src/modules/access-token/access-token.policy';
import { AccessTokenStatus, accessTokenStatus } from '../../src/modules/access-token/access-token.status';
import { TokenPolicyEntity } from '../../src/modules/token-policy/token-policy.entity';
import { UserStatus } from '../../src/modules/user/user.entity';

const NOW = new Date('2026-06-01T12:00:00.000Z');
const DAY = 86_400_000;
const days = (n: number) => new Date(NOW.getTime() + n * DAY);
const policy = (fields: Partial<TokenPolicyEntity>) => Object.assign(new TokenPolicyEntity(), { maxLifetimeDays: null, requireExpiry: false, allowedScopeList: null, ...fields });

/** The code and failing field of what `run` throws. */
function refusal(run: () => unknown): { code: string; field?: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return { code: error.code, field: error.details.fields?.[0]?.field };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('token expiry', () => {
  it('defaults to 30 days, or the policy\'s shorter maximum', () => {
    expect(resolveExpiry(undefined, null, null, NOW)).toEqual(days(30));
    expect(resolveExpiry(undefined, policy({ maxLifetimeDays: 7 }), null, NOW)).toEqual(days(7));
  });

  it('may be removed unless the policy or the minting token forbids it', () => {
    expect(resolveExpiry(null, null, null, NOW)).toBeNull();
    expect(refusal(() => resolveExpiry(null, policy({ requireExpiry: true }), null, NOW))).toEqual({ code: 'BAD_USER_INPUT', field: 'input.expiresAt' });
    expect(refusal(() => resolveExpiry(null, null, { id: 'caller', scopes: ['api'], expiresAt: days(3), allowedAddresses: null }, NOW))).toEqual({ code: 'BAD_USER_INPUT', field: 'input.expiresAt' });
  });

  it.each([
    ['in the past', days(-1), null],
    ['now', NOW, null],
    ['beyond the policy', days(11), policy({ maxLifetimeDays: 10 })],
  ])('refuses a date %s', (_name, date, rules) => {
    expect(refusal(() => resolveExpiry(date, rules, null, NOW))).toEqual({ code: 'BAD_USER_INPUT', field: 'input.expiresAt' });
  });

  it('never outlives the token that mints it', () => {
    expect(refusal(() => resolveExpiry(days(5), null, { id: 'caller', scopes: ['api'], expiresAt: days(4), allowedAddresses: null }, NOW)).code).toBe('BAD_USER_INPUT');
    expect(resolveExpiry(undefined, null, { id: 'caller', scopes: ['api'], expiresAt: days(4), allowedAddresses: null }, NOW)).toEqual(days(4));
  });

  it('keeps a rotated token\'s lifetime, shortened to today\'s limits', () => {
    const previous = { createdAt: days(-10), expiresAt: days(10) };
    expect(resolveRotationExpiry(previous, undefined, null, null, NOW)).toEqual(days(20));
    expect(resolveRotationExpiry(previous, undefined, policy({ maxLifetimeDays: 5 }), null, NOW)).toEqual(days(5));
    expect(resolveRotationExpiry({ createdAt: days(-1), expiresAt: null }, undefined, null, null, NOW)).toBeNull();
    expect(resolveRotationExpiry({ createdAt: days(-1), expiresAt: null }, undefined, policy({ requireExpiry: true }), null, NOW)).toEqual(days(30));
  });
});

describe('token scopes', () => {
  it('deduplicates and accepts scopes the level offers', () => {
    expect(checkScopes(AccessTokenLevel.PERSONAL, ['api', 'api', 'introspect'], null, null)).toEqual(['api', 'introspect']);
  });

  it.each([
    ['an unknown scope', AccessTokenLevel.PERSONAL, ['sudo'], null, null],
    ['a scope the level does not offer', AccessTokenLevel.GROUP, ['introspect'], null, null],
    ['a scope the policy does not allow', AccessTokenLevel.PROJECT, ['api'], policy({ allowedScopeList: 'read_api' }), null],
    ['a scope beyond the minting token', AccessTokenLevel.GROUP, ['write_repository'], null, { id: 'caller', scopes: ['api'], expiresAt: null, allowedAddresses: null }],
  ])('refuses %s', (_name, level, scopes, rules, minting) => {
    expect(refusal(() => checkScopes(level, scopes, rules, minting))).toEqual({ code: 'BAD_USER_INPUT', field: 'input.scopes' });
  });

  it('lets an api token pass read_api on', () => {
    expect(checkScopes(AccessTokenLevel.GROUP, ['read_api'], null, { id: 'caller', scopes: ['api'], expiresAt: null, allowedAddresses: null })).toEqual(['read_api']);
  });
});

describe('rotating and restoring: the caller limits', () => {
  const script = { id: 'script', scopes: ['api'], expiresAt: days(1), allowedAddresses: null };

  it('leaves a signed-in session unlimited', () => {
    expect(() => checkReissue('restore', { id: 'other', level: AccessTokenLevel.PERSONAL }, ['api', 'write_repository'], null, null)).not.toThrow();
  });

  it.each([
    ['rotate', 'a personal token', AccessTokenLevel.PERSONAL, ['read_api'], undefined],
    ['restore', 'a personal token', AccessTokenLevel.PERSONAL, ['read_api'], days(1)],
    ['rotate', 'scopes beyond its own', AccessTokenLevel.GROUP, ['api', 'write_repository'], undefined],
    ['restore', 'scopes beyond its own', AccessTokenLevel.GROUP, ['api', 'write_repository'], days(1)],
    ['restore', 'a token without expiry', AccessTokenLevel.GROUP, ['api'], null],
    ['restore', 'a token expiring after it', AccessTokenLevel.GROUP, ['api'], days(2)],
  ] as const)('refuses a token caller that would %s %s', (action, _what, level, scopes, keptExpiry) => {
    expect(refusal(() => checkReissue(action, { id: 'other', level }, [...scopes], script, keptExpiry))).toEqual({ code: 'FORBIDDEN', field: undefined });
  });

  it('lets a personal token rotate itself, and only rotate', () => {
    expect(() => checkReissue('rotate', { id: 'script', level: AccessTokenLevel.PERSONAL }, ['api'], script)).not.toThrow();
    expect(refusal(() => checkReissue('restore', { id: 'script', level: AccessTokenLevel.PERSONAL }, ['api'], script, days(1))).code).toBe('FORBIDDEN');
    expect(refusal(() => checkReissue('update', { id: 'script', level: AccessTokenLevel.PERSONAL }, ['api'], script)).code).toBe('FORBIDDEN');
  });

  it('lets a token caller rotate any resource token within its scopes (the new expiry is fitted) and restore one that ends with it', () => {
    expect(() => checkReissue('rotate', { id: 'other', level: AccessTokenLevel.PROJECT }, ['read_api'], script)).not.toThrow();
    expect(() => checkReissue('restore', { id: 'other', level: AccessTokenLevel.PROJECT }, ['read_api'], script, days(1))).not.toThrow();
    expect(() => checkReissue('restore', { id: 'other', level: AccessTokenLevel.PROJECT }, ['api'], { id: 'caller', scopes: ['api'], expiresAt: null, allowedAddresses: null }, null)).not.toThrow();
  });
});

describe('token role ceiling', () => {
  it.each([
    [Role.ADMIN, Role.ADMIN, true],
    [Role.ADMIN, Role.VIEWER, true],
    [Role.MEMBER, Role.ADMIN, false],
    [null, Role.VIEWER, false],
  ])('a caller with %s may give %s: %s', (caller, requested, allowed) => {
    if (allowed) expect(checkRole(caller, requested)).toBe(requested);
    else expect(refusal(() => checkRole(caller, requested))).toEqual({ code: 'FORBIDDEN', field: 'input.role' });
  });
});

describe('token status, derived in one place', () => {
  const active = { status: UserStatus.ACTIVE, validUntil: null };
  it.each([
    ['active', { revokedAt: null, expiresAt: days(1) }, active, AccessTokenStatus.ACTIVE],
    ['without expiry', { revokedAt: null, expiresAt: null }, active, AccessTokenStatus.ACTIVE],
    ['revoked (even if also expired)', { revokedAt: days(-2), expiresAt: days(-1) }, active, AccessTokenStatus.REVOKED],
    ['expired', { revokedAt: null, expiresAt: days(-1) }, active, AccessTokenStatus.EXPIRED],
    ['of a deactivated owner', { revokedAt: null, expiresAt: null }, { status: UserStatus.DEACTIVATED, validUntil: null }, AccessTokenStatus.OWNER_INACTIVE],
    ['of an owner past validUntil', { revokedAt: null, expiresAt: null }, { status: UserStatus.ACTIVE, validUntil: days(-1) }, AccessTokenStatus.OWNER_INACTIVE],
  ])('%s', (_name, token, owner, status) => {
    expect(accessTokenStatus(token, owner, NOW)).toBe(status);
  });
});
