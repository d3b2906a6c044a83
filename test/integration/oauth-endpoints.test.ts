import { createUser, loginAsAdmin } from '../support/fixtures';
import { createClientToken, createOAuthClient, refresh } from '../support/oauth-helpers';
import { TestServer, startTestServer } from '../support/test-server';

const VIEWER = 'query { viewer { user { id } } }';

describe('OAuth endpoints and the standards clients rely on', () => {
  let server: TestServer;
  let admin: string;
  let user: { id: string; token: string };
  let client: { id: string; clientId: string };

  beforeAll(async () => {
    server = await startTestServer({ label: 'oauth_endpoints' });
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
});
