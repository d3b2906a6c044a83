import { Role } from '../../../src/core/authorization/role';
import { TestServer, startTestServer } from '../../support/test-server';
import { USER_PASSWORD, addMember, codeOf, createHierarchy, createUser, login, loginAsAdmin, ok } from '../../support/fixtures';
import { issueToken } from '../../support/token-helpers';

const RESTORE = 'mutation($id: ID!) { restoreAccessToken(input: { id: $id }) { accessToken { status } } }';
const ROTATE = 'mutation($id: ID!, $password: String) { rotateAccessToken(input: { id: $id, password: $password }) { secret } }';

describe('revocations the system made, and rules that changed since a token was made', () => {
  let server: TestServer;
  let admin: string;
  beforeAll(async () => {
    server = await startTestServer({ label: 'system_revocations' });
    admin = await loginAsAdmin(server);
  });
  afterAll(() => server.stop());

  it('keeps tokens revoked by a deactivation revoked, even after reactivation, against the owner restoring them', async () => {
    const user = await createUser(server, admin, 'deactivated');
    const token = await issueToken(server, user.token, { scopes: ['api'] });
    ok(await server.gql('mutation($id: ID!) { deactivateUser(input: { id: $id }) { user { id } } }', { id: user.id }, admin));
    ok(await server.gql('mutation($id: ID!) { reactivateUser(input: { id: $id }) { user { id } } }', { id: user.id }, admin));
    const session = await login(server, user.email, USER_PASSWORD);
    const restored = await server.gql(RESTORE, { id: token.id }, session);
    expect(codeOf(restored)).toBe('CONFLICT');
    expect(ok(await server.gql('query($id: ID!) { accessToken(id: $id) { status revocationReason } }', { id: token.id }, session)).accessToken).toEqual({ status: 'REVOKED', revocationReason: 'owner deactivated' });
  });

  it('refuses to rotate a token whose scopes the policy no longer allows', async () => {
    const owner = await createUser(server, admin, 'owner');
    const { organizationId } = await createHierarchy(server, owner.token);
    const token = await issueToken(server, owner.token, { organizationId, scopes: ['api'] });
    ok(await server.gql('mutation($input: SetTokenPolicyInput!) { setTokenPolicy(input: $input) { tokenPolicy { organizationId } } }', { input: { organizationId, allowedScopes: ['read_api'] } }, owner.token));
    expect(codeOf(await server.gql(ROTATE, { id: token.id, password: USER_PASSWORD }, owner.token))).toBe('CONFLICT');
  });

  it('does not count a deactivated ADMIN as the organization\'s remaining ADMIN', async () => {
    const owner = await createUser(server, admin, 'owner');
    const second = await createUser(server, admin, 'second');
    const { organizationId } = await createHierarchy(server, owner.token);
    await addMember(server, owner.token, second.id, { organizationId }, Role.ADMIN);
    ok(await server.gql('mutation($id: ID!) { deactivateUser(input: { id: $id }) { user { id } } }', { id: second.id }, admin));
    const members = ok(await server.gql('query($id: ID!) { organization(id: $id) { members(first: 100) { edges { node { id member { ... on User { id } } } } } } }', { id: organizationId }, owner.token));
    const own = members.organization.members.edges.map((edge: { node: unknown }) => edge.node).find((m: { member: { id: string } }) => m.member.id === owner.id);
    const demoted = await server.gql('mutation($id: ID!) { updateMembership(input: { id: $id, role: MEMBER }) { membership { role } } }', { id: own.id }, owner.token);
    expect(codeOf(demoted)).toBe('CONFLICT');
  });
});
