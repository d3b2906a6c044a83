import { Role } from '../../src/core/authorization/role';
import { AccessTokenEntity } from '../../src/modules/access-token/access-token.entity';
import { MembershipEntity } from '../../src/modules/membership/membership.entity';
import { GraphQLResponse, TestServer, startTestServer } from '../support/test-server';
import { USER_PASSWORD, addMember, codeOf, createHierarchy, createUser, loginAsAdmin } from '../support/fixtures';
import { Hierarchy, TOKEN_OPS, createToken } from '../support/token-fixtures';

/** The outcome of each response: OK, or its error code. A race must never produce INTERNAL_SERVER_ERROR or HTTP 5xx. */
function outcomes(responses: GraphQLResponse[]): string[] {
  for (const response of responses) expect(response.status).toBeLessThan(500);
  return responses.map((response) => codeOf(response) ?? 'OK');
}

const TRIALS = 5;

describe('concurrent writes to the same token or organization (MySQL row locks; SQLite queues writers)', () => {
  let server: TestServer;
  let owner: { id: string; token: string };
  let hierarchy: Hierarchy;
  beforeAll(async () => {
    server = await startTestServer({ label: 'races' });
    const admin = await loginAsAdmin(server);
    owner = await createUser(server, admin, 'owner');
    hierarchy = await createHierarchy(server, owner.token);
  });
  afterAll(() => server.stop());

  it('deletes a token once: of parallel deletes one succeeds, the others answer NOT_FOUND, and the technical user goes with it', async () => {
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const token = await createToken(server, owner.token, 'GROUP', hierarchy, { name: `deleted ${trial}`, role: 'VIEWER' });
      const codes = outcomes(await Promise.all(Array.from({ length: 6 }, () => server.gql(TOKEN_OPS.delete, { input: { id: token.id } }, owner.token))));
      expect(codes.filter((code) => code === 'OK')).toHaveLength(1);
      expect(codes.filter((code) => code !== 'OK')).toEqual(Array(5).fill('NOT_FOUND'));
      expect(await server.db.manager.countBy(AccessTokenEntity, { id: token.id })).toBe(0);
    }
  });

  it('keeps one consistent chain when rotate, revoke and delete of one token race', async () => {
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const token = await createToken(server, owner.token, 'PROJECT', hierarchy, { name: `contested ${trial}`, role: 'VIEWER' });
      const calls = [
        () => server.gql(TOKEN_OPS.rotate, { input: { id: token.id, password: USER_PASSWORD } }, owner.token),
        () => server.gql(TOKEN_OPS.rotate, { input: { id: token.id, password: USER_PASSWORD } }, owner.token),
        () => server.gql(TOKEN_OPS.revoke, { input: { id: token.id } }, owner.token),
        () => server.gql(TOKEN_OPS.delete, { input: { id: token.id } }, owner.token),
      ];
      const codes = outcomes(await Promise.all(calls.map((call) => call())));
      expect(codes.every((code) => ['OK', 'CONFLICT', 'NOT_FOUND'].includes(code))).toBe(true);
      // At most one successor, and never a successor of a token that was deleted before it was rotated.
      const successors = await server.db.manager.countBy(AccessTokenEntity, { previousTokenId: token.id });
      expect(successors).toBeLessThanOrEqual(1);
      expect(codes.filter((code, index) => code === 'OK' && index < 2)).toHaveLength(successors);
    }
  });

  it('never removes the last ADMIN: two ADMINs removing each other at once leave one', async () => {
    const admin = await loginAsAdmin(server);
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const first = await createUser(server, admin, `first-${trial}`);
      const second = await createUser(server, admin, `second-${trial}`);
      const { organizationId } = await createHierarchy(server, first.token);
      const secondMembership = await addMember(server, first.token, second.id, { organizationId }, Role.ADMIN);
      const firstMembership = (await server.db.manager.findOneByOrFail(MembershipEntity, { userId: first.id, resourceId: organizationId })).id;
      const remove = 'mutation($input: RemoveMembershipInput!) { removeMembership(input: $input) { deletedId } }';
      const codes = outcomes(
        await Promise.all([
          server.gql(remove, { input: { id: secondMembership } }, first.token),
          server.gql(remove, { input: { id: firstMembership } }, second.token),
        ]),
      );
      const admins = await server.db.manager.countBy(MembershipEntity, { resourceId: organizationId, role: Role.ADMIN });
      expect(admins).toBe(1);
      // One removal wins; the other is refused as the last ADMIN, or finds its caller already removed.
      expect(codes.filter((code) => code === 'OK')).toHaveLength(1);
      expect(codes.filter((code) => code !== 'OK').every((code) => ['CONFLICT', 'NOT_FOUND', 'FORBIDDEN'].includes(code))).toBe(true);
    }
  });
});
