import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { IsNull } from 'typeorm';
import { AccessTokenEntity } from '../../src/modules/access-token/access-token.entity';
import { createUser, loginAsAdmin } from '../support/fixtures';
import { createClientToken, createOAuthClient, createPersonalToken } from '../support/oauth-helpers';
import { TestServer, startTestServer } from '../support/test-server';

const SCRIPT = join(__dirname, '..', 'clients', 'openid-client.mjs');
type Step = { ok: true; value: any } | { ok: false; name: string; code?: string; error?: string; status?: number; message: string };

/** Runs test/clients/openid-client.mjs (openid-client is ESM-only) against the server; its steps' results. */
async function runOpenIdClient(server: TestServer, input: Record<string, unknown>): Promise<Record<string, Step>> {
  const { stdout } = await promisify(execFile)(process.execPath, [SCRIPT], { env: { ...process.env, TESSERA_URL: server.url, OIDC_INPUT: JSON.stringify(input) }, timeout: 60_000 });
  return JSON.parse(stdout) as Record<string, Step>;
}

const value = (step: Step): any => {
  if (!step.ok) throw new Error(`openid-client step failed: ${JSON.stringify(step)}`);
  return step.value;
};

describe('openid-client v6 against the OAuth endpoints (discovery, refresh, introspection, revocation)', () => {
  let server: TestServer;
  let user: { id: string; token: string };
  let introspector: string;
  let addon: { id: string; clientId: string };
  let backend: { id: string; clientId: string; clientSecret: string | null };

  beforeAll(async () => {
    server = await startTestServer({ label: 'openid_client' });
    const admin = await loginAsAdmin(server);
    user = await createUser(server, admin, 'oidc');
    introspector = await createPersonalToken(server, user.token, ['introspect']);
    addon = await createOAuthClient(server, admin, { clientId: 'pydc' });
    backend = await createOAuthClient(server, admin, { clientId: 'resource-server', type: 'CONFIDENTIAL' });
  });
  afterAll(() => server.stop());

  const liveAccessTokens = () => server.db.manager.count(AccessTokenEntity, { where: { ownerId: user.id, revokedAt: IsNull() } });

  it('a public client (None(), client_id only): discovery, two refreshes, introspection needs credentials, revocation ends the family', async () => {
    const token = await createClientToken(server, user.token, addon.id, { scopes: ['api', 'read_repository'] });
    const live = await liveAccessTokens();
    const steps = await runOpenIdClient(server, { clientId: addon.clientId, auth: 'none', refreshToken: token.refreshToken, introspectToken: introspector });

    expect(value(steps.discovery)).toEqual({
      issuer: server.url,
      token_endpoint: `${server.url}/oauth/token`,
      revocation_endpoint: `${server.url}/oauth/revoke`,
      introspection_endpoint: `${server.url}/oauth/introspect`,
    });
    const first = value(steps.refresh);
    expect(first).toMatchObject({ token_type: 'bearer', scope: 'api read_repository', access_token: expect.stringMatching(/^tscat_/), refresh_token: expect.stringMatching(/^tsrft_/) });
    expect(first.expires_in).toBeGreaterThan(0);
    const second = value(steps.refreshAgain);
    expect(second.access_token).not.toBe(first.access_token);
    // A public client cannot authenticate to introspection (RFC 7662 §2.1): it introspects with an introspect token instead.
    expect(steps.introspectAccess).toMatchObject({ ok: false, status: 401, error: 'invalid_client' });
    expect(value(steps.introspectAccessAsBearer)).toMatchObject({ active: true, client_id: 'pydc', scope: 'api read_repository', kind: 'CLIENT', sub: user.id });
    expect(value(steps.revokeAccess)).toBeNull();
    expect(value(steps.introspectRevokedAccess)).toEqual({ active: false });
    expect(value(steps.revokeRefresh)).toBeNull();
    expect(steps.refreshRevoked).toMatchObject({ ok: false, error: 'invalid_grant', status: 400 });
    expect(value(steps.revokeUnknown)).toBeNull();
    expect(await liveAccessTokens()).toBe(live - 1);
  });

  it.each([
    ['ClientSecretBasic', 'basic'],
    ['ClientSecretPost', 'post'],
  ])('a confidential client (%s): refresh, introspection of access and refresh tokens, revocation', async (_method, auth) => {
    const token = await createClientToken(server, user.token, backend.id);
    const live = await liveAccessTokens();
    const steps = await runOpenIdClient(server, { clientId: backend.clientId, clientSecret: backend.clientSecret, auth, refreshToken: token.refreshToken });

    const second = value(steps.refreshAgain);
    expect(value(steps.refresh).access_token).not.toBe(second.access_token);
    expect(value(steps.introspectAccess)).toMatchObject({ active: true, client_id: 'resource-server', token_type: 'Bearer', kind: 'CLIENT', scope: 'api' });
    expect(value(steps.introspectAccess)).not.toHaveProperty('username');
    expect(value(steps.introspectRefresh)).toMatchObject({ active: true, token_type: 'refresh_token', client_id: 'resource-server', sub: user.id });
    expect(value(steps.revokeAccess)).toBeNull();
    expect(value(steps.introspectRevokedAccess)).toEqual({ active: false });
    expect(value(steps.revokeRefresh)).toBeNull();
    expect(steps.refreshRevoked).toMatchObject({ ok: false, error: 'invalid_grant', status: 400 });
    expect(await liveAccessTokens()).toBe(live - 1);
  });

  it('a confidential client with a wrong secret is refused with invalid_client at every endpoint', async () => {
    const token = await createClientToken(server, user.token, backend.id);
    const steps = await runOpenIdClient(server, { clientId: backend.clientId, clientSecret: 'tscls_000000000000000000000000000000_000000', auth: 'basic', refreshToken: token.refreshToken });
    // RFC 6749 §5.2: a client that tried HTTP Basic is challenged; openid-client reports the challenge.
    for (const name of ['refresh', 'revokeUnknown']) {
      expect(steps[name]).toMatchObject({ ok: false, name: 'WWWAuthenticateChallengeError', status: 401, error: 'invalid_client', challenges: [{ scheme: 'basic', parameters: { realm: 'tessera' } }] });
    }
    const post = await runOpenIdClient(server, { clientId: backend.clientId, clientSecret: 'tscls_000000000000000000000000000000_000000', auth: 'post', refreshToken: token.refreshToken });
    for (const name of ['refresh', 'revokeUnknown']) expect(post[name]).toMatchObject({ ok: false, name: 'ResponseBodyError', status: 401, error: 'invalid_client' });
    expect((await server.gql('query { viewer { user { id } } }', {}, token.secret)).status).toBe(200);
  });
});
