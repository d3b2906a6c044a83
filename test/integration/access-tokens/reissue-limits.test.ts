import { TestServer, startTestServer } from '../../support/test-server';
import { USER_PASSWORD, codeOf, createHierarchy, createUser, loginAsAdmin, ok } from '../../support/fixtures';
import { Hierarchy, IssuedToken, TOKEN_OPS, bearerStatus, createToken, daysFromNow, expectBadInput, expectRefused, withoutWrites } from '../../support/token-fixtures';

const CREATE_CLIENT = 'mutation($input: CreateOAuthClientInput!) { createOAuthClient(input: $input) { oauthClient { id } } }';
const DELETE_CLIENT = 'mutation($input: DeleteOAuthClientInput!) { deleteOAuthClient(input: $input) { deletedId } }';
const hoursFromNow = (hours: number): string => new Date(Date.now() + hours * 3600 * 1000).toISOString();

/**
 * Restoring and rotating both put a token (back) into service: restore obeys the caller limits
 * rotation does (one policy), and a session re-enters its password to rotate, as to create.
 */
describe('restore and rotate: the same caller limits', () => {
  let server: TestServer;
  let admin: string;
  let owner: { id: string; token: string };
  let hierarchy: Hierarchy;
  /** A group ADMIN token with only `api`, expiring in an hour: what an integration script holds. */
  let script: IssuedToken;

  const revoke = async (id: string) => void ok(await server.gql(TOKEN_OPS.revoke, { input: { id } }, owner.token));
  const restore = (id: string, bearer: string) => server.gql(TOKEN_OPS.restore, { input: { id } }, bearer);
  const rotate = (id: string, bearer: string, input: Record<string, unknown> = {}) => server.gql(TOKEN_OPS.rotate, { input: { id, ...input } }, bearer);

  beforeAll(async () => {
    server = await startTestServer({ label: 'token_reissue', env: { TESSERA_TOKEN_AUTH_MAX_FAILURES_PER_ADDRESS: '100000' } });
    admin = await loginAsAdmin(server);
    owner = await createUser(server, admin, 'owner');
    hierarchy = await createHierarchy(server, owner.token);
    script = await createToken(server, owner.token, 'GROUP', hierarchy, { name: 'script', role: 'ADMIN', scopes: ['api'], expiresAt: hoursFromNow(1) });
  });
  afterAll(() => server.stop());

  describe('a token caller restores only what it could rotate', () => {
    it('cannot restore a revoked token with wider scopes and no expiry (as it cannot rotate it): FORBIDDEN, nothing written', async () => {
      const wide = await createToken(server, owner.token, 'GROUP', hierarchy, { name: 'wide', role: 'VIEWER', scopes: ['api', 'write_repository'], expiresAt: null });
      await revoke(wide.id);
      expectRefused(await withoutWrites(server, () => rotate(wide.id, script.secret)), 'FORBIDDEN');
      expectRefused(await withoutWrites(server, () => restore(wide.id, script.secret)), 'FORBIDDEN');
      expect(await bearerStatus(server, wide.secret)).toBe(401);
    });

    it('cannot restore a token within its scopes that would outlive it (no expiry, or a later one): FORBIDDEN, nothing written', async () => {
      for (const expiresAt of [null, daysFromNow(3)]) {
        const longer = await createToken(server, owner.token, 'GROUP', hierarchy, { name: 'longer', role: 'VIEWER', scopes: ['api'], expiresAt });
        await revoke(longer.id);
        const response = await withoutWrites(server, () => restore(longer.id, script.secret));
        expectRefused(response, 'FORBIDDEN');
        expect(response.errors![0].message).toContain('outlive');
        expect(await bearerStatus(server, longer.secret)).toBe(401);
      }
    });

    it('restores a resource token within its scopes and expiry', async () => {
      const within = await createToken(server, owner.token, 'PROJECT', hierarchy, { name: 'within', role: 'VIEWER', scopes: ['read_api'], expiresAt: hoursFromNow(0.5) });
      await revoke(within.id);
      expect(ok(await restore(within.id, script.secret)).restoreAccessToken.accessToken.status).toBe('ACTIVE');
      expect(await bearerStatus(server, within.secret)).toBe(200);
    });

    it('cannot restore a personal token its owner revoked in a session (as it cannot create or rotate one): FORBIDDEN, nothing written', async () => {
      const automation = await createToken(server, owner.token, 'PERSONAL', hierarchy, { name: 'automation', scopes: ['api'], expiresAt: null });
      const laptop = await createToken(server, owner.token, 'PERSONAL', hierarchy, { name: 'laptop', scopes: ['read_api'], expiresAt: daysFromNow(1) });
      await revoke(laptop.id);
      expectRefused(await withoutWrites(server, () => rotate(laptop.id, automation.secret)), 'FORBIDDEN');
      const response = await withoutWrites(server, () => restore(laptop.id, automation.secret));
      expectRefused(response, 'FORBIDDEN');
      expect(response.errors![0].message).toContain('cannot restore personal tokens');
      expect(await bearerStatus(server, laptop.secret)).toBe(401);
      expect(ok(await restore(laptop.id, owner.token)).restoreAccessToken.accessToken.status).toBe('ACTIVE');
    });
  });

  describe('a CLIENT token lives with its OAuth client', () => {
    const createClientToken = async (oauthClientId: string) => {
      const data = ok(await server.gql(TOKEN_OPS.create, { input: { kind: 'CLIENT', name: 'PyDC', scopes: ['api'], oauthClientId, password: USER_PASSWORD } }, owner.token));
      return { id: data.createAccessToken.accessToken.id as string, secret: data.createAccessToken.secret as string };
    };
    const newClient = async (clientId: string): Promise<string> =>
      ok(await server.gql(CREATE_CLIENT, { input: { clientId, name: clientId } }, admin)).createOAuthClient.oauthClient.id;

    it('stays revoked once its OAuth client is deleted: restore is CONFLICT, nothing written', async () => {
      const clientId = await newClient('deleted-later');
      const token = await createClientToken(clientId);
      ok(await server.gql(DELETE_CLIENT, { input: { id: clientId } }, admin));
      expect(await bearerStatus(server, token.secret)).toBe(401);
      for (const bearer of [owner.token, admin]) expectRefused(await withoutWrites(server, () => restore(token.id, bearer)), 'CONFLICT');
      expect(await bearerStatus(server, token.secret)).toBe(401);
    });

    it('is restored after its owner revoked it while the client exists', async () => {
      const token = await createClientToken(await newClient('still-there'));
      await revoke(token.id);
      expect(ok(await restore(token.id, owner.token)).restoreAccessToken.accessToken.status).toBe('ACTIVE');
      expect(await bearerStatus(server, token.secret)).toBe(200);
    });
  });

  describe('rotating in a session asks for the password, as creating does', () => {
    let target: IssuedToken;
    beforeAll(async () => {
      target = await createToken(server, owner.token, 'GROUP', hierarchy, { name: 'rotated in a session', role: 'VIEWER', scopes: ['read_api'] });
    });

    it('refuses a rotation without the password with the error create gives: BAD_USER_INPUT on input.password, nothing written', async () => {
      const rotation = await withoutWrites(server, () => rotate(target.id, owner.token));
      const creation = await withoutWrites(server, () => server.gql(TOKEN_OPS.create, { input: { name: 'x', scopes: ['read_api'], groupId: hierarchy.groupId } }, owner.token));
      expectBadInput(rotation, 'input.password');
      expect(rotation.errors![0].extensions.fields).toEqual([expect.objectContaining({ field: 'input.password', constraint: 'isNotEmpty' })]);
      expect(rotation.errors![0].extensions.fields![0].constraint).toBe(creation.errors![0].extensions.fields![0].constraint);
      expect(await bearerStatus(server, target.secret)).toBe(200);
    });

    it('refuses a wrong password: BAD_USER_INPUT (currentPassword), nothing written, the old secret still works', async () => {
      const response = await withoutWrites(server, () => rotate(target.id, owner.token, { password: 'not-my-password' }));
      expectBadInput(response, 'input.password');
      expect(response.errors![0].extensions.fields).toEqual([expect.objectContaining({ field: 'input.password', constraint: 'currentPassword' })]);
      expect(await bearerStatus(server, target.secret)).toBe(200);
    });

    it('rotates with the current password', async () => {
      const rotated = ok(await rotate(target.id, owner.token, { password: USER_PASSWORD })).rotateAccessToken;
      expect(rotated.accessToken.previousToken).toMatchObject({ id: target.id, status: 'REVOKED' });
      expect(await bearerStatus(server, rotated.secret)).toBe(200);
      expect(codeOf(await rotate(rotated.accessToken.id, owner.token))).toBe('BAD_USER_INPUT');
    });

    it('asks no password of a token caller, which is bound by its own limits instead', async () => {
      const own = await createToken(server, owner.token, 'PROJECT', hierarchy, { name: 'token rotated', role: 'VIEWER', scopes: ['read_api'], expiresAt: hoursFromNow(0.5) });
      expect(ok(await rotate(own.id, script.secret)).rotateAccessToken.accessToken.previousToken.id).toBe(own.id);
    });
  });
});
