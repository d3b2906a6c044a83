import { Role } from '../../../src/core/authorization/role';
import { MembershipEntity } from '../../../src/modules/membership/membership.entity';
import { addMember, loginAsAdmin, ok } from '../../support/fixtures';
import {
  Cast,
  OPS,
  Person,
  REFUSED_BELOW_ADMIN,
  UNKNOWN_ID,
  createCast,
  createPerson,
  expectAudited,
  expectBadInput,
  expectRefused,
  tokenOf,
  withoutWrites,
} from '../../support/identity-fixtures';
import { TestServer, startTestServer } from '../../support/test-server';

const ORGANIZATION_ROLE = 'query($id: ID!) { organization(id: $id) { viewerRole } }';

describe('memberships', () => {
  let server: TestServer;
  let adminToken: string;
  let cast: Cast;
  /** ADMIN of the cast's group, but only MEMBER of its organization. */
  let groupAdmin: Person;

  beforeAll(async () => {
    server = await startTestServer({ label: 'identity_memberships' });
    adminToken = await loginAsAdmin(server);
    cast = await createCast(server, adminToken);
    groupAdmin = await createPerson(server, adminToken, 'group-admin');
    await addMember(server, cast.owner.token, groupAdmin.id, { organizationId: cast.organizationId }, Role.MEMBER);
    await addMember(server, cast.owner.token, groupAdmin.id, { groupId: cast.groupId }, Role.ADMIN);
  });
  afterAll(() => server.stop());

  const membershipOf = (userId: string, resourceId: string) => server.db.manager.findOneBy(MembershipEntity, { userId, resourceId });
  const membershipRow = (id: string) => server.db.manager.findOneBy(MembershipEntity, { id });
  const add = (token: string | undefined, input: Record<string, unknown>) => server.gql(OPS.addMembership, { input }, token);

  describe('addMembership', () => {
    it.each([
      ['organization', 'ORGANIZATION', 'organizationId'],
      ['group', 'GROUP', 'groupId'],
      ['project', 'PROJECT', 'projectId'],
    ] as const)('lets the organization ADMIN give a person a role on the %s', async (_label, resourceType, key) => {
      const person = await createPerson(server, adminToken, `joiner-${resourceType.toLowerCase()}`);
      const resourceId = { organizationId: cast.organizationId, groupId: cast.groupId, projectId: cast.projectId }[key];

      const { addMembership } = ok(await add(cast.owner.token, { userId: person.id, [key]: resourceId, role: 'MEMBER' }));

      expect(addMembership.membership).toEqual({ id: expect.any(String), role: 'MEMBER', resourceType, resourceId, member: { id: person.id } });
      expect(await membershipRow(addMembership.membership.id)).toMatchObject({
        userId: person.id,
        resourceType,
        resourceId,
        organizationId: cast.organizationId,
        role: 'MEMBER',
      });
      await expectAudited(server, 'addMembership', addMembership.membership.id);
      const { viewer } = ok(await server.gql(OPS.viewer, {}, person.token));
      expect(viewer.memberships.edges).toEqual([{ node: { id: addMembership.membership.id, role: 'MEMBER', resourceType, resourceId } }]);
    });

    it('gives access at once: the new member reads the organization with their role', async () => {
      const person = await createPerson(server, adminToken, 'newcomer');
      expectRefused(await server.gql(ORGANIZATION_ROLE, { id: cast.organizationId }, person.token), 'NOT_FOUND');
      ok(await add(cast.owner.token, { userId: person.id, organizationId: cast.organizationId, role: 'VIEWER' }));
      expect(ok(await server.gql(ORGANIZATION_ROLE, { id: cast.organizationId }, person.token)).organization.viewerRole).toBe('VIEWER');
    });

    it.each(REFUSED_BELOW_ADMIN)('refuses $label with $code, adding nobody', async ({ role, code, status }) => {
      const response = await withoutWrites(server, () => add(tokenOf(cast, role), { userId: cast.outsider.id, organizationId: cast.organizationId, role: 'VIEWER' }));
      expectRefused(response, code, status);
    });

    it('lets a group ADMIN who is only organization MEMBER grant ADMIN on their group', async () => {
      const person = await createPerson(server, adminToken, 'co-admin');
      const { addMembership } = ok(await add(groupAdmin.token, { userId: person.id, groupId: cast.groupId, role: 'ADMIN' }));
      expect(addMembership.membership).toMatchObject({ role: 'ADMIN', resourceType: 'GROUP', resourceId: cast.groupId });
    });

    it.each(['ADMIN', 'MEMBER', 'VIEWER'])('refuses a group ADMIN who is only organization MEMBER granting %s on the organization (FORBIDDEN)', async (role) => {
      const response = await withoutWrites(server, () => add(groupAdmin.token, { userId: cast.outsider.id, organizationId: cast.organizationId, role }));
      expectRefused(response, 'FORBIDDEN');
    });

    it('refuses a second role for the same person on the same resource with CONFLICT naming input.userId', async () => {
      const response = await withoutWrites(server, () => add(cast.owner.token, { userId: cast.member.id, organizationId: cast.organizationId, role: 'ADMIN' }));
      expectRefused(response, 'CONFLICT');
      expect(response.errors![0].extensions.fields).toEqual([expect.objectContaining({ field: 'input.userId' })]);
    });

    it.each([
      ['an unknown user', { userId: UNKNOWN_ID }, 'NOT_FOUND'],
      ['an unknown organization', { organizationId: UNKNOWN_ID }, 'NOT_FOUND'],
      ['an unknown group', { organizationId: undefined, groupId: UNKNOWN_ID }, 'NOT_FOUND'],
      ['an unknown project', { organizationId: undefined, projectId: UNKNOWN_ID }, 'NOT_FOUND'],
    ])('answers %s with %s, adding nobody', async (_label, change, code) => {
      const response = await withoutWrites(server, () => add(adminToken, { userId: cast.outsider.id, organizationId: cast.organizationId, role: 'VIEWER', ...change }));
      expectRefused(response, code);
    });

    it.each([
      ['no resource', { organizationId: undefined }, 'input.organizationId'],
      ['two resources', { groupId: 'GROUP' }, 'input.groupId'],
      ['a user id that is not a UUID', { userId: 'someone' }, 'input.userId'],
      ['a role that does not exist', { role: 'OWNER' }, 'input.role'],
      ['no role', { role: undefined }, 'input.role'],
      ['a user id of the wrong type', { userId: ['a', 'b'] }, 'input.userId'],
    ])('refuses %s with BAD_USER_INPUT naming the field, adding nobody', async (_label, change, field) => {
      const input: Record<string, unknown> = { userId: cast.outsider.id, organizationId: cast.organizationId, role: 'VIEWER', ...change };
      if (input.groupId === 'GROUP') input.groupId = cast.groupId;
      const response = await withoutWrites(server, () => add(cast.owner.token, input));
      expectBadInput(response, field);
    });
  });

  describe('updateMembership', () => {
    it("lets the organization ADMIN change a person's role, effective at once", async () => {
      const person = await createPerson(server, adminToken, 'promoted');
      const id = await addMember(server, cast.owner.token, person.id, { organizationId: cast.organizationId }, Role.VIEWER);

      const { updateMembership } = ok(await server.gql(OPS.updateMembership, { input: { id, role: 'MEMBER' } }, cast.owner.token));

      expect(updateMembership.membership).toEqual({ id, role: 'MEMBER' });
      expect((await membershipRow(id))?.role).toBe('MEMBER');
      expect(ok(await server.gql(ORGANIZATION_ROLE, { id: cast.organizationId }, person.token)).organization.viewerRole).toBe('MEMBER');
      await expectAudited(server, 'updateMembership', id);
    });

    it.each(REFUSED_BELOW_ADMIN)('refuses $label with $code, changing nothing', async ({ role, code, status }) => {
      const membership = await membershipOf(cast.viewer.id, cast.organizationId);
      const response = await withoutWrites(server, () => server.gql(OPS.updateMembership, { input: { id: membership!.id, role: 'ADMIN' } }, tokenOf(cast, role)));
      expectRefused(response, code, status);
    });

    it('refuses a group ADMIN who is only organization MEMBER raising an organization role, even their own (FORBIDDEN)', async () => {
      const own = await membershipOf(groupAdmin.id, cast.organizationId);
      const others = await membershipOf(cast.viewer.id, cast.organizationId);
      for (const id of [own!.id, others!.id]) {
        const response = await withoutWrites(server, () => server.gql(OPS.updateMembership, { input: { id, role: 'ADMIN' } }, groupAdmin.token));
        expectRefused(response, 'FORBIDDEN');
      }
    });

    it('answers an unknown membership with NOT_FOUND and a bad role with BAD_USER_INPUT, changing nothing', async () => {
      expectRefused(await withoutWrites(server, () => server.gql(OPS.updateMembership, { input: { id: UNKNOWN_ID, role: 'MEMBER' } }, adminToken)), 'NOT_FOUND');
      const membership = await membershipOf(cast.member.id, cast.organizationId);
      expectBadInput(await withoutWrites(server, () => server.gql(OPS.updateMembership, { input: { id: membership!.id, role: 'ROOT' } }, cast.owner.token)), 'input.role');
    });
  });

  describe('removeMembership', () => {
    it("lets the organization ADMIN remove a person's role, ending their access at once", async () => {
      const person = await createPerson(server, adminToken, 'removed');
      const id = await addMember(server, cast.owner.token, person.id, { organizationId: cast.organizationId }, Role.MEMBER);
      expect(ok(await server.gql(ORGANIZATION_ROLE, { id: cast.organizationId }, person.token)).organization.viewerRole).toBe('MEMBER');

      const { removeMembership } = ok(await server.gql(OPS.removeMembership, { input: { id } }, cast.owner.token));

      expect(removeMembership).toEqual({ deletedId: id });
      expect(await membershipRow(id)).toBeNull();
      expectRefused(await server.gql(ORGANIZATION_ROLE, { id: cast.organizationId }, person.token), 'NOT_FOUND');
      await expectAudited(server, 'removeMembership', id);
    });

    it('lets a group ADMIN remove a role on their group', async () => {
      const person = await createPerson(server, adminToken, 'group-leaver');
      const id = await addMember(server, cast.owner.token, person.id, { groupId: cast.groupId }, Role.MEMBER);
      expect(ok(await server.gql(OPS.removeMembership, { input: { id } }, groupAdmin.token)).removeMembership.deletedId).toBe(id);
      expect(await membershipRow(id)).toBeNull();
    });

    it.each(REFUSED_BELOW_ADMIN)('refuses $label with $code, removing nothing', async ({ role, code, status }) => {
      const membership = await membershipOf(cast.member.id, cast.organizationId);
      const response = await withoutWrites(server, () => server.gql(OPS.removeMembership, { input: { id: membership!.id } }, tokenOf(cast, role)));
      expectRefused(response, code, status);
    });

    it('refuses a group ADMIN who is only organization MEMBER removing an organization role (FORBIDDEN)', async () => {
      const membership = await membershipOf(cast.viewer.id, cast.organizationId);
      const response = await withoutWrites(server, () => server.gql(OPS.removeMembership, { input: { id: membership!.id } }, groupAdmin.token));
      expectRefused(response, 'FORBIDDEN');
    });

    it('answers an unknown membership with NOT_FOUND, removing nothing', async () => {
      expectRefused(await withoutWrites(server, () => server.gql(OPS.removeMembership, { input: { id: UNKNOWN_ID } }, adminToken)), 'NOT_FOUND');
    });
  });

  describe('the last ADMIN of an organization', () => {
    let founder: Person;
    let organizationId: string;
    let founderMembership: string;

    beforeAll(async () => {
      founder = await createPerson(server, adminToken, 'founder');
      organizationId = ok(await server.gql(OPS.createOrganization, { input: { name: 'Solo' } }, founder.token)).createOrganization.organization.id;
      founderMembership = (await membershipOf(founder.id, organizationId))!.id;
    });

    it.each([
      ['themselves', () => founder.token],
      ['a platform admin', () => adminToken],
    ])('cannot be removed, by %s (CONFLICT)', async (_label, token) => {
      const response = await withoutWrites(server, () => server.gql(OPS.removeMembership, { input: { id: founderMembership } }, token()));
      expectRefused(response, 'CONFLICT');
    });

    it.each(['MEMBER', 'VIEWER'])('cannot be demoted to %s (CONFLICT)', async (role) => {
      const response = await withoutWrites(server, () => server.gql(OPS.updateMembership, { input: { id: founderMembership, role } }, founder.token));
      expectRefused(response, 'CONFLICT');
    });

    it('can step down once another person is ADMIN', async () => {
      const successor = await createPerson(server, adminToken, 'successor');
      await addMember(server, founder.token, successor.id, { organizationId }, Role.ADMIN);

      expect(ok(await server.gql(OPS.updateMembership, { input: { id: founderMembership, role: 'MEMBER' } }, founder.token)).updateMembership.membership.role).toBe('MEMBER');

      const successorMembership = (await membershipOf(successor.id, organizationId))!.id;
      expectRefused(await withoutWrites(server, () => server.gql(OPS.removeMembership, { input: { id: successorMembership } }, successor.token)), 'CONFLICT');
    });
  });
});
