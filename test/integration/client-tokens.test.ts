import { RefreshTokenEntity } from '../../src/modules/refresh-token/refresh-token.entity';
import { AccessTokenEntity } from '../../src/modules/access-token/access-token.entity';
import { UserEntity } from '../../src/modules/user/user.entity';
import { TestServer, startTestServer } from '../support/test-server';
import { USER_PASSWORD, codeOf, createUser, loginAsAdmin, ok } from '../support/fixtures';

const CREATE_CLIENT = 'mutation($input: CreateOAuthClientInput!) { createOAuthClient(input: $input) { oauthClient { id clientId name accessTokenLifetimeSeconds refreshTokenLifetimeDays } } }';
const LIST_CLIENTS = 'query { oauthClients(first: 100) { edges { node { id clientId name } } } }';
const CREATE_TOKEN = `mutation($input: CreateAccessTokenInput!) { createAccessToken(input: $input) {
  secret refreshToken refreshTokenExpiresAt accessToken { id kind level expiresAt hint } } }`;
const VIEWER = 'query { viewer { user { id } } }';
const TOKEN_STATUS = 'query($id: ID!) { accessToken(id: $id) { status revocationReason } }';

interface ClientToken {
  id: string;
  secret: string;
  refreshToken: string;
  refreshTokenExpiresAt: string | null;
  expiresAt: string;
}

/** POSTs a form-encoded request to one of the OAuth endpoints. */
async function postForm(server: TestServer, path: string, params: Record<string, string>) {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
}

const refresh = (server: TestServer, clientId: string, refreshToken: string) =>
  postForm(server, '/oauth/token', { grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken });

/** Whether a bearer secret is accepted by the GraphQL API: the HTTP status of a `viewer` query. */
async function bearerStatus(server: TestServer, secret: string): Promise<number> {
  return (await server.gql(VIEWER, {}, secret)).status;
}

describe('DataChain client tokens', () => {
  let server: TestServer;
  let admin: string;
  let user: { id: string; email: string; token: string };
  let pydc: { id: string; clientId: string };
  let other: { id: string; clientId: string };

  async function createClientToken(sessionToken: string, input: Record<string, unknown> = {}): Promise<ClientToken> {
    const data = ok(await server.gql(CREATE_TOKEN, { input: { kind: 'CLIENT', name: 'PyDC', scopes: ['api'], oauthClientId: pydc.id, password: USER_PASSWORD, ...input } }, sessionToken));
    const created = data.createAccessToken;
    return { id: created.accessToken.id, secret: created.secret, refreshToken: created.refreshToken, refreshTokenExpiresAt: created.refreshTokenExpiresAt, expiresAt: created.accessToken.expiresAt };
  }

  beforeAll(async () => {
    // Strict reuse detection here; the grace period has its own suite (oauth-refresh-grace.test.ts).
    server = await startTestServer({ label: 'client_tokens', env: { TESSERA_REFRESH_REUSE_GRACE_SECONDS: '0' } });
    admin = await loginAsAdmin(server);
    user = await createUser(server, admin, 'datachain');
    const created = ok(await server.gql(CREATE_CLIENT, { input: { clientId: 'pydc', name: 'PyDC', accessTokenLifetimeSeconds: 600, refreshTokenLifetimeDays: 7 } }, admin));
    pydc = created.createOAuthClient.oauthClient;
    other = ok(await server.gql(CREATE_CLIENT, { input: { clientId: 'other-addon', name: 'Other add-on' } }, admin)).createOAuthClient.oauthClient;
  });

  afterAll(async () => {
    await server?.stop();
  });

  describe('OAuth clients', () => {
    it('are registered by platform admins with default lifetimes', async () => {
      const data = ok(await server.gql(CREATE_CLIENT, { input: { clientId: 'defaults', name: 'Defaults' } }, admin));
      expect(data.createOAuthClient.oauthClient).toMatchObject({ clientId: 'defaults', accessTokenLifetimeSeconds: 3600, refreshTokenLifetimeDays: 30 });
    });

    it('are listed for every signed-in user, for the client picker', async () => {
      const data = ok(await server.gql(LIST_CLIENTS, {}, user.token));
      expect(data.oauthClients.edges.map((e: any) => e.node.clientId)).toEqual(expect.arrayContaining(['pydc', 'other-addon']));
    });

    it('cannot be registered, changed or deleted by other users (FORBIDDEN)', async () => {
      expect(codeOf(await server.gql(CREATE_CLIENT, { input: { clientId: 'mine', name: 'Mine' } }, user.token))).toBe('FORBIDDEN');
      expect(codeOf(await server.gql('mutation($input: UpdateOAuthClientInput!) { updateOAuthClient(input: $input) { oauthClient { id } } }', { input: { id: pydc.id, name: 'x' } }, user.token))).toBe('FORBIDDEN');
      expect(codeOf(await server.gql('mutation($input: DeleteOAuthClientInput!) { deleteOAuthClient(input: $input) { deletedId } }', { input: { id: pydc.id } }, user.token))).toBe('FORBIDDEN');
    });

    it('refuse a duplicate clientId with CONFLICT', async () => {
      expect(codeOf(await server.gql(CREATE_CLIENT, { input: { clientId: 'pydc', name: 'Again' } }, admin))).toBe('CONFLICT');
    });

    it('are changed and deleted by platform admins, with an audit event', async () => {
      const id = ok(await server.gql(CREATE_CLIENT, { input: { clientId: 'short-lived', name: 'Short' } }, admin)).createOAuthClient.oauthClient.id;
      const updated = ok(await server.gql('mutation($input: UpdateOAuthClientInput!) { updateOAuthClient(input: $input) { oauthClient { name accessTokenLifetimeSeconds } } }', { input: { id, name: 'Renamed', accessTokenLifetimeSeconds: 120 } }, admin));
      expect(updated.updateOAuthClient.oauthClient).toEqual({ name: 'Renamed', accessTokenLifetimeSeconds: 120 });
      ok(await server.gql('mutation($input: DeleteOAuthClientInput!) { deleteOAuthClient(input: $input) { deletedId } }', { input: { id } }, admin));
      const audit = ok(await server.gql('query($id: String) { auditEvents(first: 10, targetId: $id) { edges { node { action } } } }', { id }, admin));
      expect(audit.auditEvents.edges.map((e: any) => e.node.action).sort()).toEqual(['createOAuthClient', 'deleteOAuthClient', 'updateOAuthClient']);
    });
  });

  describe('creating a CLIENT token', () => {
    it('returns an access token (tscat_) and a refresh token (tsrft_), the access token living as long as the client says', async () => {
      const before = Date.now();
      const token = await createClientToken(user.token);
      expect(token.secret).toMatch(/^tscat_[0-9A-Za-z]{30}_[0-9A-Za-z]{6}$/);
      expect(token.refreshToken).toMatch(/^tsrft_[0-9A-Za-z]{30}_[0-9A-Za-z]{6}$/);
      const lifetime = new Date(token.expiresAt).getTime() - before;
      expect(lifetime).toBeGreaterThan(590_000);
      expect(lifetime).toBeLessThan(610_000 + 5_000);
      const refreshLifetime = new Date(token.refreshTokenExpiresAt!).getTime() - before;
      expect(Math.round(refreshLifetime / 86_400_000)).toBe(7);
      expect(await bearerStatus(server, token.secret)).toBe(200);
    });

    it('requires the password', async () => {
      const response = await server.gql(CREATE_TOKEN, { input: { kind: 'CLIENT', name: 'PyDC', scopes: ['api'], oauthClientId: pydc.id } }, user.token);
      expect(codeOf(response)).toBe('BAD_USER_INPUT');
      expect(response.errors![0].extensions.fields![0].field).toBe('input.password');
    });

    it('requires an OAuth client, and refuses one on other kinds', async () => {
      const missing = await server.gql(CREATE_TOKEN, { input: { kind: 'CLIENT', name: 'PyDC', scopes: ['api'], password: USER_PASSWORD } }, user.token);
      expect(missing.errors![0].extensions.fields![0].field).toBe('input.oauthClientId');
      const onExpose = await server.gql(CREATE_TOKEN, { input: { kind: 'EXPOSE', name: 'x', scopes: ['api'], oauthClientId: pydc.id, password: USER_PASSWORD } }, user.token);
      expect(onExpose.errors![0].extensions.fields![0].field).toBe('input.oauthClientId');
    });

    it('is personal only', async () => {
      const { createOrganization } = ok(await server.gql('mutation { createOrganization(input: { name: "DC" }) { organization { id } } }', {}, admin));
      const response = await server.gql(CREATE_TOKEN, { input: { kind: 'CLIENT', name: 'x', scopes: ['api'], oauthClientId: pydc.id, organizationId: createOrganization.organization.id, password: 'admin-password-for-tests' } }, admin);
      expect(codeOf(response)).toBe('BAD_USER_INPUT');
      expect(response.errors![0].extensions.fields![0].field).toBe('input.kind');
    });

    it('offline: the refresh token has no expiry', async () => {
      const token = await createClientToken(user.token, { offline: true });
      expect(token.refreshTokenExpiresAt).toBeNull();
      const refreshed = await refresh(server, 'pydc', token.refreshToken);
      expect(refreshed.status).toBe(200);
      expect(refreshed.body.refresh_expires_in).toBeUndefined();
    });

    it('stores no refresh-token plaintext in the database', async () => {
      const token = await createClientToken(user.token);
      const rows = await server.db.manager.find(RefreshTokenEntity, { where: { accessTokenId: token.id } });
      expect(rows).toHaveLength(1);
      expect(rows[0].tokenHash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(rows)).not.toContain(token.refreshToken.split('_')[1]);
      const dump = JSON.stringify(await server.db.query('SELECT * FROM refresh_tokens')) + JSON.stringify(await server.db.query('SELECT * FROM audit_events'));
      expect(dump).not.toContain(token.refreshToken.split('_')[1]);
      expect(dump).not.toContain(token.secret.split('_')[1]);
    });
  });

  describe('POST /oauth/token (refresh grant)', () => {
    it('returns a new pair; the old access token is refused, the new one works', async () => {
      const token = await createClientToken(user.token);
      const response = await refresh(server, 'pydc', token.refreshToken);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.body).toMatchObject({ token_type: 'Bearer', expires_in: 600, scope: 'api' });
      expect(response.body.access_token).toMatch(/^tscat_/);
      expect(response.body.refresh_token).toMatch(/^tsrft_/);
      expect(response.body.refresh_token).not.toBe(token.refreshToken);
      expect(await bearerStatus(server, token.secret)).toBe(401);
      expect(await bearerStatus(server, response.body.access_token)).toBe(200);
      const old = ok(await server.gql(TOKEN_STATUS, { id: token.id }, user.token));
      expect(old.accessToken).toEqual({ status: 'REVOKED', revocationReason: 'refreshed' });
    });

    it('keeps the absolute expiry of the refresh token', async () => {
      const token = await createClientToken(user.token);
      const first = await refresh(server, 'pydc', token.refreshToken);
      const rows = await server.db.manager.find(RefreshTokenEntity, { order: { id: 'DESC' }, take: 1 });
      expect(rows[0].expiresAt!.toISOString()).toBe(token.refreshTokenExpiresAt);
      expect(first.body.refresh_expires_in).toBeLessThanOrEqual(7 * 86_400);
    });

    it('reusing a spent refresh token answers invalid_grant and revokes the whole family', async () => {
      const token = await createClientToken(user.token);
      const second = await refresh(server, 'pydc', token.refreshToken);
      expect(second.status).toBe(200);
      const reuse = await refresh(server, 'pydc', token.refreshToken);
      expect(reuse.status).toBe(400);
      expect(reuse.body.error).toBe('invalid_grant');
      expect(await bearerStatus(server, second.body.access_token)).toBe(401);
      expect((await refresh(server, 'pydc', second.body.refresh_token)).body.error).toBe('invalid_grant');
    });

    it('answers 401 invalid_client for an unknown client_id and invalid_grant for another client', async () => {
      const token = await createClientToken(user.token);
      const unknown = await refresh(server, 'no-such-client', token.refreshToken);
      expect(unknown.status).toBe(401);
      expect(unknown.body.error).toBe('invalid_client');
      const wrong = await refresh(server, other.clientId, token.refreshToken);
      expect(wrong.status).toBe(400);
      expect(wrong.body.error).toBe('invalid_grant');
      expect((await refresh(server, 'pydc', token.refreshToken)).status).toBe(200);
    });

    it.each([
      ['a missing grant_type', { client_id: 'pydc', refresh_token: 'x' }, 'invalid_request'],
      ['another grant type', { grant_type: 'password', client_id: 'pydc', refresh_token: 'x' }, 'unsupported_grant_type'],
      ['a missing client_id', { grant_type: 'refresh_token', refresh_token: 'x' }, 'invalid_request'],
      ['a missing refresh_token', { grant_type: 'refresh_token', client_id: 'pydc' }, 'invalid_request'],
      ['a malformed refresh token', { grant_type: 'refresh_token', client_id: 'pydc', refresh_token: 'not-a-token' }, 'invalid_grant'],
    ])('answers 400 for %s', async (_case, params, error) => {
      const response = await postForm(server, '/oauth/token', params as Record<string, string>);
      expect(response.status).toBe(400);
      expect(response.body.error).toBe(error);
    });

    it('refuses a JSON body (form-encoded only)', async () => {
      const token = await createClientToken(user.token);
      const response = await fetch(`${server.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'refresh_token', client_id: 'pydc', refresh_token: token.refreshToken }),
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as any).error).toBe('invalid_request');
    });

    it('audits each refresh', async () => {
      const token = await createClientToken(user.token);
      const response = await refresh(server, 'pydc', token.refreshToken);
      const audit = ok(await server.gql('query { auditEvents(first: 5, action: "refreshAccessToken") { edges { node { actorId targetId outcome } } } }', {}, admin));
      expect(audit.auditEvents.edges.map((e: any) => e.node)).toContainEqual({ actorId: user.id, targetId: expect.any(String), outcome: 'SUCCESS' });
      expect(JSON.stringify(audit)).not.toContain(response.body.refresh_token);
    });
  });

  describe('POST /oauth/revoke', () => {
    it('revoking a refresh token revokes its family and its access tokens', async () => {
      const token = await createClientToken(user.token);
      const refreshed = await refresh(server, 'pydc', token.refreshToken);
      const response = await postForm(server, '/oauth/revoke', { token: refreshed.body.refresh_token, token_type_hint: 'refresh_token', client_id: 'pydc' });
      expect(response.status).toBe(200);
      expect(await bearerStatus(server, refreshed.body.access_token)).toBe(401);
      expect((await refresh(server, 'pydc', refreshed.body.refresh_token)).body.error).toBe('invalid_grant');
    });

    it('revokes an access token presented to it', async () => {
      const token = await createClientToken(user.token);
      expect((await postForm(server, '/oauth/revoke', { token: token.secret })).status).toBe(200);
      expect(await bearerStatus(server, token.secret)).toBe(401);
      expect((await refresh(server, 'pydc', token.refreshToken)).body.error).toBe('invalid_grant');
    });

    it('answers 200 for unknown or malformed tokens', async () => {
      expect((await postForm(server, '/oauth/revoke', { token: 'tsrft_000000000000000000000000000000_000000' })).status).toBe(200);
      expect((await postForm(server, '/oauth/revoke', { token: 'garbage' })).status).toBe(200);
      expect((await postForm(server, '/oauth/revoke', {})).status).toBe(400);
    });
  });

  describe('deleting and deactivating', () => {
    it('deleting a CLIENT token deletes its refresh tokens', async () => {
      const token = await createClientToken(user.token);
      const refreshed = await refresh(server, 'pydc', token.refreshToken);
      const latest = await server.db.manager.findOneOrFail(AccessTokenEntity, { where: { previousTokenId: token.id } });
      ok(await server.gql('mutation($input: AccessTokenIdInput!) { deleteAccessToken(input: $input) { deletedId } }', { input: { id: latest.id } }, user.token));
      expect(await server.db.manager.count(RefreshTokenEntity, { where: { accessTokenId: token.id } })).toBe(0);
      expect(await server.db.manager.count(RefreshTokenEntity, { where: { accessTokenId: latest.id } })).toBe(0);
      expect((await refresh(server, 'pydc', refreshed.body.refresh_token)).body.error).toBe('invalid_grant');
    });

    it('deleteAllAccessTokens(kind: CLIENT) deletes every CLIENT token and refresh token of the caller', async () => {
      const someone = await createUser(server, admin, 'delete-all');
      const token = await createClientToken(someone.token);
      const data = ok(await server.gql('mutation { deleteAllAccessTokens(input: { kind: CLIENT }) { deletedCount } }', {}, someone.token));
      expect(data.deleteAllAccessTokens.deletedCount).toBe(1);
      expect(await server.db.manager.count(RefreshTokenEntity, { where: { ownerId: someone.id } })).toBe(0);
      expect((await refresh(server, 'pydc', token.refreshToken)).body.error).toBe('invalid_grant');
    });

    it('rotateAccessToken refuses CLIENT tokens (they are refreshed instead)', async () => {
      const token = await createClientToken(user.token);
      const response = await server.gql('mutation($input: RotateAccessTokenInput!) { rotateAccessToken(input: $input) { secret } }', { input: { id: token.id, password: USER_PASSWORD } }, user.token);
      expect(codeOf(response)).toBe('CONFLICT');
    });

    it('deactivating the owner makes the refresh token refused', async () => {
      const someone = await createUser(server, admin, 'deactivated');
      const token = await createClientToken(someone.token);
      ok(await server.gql('mutation($input: UserIdInput!) { deactivateUser(input: $input) { user { status } } }', { input: { id: someone.id } }, admin));
      const response = await refresh(server, 'pydc', token.refreshToken);
      expect(response.status).toBe(400);
      expect(response.body.error).toBe('invalid_grant');
      const row = await server.db.manager.findOneOrFail(RefreshTokenEntity, { where: { accessTokenId: token.id } });
      expect(row.revocationReason).toBe('owner deactivated');
    });

    it('an owner past validUntil cannot refresh', async () => {
      const someone = await createUser(server, admin, 'expiring');
      const token = await createClientToken(someone.token);
      await server.db.manager.update(UserEntity, { id: someone.id }, { validUntil: new Date(Date.now() - 1000) });
      expect((await refresh(server, 'pydc', token.refreshToken)).body.error).toBe('invalid_grant');
    });

    it('deleting the OAuth client revokes its access tokens and deletes its refresh tokens', async () => {
      const { id } = ok(await server.gql(CREATE_CLIENT, { input: { clientId: 'doomed', name: 'Doomed' } }, admin)).createOAuthClient.oauthClient;
      const token = await createClientToken(user.token, { oauthClientId: id });
      ok(await server.gql('mutation($input: DeleteOAuthClientInput!) { deleteOAuthClient(input: $input) { deletedId } }', { input: { id } }, admin));
      expect(await bearerStatus(server, token.secret)).toBe(401);
      expect(await server.db.manager.count(RefreshTokenEntity, { where: { oauthClientId: id } })).toBe(0);
    });
  });
});
