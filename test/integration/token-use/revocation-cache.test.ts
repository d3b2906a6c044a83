import { createDataSource } from '../../../src/database/data-source';
import { AccessTokenEntity } from '../../../src/modules/access-token/access-token.entity';
import { TestServer, startTestServer } from '../../support/test-server';
import { USER_PASSWORD, createHierarchy, createUser, loginAsAdmin, ok } from '../../support/fixtures';
import { CREATE_CLIENT, postForm } from '../../support/oauth-helpers';
import { introspect, issueToken } from '../../support/token-helpers';

const VIEWER = '{ viewer { authMethod } }';
const CREATE_TOKEN = 'mutation($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { secret refreshToken accessToken { id } } }';

/**
 * With the verified-token cache on (the default), every change that ends a token's validity is
 * seen by the very next use on the same instance: each case first uses the token (its row is now
 * cached), then changes it, then uses it again at once.
 */
describe('verified-token cache: a change is seen at the next use on the same instance', () => {
  let server: TestServer;
  let admin: string;
  let user: { id: string; email: string; token: string };

  const status = async (secret: string) => (await server.gql(VIEWER, {}, secret)).status;
  const warm = async (secret: string) => {
    expect(await status(secret)).toBe(200);
    expect(await status(secret)).toBe(200);
  };
  const mutate = async (query: string, variables: Record<string, unknown>, as = admin) => ok(await server.gql(query, variables, as));

  beforeAll(async () => {
    server = await startTestServer({ label: 'revocation_cache', env: { TESSERA_TOKEN_CACHE_TTL_SECONDS: '300' } });
    admin = await loginAsAdmin(server);
    user = await createUser(server, admin, 'cached');
  });
  afterAll(() => server.stop());

  it('keeps token rows in memory (the cache is on)', async () => {
    const token = await issueToken(server, user.token, { scopes: ['api'] });
    await warm(token.secret);
    expect(server.services.tokenCache.size).toBeGreaterThan(0);
  });

  it('revoke: refused at once by bearer and introspection; restore: accepted at once', async () => {
    const introspector = await issueToken(server, user.token, { name: 'checks', scopes: ['introspect'] });
    const token = await issueToken(server, user.token, { scopes: ['api'] });
    await warm(token.secret);
    expect((await introspect(server, introspector.secret, token.secret)).body.active).toBe(true);
    await mutate('mutation($id: ID!) { revokeAccessToken(input: { id: $id }) { accessToken { id } } }', { id: token.id }, user.token);
    expect(await status(token.secret)).toBe(401);
    expect((await introspect(server, introspector.secret, token.secret)).body.active).toBe(false);
    await mutate('mutation($id: ID!) { restoreAccessToken(input: { id: $id }) { accessToken { id } } }', { id: token.id }, user.token);
    expect(await status(token.secret)).toBe(200);
    expect((await introspect(server, introspector.secret, token.secret)).body.active).toBe(true);
  });

  it('rotate: the old secret is refused at once, the new one works', async () => {
    const token = await issueToken(server, user.token, { scopes: ['api'] });
    await warm(token.secret);
    const rotated = await mutate('mutation($input: RotateAccessTokenInput!) { rotateAccessToken(input: $input) { secret } }', { input: { id: token.id, password: USER_PASSWORD } }, user.token);
    expect(await status(token.secret)).toBe(401);
    expect(await status(rotated.rotateAccessToken.secret)).toBe(200);
  });

  it('edit in place: narrowed scopes and an earlier expiry hold at once', async () => {
    const token = await issueToken(server, user.token, { scopes: ['api'] });
    const other = await issueToken(server, user.token, { scopes: ['api'] });
    const update = (input: Record<string, unknown>) => mutate('mutation($input: UpdateAccessTokenInput!) { updateAccessToken(input: $input) { accessToken { id } } }', { input: { id: token.id, ...input } }, user.token);
    const revokeOther = async () => (await server.gql('mutation($id: ID!) { revokeAccessToken(input: { id: $id }) { accessToken { id } } }', { id: other.id }, token.secret)).errors?.[0]?.extensions.code ?? 'OK';
    await warm(token.secret);
    await update({ scopes: ['read_api'] });
    expect(await revokeOther()).toBe('FORBIDDEN');
    await update({ expiresAt: new Date(Date.now() + 1000).toISOString() });
    expect(await status(token.secret)).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await status(token.secret)).toBe(401);
  });

  it('delete one, and delete all of mine: refused at once', async () => {
    const one = await issueToken(server, user.token, { scopes: ['api'] });
    const two = await issueToken(server, user.token, { scopes: ['api'] });
    await warm(one.secret);
    await warm(two.secret);
    await mutate('mutation($id: ID!) { deleteAccessToken(input: { id: $id }) { deletedId } }', { id: one.id }, user.token);
    expect(await status(one.secret)).toBe(401);
    expect(await status(two.secret)).toBe(200);
    await mutate('mutation { deleteAllAccessTokens { deletedCount } }', {}, user.token);
    expect(await status(two.secret)).toBe(401);
  });

  it("the owner's changes: demotion from platform admin takes effect at once, deactivation refuses at once", async () => {
    const person = await createUser(server, admin, 'promoted');
    await mutate('mutation($input: UpdateUserInput!) { updateUser(input: $input) { user { id } } }', { input: { id: person.id, isPlatformAdmin: true } });
    const token = await issueToken(server, person.token, { scopes: ['api'] });
    const users = async () => (await server.gql('{ users(first: 1) { totalCount } }', {}, token.secret)).errors?.[0]?.extensions.code ?? 'OK';
    expect(await users()).toBe('OK');
    expect(await users()).toBe('OK');
    await mutate('mutation($input: UpdateUserInput!) { updateUser(input: $input) { user { id } } }', { input: { id: person.id, isPlatformAdmin: false } });
    expect(await users()).toBe('FORBIDDEN');
    await mutate('mutation($id: ID!) { deactivateUser(input: { id: $id }) { user { id } } }', { id: person.id });
    expect(await status(token.secret)).toBe(401);
  });

  it("resource deletion: a group's token is refused at once", async () => {
    const hierarchy = await createHierarchy(server, admin);
    const token = await issueToken(server, admin, { name: 'group bot', groupId: hierarchy.groupId, role: 'MEMBER', scopes: ['api'], password: 'admin-password-for-tests' });
    await warm(token.secret);
    await mutate('mutation($input: DeleteGroupInput!) { deleteGroup(input: $input) { deletedId } }', { input: { id: hierarchy.groupId } });
    expect(await status(token.secret)).toBe(401);
  });

  it('a token saved by another process on the same database (the CLI, a script) is refused within the poll interval', async () => {
    const token = await issueToken(server, user.token, { scopes: ['api'] });
    await warm(token.secret);
    const other = createDataSource(server.databaseUrl);
    await other.initialize();
    try {
      await other.transaction(async (tx) => {
        const row = await tx.findOneOrFail(AccessTokenEntity, { where: { id: token.id } });
        row.revokedAt = new Date();
        await tx.save(row);
      });
    } finally {
      await other.destroy();
    }
    const from = Date.now();
    while ((await status(token.secret)) === 200) expect(Date.now() - from).toBeLessThan(2000);
    expect(Date.now() - from).toBeLessThan(500);
  });

  describe('CLIENT tokens', () => {
    let client: { id: string; clientId: string };
    const createClientToken = async () => {
      const created = (await mutate(CREATE_TOKEN, { input: { kind: 'CLIENT', name: 'add-on', scopes: ['api'], oauthClientId: client.id, password: USER_PASSWORD } }, user.token)).createAccessToken;
      return { id: created.accessToken.id as string, secret: created.secret as string, refreshToken: created.refreshToken as string };
    };

    beforeAll(async () => {
      client = (await mutate(CREATE_CLIENT, { input: { clientId: 'cache-addon', name: 'Cache add-on' } })).createOAuthClient.oauthClient;
    });

    it('a refresh: the access token it replaces is refused at once', async () => {
      const token = await createClientToken();
      await warm(token.secret);
      const refreshed = await postForm(server, '/oauth/token', { grant_type: 'refresh_token', client_id: client.clientId, refresh_token: token.refreshToken });
      expect(refreshed.status).toBe(200);
      expect(await status(token.secret)).toBe(401);
      expect(await status(refreshed.body.access_token)).toBe(200);
    });

    it("revoking the refresh token (RFC 7009) revokes its family's access token at once", async () => {
      const token = await createClientToken();
      await warm(token.secret);
      expect((await postForm(server, '/oauth/revoke', { token: token.refreshToken, client_id: client.clientId })).status).toBe(200);
      expect(await status(token.secret)).toBe(401);
    });

    it('revoking the access token (RFC 7009) refuses it at once', async () => {
      const token = await createClientToken();
      await warm(token.secret);
      expect((await postForm(server, '/oauth/revoke', { token: token.secret, client_id: client.clientId })).status).toBe(200);
      expect(await status(token.secret)).toBe(401);
    });

    it("deleting the OAuth client refuses its tokens at once", async () => {
      const token = await createClientToken();
      await warm(token.secret);
      await mutate('mutation($input: DeleteOAuthClientInput!) { deleteOAuthClient(input: $input) { deletedId } }', { input: { id: client.id } });
      expect(await status(token.secret)).toBe(401);
    });
  });
});
