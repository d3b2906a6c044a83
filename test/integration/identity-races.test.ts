import { Role } from '../../src/core/authorization/role';
import { MembershipEntity } from '../../src/modules/membership/membership.entity';
import { TestServer, startTestServer } from '../support/test-server';
import { createHierarchy, createUser, loginAsAdmin } from '../support/fixtures';

describe('concurrent writes of the same unique value', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ label: 'races' });
  });
  afterAll(() => server.stop());

  it('answers CONFLICT (never an internal error) to the loser of a race for the same membership', async () => {
    const admin = await loginAsAdmin(server);
    const owner = await createUser(server, admin, 'owner');
    const member = await createUser(server, admin, 'member');
    const { organizationId } = await createHierarchy(server, owner.token);
    const add = () =>
      server.gql('mutation($input: AddMembershipInput!) { addMembership(input: $input) { membership { id } } }', { input: { userId: member.id, organizationId, role: Role.MEMBER } }, owner.token);
    const results = await Promise.all(Array.from({ length: 6 }, add));
    const codes = results.map((r) => r.errors?.[0].extensions.code ?? 'OK');
    expect(codes.filter((c) => c === 'OK')).toHaveLength(1);
    expect(codes.filter((c) => c !== 'OK').every((c) => c === 'CONFLICT')).toBe(true);
    expect(await server.db.manager.countBy(MembershipEntity, { userId: member.id })).toBe(1);
  });
});
