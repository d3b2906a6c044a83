import { createUser, loginAsAdmin } from '../support/fixtures';
import { MAX_FORM_BYTES } from '../../src/core/http/form';
import { createClientToken, createOAuthClient, createPersonalToken, postForm, refresh } from '../support/oauth-helpers';
import { TestServer, startTestServer } from '../support/test-server';

const VIEWER = 'query { viewer { user { id } } }';

describe('OAuth endpoints and the standards clients rely on', () => {
  let server: TestServer;
  let admin: string;
  let user: { id: string; token: string };
  let client: { id: string; clientId: string };

  beforeAll(async () => {
    server = await startTestServer({ label: 'oauth_endpoints', env: { TESSERA_CORS_ORIGINS: 'https://app.example', TESSERA_TRUST_PROXY: '1' } });
    admin = await loginAsAdmin(server);
    user = await createUser(server, admin, 'oauth-endpoints');
    client = await createOAuthClient(server, admin, { clientId: 'addon' });
  });
  afterAll(() => server.stop());

  describe('scope on refresh (RFC 6749 §6)', () => {
    it('a narrower scope narrows the new access token; omitting it restores the original grant', async () => {
      const token = await createClientToken(server, user.token, client.id, { scopes: ['api', 'read_repository'] });
      const narrowed = await refresh(server, 'addon', token.refreshToken, { scope: 'read_repository' });
      expect(narrowed.status).toBe(200);
      expect(narrowed.body.scope).toBe('read_repository');
      expect((await server.gql(VIEWER, {}, narrowed.body.access_token)).errors?.[0].extensions.code).toBe('FORBIDDEN');
      const restored = await refresh(server, 'addon', narrowed.body.refresh_token);
      expect(restored.body.scope).toBe('api read_repository');
      expect((await server.gql(VIEWER, {}, restored.body.access_token)).data?.viewer.user.id).toBe(user.id);
    });

    it.each([
      ['a wider scope', 'api write_repository'],
      ['a never-granted scope', 'introspect'],
      ['an empty scope', ' '],
    ])('%s answers 400 invalid_scope and leaves the refresh token usable', async (_case, scope) => {
      const token = await createClientToken(server, user.token, client.id, { scopes: ['api', 'read_repository'] });
      const response = await refresh(server, 'addon', token.refreshToken, { scope });
      expect([response.status, response.body.error]).toEqual([400, 'invalid_scope']);
      expect((await refresh(server, 'addon', token.refreshToken)).status).toBe(200);
    });

    it('a scope narrowed once cannot be widened beyond the grant later', async () => {
      const token = await createClientToken(server, user.token, client.id, { scopes: ['read_repository'] });
      const narrowed = await refresh(server, 'addon', token.refreshToken, { scope: 'read_repository' });
      expect((await refresh(server, 'addon', narrowed.body.refresh_token, { scope: 'api' })).body.error).toBe('invalid_scope');
    });
  });

  describe('discovery (RFC 8414)', () => {
    it('serves the metadata from the request origin', async () => {
      const response = await fetch(`${server.url}/.well-known/oauth-authorization-server`);
      expect(response.status).toBe(200);
      const origin = new URL(server.url).origin;
      expect(await response.json()).toMatchObject({
        issuer: origin,
        token_endpoint: `${origin}/oauth/token`,
        revocation_endpoint: `${origin}/oauth/revoke`,
        introspection_endpoint: `${origin}/oauth/introspect`,
        grant_types_supported: ['refresh_token'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
        revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
        introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        scopes_supported: expect.arrayContaining(['api', 'read_api', 'introspect']),
      });
    });

    it('behind a trusted proxy, uses X-Forwarded-Proto and X-Forwarded-Host', async () => {
      const response = await fetch(`${server.url}/.well-known/oauth-authorization-server`, { headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'tessera.example.com' } });
      expect(((await response.json()) as any).token_endpoint).toBe('https://tessera.example.com/oauth/token');
    });

    it('uses TESSERA_ISSUER when set', async () => {
      const configured = await startTestServer({ label: 'oauth_issuer', env: { TESSERA_ISSUER: 'https://auth.example.org/tessera' } });
      try {
        const metadata = (await (await fetch(`${configured.url}/.well-known/oauth-authorization-server`)).json()) as any;
        expect(metadata.issuer).toBe('https://auth.example.org/tessera');
        expect(metadata.introspection_endpoint).toBe('https://auth.example.org/tessera/oauth/introspect');
      } finally {
        await configured.stop();
      }
    });
  });

  describe('endpoint hygiene', () => {
    it.each(['/oauth/token?x=1', '/oauth/token/'])('%s still routes to the token endpoint', async (path) => {
      const token = await createClientToken(server, user.token, client.id);
      const response = await postForm(server, path, { grant_type: 'refresh_token', client_id: 'addon', refresh_token: token.refreshToken });
      expect(response.status).toBe(200);
    });

    it.each(['/oauth/token', '/oauth/revoke', '/oauth/introspect'])('GET %s answers 405 with Allow: POST', async (path) => {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
      expect(((await response.json()) as any).error).toBe('invalid_request');
    });

    it('OPTIONS without an allowed origin answers 405; with one, a CORS preflight', async () => {
      const plain = await fetch(`${server.url}/oauth/token`, { method: 'OPTIONS' });
      expect([plain.status, plain.headers.get('allow')]).toEqual([405, 'POST']);
      const preflight = await fetch(`${server.url}/oauth/token`, { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' } });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example');
      expect(preflight.headers.get('access-control-allow-methods')).toBe('POST');
      const foreign = await fetch(`${server.url}/oauth/token`, { method: 'OPTIONS', headers: { origin: 'https://evil.example' } });
      expect(foreign.status).toBe(405);
      expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    });

    it.each(['Application/X-WWW-Form-Urlencoded', 'application/x-www-form-urlencoded; charset=UTF-8'])('accepts Content-Type %s', async (contentType) => {
      const token = await createClientToken(server, user.token, client.id);
      const response = await fetch(`${server.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: new URLSearchParams({ grant_type: 'refresh_token', client_id: 'addon', refresh_token: token.refreshToken }).toString(),
      });
      expect(response.status).toBe(200);
    });

    it.each(['/oauth/token', '/oauth/revoke', '/oauth/introspect'])('a body over the limit at %s answers 413 with a JSON body', async (path) => {
      const introspector = await createPersonalToken(server, user.token, ['introspect']);
      const response = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${introspector}` },
        body: `token=${'a'.repeat(MAX_FORM_BYTES + 10)}`,
      });
      expect(response.status).toBe(413);
      expect(((await response.json()) as any).error).toBe('invalid_request');
    });

    it('introspection without credentials: WWW-Authenticate without an error attribute (RFC 6750 §3.1)', async () => {
      const response = await postForm(server, '/oauth/introspect', { token: 'x' });
      expect(response.status).toBe(401);
      const challenge = response.headers.get('www-authenticate')!;
      expect(challenge).toMatch(/^Bearer realm="tessera"/);
      expect(challenge).not.toContain('error=');
      const withBadToken = await postForm(server, '/oauth/introspect', { token: 'x' }, { authorization: 'Bearer nonsense' });
      expect(withBadToken.headers.get('www-authenticate')).toContain('error="invalid_token"');
    });

    it('an introspect token still works on the normalised path', async () => {
      const introspector = await createPersonalToken(server, user.token, ['introspect']);
      const response = await postForm(server, '/oauth/introspect/?v=1', { token: introspector }, { authorization: `Bearer ${introspector}` });
      expect(response.body.active).toBe(true);
    });
  });
});
