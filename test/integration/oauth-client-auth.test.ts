import { OAuthClientEntity } from '../../src/modules/oauth-client/oauth-client.entity';
import { codeOf, createUser, loginAsAdmin, ok } from '../support/fixtures';
import { basicAuth, createClientToken, createOAuthClient, createPersonalToken, postForm, refresh } from '../support/oauth-helpers';
import { TestServer, startTestServer } from '../support/test-server';

const ROTATE_SECRET = 'mutation($input: RotateOAuthClientSecretInput!) { rotateOAuthClientSecret(input: $input) { oauthClient { id secretHint } clientSecret } }';

describe('confidential and public OAuth clients', () => {
  let server: TestServer;
  let admin: string;
  let user: { id: string; token: string };
  let confidential: { id: string; clientId: string; clientSecret: string | null };
  let pub: { id: string; clientId: string; clientSecret: string | null };

  beforeAll(async () => {
    server = await startTestServer({ label: 'oauth_client_auth', env: { TESSERA_TOKEN_AUTH_MAX_FAILURES_PER_CREDENTIAL: '1000' } });
    admin = await loginAsAdmin(server);
    user = await createUser(server, admin, 'client-auth');
    confidential = await createOAuthClient(server, admin, { clientId: 'backend', type: 'CONFIDENTIAL' });
    pub = await createOAuthClient(server, admin, { clientId: 'desktop' });
  });
  afterAll(() => server.stop());

  describe('registration', () => {
    it('a confidential client gets a secret shown once, stored only as a keyed hash', async () => {
      expect(confidential.clientSecret).toMatch(/^tscls_[0-9A-Za-z]{30}_[0-9A-Za-z]{6}$/);
      const row = await server.db.manager.findOneOrFail(OAuthClientEntity, { where: { id: confidential.id } });
      expect(row.secretHash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(await server.db.query('SELECT * FROM oauth_clients'))).not.toContain(confidential.clientSecret!.split('_')[1]);
      const listed = ok(await server.gql('query { oauthClients(first: 50) { edges { node { clientId type secretHint } } } }', {}, admin));
      expect(listed.oauthClients.edges.map((e: any) => e.node)).toContainEqual({ clientId: 'backend', type: 'CONFIDENTIAL', secretHint: `tscls_…${confidential.clientSecret!.split('_')[1].slice(-4)}` });
      expect(JSON.stringify(listed)).not.toContain(confidential.clientSecret);
    });

    it('a public client (the default) has no secret', async () => {
      expect(pub.clientSecret).toBeNull();
    });

    it('rotating the secret returns a new one; the old one stops working', async () => {
      const rotating = await createOAuthClient(server, admin, { clientId: 'rotating', type: 'CONFIDENTIAL' });
      const token = await createClientToken(server, user.token, rotating.id);
      const rotated = ok(await server.gql(ROTATE_SECRET, { input: { id: rotating.id } }, admin)).rotateOAuthClientSecret;
      expect(rotated.clientSecret).toMatch(/^tscls_/);
      expect(rotated.clientSecret).not.toBe(rotating.clientSecret);
      const withOld = await postForm(server, '/oauth/token', { grant_type: 'refresh_token', refresh_token: token.refreshToken }, basicAuth('rotating', rotating.clientSecret!));
      expect([withOld.status, withOld.body.error]).toEqual([401, 'invalid_client']);
      const withNew = await postForm(server, '/oauth/token', { grant_type: 'refresh_token', refresh_token: token.refreshToken }, basicAuth('rotating', rotated.clientSecret));
      expect(withNew.status).toBe(200);
    });

    it('rotating is for platform admins and confidential clients only', async () => {
      expect(codeOf(await server.gql(ROTATE_SECRET, { input: { id: confidential.id } }, user.token))).toBe('FORBIDDEN');
      expect(codeOf(await server.gql(ROTATE_SECRET, { input: { id: pub.id } }, admin))).toBe('CONFLICT');
    });
  });

  describe('POST /oauth/token', () => {
    it('a confidential client refreshes with client_secret_basic', async () => {
      const token = await createClientToken(server, user.token, confidential.id);
      const response = await postForm(server, '/oauth/token', { grant_type: 'refresh_token', refresh_token: token.refreshToken }, basicAuth('backend', confidential.clientSecret!));
      expect(response.status).toBe(200);
      expect(response.body.access_token).toMatch(/^tscat_/);
    });

    it('a confidential client refreshes with client_secret_post', async () => {
      const token = await createClientToken(server, user.token, confidential.id);
      const response = await refresh(server, 'backend', token.refreshToken, { client_secret: confidential.clientSecret! });
      expect(response.status).toBe(200);
    });

    it.each([
      ['no secret', {}, {}],
      ['a wrong secret (post)', { client_secret: 'tscls_000000000000000000000000000000_000000' }, {}],
      ['a garbage secret (post)', { client_secret: 'guess' }, {}],
    ])('a confidential client with %s gets 401 invalid_client, and the refresh token stays usable', async (_case, extra, headers) => {
      const token = await createClientToken(server, user.token, confidential.id);
      const response = await postForm(server, '/oauth/token', { grant_type: 'refresh_token', client_id: 'backend', refresh_token: token.refreshToken, ...extra }, headers);
      expect([response.status, response.body.error]).toEqual([401, 'invalid_client']);
      expect((await refresh(server, 'backend', token.refreshToken, { client_secret: confidential.clientSecret! })).status).toBe(200);
    });

    it('a wrong secret with HTTP Basic gets 401 invalid_client and a Basic challenge', async () => {
      const token = await createClientToken(server, user.token, confidential.id);
      const response = await postForm(server, '/oauth/token', { grant_type: 'refresh_token', refresh_token: token.refreshToken }, basicAuth('backend', 'tscls_000000000000000000000000000000_000000'));
      expect([response.status, response.body.error]).toEqual([401, 'invalid_client']);
      expect(response.headers.get('www-authenticate')).toBe('Basic realm="tessera"');
    });

    it('decodes HTTP Basic credentials form-urlencoded (RFC 6749 §2.3.1)', async () => {
      const odd = await createOAuthClient(server, admin, { clientId: 'odd.client_id-1', type: 'CONFIDENTIAL' });
      const token = await createClientToken(server, user.token, odd.id);
      const response = await postForm(server, '/oauth/token', { grant_type: 'refresh_token', refresh_token: token.refreshToken }, basicAuth('odd.client_id-1', odd.clientSecret!));
      expect(response.status).toBe(200);
    });

    it('refuses both methods at once, or two different client ids (invalid_request)', async () => {
      const token = await createClientToken(server, user.token, confidential.id);
      const both = await postForm(server, '/oauth/token', { grant_type: 'refresh_token', refresh_token: token.refreshToken, client_secret: confidential.clientSecret! }, basicAuth('backend', confidential.clientSecret!));
      expect([both.status, both.body.error]).toEqual([400, 'invalid_request']);
      const twoIds = await postForm(server, '/oauth/token', { grant_type: 'refresh_token', client_id: 'desktop', refresh_token: token.refreshToken }, basicAuth('backend', confidential.clientSecret!));
      expect([twoIds.status, twoIds.body.error]).toEqual([400, 'invalid_request']);
    });

    it('a public client must not send a secret', async () => {
      const token = await createClientToken(server, user.token, pub.id);
      const post = await refresh(server, 'desktop', token.refreshToken, { client_secret: 'anything' });
      expect([post.status, post.body.error]).toEqual([401, 'invalid_client']);
      const basic = await postForm(server, '/oauth/token', { grant_type: 'refresh_token', refresh_token: token.refreshToken }, basicAuth('desktop', 'anything'));
      expect([basic.status, basic.body.error]).toEqual([401, 'invalid_client']);
      expect((await refresh(server, 'desktop', token.refreshToken)).status).toBe(200);
    });
  });

  describe('POST /oauth/revoke', () => {
    it('a confidential client revokes with HTTP Basic', async () => {
      const token = await createClientToken(server, user.token, confidential.id);
      const response = await postForm(server, '/oauth/revoke', { token: token.refreshToken }, basicAuth('backend', confidential.clientSecret!));
      expect(response.status).toBe(200);
      expect((await refresh(server, 'backend', token.refreshToken, { client_secret: confidential.clientSecret! })).body.error).toBe('invalid_grant');
    });

    it('wrong client credentials answer 401 invalid_client and revoke nothing', async () => {
      const token = await createClientToken(server, user.token, confidential.id);
      const response = await postForm(server, '/oauth/revoke', { token: token.refreshToken }, basicAuth('backend', 'tscls_000000000000000000000000000000_000000'));
      expect([response.status, response.body.error]).toEqual([401, 'invalid_client']);
      expect((await refresh(server, 'backend', token.refreshToken, { client_secret: confidential.clientSecret! })).status).toBe(200);
    });
  });

  describe('POST /oauth/introspect as a registered client', () => {
    it('a confidential client introspects with HTTP Basic, and sees no e-mail address', async () => {
      const subject = await createPersonalToken(server, user.token, ['api']);
      const response = await postForm(server, '/oauth/introspect', { token: subject }, basicAuth('backend', confidential.clientSecret!));
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ active: true, sub: user.id, scope: 'api' });
      expect(response.body.username).toBeUndefined();
      expect((await postForm(server, '/oauth/introspect', { token: 'tspat_000000000000000000000000000000_000000' }, basicAuth('backend', confidential.clientSecret!))).body).toEqual({ active: false });
    });

    it('a wrong secret or a public client answers 401 invalid_client', async () => {
      const subject = await createPersonalToken(server, user.token, ['api']);
      const wrong = await postForm(server, '/oauth/introspect', { token: subject }, basicAuth('backend', 'nope'));
      expect([wrong.status, wrong.body.error]).toEqual([401, 'invalid_client']);
      expect(wrong.headers.get('www-authenticate')).toBe('Basic realm="tessera"');
      const publicClient = await postForm(server, '/oauth/introspect', { token: subject }, basicAuth('desktop', ''));
      expect([publicClient.status, publicClient.body.error]).toEqual([401, 'invalid_client']);
    });

    it('a confidential client introspects with client_id and client_secret in the form (client_secret_post); a wrong secret or a public client answers 401 invalid_client without a Basic challenge', async () => {
      const subject = await createPersonalToken(server, user.token, ['api']);
      const response = await postForm(server, '/oauth/introspect', { token: subject, client_id: 'backend', client_secret: confidential.clientSecret! });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ active: true, sub: user.id, scope: 'api' });
      expect(response.body.username).toBeUndefined();
      for (const params of [{ client_id: 'backend', client_secret: 'nope' }, { client_id: 'backend' }, { client_id: 'desktop' }, { client_id: 'nobody', client_secret: 'nope' }] as Record<string, string>[]) {
        const refused = await postForm(server, '/oauth/introspect', { token: subject, ...params });
        expect([refused.status, refused.body.error, refused.headers.get('www-authenticate')]).toEqual([401, 'invalid_client', null]);
      }
      const both = await postForm(server, '/oauth/introspect', { token: subject, client_id: 'backend', client_secret: confidential.clientSecret! }, basicAuth('backend', confidential.clientSecret!));
      expect(both.body.active).toBe(true);
    });

    it('an introspect token still works as bearer', async () => {
      const introspector = await createPersonalToken(server, user.token, ['introspect']);
      const response = await postForm(server, '/oauth/introspect', { token: introspector }, { authorization: `Bearer ${introspector}` });
      expect(response.body.active).toBe(true);
    });
  });
});

describe('introspection of CLIENT tokens and refresh tokens', () => {
  let server: TestServer;
  let user: { id: string; token: string };
  let backend: { id: string; clientId: string; clientSecret: string | null };
  let other: { id: string; clientId: string; clientSecret: string | null };

  beforeAll(async () => {
    server = await startTestServer({ label: 'oauth_introspection' });
    const admin = await loginAsAdmin(server);
    user = await createUser(server, admin, 'introspected');
    backend = await createOAuthClient(server, admin, { clientId: 'backend', type: 'CONFIDENTIAL' });
    other = await createOAuthClient(server, admin, { clientId: 'other', type: 'CONFIDENTIAL' });
  });
  afterAll(() => server.stop());

  it('a CLIENT access token answers client_id', async () => {
    const token = await createClientToken(server, user.token, backend.id);
    const introspector = await createPersonalToken(server, user.token, ['introspect']);
    const asBearer = await postForm(server, '/oauth/introspect', { token: token.secret }, { authorization: `Bearer ${introspector}` });
    expect(asBearer.body).toMatchObject({ active: true, kind: 'CLIENT', client_id: 'backend' });
    const asClient = await postForm(server, '/oauth/introspect', { token: token.secret }, basicAuth('backend', backend.clientSecret!));
    expect(asClient.body).toMatchObject({ active: true, client_id: 'backend' });
  });

  it.each([undefined, 'refresh_token', 'access_token'])('a live refresh token is active for its client (token_type_hint %s), inactive once spent', async (hint) => {
    const token = await createClientToken(server, user.token, backend.id, { scopes: ['api', 'read_repository'] });
    const ask = (refreshToken: string) => postForm(server, '/oauth/introspect', { token: refreshToken, ...(hint ? { token_type_hint: hint } : {}) }, basicAuth('backend', backend.clientSecret!));
    const live = await ask(token.refreshToken);
    expect(live.body).toMatchObject({ active: true, token_type: 'refresh_token', client_id: 'backend', sub: user.id, scope: 'api read_repository' });
    expect(live.body.exp).toBeGreaterThan(Date.now() / 1000);
    expect((await refresh(server, 'backend', token.refreshToken, { client_secret: backend.clientSecret! })).status).toBe(200);
    expect((await ask(token.refreshToken)).body).toEqual({ active: false });
  });

  it("a refresh token is inactive to another client and to other users' introspectors, active to its owner's", async () => {
    const token = await createClientToken(server, user.token, backend.id);
    expect((await postForm(server, '/oauth/introspect', { token: token.refreshToken }, basicAuth('other', other.clientSecret!))).body).toEqual({ active: false });
    const admin = await loginAsAdmin(server);
    const stranger = await createUser(server, admin, 'stranger');
    const strangerIntrospector = await createPersonalToken(server, stranger.token, ['introspect']);
    expect((await postForm(server, '/oauth/introspect', { token: token.refreshToken }, { authorization: `Bearer ${strangerIntrospector}` })).body).toEqual({ active: false });
    const ownIntrospector = await createPersonalToken(server, user.token, ['introspect']);
    expect((await postForm(server, '/oauth/introspect', { token: token.refreshToken, token_type_hint: 'refresh_token' }, { authorization: `Bearer ${ownIntrospector}` })).body).toMatchObject({ active: true, client_id: 'backend' });
  });
});
