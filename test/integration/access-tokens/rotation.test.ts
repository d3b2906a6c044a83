import { AuditOutcome } from '../../../src/core/audit/audit-event.entity';
import { AccessTokenEntity } from '../../../src/modules/access-token/access-token.entity';
import { MembershipEntity } from '../../../src/modules/membership/membership.entity';
import { UserEntity } from '../../../src/modules/user/user.entity';
import { ADMIN_PASSWORD, TestServer, startTestServer } from '../../support/test-server';
import { USER_PASSWORD, codeOf, createHierarchy, createUser, loginAsAdmin, ok } from '../../support/fixtures';
import {
  DAY_MS,
  Hierarchy,
  IssuedToken,
  TOKEN_OPS,
  auditEvents,
  bearerStatus,
  createToken,
  daysFromNow,
  expectRefused,
  passwordFor,
  withoutWrites,
} from '../../support/token-fixtures';

const CHAIN = `query($id: ID!) { accessToken(id: $id) { id status revocationReason previousToken { id status revocationReason previousToken { id status revocationReason previousToken { id } } } } }`;

describe('rotating access tokens', () => {
  let server: TestServer;
  let admin: string;
  let owner: { id: string; token: string };
  let hierarchy: Hierarchy;

  const rotate = async (id: string, bearer = owner.token, input: Record<string, unknown> = {}): Promise<IssuedToken> => {
    const password = passwordFor(bearer, bearer === admin ? ADMIN_PASSWORD : USER_PASSWORD);
    const { secret, accessToken } = ok(await server.gql(TOKEN_OPS.rotate, { input: { id, ...password, ...input } }, bearer)).rotateAccessToken;
    return { id: accessToken.id, secret, accessToken };
  };
  const statusOf = async (id: string) => ok(await server.gql(TOKEN_OPS.get, { id }, admin)).accessToken;

  beforeAll(async () => {
    server = await startTestServer({ label: 'token_rotation', env: { TESSERA_TOKEN_AUTH_MAX_FAILURES_PER_ADDRESS: '100000' } });
    admin = await loginAsAdmin(server);
    owner = await createUser(server, admin, 'owner');
    hierarchy = await createHierarchy(server, owner.token);
  });
  afterAll(() => server.stop());

  describe('a chain A → B → C', () => {
    let a: IssuedToken;
    let b: IssuedToken;
    let c: IssuedToken;

    beforeAll(async () => {
      a = await createToken(server, owner.token, 'GROUP', hierarchy, { name: 'deploy bot', description: 'pushes releases', scopes: ['read_repository', 'write_repository'], role: 'MEMBER', expiresAt: daysFromNow(7) });
      b = await rotate(a.id);
      c = await rotate(b.id);
    });

    it('links each token to the one it replaced, and revokes the replaced ones with reason `rotated`', async () => {
      expect(ok(await server.gql(CHAIN, { id: c.id }, owner.token)).accessToken).toEqual({
        id: c.id,
        status: 'ACTIVE',
        revocationReason: null,
        previousToken: { id: b.id, status: 'REVOKED', revocationReason: 'rotated', previousToken: { id: a.id, status: 'REVOKED', revocationReason: 'rotated', previousToken: null } },
      });
      expect([await bearerStatus(server, a.secret), await bearerStatus(server, b.secret), await bearerStatus(server, c.secret)]).toEqual([401, 401, 200]);
    });

    it('keeps every setting, the technical user and its lifetime, with a new secret and id', async () => {
      const same = ['level', 'kind', 'name', 'description', 'role', 'scopes', 'owner', 'resource'];
      for (const rotated of [b, c]) {
        for (const key of same) expect(rotated.accessToken[key]).toEqual(a.accessToken[key]);
        expect(rotated.secret).not.toBe(a.secret);
        expect(rotated.accessToken.hint).not.toBe(a.accessToken.hint);
        const lifetime = new Date(rotated.accessToken.expiresAt).getTime() - Date.now();
        expect(lifetime).toBeGreaterThan(6.9 * DAY_MS);
        expect(lifetime).toBeLessThanOrEqual(7 * DAY_MS + 2000); // createdAt has whole seconds on SQLite
      }
      expect(new Set([a.id, b.id, c.id]).size).toBe(3);
      expect(await server.db.manager.countBy(UserEntity, { id: a.accessToken.owner.id })).toBe(1);
      expect(await server.db.manager.countBy(MembershipEntity, { userId: a.accessToken.owner.id })).toBe(1);
    });

    it('refuses to restore a rotated token: CONFLICT, nothing written', async () => {
      expectRefused(await withoutWrites(server, () => server.gql(TOKEN_OPS.restore, { input: { id: b.id } }, owner.token)), 'CONFLICT');
    });

    it('treats rotating B again as reuse: CONFLICT, and C is revoked too', async () => {
      const reuse = await server.gql(TOKEN_OPS.rotate, { input: { id: b.id, password: USER_PASSWORD } }, owner.token);
      expectRefused(reuse, 'CONFLICT');
      expect(await statusOf(c.id)).toMatchObject({ status: 'REVOKED', revocationReason: expect.stringContaining('reuse') });
      expect(await bearerStatus(server, c.secret)).toBe(401);
      expect(await server.db.manager.countBy(AccessTokenEntity, { previousTokenId: c.id })).toBe(0);
      const events = await auditEvents(server, { action: 'rotateAccessToken', targetId: b.id });
      expect(events.map((event) => [event.outcome, event.reason, event.detail && JSON.parse(event.detail)])).toEqual([
        [AuditOutcome.SUCCESS, null, { previousTokenId: a.id }],
        [AuditOutcome.SUCCESS, null, { reuseDetected: true, revoked: [c.id] }],
        [AuditOutcome.DENIED, 'CONFLICT', null],
      ]);
    });

    it('answers reuse of the oldest token the same way, with nothing left to revoke', async () => {
      const before = await server.db.manager.find(AccessTokenEntity, { where: [{ id: a.id }, { id: b.id }, { id: c.id }], order: { id: 'ASC' } });
      expectRefused(await server.gql(TOKEN_OPS.rotate, { input: { id: a.id, password: USER_PASSWORD } }, owner.token), 'CONFLICT');
      expect(await server.db.manager.find(AccessTokenEntity, { where: [{ id: a.id }, { id: b.id }, { id: c.id }], order: { id: 'ASC' } })).toEqual(before);
    });

    it('deletes C with its predecessors, its technical user and that user\'s membership; the audit trail stays', async () => {
      const technicalUserId = a.accessToken.owner.id;
      expect(ok(await server.gql(TOKEN_OPS.delete, { input: { id: c.id } }, owner.token)).deleteAccessToken).toEqual({ deletedId: c.id });
      expect(await server.db.manager.countBy(AccessTokenEntity, { ownerId: technicalUserId })).toBe(0);
      expect(await server.db.manager.countBy(UserEntity, { id: technicalUserId })).toBe(0);
      expect(await server.db.manager.countBy(MembershipEntity, { userId: technicalUserId })).toBe(0);
      const [deleted] = await auditEvents(server, { action: 'deleteAccessToken', targetId: c.id });
      expect(JSON.parse(deleted.detail!)).toEqual({ deleted: 3 });
      expect((await auditEvents(server, { targetId: a.id })).length).toBeGreaterThan(0);
    });
  });

  it('never forks a chain: of concurrent rotations of one token exactly one succeeds, the others are reuse (CONFLICT)', async () => {
    const token = await createToken(server, owner.token, 'GROUP', hierarchy, { name: 'raced', role: 'VIEWER' });
    const responses = await Promise.all(Array.from({ length: 6 }, () => server.gql(TOKEN_OPS.rotate, { input: { id: token.id, password: USER_PASSWORD } }, owner.token)));
    expect(responses.filter((response) => !response.errors).length).toBe(1);
    expect(responses.filter((response) => codeOf(response) === 'CONFLICT').length).toBe(5);
    expect(await server.db.manager.countBy(AccessTokenEntity, { previousTokenId: token.id })).toBe(1);
  });

  it('revokes once when asked concurrently: one revokeAccessToken SUCCESS event', async () => {
    const token = await createToken(server, owner.token, 'PROJECT', hierarchy, { name: 'revoked in a hurry', role: 'VIEWER' });
    const responses = await Promise.all(Array.from({ length: 6 }, () => server.gql(TOKEN_OPS.revoke, { input: { id: token.id } }, owner.token)));
    expect(responses.map((response) => ok(response).revokeAccessToken.accessToken.status)).toEqual(Array(6).fill('REVOKED'));
    expect((await auditEvents(server, { action: 'revokeAccessToken', targetId: token.id, outcome: AuditOutcome.SUCCESS })).length).toBe(1);
  });

  it('deletes a personal token with its predecessors and keeps its owner', async () => {
    const first = await createToken(server, owner.token, 'PERSONAL', hierarchy, { name: 'laptop' });
    const second = await rotate(first.id);
    const third = await rotate(second.id);
    ok(await server.gql(TOKEN_OPS.delete, { input: { id: third.id } }, owner.token));
    expect(await server.db.manager.countBy(AccessTokenEntity, [{ id: first.id }, { id: second.id }, { id: third.id }] as never)).toBe(0);
    expect(await server.db.manager.countBy(UserEntity, { id: owner.id })).toBe(1);
  });

  it('deleting a token in the middle of a chain keeps its successor and the technical user', async () => {
    const first = await createToken(server, owner.token, 'PROJECT', hierarchy, { name: 'middle', role: 'VIEWER' });
    const second = await rotate(first.id);
    const third = await rotate(second.id);
    ok(await server.gql(TOKEN_OPS.delete, { input: { id: second.id } }, owner.token));
    expect(await server.db.manager.countBy(AccessTokenEntity, { id: first.id })).toBe(0);
    expect(await statusOf(third.id)).toMatchObject({ status: 'ACTIVE', previousToken: null });
    expect(await bearerStatus(server, third.secret)).toBe(200);
    expect(await server.db.manager.countBy(UserEntity, { id: first.accessToken.owner.id })).toBe(1);
  });

  it.each([
    ['a revoked token', async (token: IssuedToken) => void ok(await server.gql(TOKEN_OPS.revoke, { input: { id: token.id } }, owner.token))],
    ['an expired token', async (token: IssuedToken) => void (await server.db.manager.update(AccessTokenEntity, { id: token.id }, { expiresAt: new Date(Date.now() - 60_000) }))],
  ])('refuses to rotate %s: CONFLICT, nothing written', async (_label, disable) => {
    const token = await createToken(server, owner.token, 'GROUP', hierarchy, { role: 'VIEWER' });
    await disable(token);
    expectRefused(await withoutWrites(server, () => server.gql(TOKEN_OPS.rotate, { input: { id: token.id, password: USER_PASSWORD } }, owner.token)), 'CONFLICT');
  });

  it('sets the new expiry when asked, or none', async () => {
    const token = await createToken(server, owner.token, 'PERSONAL', hierarchy, { expiresAt: daysFromNow(3) });
    const later = daysFromNow(60);
    const longer = await rotate(token.id, owner.token, { expiresAt: later });
    expect(longer.accessToken.expiresAt).toBe(later);
    const endless = await rotate(longer.id, owner.token, { expiresAt: null });
    expect(endless.accessToken.expiresAt).toBeNull();
    expect((await rotate(endless.id)).accessToken.expiresAt).toBeNull();
  });

  it('records who rotated: createdBy is the rotating ADMIN, not the original creator', async () => {
    const token = await createToken(server, owner.token, 'ORGANIZATION', hierarchy, { role: 'VIEWER' });
    const rotated = await rotate(token.id, admin);
    const adminId = ok(await server.gql(TOKEN_OPS.viewer, {}, admin)).viewer.principal.id;
    expect(rotated.accessToken.createdBy).toEqual({ id: adminId });
    expect(token.accessToken.createdBy).toEqual({ id: owner.id });
  });

  it('lets an api resource token rotate itself, never beyond its own expiry', async () => {
    const self = await createToken(server, owner.token, 'GROUP', hierarchy, { name: 'self rotating', role: 'ADMIN', scopes: ['api'], expiresAt: daysFromNow(2) });
    const next = await rotate(self.id, self.secret);
    expect(new Date(next.accessToken.expiresAt).getTime()).toBeLessThanOrEqual(new Date(self.accessToken.expiresAt).getTime());
    expect(await bearerStatus(server, self.secret)).toBe(401);
    expect(await bearerStatus(server, next.secret)).toBe(200);
  });

  it('refuses a rotation with a garbage or past expiry with nothing written', async () => {
    const token = await createToken(server, owner.token, 'GROUP', hierarchy, { role: 'VIEWER' });
    const garbage = await withoutWrites(server, () => server.gql(TOKEN_OPS.rotate, { input: { id: token.id, expiresAt: 'next tuesday', password: USER_PASSWORD } }, owner.token));
    expect(codeOf(garbage)).toBe('BAD_USER_INPUT');
    const past = await withoutWrites(server, () => server.gql(TOKEN_OPS.rotate, { input: { id: token.id, expiresAt: daysFromNow(-1), password: USER_PASSWORD } }, owner.token));
    expect(codeOf(past)).toBe('BAD_USER_INPUT');
    expect(past.errors![0].extensions.fields).toEqual([expect.objectContaining({ field: 'input.expiresAt' })]);
  });
});
