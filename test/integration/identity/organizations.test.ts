import { Role } from '../../../src/core/authorization/role';
import { GroupEntity } from '../../../src/modules/group/group.entity';
import { MembershipEntity } from '../../../src/modules/membership/membership.entity';
import { OrganizationEntity } from '../../../src/modules/organization/organization.entity';
import { ProjectEntity } from '../../../src/modules/project/project.entity';
import { addMember, createHierarchy, loginAsAdmin, ok } from '../../support/fixtures';
import {
  Cast,
  CastRole,
  OPS,
  REFUSED_BELOW_ADMIN,
  REFUSED_UNAUTHENTICATED,
  UNKNOWN_ID,
  countAudited,
  countRows,
  createCast,
  createPerson,
  expectAudited,
  expectBadInput,
  expectRefused,
  databaseRows,
  tokenOf,
  withoutWrites,
} from '../../support/identity-fixtures';
import { TestServer, startTestServer } from '../../support/test-server';

const ORGANIZATION = 'query($id: ID!) { organization(id: $id) { id name viewerRole groups { edges { node { id name } } } members(first: 100) { edges { node { role member { ... on User { id } } } } } } }';
const ORGANIZATIONS = `query($first: Int, $after: String, $last: Int, $before: String) {
  organizations(first: $first, after: $after, last: $last, before: $before) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id name viewerRole } } } }`;

type Edge = { cursor: string; node: { id: string; name: string; viewerRole: string } };

describe('organizations', () => {
  let server: TestServer;
  let adminToken: string;
  let cast: Cast;

  beforeAll(async () => {
    server = await startTestServer({ label: 'identity_organizations' });
    adminToken = await loginAsAdmin(server);
    cast = await createCast(server, adminToken);
  });
  afterAll(() => server.stop());

  const organizationRow = (id: string) => server.db.manager.findOneBy(OrganizationEntity, { id });

  describe('createOrganization', () => {
    it.each<[string, CastRole]>([
      ['a person with no role anywhere', 'outsider'],
      ['a VIEWER of another organization', 'viewer'],
      ['a platform admin', 'admin'],
    ])('lets %s create one and makes them its ADMIN', async (_label, role) => {
      const token = tokenOf(cast, role);
      const { createOrganization } = ok(await server.gql(OPS.createOrganization, { input: { name: '  Acme  ' } }, token));

      expect(createOrganization.organization).toEqual({ id: expect.any(String), name: 'Acme', viewerRole: 'ADMIN' });
      const id = createOrganization.organization.id;
      expect(await organizationRow(id)).toMatchObject({ id, name: 'Acme' });
      const { viewer } = ok(await server.gql(OPS.viewer, {}, token));
      expect(await server.db.manager.findBy(MembershipEntity, { resourceId: id })).toEqual([
        expect.objectContaining({ userId: viewer.user.id, resourceType: 'ORGANIZATION', organizationId: id, role: 'ADMIN' }),
      ]);
      await expectAudited(server, 'createOrganization', id);
    });

    it.each(REFUSED_UNAUTHENTICATED)('refuses $label with $code, creating nothing', async ({ role, code, status }) => {
      const response = await withoutWrites(server, () => server.gql(OPS.createOrganization, { input: { name: 'Nope' } }, tokenOf(cast, role)));
      expectRefused(response, code, status);
    });

    it.each([
      ['an empty name', { name: '' }],
      ['a blank name', { name: '   ' }],
      ['a name over 100 characters', { name: 'n'.repeat(101) }],
      ['a name of the wrong type', { name: 100 }],
      ['no name', {}],
    ])('refuses %s with BAD_USER_INPUT on input.name, creating nothing', async (_label, input) => {
      const response = await withoutWrites(server, () => server.gql(OPS.createOrganization, { input }, cast.outsider.token));
      expectBadInput(response, 'input.name');
    });

    it('accepts a name of exactly 100 characters', async () => {
      const name = 'n'.repeat(100);
      expect(ok(await server.gql(OPS.createOrganization, { input: { name } }, cast.outsider.token)).createOrganization.organization.name).toBe(name);
    });
  });

  describe('updateOrganization', () => {
    it.each<[string, CastRole]>([
      ['its ADMIN', 'owner'],
      ['a platform admin', 'admin'],
    ])('lets %s rename it', async (label, role) => {
      const name = `Renamed by ${label}`;
      const { updateOrganization } = ok(await server.gql(OPS.updateOrganization, { input: { id: cast.organizationId, name } }, tokenOf(cast, role)));
      expect(updateOrganization.organization).toEqual({ id: cast.organizationId, name });
      expect((await organizationRow(cast.organizationId))?.name).toBe(name);
    });

    it('writes an audit event', async () => {
      const before = await countAudited(server, 'updateOrganization', cast.organizationId);
      ok(await server.gql(OPS.updateOrganization, { input: { id: cast.organizationId, name: 'Audited' } }, cast.owner.token));
      expect(await countAudited(server, 'updateOrganization', cast.organizationId)).toBe(before + 1);
    });

    it.each(REFUSED_BELOW_ADMIN)('refuses $label with $code, changing nothing', async ({ role, code, status }) => {
      const response = await withoutWrites(server, () =>
        server.gql(OPS.updateOrganization, { input: { id: cast.organizationId, name: 'Hijacked' } }, tokenOf(cast, role)),
      );
      expectRefused(response, code, status);
    });

    it.each([
      ['an empty name', ''],
      ['a blank name', ' '],
      ['a name over 100 characters', 'n'.repeat(101)],
      ['a name of the wrong type', false],
    ])('refuses %s with BAD_USER_INPUT on input.name, changing nothing', async (_label, name) => {
      const response = await withoutWrites(server, () => server.gql(OPS.updateOrganization, { input: { id: cast.organizationId, name } }, cast.owner.token));
      expectBadInput(response, 'input.name');
    });

    it('answers an unknown id with NOT_FOUND, changing nothing', async () => {
      const response = await withoutWrites(server, () => server.gql(OPS.updateOrganization, { input: { id: UNKNOWN_ID, name: 'Ghost' } }, adminToken));
      expectRefused(response, 'NOT_FOUND');
    });

    it('refuses an id that is not a UUID with BAD_USER_INPUT on input.id, changing nothing', async () => {
      const response = await withoutWrites(server, () => server.gql(OPS.updateOrganization, { input: { id: 'not-a-uuid', name: 'Ghost' } }, adminToken));
      expectBadInput(response, 'input.id');
    });
  });

  describe('deleteOrganization', () => {
    /** An organization with two groups, three projects and members at every level. */
    async function populatedOrganization(ownerToken: string) {
      const { organizationId, groupId, projectId } = await createHierarchy(server, ownerToken);
      const second = ok(await server.gql(OPS.createGroup, { input: { organizationId, name: 'Second' } }, ownerToken)).createGroup.group.id;
      const secondProject = ok(await server.gql(OPS.createProject, { input: { groupId: second, name: 'P2' } }, ownerToken)).createProject.project.id;
      ok(await server.gql(OPS.createProject, { input: { groupId, name: 'P3' } }, ownerToken));
      await addMember(server, ownerToken, cast.member.id, { organizationId }, Role.MEMBER);
      await addMember(server, ownerToken, cast.viewer.id, { groupId: second }, Role.ADMIN);
      await addMember(server, ownerToken, cast.outsider.id, { projectId: secondProject }, Role.VIEWER);
      return { organizationId, groupId, projectId };
    }

    it('deletes the organization with its groups, projects and memberships in one go, and nothing of other organizations', async () => {
      const owner = await createPerson(server, adminToken, 'deleter');
      const { organizationId } = await populatedOrganization(owner.token);
      expect(await countRows(server, GroupEntity, { organizationId })).toBe(2);
      expect(await countRows(server, ProjectEntity, { organizationId })).toBe(3);
      expect(await countRows(server, MembershipEntity, { organizationId })).toBe(4);
      const before = await databaseRows(server);

      const { deleteOrganization } = ok(await server.gql(OPS.deleteOrganization, { input: { id: organizationId } }, owner.token));

      expect(deleteOrganization).toEqual({ deletedId: organizationId });
      expect(await organizationRow(organizationId)).toBeNull();
      expect(await countRows(server, GroupEntity, { organizationId })).toBe(0);
      expect(await countRows(server, ProjectEntity, { organizationId })).toBe(0);
      expect(await countRows(server, MembershipEntity, { organizationId })).toBe(0);
      const after = await databaseRows(server);
      const outside = (rows: unknown[]) => (rows as Array<{ id: string; organizationId?: string }>).filter((r) => r.id !== organizationId && r.organizationId !== organizationId);
      for (const table of ['organizations', 'resource_groups', 'projects', 'memberships', 'users', 'sessions']) {
        expect(after[table]).toEqual(outside(before[table]));
      }
      await expectAudited(server, 'deleteOrganization', organizationId);
      expectRefused(await server.gql(ORGANIZATION, { id: organizationId }, cast.member.token), 'NOT_FOUND');
    });

    it('lets a platform admin delete any organization', async () => {
      const owner = await createPerson(server, adminToken, 'owned');
      const { organizationId } = await createHierarchy(server, owner.token);
      expect(ok(await server.gql(OPS.deleteOrganization, { input: { id: organizationId } }, adminToken)).deleteOrganization.deletedId).toBe(organizationId);
      expect(await organizationRow(organizationId)).toBeNull();
    });

    it.each(REFUSED_BELOW_ADMIN)('refuses $label with $code, deleting nothing', async ({ role, code, status }) => {
      const response = await withoutWrites(server, () => server.gql(OPS.deleteOrganization, { input: { id: cast.organizationId } }, tokenOf(cast, role)));
      expectRefused(response, code, status);
    });

    it('answers an unknown id with NOT_FOUND, deleting nothing', async () => {
      const response = await withoutWrites(server, () => server.gql(OPS.deleteOrganization, { input: { id: UNKNOWN_ID } }, adminToken));
      expectRefused(response, 'NOT_FOUND');
    });
  });

  describe('organization(id)', () => {
    it.each<[string, CastRole, string]>([
      ['a VIEWER', 'viewer', 'VIEWER'],
      ['a MEMBER', 'member', 'MEMBER'],
      ['its ADMIN', 'owner', 'ADMIN'],
      ['a platform admin', 'admin', 'ADMIN'],
    ])("lets %s read it, with its groups, its members and the caller's role", async (_label, role, viewerRole) => {
      const { organization } = ok(await server.gql(ORGANIZATION, { id: cast.organizationId }, tokenOf(cast, role)));
      expect(organization).toMatchObject({ id: cast.organizationId, viewerRole, groups: { edges: [{ node: { id: cast.groupId, name: 'Group' } }] } });
      expect(organization.members.edges.map((edge: { node: unknown }) => edge.node)).toEqual(
        expect.arrayContaining([
          { role: 'ADMIN', member: { id: cast.owner.id } },
          { role: 'VIEWER', member: { id: cast.viewer.id } },
          { role: 'MEMBER', member: { id: cast.member.id } },
        ]),
      );
    });

    it('answers a person with no role on it exactly like an organization that does not exist (NOT_FOUND)', async () => {
      const hidden = await server.gql(ORGANIZATION, { id: cast.organizationId }, cast.outsider.token);
      const missing = await server.gql(ORGANIZATION, { id: UNKNOWN_ID }, cast.outsider.token);
      expectRefused(hidden, 'NOT_FOUND');
      expect(hidden.errors![0].message).toBe(missing.errors![0].message);
      expectRefused(await server.gql(ORGANIZATION, { id: cast.organizationId }, cast.otherOrgAdmin.token), 'NOT_FOUND');
    });

    it.each(REFUSED_UNAUTHENTICATED)('refuses $label with $code', async ({ role, code, status }) => {
      expectRefused(await server.gql(ORGANIZATION, { id: cast.organizationId }, tokenOf(cast, role)), code, status);
    });
  });

  describe('organizations (the list)', () => {
    it('lists only the organizations the caller holds a role on; a platform admin sees all', async () => {
      const mine = ok(await server.gql(ORGANIZATIONS, { first: 100 }, cast.member.token)).organizations;
      expect(mine.edges.map((e: Edge) => e.node)).toEqual([{ id: cast.organizationId, name: expect.any(String), viewerRole: 'MEMBER' }]);
      expect(mine.totalCount).toBe(1);

      const all = ok(await server.gql(ORGANIZATIONS, { first: 100 }, adminToken)).organizations;
      expect(all.totalCount).toBe(await countRows(server, OrganizationEntity));
      expect(all.edges.map((e: Edge) => e.node.id)).toEqual(expect.arrayContaining([cast.organizationId, cast.otherOrgAdmin.organizationId]));
    });

    it('pages newest first with first/after, pageInfo and totalCount, and back with last/before', async () => {
      const person = await createPerson(server, adminToken, 'collector');
      const created: string[] = [];
      for (let i = 1; i <= 5; i += 1) {
        created.push(ok(await server.gql(OPS.createOrganization, { input: { name: `Org ${i}` } }, person.token)).createOrganization.organization.id);
      }
      // Ids are time-ordered; the list is in descending id order.
      const expected = [...created].sort().reverse();
      const page = async (variables: Record<string, unknown>) => ok(await server.gql(ORGANIZATIONS, variables, person.token)).organizations;

      const first = await page({ first: 2 });
      expect(first.totalCount).toBe(5);
      expect(first.edges.map((e: Edge) => e.node.id)).toEqual(expected.slice(0, 2));
      expect(first.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: first.edges[0].cursor, endCursor: first.edges[1].cursor });

      const second = await page({ first: 2, after: first.pageInfo.endCursor });
      expect(second.edges.map((e: Edge) => e.node.id)).toEqual(expected.slice(2, 4));
      expect(second.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });

      const last = await page({ first: 2, after: second.pageInfo.endCursor });
      expect(last.edges.map((e: Edge) => e.node.id)).toEqual(expected.slice(4));
      expect(last.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
      expect(last.totalCount).toBe(5);

      const back = await page({ last: 2, before: last.edges[0].cursor });
      expect(back.edges.map((e: Edge) => e.node.id)).toEqual(expected.slice(2, 4));
      expect(back.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });

      const empty = await page({ first: 2, after: last.pageInfo.endCursor });
      expect(empty).toEqual({ totalCount: 5, edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null } });
    });

    it.each([
      ['a page size over 100', { first: 101 }, 'first'],
      ['a negative page size', { first: -1 }, 'first'],
      ['first together with last', { first: 1, last: 1 }, 'last'],
      ['a cursor that is not from this list', { after: 'garbage' }, 'after'],
    ])('refuses %s with BAD_USER_INPUT naming the argument', async (_label, variables, field) => {
      expectBadInput(await server.gql(ORGANIZATIONS, variables, cast.member.token), field);
    });

    it.each(REFUSED_UNAUTHENTICATED)('refuses $label with $code', async ({ role, code, status }) => {
      expectRefused(await server.gql(ORGANIZATIONS, {}, tokenOf(cast, role)), code, status);
    });
  });
});
