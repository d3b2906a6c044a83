import { Role } from '../../../src/core/authorization/role';
import { AccessTokenEntity } from '../../../src/modules/access-token/access-token.entity';
import { MembershipEntity } from '../../../src/modules/membership/membership.entity';
import { TokenPolicyEntity } from '../../../src/modules/token-policy/token-policy.entity';
import { UserEntity, UserKind } from '../../../src/modules/user/user.entity';
import { ADMIN_PASSWORD, TestServer, startTestServer } from '../../support/test-server';
import { USER_PASSWORD, addMember, codeOf, createHierarchy, createUser, login, loginAsAdmin, ok } from '../../support/fixtures';
import {
  Hierarchy,
  IssuedToken,
  TOKEN_OPS,
  auditEvents,
  bearerStatus,
  createToken,
  expectRefused,
  withoutWrites,
} from '../../support/token-fixtures';

const CREATE_PROJECT = 'mutation($input: CreateProjectInput!) { createProject(input: $input) { project { id } } }';

describe('access tokens follow their owners and resources', () => {
  let server: TestServer;
  let admin: string;
  let owner: { id: string; email: string; token: string };
  let hierarchy: Hierarchy;

  const tokenState = async (id: string) => ok(await server.gql(TOKEN_OPS.get, { id }, admin)).accessToken;

  beforeAll(async () => {
    server = await startTestServer({ label: 'token_cascades', env: { TESSERA_TOKEN_AUTH_MAX_FAILURES_PER_ADDRESS: '100000' } });
    admin = await loginAsAdmin(server);
    owner = await createUser(server, admin, 'owner');
    hierarchy = await createHierarchy(server, owner.token);
  });
  afterAll(() => server.stop());

  describe('deactivating a user', () => {
    let person: { id: string; email: string; token: string };
    let access: IssuedToken;
    let expose: IssuedToken;
    let earlierRevoked: IssuedToken;
    let madeForTheGroup: IssuedToken;

    beforeAll(async () => {
      person = await createUser(server, admin, 'leaver');
      await addMember(server, owner.token, person.id, { groupId: hierarchy.groupId }, Role.ADMIN);
      access = await createToken(server, person.token, 'PERSONAL', hierarchy, { name: 'laptop' });
      expose = await createToken(server, person.token, 'PERSONAL', hierarchy, { name: 'expose', kind: 'EXPOSE', expiresAt: null });
      earlierRevoked = await createToken(server, person.token, 'PERSONAL', hierarchy, { name: 'old' });
      ok(await server.gql(TOKEN_OPS.revoke, { input: { id: earlierRevoked.id, reason: 'no longer needed' } }, person.token));
      madeForTheGroup = await createToken(server, person.token, 'GROUP', hierarchy, { name: 'group bot', role: 'MEMBER' });
      ok(await server.gql(TOKEN_OPS.deactivateUser, { input: { id: person.id } }, admin));
    });

    it('revokes all their personal tokens with reason `owner deactivated`; bearer use answers HTTP 401', async () => {
      for (const token of [access, expose]) {
        expect(await tokenState(token.id)).toMatchObject({ status: 'REVOKED', revocationReason: 'owner deactivated', revokedAt: expect.any(String) });
        const response = await server.gql(TOKEN_OPS.viewer, {}, token.secret);
        expect({ status: response.status, code: codeOf(response) }).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
      }
    });

    it('keeps the reason of a token revoked before', async () => {
      expect(await tokenState(earlierRevoked.id)).toMatchObject({ status: 'REVOKED', revocationReason: 'no longer needed' });
    });

    it('leaves the resource tokens they created working: those belong to their technical users', async () => {
      expect(await tokenState(madeForTheGroup.id)).toMatchObject({ status: 'ACTIVE' });
      expect(await bearerStatus(server, madeForTheGroup.secret)).toBe(200);
    });

    it('does not bring the tokens back on reactivation', async () => {
      ok(await server.gql(TOKEN_OPS.reactivateUser, { input: { id: person.id } }, admin));
      const session = await login(server, person.email, USER_PASSWORD);
      const listed = ok(await server.gql(TOKEN_OPS.viewerTokens, {}, session)).viewer.accessTokens.edges.map((edge: { node: { id: string; status: string } }) => edge.node);
      expect(listed.map((node: { id: string; status: string }) => [node.id, node.status]).sort()).toEqual(
        [access.id, expose.id, earlierRevoked.id].map((id) => [id, 'REVOKED']).sort(),
      );
      for (const token of [access, expose]) {
        expect(await tokenState(token.id)).toMatchObject({ status: 'REVOKED', revocationReason: 'owner deactivated' });
        expect(await bearerStatus(server, token.secret)).toBe(401);
      }
    });
  });

  describe('a user past their validity date', () => {
    let person: { id: string; token: string };
    let token: IssuedToken;

    beforeAll(async () => {
      person = await createUser(server, admin, 'temporary');
      token = await createToken(server, person.token, 'PERSONAL', hierarchy, { name: 'contractor' });
      ok(await server.gql(TOKEN_OPS.updateUser, { input: { id: person.id, validUntil: new Date(Date.now() - 60_000).toISOString() } }, admin));
    });

    it('has OWNER_INACTIVE tokens that are refused with HTTP 401', async () => {
      expect(await tokenState(token.id)).toMatchObject({ status: 'OWNER_INACTIVE', revokedAt: null });
      expect(await bearerStatus(server, token.secret)).toBe(401);
      const listed = ok(await server.gql(TOKEN_OPS.allTokens, { status: 'OWNER_INACTIVE', first: 100 }, admin)).accessTokens.edges.map((edge: { node: { id: string } }) => edge.node.id);
      expect(listed).toContain(token.id);
    });

    it('refuses to rotate them (CONFLICT) or to restore them once revoked (CONFLICT), with nothing written', async () => {
      expectRefused(await withoutWrites(server, () => server.gql(TOKEN_OPS.rotate, { input: { id: token.id, password: ADMIN_PASSWORD } }, admin)), 'CONFLICT');
      ok(await server.gql(TOKEN_OPS.revoke, { input: { id: token.id } }, admin));
      expectRefused(await withoutWrites(server, () => server.gql(TOKEN_OPS.restore, { input: { id: token.id } }, admin)), 'CONFLICT');
    });
  });

  describe('deleting resources', () => {
    const tokens = {} as Record<'organization' | 'group' | 'project' | 'secondProject' | 'rotatedGroup' | 'personal', IssuedToken>;
    let secondProjectId: string;
    let everything: Hierarchy;

    const exists = async (token: IssuedToken) => (await server.db.manager.countBy(AccessTokenEntity, { id: token.id })) === 1;
    /** A resource token is gone with its technical user and that user's membership. */
    const expectGone = async (token: IssuedToken) => {
      expect(await exists(token)).toBe(false);
      expect(await server.db.manager.countBy(UserEntity, { id: token.accessToken.owner.id })).toBe(0);
      expect(await server.db.manager.countBy(MembershipEntity, { userId: token.accessToken.owner.id })).toBe(0);
      expect(await bearerStatus(server, token.secret)).toBe(401);
    };
    const expectKept = async (token: IssuedToken) => {
      expect(await exists(token)).toBe(true);
      expect(await bearerStatus(server, token.secret)).toBe(200);
    };

    beforeAll(async () => {
      everything = await createHierarchy(server, owner.token);
      secondProjectId = ok(await server.gql(CREATE_PROJECT, { input: { groupId: everything.groupId, name: 'Second' } }, owner.token)).createProject.project.id;
      tokens.organization = await createToken(server, owner.token, 'ORGANIZATION', everything, { role: 'VIEWER' });
      tokens.group = await createToken(server, owner.token, 'GROUP', everything, { role: 'VIEWER' });
      const rotatedAway = await createToken(server, owner.token, 'GROUP', everything, { name: 'rotated', role: 'VIEWER' });
      const rotated = ok(await server.gql(TOKEN_OPS.rotate, { input: { id: rotatedAway.id, password: USER_PASSWORD } }, owner.token)).rotateAccessToken;
      tokens.rotatedGroup = { id: rotated.accessToken.id, secret: rotated.secret, accessToken: rotated.accessToken };
      tokens.project = await createToken(server, owner.token, 'PROJECT', everything, { role: 'VIEWER' });
      tokens.secondProject = await createToken(server, owner.token, 'PROJECT', { ...everything, projectId: secondProjectId }, { role: 'VIEWER' });
      tokens.personal = await createToken(server, owner.token, 'PERSONAL', everything);
      ok(await server.gql(TOKEN_OPS.setPolicy, { input: { organizationId: everything.organizationId, maxLifetimeDays: 90 } }, owner.token));
    });

    it('deleting a project deletes its tokens and technical users, and nothing above it', async () => {
      ok(await server.gql(TOKEN_OPS.deleteProject, { input: { id: everything.projectId } }, owner.token));
      await expectGone(tokens.project);
      for (const kept of [tokens.secondProject, tokens.group, tokens.organization, tokens.personal]) await expectKept(kept);
    });

    it("deleting a group deletes its tokens (rotated predecessors included) and its projects' tokens", async () => {
      ok(await server.gql(TOKEN_OPS.deleteGroup, { input: { id: everything.groupId } }, owner.token));
      await expectGone(tokens.group);
      await expectGone(tokens.rotatedGroup);
      await expectGone(tokens.secondProject);
      expect(await server.db.manager.countBy(AccessTokenEntity, { resourceId: everything.groupId })).toBe(0);
      for (const kept of [tokens.organization, tokens.personal]) await expectKept(kept);
    });

    it("deleting an organization deletes its tokens, technical users and token policy, not its members' personal tokens", async () => {
      ok(await server.gql(TOKEN_OPS.deleteOrganization, { input: { id: everything.organizationId } }, owner.token));
      await expectGone(tokens.organization);
      expect(await server.db.manager.countBy(AccessTokenEntity, { organizationId: everything.organizationId })).toBe(0);
      expect(await server.db.manager.countBy(TokenPolicyEntity, { organizationId: everything.organizationId })).toBe(0);
      await expectKept(tokens.personal);
    });

    it('leaves no orphaned technical user behind and keeps the audit trail', async () => {
      const technicalUsers = await server.db.manager.find(UserEntity, { where: { kind: UserKind.TECHNICAL } });
      const ownersOfTokens = new Set((await server.db.manager.find(AccessTokenEntity)).map((token) => token.ownerId));
      expect(technicalUsers.filter((user) => !ownersOfTokens.has(user.id)).map((user) => user.id)).toEqual([]);
      expect((await auditEvents(server, { targetId: tokens.organization.id })).length).toBeGreaterThan(0);
    });
  });
});
