import { configureLogging } from '../../../src/core/logging/logger';
import { SECRET_PREFIXES, generateSecret } from '../../../src/core/secrets/secret-format';
import { ADMIN_PASSWORD, TEST_PEPPER, TestServer, startTestServer } from '../../support/test-server';
import { USER_PASSWORD, createUser, login, ok } from '../../support/fixtures';
import { basicAuth, createClientToken, createOAuthClient, postForm } from '../../support/oauth-helpers';
import { introspect } from '../../support/token-helpers';

type LogLine = Record<string, any>;

const CREATE_TOKEN = 'mutation CreateToken($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { secret accessToken { id } } }';
const ROTATE_TOKEN = 'mutation RotateToken($input: RotateAccessTokenInput!) { rotateAccessToken(input: $input) { secret accessToken { id } } }';
const VIEWER = 'query Viewer { viewer { authMethod } }';
// Well-formed but issued by no one, and not a token at all: both refused, neither may be logged.
const UNKNOWN_TOKEN = generateSecret(SECRET_PREFIXES.personalAccessToken);
const MALFORMED_TOKEN = 'not-a-token-but-a-secret-all-the-same';
const COOKIE_SECRET = 'cookie-value-that-is-a-secret';

/**
 * Every log line of a server at trace level, captured through the logger's destination while every
 * endpoint is driven with known secrets: none of them appears in the output, and each request has
 * one access line saying who called what, how it ended and how long it took.
 */
describe('logs', () => {
  let server: TestServer;
  const output: string[] = [];
  const secrets: string[] = [ADMIN_PASSWORD, USER_PASSWORD, TEST_PEPPER, UNKNOWN_TOKEN, MALFORMED_TOKEN, COOKIE_SECRET];
  const lines = (): LogLine[] => output.join('').trim().split('\n').map((line) => JSON.parse(line) as LogLine);
  const accessLines = (): LogLine[] => lines().filter((line) => line.message === 'access');
  const accessLineOf = (requestId: string): LogLine => {
    const found = accessLines().filter((line) => line.requestId === requestId);
    expect(found).toHaveLength(1);
    return found[0];
  };
  const ids = { admin: '', user: '', personal: '', introspector: '', client: '', clientToken: '' };
  const remember = <T extends string | null>(secret: T): T => {
    if (secret) secrets.push(secret);
    return secret;
  };

  beforeAll(async () => {
    // Started at the test server's level, so its startup lines do not reach the test output.
    server = await startTestServer({ label: 'logs' });
    configureLogging({ level: 'trace', format: 'json' }, { write: (line: string) => void output.push(line) });

    const adminSession = remember(await login(server, 'admin@example.test', ADMIN_PASSWORD));
    const user = await createUser(server, adminSession, 'logged');
    ids.user = user.id;
    const userSession = remember(user.token);
    const personal = ok(await server.gql(CREATE_TOKEN, { input: { name: 'personal', scopes: ['api'], password: USER_PASSWORD } }, userSession)).createAccessToken;
    remember(personal.secret);
    const rotated = ok(await server.gql(ROTATE_TOKEN, { input: { id: personal.accessToken.id, password: USER_PASSWORD } }, userSession)).rotateAccessToken;
    ids.personal = rotated.accessToken.id;
    const personalSecret = remember(rotated.secret);
    const introspector = ok(await server.gql(CREATE_TOKEN, { input: { name: 'introspector', scopes: ['introspect'], password: USER_PASSWORD } }, userSession)).createAccessToken;
    ids.introspector = introspector.accessToken.id;
    const introspectorSecret = remember(introspector.secret);

    const client = await createOAuthClient(server, adminSession, { clientId: 'logged-client', type: 'CONFIDENTIAL' });
    ids.client = client.clientId;
    const clientSecret = remember(client.clientSecret)!;
    const clientToken = await createClientToken(server, userSession, client.id);
    ids.clientToken = clientToken.id;
    remember(clientToken.secret);
    remember(clientToken.refreshToken);

    // The refresh grant, with the secret by HTTP Basic and in the form; the second spends a refreshed token.
    const refreshed = await postForm(server, '/oauth/token', { grant_type: 'refresh_token', refresh_token: clientToken.refreshToken }, { ...basicAuth(client.clientId, clientSecret), 'x-request-id': 'log-token' });
    expect(refreshed.status).toBe(200);
    remember(refreshed.body.access_token);
    remember(refreshed.body.refresh_token);
    const again = await postForm(server, '/oauth/token', { grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token, client_id: client.clientId, client_secret: clientSecret });
    expect(again.status).toBe(200);
    remember(again.body.access_token);
    remember(again.body.refresh_token);
    const wrongSecret = await postForm(server, '/oauth/token', { grant_type: 'refresh_token', refresh_token: again.body.refresh_token }, { ...basicAuth(client.clientId, `${clientSecret}x`), 'x-request-id': 'log-token-refused' });
    expect(wrongSecret.status).toBe(401);

    expect((await introspect(server, introspectorSecret, personalSecret, { 'x-request-id': 'log-introspect' })).body.active).toBe(true);
    expect((await introspect(server, null, again.body.access_token, { ...basicAuth(client.clientId, clientSecret), 'x-request-id': 'log-introspect-client' })).status).toBe(200);
    expect((await introspect(server, UNKNOWN_TOKEN, personalSecret)).status).toBe(401);
    const revoked = await postForm(server, '/oauth/revoke', { token: again.body.refresh_token, client_id: client.clientId, client_secret: clientSecret }, { 'x-request-id': 'log-revoke' });
    expect(revoked.status).toBe(200);

    expect((await server.gql(VIEWER, {}, personalSecret, { 'x-request-id': 'log-viewer' })).data).toEqual({ viewer: { authMethod: 'ACCESS_TOKEN' } });
    expect((await server.gql(VIEWER, {}, userSession, { 'x-request-id': 'log-viewer-session' })).data).toEqual({ viewer: { authMethod: 'SESSION' } });
    expect((await server.gql(VIEWER, {}, UNKNOWN_TOKEN, { 'x-request-id': 'log-unknown-token' })).status).toBe(401);
    expect((await server.gql(VIEWER, {}, MALFORMED_TOKEN)).status).toBe(401);
    // Secrets inlined in the document rather than sent as variables.
    await server.gql(`mutation { login(input: { email: "admin@example.test", password: "${ADMIN_PASSWORD}" }) { sessionToken } }`, {}, undefined, { 'x-request-id': 'log-inline-login' });
    const health = await fetch(`${server.url}/healthz`, { headers: { cookie: `session=${COOKIE_SECRET}`, 'proxy-authorization': `Basic ${COOKIE_SECRET}`, 'x-request-id': 'log-healthz' } });
    expect(health.status).toBe(200);
    // The access line is written when the response closes, just after the client has it.
    await new Promise((resolve) => setTimeout(resolve, 100));
  });
  afterAll(async () => {
    configureLogging({ level: 'warn' });
    await server.stop();
  });

  it('writes no secret, password or pepper in any line, at trace level', () => {
    const text = output.join('');
    expect(lines().length).toBeGreaterThan(30);
    expect(lines().some((line) => line.level === 'trace')).toBe(true);
    // The headers are logged at trace, their credentials replaced.
    expect(text).toContain('"authorization":"[redacted]"');
    expect(text).toContain('"cookie":"[redacted]"');
    const found = secrets.filter((secret) => text.includes(secret) || (secret.startsWith('ts') && text.includes(secret.split('_')[1])));
    expect(found).toEqual([]);
    expect(secrets.length).toBeGreaterThan(14);
  });

  it('writes one access line per request with route, operation, status, duration, address, caller and outcome', () => {
    expect(accessLineOf('log-viewer')).toEqual({
      level: 'info',
      time: expect.any(String),
      pid: process.pid,
      hostname: expect.any(String),
      message: 'access',
      requestId: 'log-viewer',
      method: 'POST',
      route: 'graphql',
      operationName: 'Viewer',
      operationType: 'query',
      status: 200,
      durationMs: expect.any(Number),
      clientAddress: expect.stringMatching(/127\.0\.0\.1$/),
      callerKind: 'access_token',
      userId: ids.user,
      tokenId: ids.personal,
    });
    expect(accessLineOf('log-viewer-session')).toMatchObject({ callerKind: 'session', userId: ids.user, tokenId: expect.any(String) });
    expect(accessLineOf('log-unknown-token')).toMatchObject({ route: 'graphql', status: 401, callerKind: 'anonymous', outcome: 'UNAUTHENTICATED' });
    expect(accessLineOf('log-unknown-token')).not.toHaveProperty('operationName');
    expect(accessLineOf('log-inline-login')).toMatchObject({ operationName: null, operationType: 'mutation', callerKind: 'anonymous' });
    expect(accessLineOf('log-token')).toMatchObject({ method: 'POST', route: 'token', status: 200, callerKind: 'client', clientId: ids.client });
    expect(accessLineOf('log-token-refused')).toMatchObject({ route: 'token', status: 401, outcome: 'invalid_client' });
    // Answered introspections are the hot path: their lines are at debug, so none is written per token check at info.
    expect(accessLineOf('log-introspect')).toMatchObject({ level: 'debug', route: 'introspect', status: 200, callerKind: 'access_token', tokenId: ids.introspector, userId: ids.user });
    expect(accessLineOf('log-introspect-client')).toMatchObject({ level: 'debug', route: 'introspect', status: 200, callerKind: 'client', clientId: ids.client });
    expect(accessLineOf('log-revoke')).toMatchObject({ route: 'revoke', status: 200, callerKind: 'client', clientId: ids.client });
    expect(accessLineOf('log-healthz')).toMatchObject({ method: 'GET', route: 'healthz', status: 200, callerKind: 'anonymous' });
    for (const line of accessLines()) expect(line.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('gives the access line the request id the response carries', async () => {
    const response = await fetch(`${server.url}/oauth/introspect`, { method: 'POST' });
    const requestId = response.headers.get('x-request-id')!;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(accessLineOf(requestId)).toMatchObject({ route: 'introspect', status: 401, outcome: 'invalid_token', callerKind: 'anonymous' });
  });

  it('writes only warnings and errors at TESSERA_LOG_LEVEL=warn', async () => {
    const before = output.length;
    configureLogging({ level: 'warn', format: 'json' }, { write: (line: string) => void output.push(line) });
    await server.gql(VIEWER);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(output.slice(before)).toEqual([]);
  });
});
