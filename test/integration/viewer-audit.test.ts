import { TestServer, startTestServer } from '../support/test-server';
import { createUser, loginAsAdmin, ok } from '../support/fixtures';
import { issueToken } from '../support/token-helpers';

const OWN_EVENTS = '{ viewer { auditEvents(first: 10) { totalCount edges { node { action outcome targetId } } } } }';

describe("a user's own audit trail", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ label: 'viewer_audit' });
  });
  afterAll(() => server.stop());

  it('lists what the caller did, newest first, and nothing of other users', async () => {
    const admin = await loginAsAdmin(server);
    const user = await createUser(server, admin, 'traced');
    const other = await createUser(server, admin, 'other');
    const token = await issueToken(server, user.token, { scopes: ['api'] });
    ok(await server.gql('mutation($id: ID!) { revokeAccessToken(input: { id: $id }) { accessToken { id } } }', { id: token.id }, user.token));
    await server.gql('mutation($id: ID!) { deactivateUser(input: { id: $id }) { user { id } } }', { id: other.id }, user.token);

    const events = ok(await server.gql(OWN_EVENTS, {}, user.token)).viewer.auditEvents;
    expect(events.edges.map((e: { node: { action: string; outcome: string } }) => [e.node.action, e.node.outcome])).toEqual([
      ['deactivateUser', 'DENIED'],
      ['revokeAccessToken', 'SUCCESS'],
      ['createAccessToken', 'SUCCESS'],
      ['login', 'SUCCESS'],
    ]);
    const othersView = ok(await server.gql(OWN_EVENTS, {}, other.token)).viewer.auditEvents;
    expect(othersView.edges.map((e: { node: { action: string } }) => e.node.action)).toEqual(['login']);
  });
});
