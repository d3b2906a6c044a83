import { AccessTokenEntity } from '../../../src/modules/access-token/access-token.entity';
import { TestServer, startTestServer } from '../../support/test-server';
import { USER_PASSWORD, codeOf, createHierarchy, createUser, loginAsAdmin, ok } from '../../support/fixtures';
import {
  DAY_MS,
  Hierarchy,
  Level,
  RESOURCE_LEVELS,
  TOKEN_OPS,
  UNKNOWN_ID,
  createToken,
  daysFromNow,
  expectBadInput,
  expectRefused,
  resourceOf,
  withoutWrites,
} from '../../support/token-fixtures';

const daysUntil = (iso: string) => (new Date(iso).getTime() - Date.now()) / DAY_MS;

describe('token policies and input checks', () => {
  let server: TestServer;
  let admin: string;
  let owner: { id: string; token: string };
  /** Governed by the policies under test. */
  let governed: Hierarchy;
  /** Another organization of the same ADMIN, without a policy. */
  let free: Hierarchy;

  const setPolicy = async (policy: Record<string, unknown>) =>
    ok(await server.gql(TOKEN_OPS.setPolicy, { input: { organizationId: governed.organizationId, ...policy } }, owner.token)).setTokenPolicy.tokenPolicy;
  /** The owner's api token with every scope and no expiry, which passes its limits on: resource tokens without an argon2 check each. */
  let factory: string;
  const attempt = (level: Level, input: Record<string, unknown>, hierarchy = governed) =>
    level === 'PERSONAL'
      ? server.gql(TOKEN_OPS.create, { input: { name: 'attempt', scopes: ['read_api'], password: USER_PASSWORD, ...input } }, owner.token)
      : server.gql(TOKEN_OPS.create, { input: { name: 'attempt', scopes: ['read_api'], ...resourceOf(level, hierarchy), ...input } }, factory);

  beforeAll(async () => {
    server = await startTestServer({ label: 'token_policy_input' });
    admin = await loginAsAdmin(server);
    owner = await createUser(server, admin, 'owner');
    governed = await createHierarchy(server, owner.token);
    free = await createHierarchy(server, owner.token);
    factory = (await createToken(server, owner.token, 'PERSONAL', governed, { name: 'factory', scopes: ['api', 'read_repository', 'write_repository', 'upload', 'download', 'introspect'], expiresAt: null })).secret;
  });
  afterAll(() => server.stop());

  describe('expiry without a policy', () => {
    it('defaults to 30 days, and `expiresAt: null` gives a token that never expires', async () => {
      const defaulted = ok(await attempt('GROUP', {})).createAccessToken.accessToken;
      expect(daysUntil(defaulted.expiresAt)).toBeGreaterThan(29.9);
      expect(daysUntil(defaulted.expiresAt)).toBeLessThanOrEqual(30);
      const endless = ok(await attempt('GROUP', { expiresAt: null })).createAccessToken.accessToken;
      expect(endless).toMatchObject({ expiresAt: null, status: 'ACTIVE' });
    });

    it.each([
      ['an expiry in the past', daysFromNow(-1)],
      ['an expiry of right now', new Date().toISOString()],
    ])('refuses %s on input.expiresAt with nothing written', async (_label, expiresAt) => {
      expectBadInput(await withoutWrites(server, () => attempt('PROJECT', { expiresAt })), 'input.expiresAt');
    });
  });

  describe('setTokenPolicy', () => {
    afterEach(() => setPolicy({ maxLifetimeDays: null, requireExpiry: false, allowedScopes: null }));

    it('with maxLifetimeDays=10 refuses an expiry 20 days out on input.expiresAt, and shortens the default to 10 days', async () => {
      expect(await setPolicy({ maxLifetimeDays: 10 })).toEqual({ organizationId: governed.organizationId, maxLifetimeDays: 10, requireExpiry: false, allowedScopes: null });
      for (const level of RESOURCE_LEVELS) {
        expectBadInput(await withoutWrites(server, () => attempt(level, { expiresAt: daysFromNow(20) })), 'input.expiresAt');
        expectBadInput(await withoutWrites(server, () => attempt(level, { expiresAt: null })), 'input.expiresAt');
        const defaulted = ok(await attempt(level, {})).createAccessToken.accessToken;
        expect(daysUntil(defaulted.expiresAt)).toBeLessThanOrEqual(10);
        expect(daysUntil(defaulted.expiresAt)).toBeGreaterThan(9.9);
        expect(ok(await attempt(level, { expiresAt: daysFromNow(9) })).createAccessToken.accessToken.status).toBe('ACTIVE');
      }
    });

    it('with requireExpiry refuses `expiresAt: null` on input.expiresAt and keeps the 30-day default', async () => {
      expect(await setPolicy({ requireExpiry: true })).toMatchObject({ requireExpiry: true, maxLifetimeDays: null });
      expectBadInput(await withoutWrites(server, () => attempt('ORGANIZATION', { expiresAt: null })), 'input.expiresAt');
      expect(daysUntil(ok(await attempt('ORGANIZATION', {})).createAccessToken.accessToken.expiresAt)).toBeGreaterThan(29.9);
      expect(ok(await attempt('ORGANIZATION', { expiresAt: daysFromNow(400) })).createAccessToken.accessToken.status).toBe('ACTIVE');
    });

    it("with allowedScopes ['read_api'] refuses `api` on input.scopes", async () => {
      expect(await setPolicy({ allowedScopes: ['read_api'] })).toMatchObject({ allowedScopes: ['read_api'] });
      for (const level of RESOURCE_LEVELS) {
        expectBadInput(await withoutWrites(server, () => attempt(level, { scopes: ['api'] })), 'input.scopes');
        expectBadInput(await withoutWrites(server, () => attempt(level, { scopes: ['read_api', 'download'] })), 'input.scopes');
        expect(ok(await attempt(level, { scopes: ['read_api'] })).createAccessToken.accessToken.scopes).toEqual(['read_api']);
      }
    });

    it("governs only its own organization's resource tokens: not another organization's, not personal tokens", async () => {
      await setPolicy({ maxLifetimeDays: 10, requireExpiry: true, allowedScopes: ['read_api'] });
      expect(ok(await attempt('GROUP', { scopes: ['api'], expiresAt: null }, free)).createAccessToken.accessToken).toMatchObject({ scopes: ['api'], expiresAt: null });
      expect(ok(await attempt('PERSONAL', { scopes: ['api'], expiresAt: null })).createAccessToken.accessToken).toMatchObject({ scopes: ['api'], expiresAt: null });
    });

    it('applies to rotation: an explicit expiry beyond it is refused, the kept lifetime is shortened to fit', async () => {
      const longLived = await createToken(server, owner.token, 'GROUP', governed, { scopes: ['read_api'], expiresAt: daysFromNow(60) });
      const endless = await createToken(server, owner.token, 'PROJECT', governed, { scopes: ['read_api'], expiresAt: null });
      await setPolicy({ maxLifetimeDays: 10 });

      const beyond = await withoutWrites(server, () => server.gql(TOKEN_OPS.rotate, { input: { id: longLived.id, expiresAt: daysFromNow(20), password: USER_PASSWORD } }, owner.token));
      expectBadInput(beyond, 'input.expiresAt');
      for (const token of [longLived, endless]) {
        const rotated = ok(await server.gql(TOKEN_OPS.rotate, { input: { id: token.id, password: USER_PASSWORD } }, owner.token)).rotateAccessToken.accessToken;
        expect(daysUntil(rotated.expiresAt)).toBeLessThanOrEqual(10);
        expect(daysUntil(rotated.expiresAt)).toBeGreaterThan(9.9);
      }
    });

    it('applies to restore: a revoked token the policy no longer allows stays revoked, one that complies comes back', async () => {
      const revoked = async (level: Level, input: Record<string, unknown>) => {
        const token = await createToken(server, owner.token, level, governed, input);
        ok(await server.gql(TOKEN_OPS.revoke, { input: { id: token.id } }, owner.token));
        return token.id;
      };
      const wideScopes = await revoked('GROUP', { scopes: ['api'], expiresAt: daysFromNow(5) });
      const endless = await revoked('PROJECT', { scopes: ['read_api'], expiresAt: null });
      const longLived = await revoked('ORGANIZATION', { scopes: ['read_api'], expiresAt: daysFromNow(60) });
      const compliant = await revoked('GROUP', { scopes: ['read_api'], expiresAt: daysFromNow(5) });
      await setPolicy({ maxLifetimeDays: 10, allowedScopes: ['read_api'] });

      const restore = (id: string) => server.gql(TOKEN_OPS.restore, { input: { id } }, owner.token);
      for (const [id, reason] of [[wideScopes, 'no longer allows'], [endless, 'requires an expiry'], [longLived, 'longer than the 10 days']]) {
        const refused = await withoutWrites(server, () => restore(id));
        expect(codeOf(refused)).toBe('CONFLICT');
        expect(refused.errors?.[0].message).toContain(reason);
        expect(ok(await server.gql(TOKEN_OPS.get, { id }, owner.token)).accessToken.status).toBe('REVOKED');
      }
      expect(ok(await restore(compliant)).restoreAccessToken.accessToken.status).toBe('ACTIVE');

      // An allowlist the policy now requires.
      await setPolicy({ maxLifetimeDays: null, allowedScopes: null, requireAllowedAddresses: true });
      ok(await server.gql(TOKEN_OPS.revoke, { input: { id: compliant } }, owner.token));
      const withoutAllowlist = await withoutWrites(server, () => restore(compliant));
      expect(codeOf(withoutAllowlist)).toBe('CONFLICT');
      expect(withoutAllowlist.errors?.[0].message).toContain('requires an address allowlist');
      await setPolicy({ requireAllowedAddresses: false });
      expect(ok(await restore(compliant)).restoreAccessToken.accessToken.status).toBe('ACTIVE');
    });

    it.each([
      ['maxLifetimeDays of 0', { maxLifetimeDays: 0 }, 'input.maxLifetimeDays'],
      ['maxLifetimeDays above ten years', { maxLifetimeDays: 3651 }, 'input.maxLifetimeDays'],
      ['an unknown scope', { allowedScopes: ['sudo'] }, 'input.allowedScopes'],
      ['1,000 scopes', { allowedScopes: Array.from({ length: 1000 }, () => 'read_api') }, 'input.allowedScopes'],
    ])('refuses %s with BAD_USER_INPUT and writes no policy', async (_label, policy, field) => {
      const response = await withoutWrites(server, () =>
        server.gql(TOKEN_OPS.setPolicy, { input: { organizationId: governed.organizationId, ...policy } }, owner.token),
      );
      expectBadInput(response, field);
    });
  });

  describe('bad input to createAccessToken is refused with nothing written', () => {
    const scopesOf = (count: number) => Array.from({ length: count }, (_, index) => ['api', 'read_api', 'download', 'upload'][index % 4]);

    it.each([
      ['PERSONAL', 'an empty name', 'input.name', { name: '' }],
      ['GROUP', 'an empty name', 'input.name', { name: '' }],
      ['PERSONAL', 'a blank name', 'input.name', { name: '   ' }],
      ['PROJECT', 'a blank name', 'input.name', { name: ' \t ' }],
      ['PERSONAL', 'a name of 10,000 characters', 'input.name', { name: 'n'.repeat(10_000) }],
      ['ORGANIZATION', 'a name of 10,000 characters', 'input.name', { name: 'n'.repeat(10_000) }],
      ['GROUP', 'a name of 101 characters', 'input.name', { name: 'n'.repeat(101) }],
      ['GROUP', 'a description of 501 characters', 'input.description', { description: 'd'.repeat(501) }],
      ['PERSONAL', '1,000 scopes', 'input.scopes', { scopes: scopesOf(1000) }],
      ['PROJECT', '1,000 scopes', 'input.scopes', { scopes: scopesOf(1000) }],
      ['GROUP', 'no scope', 'input.scopes', { scopes: [] }],
      ['PERSONAL', 'an unknown scope', 'input.scopes', { scopes: ['api', 'sudo'] }],
      ['ORGANIZATION', 'a scope of 10,000 characters', 'input.scopes', { scopes: ['s'.repeat(10_000)] }],
      ['GROUP', 'a scope the level does not offer (introspect)', 'input.scopes', { scopes: ['introspect'] }],
      ['PROJECT', 'a scope the level does not offer (introspect)', 'input.scopes', { scopes: ['read_api', 'introspect'] }],
      ['PERSONAL', 'a garbage date', 'input.expiresAt', { expiresAt: 'soon-ish' }],
      ['GROUP', 'a garbage date', 'input.expiresAt', { expiresAt: '2024-13-45T99:99:99Z' }],
      ['PROJECT', 'a date as a number', 'input.expiresAt', { expiresAt: 1_900_000_000 }],
      ['GROUP', 'a second resource id', 'input.projectId', { projectId: 'project' }],
      ['ORGANIZATION', 'all three resource ids', 'input.groupId', { groupId: 'group', projectId: 'project' }],
      ['PERSONAL', 'a role on a personal token', 'input.role', { role: 'VIEWER' }],
      ['GROUP', 'kind EXPOSE on a group token', 'input.kind', { kind: 'EXPOSE' }],
      ['ORGANIZATION', 'kind EXPOSE on an organization token', 'input.kind', { kind: 'EXPOSE' }],
      ['GROUP', 'kind CLIENT on a group token', 'input.kind', { kind: 'CLIENT' }],
      ['PERSONAL', 'an unknown kind', 'input.kind', { kind: 'REFRESH' }],
    ] as Array<[Level, string, string, Record<string, unknown>]>)('%s token with %s: BAD_USER_INPUT on %s', async (level, _label, field, input) => {
      const resolved = Object.fromEntries(Object.entries(input).map(([key, value]) => [key, key.endsWith('Id') ? governed[`${value}Id` as keyof Hierarchy] : value]));
      const response = await withoutWrites(server, () => attempt(level, resolved, free));
      expectBadInput(response, field);
    });

    it.each(RESOURCE_LEVELS)('%s token for an unknown resource: NOT_FOUND', async (level) => {
      const key = Object.keys(resourceOf(level, governed))[0];
      const response = await withoutWrites(server, () => server.gql(TOKEN_OPS.create, { input: { name: 'ghost', scopes: ['read_api'], [key]: UNKNOWN_ID, password: USER_PASSWORD } }, owner.token));
      expectRefused(response, 'NOT_FOUND');
    });

    it('offers introspect on organization tokens, as accessTokenScopes says', async () => {
      const offered = ok(await server.gql('query($level: AccessTokenLevel!) { accessTokenScopes(level: $level) { name } }', { level: 'GROUP' }, owner.token));
      expect(offered.accessTokenScopes.map((scope: { name: string }) => scope.name)).not.toContain('introspect');
      expect(ok(await attempt('ORGANIZATION', { scopes: ['introspect'] }, free)).createAccessToken.accessToken.scopes).toEqual(['introspect']);
    });

    it('stores names and descriptions trimmed, and repeated scopes once', async () => {
      const created = ok(await attempt('PROJECT', { name: '  ci runner  ', description: '  builds  ', scopes: ['read_api', 'read_api', 'download'] }, free)).createAccessToken.accessToken;
      expect(created).toMatchObject({ name: 'ci runner', description: 'builds', scopes: ['read_api', 'download'] });
      const row = await server.db.manager.findOneByOrFail(AccessTokenEntity, { id: created.id });
      expect(row.name).toBe('ci runner');
    });
  });

  describe('bad input to the other token mutations is refused with nothing written', () => {
    let tokenId: string;
    beforeAll(async () => {
      tokenId = (await createToken(server, owner.token, 'GROUP', free, { scopes: ['read_api'] })).id;
    });

    it.each([
      ['revokeAccessToken with a reason of 256 characters', TOKEN_OPS.revoke, () => ({ id: tokenId, reason: 'r'.repeat(256) }), 'input.reason'],
      ['rotateAccessToken with a garbage date', TOKEN_OPS.rotate, () => ({ id: tokenId, expiresAt: 'yesterday', password: USER_PASSWORD }), 'input.expiresAt'],
      ['deleteAllAccessTokens with an unknown kind', TOKEN_OPS.deleteAll, () => ({ kind: 'EVERYTHING' }), 'input.kind'],
    ])('%s: BAD_USER_INPUT', async (_label, query, input, field) => {
      expectBadInput(await withoutWrites(server, () => server.gql(query, { input: input() }, owner.token)), field);
    });

    it.each([
      ['revokeAccessToken', TOKEN_OPS.revoke],
      ['restoreAccessToken', TOKEN_OPS.restore],
      ['rotateAccessToken', TOKEN_OPS.rotate],
      ['deleteAccessToken', TOKEN_OPS.delete],
    ])('%s of an unknown id: NOT_FOUND; of a malformed id: BAD_USER_INPUT on input.id', async (_label, query) => {
      expect(codeOf(await withoutWrites(server, () => server.gql(query, { input: { id: UNKNOWN_ID } }, owner.token)))).toBe('NOT_FOUND');
      for (const id of ['not-an-id', "' OR 1=1 --"]) {
        expectBadInput(await withoutWrites(server, () => server.gql(query, { input: { id } }, owner.token)), 'input.id');
      }
    });
  });
});
