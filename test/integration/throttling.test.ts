import { SECRET_PREFIXES, generateSecret } from '../../src/core/secrets/secret-format';
import { QueryCounter } from '../support/query-counter';
import { ADMIN_PASSWORD, TestServer, startTestServer } from '../support/test-server';
import { USER_PASSWORD, codeOf, createUser, loginAsAdmin, ok } from '../support/fixtures';
import { introspect, issueToken, withBadChecksum } from '../support/token-helpers';

const VIEWER = '{ viewer { authMethod } }';
const CREATE_CLIENT = 'mutation($input: CreateOAuthClientInput!) { createOAuthClient(input: $input) { oauthClient { id clientId } } }';
const CREATE_CLIENT_TOKEN = 'mutation($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { secret refreshToken } }';

async function refresh(server: TestServer, clientId: string, refreshToken: string) {
  const response = await fetch(`${server.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken }).toString(),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
}

describe('throttling bounds guessing without locking out valid credentials on the same address', () => {
  const counter = new QueryCounter();
  let server: TestServer;
  let admin: string;
  let session: string;
  let personalToken: string;
  let introspectToken: string;
  const clients: Record<'broken' | 'healthy', { clientId: string; refreshToken: string }> = {} as never;

  beforeAll(async () => {
    // Defaults: 10 refusals per presented secret, 1000 per address, in 60 s.
    // No refresh reuse grace period: a replayed refresh token is refused at once.
    server = await startTestServer({ label: 'throttling', sqlLogger: counter, env: { TESSERA_REFRESH_REUSE_GRACE_SECONDS: '0' } });
    admin = await loginAsAdmin(server);
    const user = await createUser(server, admin, 'natted');
    session = user.token;
    personalToken = (await issueToken(server, session, { scopes: ['api'] })).secret;
    introspectToken = (await issueToken(server, admin, { scopes: ['introspect'], password: ADMIN_PASSWORD })).secret;
    for (const name of ['broken', 'healthy'] as const) {
      const client = ok(await server.gql(CREATE_CLIENT, { input: { clientId: `${name}-addon`, name } }, admin)).createOAuthClient.oauthClient;
      const created = ok(await server.gql(CREATE_CLIENT_TOKEN, { input: { kind: 'CLIENT', name, scopes: ['api'], oauthClientId: client.id, password: USER_PASSWORD } }, session)).createAccessToken;
      clients[name] = { clientId: client.clientId, refreshToken: created.refreshToken };
    }
  });
  afterAll(() => server.stop());

  it('slows the client that retries a spent refresh token 31 times (429 with Retry-After), and only that client', async () => {
    const { clientId, refreshToken: spent } = clients.broken;
    expect((await refresh(server, clientId, spent)).status).toBe(200);
    const answers = [];
    for (let i = 0; i < 31; i += 1) answers.push(await refresh(server, clientId, spent));
    expect(answers.slice(0, 10).map((a) => a.body.error)).toEqual(Array(10).fill('invalid_grant'));
    const throttled = answers.slice(10);
    expect(throttled.map((a) => a.status)).toEqual(Array(21).fill(429));
    expect(throttled[20].headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(throttled[20].body).toMatchObject({ error: 'slow_down' });

    // The same address, right after: every valid credential still works.
    expect((await server.gql(VIEWER, {}, personalToken)).data).toEqual({ viewer: { authMethod: 'ACCESS_TOKEN' } });
    expect((await server.gql(VIEWER, {}, session)).data).toEqual({ viewer: { authMethod: 'SESSION' } });
    const healthy = await refresh(server, clients.healthy.clientId, clients.healthy.refreshToken);
    expect(healthy.status).toBe(200);
    expect(healthy.body.refresh_token).toMatch(/^tsrft_/);
    const checked = await introspect(server, introspectToken, personalToken);
    expect(checked.status).toBe(200);
    expect(checked.body).toMatchObject({ active: true, scope: 'api' });
    // …while the broken client stays slowed.
    expect((await refresh(server, clientId, spent)).status).toBe(429);
  });

  it('slows a bearer token that keeps being refused, not the valid tokens or sessions of its address', async () => {
    const owner = await createUser(server, admin, 'revoker');
    const token = await issueToken(server, owner.token, { scopes: ['api'] });
    ok(await server.gql('mutation($id: ID!) { revokeAccessToken(input: { id: $id }) { accessToken { id } } }', { id: token.id }, owner.token));
    const statuses = [];
    for (let i = 0; i < 12; i += 1) statuses.push((await server.gql(VIEWER, {}, token.secret)).status);
    expect(statuses).toEqual([...Array(10).fill(401), 429, 429]);
    const throttled = await server.gql(VIEWER, {}, token.secret);
    expect(codeOf(throttled)).toBe('RATE_LIMITED');
    expect(throttled.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect((await server.gql(VIEWER, {}, owner.token)).status).toBe(200);
    expect((await server.gql(VIEWER, {}, personalToken)).status).toBe(200);
  });

  it('slows an introspecting caller whose own token is refused, not valid resource servers on its address', async () => {
    const dead = generateSecret(SECRET_PREFIXES.personalAccessToken);
    const statuses = [];
    for (let i = 0; i < 11; i += 1) statuses.push((await introspect(server, dead, personalToken)).status);
    expect(statuses).toEqual([...Array(10).fill(401), 429]);
    expect((await introspect(server, introspectToken, personalToken)).body).toMatchObject({ active: true });
  });

  it('refuses a malformed token without a database query and without counting it', async () => {
    const malformed = withBadChecksum(generateSecret(SECRET_PREFIXES.personalAccessToken));
    // Earlier tests' buffered uses and cache re-reads are done now, not in the middle of the count.
    await server.settleBackgroundWork();
    const statements = await counter.during(async () => {
      for (let i = 0; i < 15; i += 1) expect((await server.gql(VIEWER, {}, malformed)).status).toBe(401);
    });
    expect(statements).toEqual([]);
  });
});

describe('the per-address ceiling', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ label: 'throttling_address', env: { TESSERA_TOKEN_AUTH_MAX_FAILURES_PER_ADDRESS: '5', TESSERA_TOKEN_AUTH_MAX_FAILURES_PER_CREDENTIAL: '100' } });
  });
  afterAll(() => server.stop());

  it('slows an address that tries many different secrets, while valid tokens and sessions from it still work', async () => {
    const admin = await loginAsAdmin(server);
    const token = await issueToken(server, admin, { scopes: ['api'], password: ADMIN_PASSWORD });
    const guesses = [];
    for (let i = 0; i < 7; i += 1) guesses.push((await server.gql(VIEWER, {}, generateSecret(SECRET_PREFIXES.personalAccessToken))).status);
    expect(guesses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    const refreshGuess = await refresh(server, 'nobody', generateSecret(SECRET_PREFIXES.refreshToken));
    expect(refreshGuess.status).toBe(429);
    expect(refreshGuess.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect((await server.gql(VIEWER, {}, admin)).data).toEqual({ viewer: { authMethod: 'SESSION' } });
    expect((await server.gql(VIEWER, {}, token.secret)).data).toEqual({ viewer: { authMethod: 'ACCESS_TOKEN' } });
  });
});
