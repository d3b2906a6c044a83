import { AuditEventEntity } from '../../src/core/audit/audit-event.entity';
import { RunningServer, startServer } from '../../src/server';
import { TestServer, startTestServer } from '../support/test-server';
import { USER_PASSWORD, codeOf, createUser, login, loginAsAdmin, ok } from '../support/fixtures';
import { createClientToken, createOAuthClient, refresh } from '../support/oauth-helpers';
import { issueToken } from '../support/token-helpers';

const UPDATE_USER = 'mutation($input: UpdateUserInput!) { updateUser(input: $input) { user { id validUntil validityEndedAt } } }';
const TOKEN = 'query($id: ID!) { accessToken(id: $id) { status revocationReason } }';
const RESTORE = 'mutation($input: AccessTokenIdInput!) { restoreAccessToken(input: $input) { accessToken { status } } }';
const VALIDITY_ENDED = "owner account's validity ended";

const viewerWith = async (server: { url: string }, bearer: string) =>
  (await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` }, body: '{"query":"{ viewer { authMethod } }"}' })).status;

async function until(condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A person whose account is valid for `seconds` more, with a personal token, a CLIENT token (and its refresh token) and a session. */
async function personWithCredentials(server: TestServer, admin: string, oauthClient: { id: string; clientId: string }, seconds: number) {
  const person = await createUser(server, admin, 'temporary');
  const personal = await issueToken(server, person.token, { scopes: ['api'], password: USER_PASSWORD });
  const client = await createClientToken(server, person.token, oauthClient.id);
  ok(await server.gql(UPDATE_USER, { input: { id: person.id, validUntil: new Date(Date.now() + seconds * 1000).toISOString() } }, admin));
  return { person, personal, client };
}

describe("an account's validity date ends its credentials for good (DataChain)", () => {
  let server: TestServer;
  let second: RunningServer;
  let admin: string;
  let oauthClient: { id: string; clientId: string };
  beforeAll(async () => {
    // Sweeps every second on two instances of one database, as behind a load balancer.
    server = await startTestServer({ label: 'validity', env: { TESSERA_VALIDITY_SWEEP_SECONDS: '1', TESSERA_REFRESH_REUSE_GRACE_SECONDS: '0' } });
    second = await startServer(server.config, { print: () => undefined });
    admin = await loginAsAdmin(server);
    oauthClient = await createOAuthClient(server, admin, { clientId: 'pydc-validity' });
  });
  afterAll(async () => {
    await second.stop();
    await server.stop();
  });

  it('revokes tokens, refresh tokens and sessions once the date passes, with nobody using them, exactly once across instances', async () => {
    const { person, personal, client } = await personWithCredentials(server, admin, oauthClient, 2);
    expect(await viewerWith(server, personal.secret)).toBe(200);
    await until(async () => ok(await server.gql(TOKEN, { id: personal.id }, admin)).accessToken.status === 'REVOKED');

    expect(ok(await server.gql(TOKEN, { id: personal.id }, admin)).accessToken).toEqual({ status: 'REVOKED', revocationReason: VALIDITY_ENDED });
    expect(ok(await server.gql(TOKEN, { id: client.id }, admin)).accessToken).toEqual({ status: 'REVOKED', revocationReason: VALIDITY_ENDED });
    const events = await server.db.manager.findBy(AuditEventEntity, { action: 'endAccountValidity', targetId: person.id });
    expect(events).toHaveLength(1);
    expect(events[0].actorId).toBeNull();

    // Extending the date lets the person sign in again, and revives none of the old credentials.
    const extended = ok(await server.gql(UPDATE_USER, { input: { id: person.id, validUntil: new Date(Date.now() + 86_400_000).toISOString() } }, admin)).updateUser.user;
    expect(extended.validityEndedAt).toBeNull();
    expect(await viewerWith(server, personal.secret)).toBe(401);
    expect(await viewerWith(second, personal.secret)).toBe(401);
    expect(await viewerWith(server, person.token)).toBe(401);
    expect((await refresh(server, oauthClient.clientId, client.refreshToken)).body).toMatchObject({ error: 'invalid_grant' });
    expect(codeOf(await server.gql(RESTORE, { input: { id: personal.id } }, admin))).toBe('CONFLICT');

    const session = await login(server, person.email, USER_PASSWORD);
    const fresh = await issueToken(server, session, { scopes: ['api'], password: USER_PASSWORD });
    expect(await viewerWith(server, fresh.secret)).toBe(200);
    expect(await server.db.manager.countBy(AuditEventEntity, { action: 'endAccountValidity', targetId: person.id })).toBe(1);
  });

});

describe('extending a validity date that has already passed', () => {
  let server: TestServer;
  beforeAll(async () => {
    // The sweep runs at start-up only: what ends the credentials below is the update itself.
    server = await startTestServer({ label: 'validity_update', env: { TESSERA_VALIDITY_SWEEP_SECONDS: '3600' } });
  });
  afterAll(() => server.stop());

  it('ends the old credentials first, so the new date revives none of them', async () => {
    const admin = await loginAsAdmin(server);
    const oauthClient = await createOAuthClient(server, admin, { clientId: 'pydc-update' });
    const { person, personal } = await personWithCredentials(server, admin, oauthClient, 1);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(ok(await server.gql(TOKEN, { id: personal.id }, admin)).accessToken.status).toBe('OWNER_INACTIVE');
    ok(await server.gql(UPDATE_USER, { input: { id: person.id, validUntil: new Date(Date.now() + 86_400_000).toISOString() } }, admin));
    expect(ok(await server.gql(TOKEN, { id: personal.id }, admin)).accessToken).toEqual({ status: 'REVOKED', revocationReason: VALIDITY_ENDED });
    expect(await viewerWith(server, personal.secret)).toBe(401);
    expect(await server.db.manager.countBy(AuditEventEntity, { action: 'endAccountValidity', targetId: person.id })).toBe(1);
  });
});
