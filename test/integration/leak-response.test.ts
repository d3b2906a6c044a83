import { loadConfig } from '../../src/core/config/config';
import { generateSecret } from '../../src/core/secrets/secret-format';
import { AccessTokenEntity } from '../../src/modules/access-token/access-token.entity';
import { RunningServer, startServer } from '../../src/server';
import { QueryCounter } from '../support/query-counter';
import { TEST_PEPPER, TestServer, startTestServer } from '../support/test-server';
import { codeOf, createHierarchy, createUser, loginAsAdmin, ok } from '../support/fixtures';
import { createClientToken, createOAuthClient, refresh } from '../support/oauth-helpers';
import { issueToken, withBadChecksum } from '../support/token-helpers';

const VIEWER = '{ viewer { authMethod } }';
const TOKEN = 'query($id: ID!) { accessToken(id: $id) { status revokedAt revocationReason } }';
const RESTORE = 'mutation($id: ID!) { restoreAccessToken(input: { id: $id }) { accessToken { status } } }';
const OWN_EVENTS = 'query($action: String) { viewer { auditEvents(action: $action, first: 50) { edges { node { action actorId targetType targetId subjectUserId clientAddress outcome } } } } }';
const ORG_EVENTS = 'query($id: ID!) { organization(id: $id) { auditEvents(action: "reportLeakedToken", first: 50) { edges { node { targetId actorId } } } } }';

/** The well-formed secret with its last checksum character changed. */

async function report(server: { url: string }, body: string, contentType = 'application/json', method = 'POST') {
  const response = await fetch(`${server.url}/tokens/leaked`, { method, headers: { 'content-type': contentType }, body: method === 'GET' ? undefined : body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
const reportJson = (server: TestServer, secrets: unknown) => report(server, JSON.stringify({ secrets }));

describe('leak response: POST /tokens/leaked revokes reported secrets', () => {
  let server: TestServer;
  let admin: string;
  const counter = new QueryCounter();

  beforeAll(async () => {
    server = await startTestServer({ label: 'leak_response', sqlLogger: counter });
    admin = await loginAsAdmin(server);
  });
  afterAll(() => server?.stop());

  it('answers 202 {} alike for a live token, an unknown one, a malformed one and a bad checksum, and revokes only the live one, as LEAKED for good', async () => {
    const user = await createUser(server, admin, 'leaker');
    const live = await issueToken(server, user.token, { scopes: ['api'] });
    const untouched = await issueToken(server, user.token, { scopes: ['api'] });
    const answers = await Promise.all([
      reportJson(server, [live.secret]),
      reportJson(server, [generateSecret('tspat')]),
      reportJson(server, ['not-a-token']),
      reportJson(server, [withBadChecksum(untouched.secret)]),
    ]);
    for (const answer of answers) {
      expect(answer.status).toBe(202);
      expect(answer.text).toBe('{}');
      expect(answer.headers.get('cache-control')).toBe('no-store');
    }
    expect(codeOf(await server.gql(VIEWER, {}, live.secret))).toBe('UNAUTHENTICATED');
    expect(ok(await server.gql(VIEWER, {}, untouched.secret)).viewer.authMethod).toBe('ACCESS_TOKEN');
    expect(ok(await server.gql(TOKEN, { id: live.id }, user.token)).accessToken).toMatchObject({ status: 'LEAKED', revocationReason: 'leaked', revokedAt: expect.any(String) });
    const restored = await server.gql(RESTORE, { id: live.id }, user.token);
    expect(codeOf(restored)).toBe('CONFLICT');
    // Reported again: nothing changes and nothing more is audited.
    expect((await reportJson(server, [live.secret])).status).toBe(202);
    const own = ok(await server.gql(OWN_EVENTS, { action: 'reportLeakedToken' }, user.token)).viewer.auditEvents.edges.map((e: { node: unknown }) => e.node);
    expect(own).toEqual([{ action: 'reportLeakedToken', actorId: null, targetType: 'AccessToken', targetId: live.id, subjectUserId: user.id, clientAddress: expect.any(String), outcome: 'SUCCESS' }]);
  });

  it('a temporarily revoked token that leaks becomes LEAKED and can no longer be restored', async () => {
    const user = await createUser(server, admin, 'revoked-leaker');
    const token = await issueToken(server, user.token, { scopes: ['api'] });
    ok(await server.gql('mutation($id: ID!) { revokeAccessToken(input: { id: $id, reason: "paused" }) { accessToken { id } } }', { id: token.id }, user.token));
    await reportJson(server, [token.secret]);
    expect(ok(await server.gql(TOKEN, { id: token.id }, user.token)).accessToken).toMatchObject({ status: 'LEAKED', revocationReason: 'leaked' });
    expect(codeOf(await server.gql(RESTORE, { id: token.id }, user.token))).toBe('CONFLICT');
  });

  it('token tables filter LEAKED apart from REVOKED', async () => {
    const user = await createUser(server, admin, 'filter');
    const leaked = await issueToken(server, user.token, { scopes: ['api'] });
    const revoked = await issueToken(server, user.token, { scopes: ['api'] });
    ok(await server.gql('mutation($id: ID!) { revokeAccessToken(input: { id: $id }) { accessToken { id } } }', { id: revoked.id }, user.token));
    await reportJson(server, [leaked.secret]);
    const ids = async (status: string) =>
      ok(await server.gql('query($status: AccessTokenStatus) { viewer { accessTokens(status: $status) { edges { node { id status } } } } }', { status }, user.token)).viewer.accessTokens.edges.map(
        (e: { node: { id: string; status: string } }) => [e.node.id, e.node.status],
      );
    expect(await ids('LEAKED')).toEqual([[leaked.id, 'LEAKED']]);
    expect(await ids('REVOKED')).toEqual([[revoked.id, 'REVOKED']]);
  });

  it("an organization token's leak shows in the organization's trail and its creator's, not in another user's", async () => {
    const owner = await createUser(server, admin, 'org-owner');
    const stranger = await createUser(server, admin, 'stranger');
    const { organizationId } = await createHierarchy(server, owner.token);
    const token = await issueToken(server, owner.token, { organizationId, role: 'MEMBER', scopes: ['api'] });
    await report(server, new URLSearchParams([['secret', token.secret], ['secret', 'junk']]).toString(), 'application/x-www-form-urlencoded');
    expect(ok(await server.gql(TOKEN, { id: token.id }, owner.token)).accessToken.status).toBe('LEAKED');
    expect(ok(await server.gql(ORG_EVENTS, { id: organizationId }, owner.token)).organization.auditEvents.edges.map((e: { node: unknown }) => e.node)).toEqual([{ targetId: token.id, actorId: null }]);
    const ownerSees = ok(await server.gql(OWN_EVENTS, { action: 'reportLeakedToken' }, owner.token)).viewer.auditEvents.edges;
    expect(ownerSees.map((e: { node: { targetId: string } }) => e.node.targetId)).toEqual([token.id]);
    expect(ok(await server.gql(OWN_EVENTS, { action: 'reportLeakedToken' }, stranger.token)).viewer.auditEvents.edges).toEqual([]);
  });

  it('a CLIENT access token or a refresh token revokes its whole family; a session token ends the session', async () => {
    const user = await createUser(server, admin, 'client-user');
    const client = await createOAuthClient(server, admin, { clientId: 'leak-pydc' });
    const byAccess = await createClientToken(server, user.token, client.id);
    const byRefresh = await createClientToken(server, user.token, client.id, { name: 'second' });
    await reportJson(server, [byAccess.secret, byRefresh.refreshToken]);
    for (const family of [byAccess, byRefresh]) {
      expect(ok(await server.gql(TOKEN, { id: family.id }, user.token)).accessToken).toMatchObject({ status: 'LEAKED', revocationReason: 'leaked' });
      expect(await refresh(server, client.clientId, family.refreshToken)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    }
    const session = await createUser(server, admin, 'session-user');
    expect(ok(await server.gql(VIEWER, {}, session.token)).viewer.authMethod).toBe('SESSION');
    await reportJson(server, [session.token]);
    expect(codeOf(await server.gql(VIEWER, {}, session.token))).toBe('UNAUTHENTICATED');
    const events = ok(await server.gql('query { auditEvents(action: "reportLeakedToken", first: 100) { edges { node { targetType subjectUserId } } } }', {}, admin)).auditEvents.edges.map(
      (e: { node: { targetType: string; subjectUserId: string } }) => e.node,
    );
    expect(events).toEqual(expect.arrayContaining([{ targetType: 'RefreshToken', subjectUserId: user.id }, { targetType: 'Session', subjectUserId: session.id }]));
  });

  it('malformed and checksum-invalid values cost no database query, even 1,000 of them', async () => {
    const user = await createUser(server, admin, 'no-query');
    const real = await issueToken(server, user.token, { scopes: ['api'] });
    // A cache re-read asked for by an earlier test's request would otherwise land in the count.
    await server.settleBackgroundWork();
    const values = Array.from({ length: 1000 }, (_, i) => (i % 2 ? `tspat_${'x'.repeat(30)}_${i}` : withBadChecksum(real.secret)));
    const queries = await counter.during(async () => expect((await reportJson(server, values)).status).toBe(202));
    expect(queries).toEqual([]);
    expect(ok(await server.gql(VIEWER, {}, real.secret)).viewer.authMethod).toBe('ACCESS_TOKEN');
  });

  it.each([
    ['not JSON', () => report(server, '{secrets:'), 400],
    ['secrets missing', () => report(server, '{"tokens": ["x"]}'), 400],
    ['secrets not a list of strings', () => reportJson(server, ['a', 1]), 400],
    ['no secrets', () => reportJson(server, []), 400],
    ['more than 1,000 secrets', () => reportJson(server, Array.from({ length: 1001 }, () => 'x')), 400],
    ['an unknown content type', () => report(server, 'tspat_x', 'text/plain'), 400],
    ['a body over the limit', () => report(server, JSON.stringify({ secrets: ['x'.repeat(200_000)] })), 413],
    ['GET', () => report(server, '', 'application/json', 'GET'), 405],
  ])('refuses %s', async (_name, call, status) => {
    const answer = await call();
    expect(answer.status).toBe(status);
    if (status !== 405) expect(answer.body).toMatchObject({ error: 'invalid_request' });
  });
});

describe('leak reports are rate-limited per address', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ label: 'leak_limit', env: { TESSERA_LEAK_REPORTS_PER_MINUTE: '3' } });
  });
  afterAll(() => server?.stop());

  it('answers 429 with Retry-After past TESSERA_LEAK_REPORTS_PER_MINUTE reports, and revokes nothing then', async () => {
    const admin = await loginAsAdmin(server);
    for (let i = 0; i < 3; i += 1) expect((await reportJson(server, ['junk'])).status).toBe(202);
    const token = await issueToken(server, admin, { scopes: ['api'], password: 'admin-password-for-tests' });
    const limited = await reportJson(server, [token.secret]);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body).toMatchObject({ error: 'slow_down' });
    expect(ok(await server.gql(VIEWER, {}, token.secret)).viewer.authMethod).toBe('ACCESS_TOKEN');
  });
});


describe('leak reports after a pepper rotation', () => {
  const running: RunningServer[] = [];
  let first: TestServer;
  afterAll(async () => {
    for (const server of running) await server.stop();
    await first.stop();
  });

  it('revoke a secret made under the previous pepper (keyring "b,default")', async () => {
    first = await startTestServer({ label: 'leak_pepper', env: { TESSERA_TOKEN_CACHE_ENTRIES: '0' } });
    const admin = await loginAsAdmin(first);
    const user = await createUser(first, admin, 'rotated-pepper');
    const token = await issueToken(first, user.token, { scopes: ['api'], password: 'a-long-user-password' });
    await first.stopServer();

    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      DATABASE_URL: first.databaseUrl,
      TESSERA_LOG_LEVEL: 'warn',
      TESSERA_TOKEN_PEPPERS: `b:pepper-b-0123456789abcdef0123456789abcdef,default:${TEST_PEPPER}`,
    });
    const second = await startServer(config, { print: () => undefined });
    running.push(second);
    expect((await report(second, JSON.stringify({ secrets: [token.secret] }))).status).toBe(202);
    const row = await second.db.manager.findOneByOrFail(AccessTokenEntity, { id: token.id });
    expect(row.revocationReason).toBe('leaked');
    expect(row.revokedAt).not.toBeNull();
  });
});
