import { createUser, loginAsAdmin } from '../support/fixtures';
import { basicAuth, createClientToken, createOAuthClient, postForm } from '../support/oauth-helpers';
import { TestServer, startTestServer } from '../support/test-server';

const VIEWER = 'query { viewer { user { id } } }';
const SPENT_GUESS = 'tsrft_000000000000000000000000000000_000000';

/** The Keycloak endpoint a DataChain add-on is configured with, e.g. `/auth/realms/datachain/protocol/openid-connect/token`. */
const keycloak = (prefix: string, realm: string, endpoint: 'token' | 'revoke' | 'token/introspect') => `${prefix}/realms/${realm}/protocol/openid-connect/${endpoint}`;

/** PyDC's request: form-encoded client_id, grant_type=refresh_token, refresh_token. */
const pydcRefresh = (server: TestServer, path: string, clientId: string, refreshToken: string) =>
  postForm(server, path, { client_id: clientId, grant_type: 'refresh_token', refresh_token: refreshToken });

describe("Keycloak's OAuth paths (any realm)", () => {
  let server: TestServer;
  let user: { id: string; token: string };
  let pydc: { id: string; clientId: string };
  let resourceServer: { id: string; clientId: string; clientSecret: string | null };

  beforeAll(async () => {
    server = await startTestServer({ label: 'oauth_keycloak', env: { TESSERA_TOKEN_AUTH_MAX_FAILURES_PER_CREDENTIAL: '3' } });
    const admin = await loginAsAdmin(server);
    user = await createUser(server, admin, 'pydc-user');
    pydc = await createOAuthClient(server, admin, { clientId: 'pydc' });
    resourceServer = await createOAuthClient(server, admin, { clientId: 'resource-server', type: 'CONFIDENTIAL' });
  });
  afterAll(() => server.stop());

  it.each([
    ['/auth', 'datachain'],
    ['', 'datachain'],
    ['/auth', 'any-Other.realm'],
    ['', 'r%C3%A9alm'],
  ])('refreshes at %s/realms/%s/protocol/openid-connect/token like /oauth/token', async (prefix, realm) => {
    const token = await createClientToken(server, user.token, pydc.id);
    const response = await pydcRefresh(server, keycloak(prefix, realm, 'token'), pydc.clientId, token.refreshToken);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.body).toMatchObject({ token_type: 'Bearer', scope: 'api', expires_in: expect.any(Number), refresh_token: expect.stringMatching(/^tsrft_/) });
    expect((await server.gql(VIEWER, {}, response.body.access_token)).data?.viewer.user.id).toBe(user.id);
    expect((await server.gql(VIEWER, {}, token.secret)).status).toBe(401);
    const next = await pydcRefresh(server, '/oauth/token', pydc.clientId, response.body.refresh_token);
    expect(next.status).toBe(200);
  });

  it('answers the same errors as /oauth/token', async () => {
    const token = await createClientToken(server, user.token, pydc.id);
    const path = keycloak('/auth', 'datachain', 'token');
    for (const [params, status, error] of [
      [{ client_id: 'nobody', grant_type: 'refresh_token', refresh_token: token.refreshToken }, 401, 'invalid_client'],
      [{ client_id: pydc.clientId, grant_type: 'password', refresh_token: token.refreshToken }, 400, 'unsupported_grant_type'],
      [{ client_id: pydc.clientId, grant_type: 'refresh_token' }, 400, 'invalid_request'],
      [{ client_id: pydc.clientId, grant_type: 'refresh_token', refresh_token: 'not-a-token' }, 400, 'invalid_grant'],
    ] as const) {
      const [viaKeycloak, viaOAuth] = [await postForm(server, path, params), await postForm(server, '/oauth/token', params)];
      expect([viaKeycloak.status, viaKeycloak.body.error]).toEqual([status, error]);
      expect(viaKeycloak.body).toEqual(viaOAuth.body);
    }
    const get = await fetch(`${server.url}${path}/?x=1`);
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST']);
  });

  it('is throttled together with /oauth/token: refusals of one refresh token count on both paths', async () => {
    const path = keycloak('', 'datachain', 'token');
    expect((await pydcRefresh(server, '/oauth/token', pydc.clientId, SPENT_GUESS)).body.error).toBe('invalid_grant');
    expect((await pydcRefresh(server, path, pydc.clientId, SPENT_GUESS)).body.error).toBe('invalid_grant');
    expect((await pydcRefresh(server, '/oauth/token', pydc.clientId, SPENT_GUESS)).body.error).toBe('invalid_grant');
    const throttled = await pydcRefresh(server, path, pydc.clientId, SPENT_GUESS);
    expect([throttled.status, throttled.body.error]).toEqual([429, 'slow_down']);
    expect(throttled.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it.each(['/auth', ''])('revokes at %s/realms/<realm>/protocol/openid-connect/revoke', async (prefix) => {
    const token = await createClientToken(server, user.token, pydc.id);
    const response = await postForm(server, keycloak(prefix, 'datachain', 'revoke'), { client_id: pydc.clientId, token: token.refreshToken, token_type_hint: 'refresh_token' });
    expect(response.status).toBe(200);
    expect((await server.gql(VIEWER, {}, token.secret)).status).toBe(401);
    expect((await pydcRefresh(server, '/oauth/token', pydc.clientId, token.refreshToken)).body.error).toBe('invalid_grant');
    expect((await postForm(server, keycloak(prefix, 'datachain', 'revoke'), { client_id: 'nobody', token: token.refreshToken })).body.error).toBe('invalid_client');
  });

  it.each(['/auth', ''])('introspects at %s/realms/<realm>/protocol/openid-connect/token/introspect', async (prefix) => {
    const token = await createClientToken(server, user.token, resourceServer.id);
    const path = keycloak(prefix, 'datachain', 'token/introspect');
    const active = await postForm(server, path, { token: token.secret }, basicAuth(resourceServer.clientId, resourceServer.clientSecret!));
    expect(active.status).toBe(200);
    expect(active.body).toMatchObject({ active: true, kind: 'CLIENT', client_id: 'resource-server', sub: user.id });
    expect((await postForm(server, path, { token: SPENT_GUESS }, basicAuth(resourceServer.clientId, resourceServer.clientSecret!))).body).toEqual({ active: false });
    const anonymous = await postForm(server, path, { token: token.secret });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
  });

  it('leaves other paths under /realms alone (404)', async () => {
    for (const path of ['/auth/realms/datachain/protocol/openid-connect/userinfo', '/realms/datachain/protocol/saml/token', '/realms/protocol/openid-connect/token']) {
      expect((await fetch(`${server.url}${path}`, { method: 'POST' })).status).toBe(404);
    }
  });
});

describe("Keycloak's OAuth paths with TESSERA_KEYCLOAK_REALM", () => {
  let server: TestServer;
  let user: { id: string; token: string };
  let pydc: { id: string; clientId: string };

  beforeAll(async () => {
    server = await startTestServer({ label: 'oauth_keycloak_realm', env: { TESSERA_KEYCLOAK_REALM: 'datachain' } });
    const admin = await loginAsAdmin(server);
    user = await createUser(server, admin, 'realm-user');
    pydc = await createOAuthClient(server, admin, { clientId: 'pydc' });
  });
  afterAll(() => server.stop());

  it.each(['/auth', ''])('serves the configured realm (%s prefix)', async (prefix) => {
    const token = await createClientToken(server, user.token, pydc.id);
    expect((await pydcRefresh(server, keycloak(prefix, 'datachain', 'token'), pydc.clientId, token.refreshToken)).status).toBe(200);
  });

  it.each([
    ['token', 'another'],
    ['revoke', 'another'],
    ['token/introspect', 'another'],
    ['token', 'DataChain'],
    ['token', '%E0%A4%A'],
  ] as const)('answers 404 at /auth/realms/<realm>/protocol/openid-connect/%s for the unconfigured realm %s, touching nothing', async (endpoint, realm) => {
    const token = await createClientToken(server, user.token, pydc.id);
    const response = await postForm(server, keycloak('/auth', realm, endpoint), { client_id: pydc.clientId, grant_type: 'refresh_token', refresh_token: token.refreshToken, token: token.refreshToken });
    expect([response.status, response.body.error]).toEqual([404, 'invalid_request']);
    expect((await server.gql(VIEWER, {}, token.secret)).status).toBe(200);
    expect((await pydcRefresh(server, '/oauth/token', pydc.clientId, token.refreshToken)).status).toBe(200);
  });
});
