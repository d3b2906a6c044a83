import { Role } from '../../../src/core/authorization/role';
import { GroupEntity } from '../../../src/modules/group/group.entity';
import { MembershipEntity } from '../../../src/modules/membership/membership.entity';
import { ProjectEntity } from '../../../src/modules/project/project.entity';
import { addMember, loginAsAdmin, ok } from '../../support/fixtures';
import {
  Cast,
  CastRole,
  OPS,
  Person,
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

const GROUP = 'query($id: ID!) { group(id: $id) { id name viewerRole organization { id } projects { edges { node { id } } } } }';
const PROJECT = 'query($id: ID!) { project(id: $id) { id name viewerRole group { id } organization { id } } }';

const nodes = (connection: { edges: Array<{ node: { id: string } }> }) => connection.edges.map((edge) => edge.node);
const EMPTY = { totalCount: 0, edges: [] };

describe('groups and projects', () => {
  let server: TestServer;
  let adminToken: string;
  let cast: Cast;
  /** ADMIN of the cast's group, but only MEMBER of its organization. */
  let groupAdmin: Person;
  /** ADMIN of the cast's project only. */
  let projectAdmin: Person;
  /** VIEWER of the cast's project only. */
  let projectViewer: Person;

  beforeAll(async () => {
    server = await startTestServer({ label: 'identity_groups_projects' });
    adminToken = await loginAsAdmin(server);
    cast = await createCast(server, adminToken);
    groupAdmin = await createPerson(server, adminToken, 'group-admin');
    projectAdmin = await createPerson(server, adminToken, 'project-admin');
    projectViewer = await createPerson(server, adminToken, 'project-viewer');
    await addMember(server, cast.owner.token, groupAdmin.id, { organizationId: cast.organizationId }, Role.MEMBER);
    await addMember(server, cast.owner.token, groupAdmin.id, { groupId: cast.groupId }, Role.ADMIN);
    await addMember(server, cast.owner.token, projectAdmin.id, { projectId: cast.projectId }, Role.ADMIN);
    await addMember(server, cast.owner.token, projectViewer.id, { projectId: cast.projectId }, Role.VIEWER);
  });
  afterAll(() => server.stop());

  const groupRow = (id: string) => server.db.manager.findOneBy(GroupEntity, { id });
  const projectRow = (id: string) => server.db.manager.findOneBy(ProjectEntity, { id });
  const newGroup = async (name = 'Scratch group') =>
    ok(await server.gql(OPS.createGroup, { input: { organizationId: cast.organizationId, name } }, cast.owner.token)).createGroup.group.id as string;
  const newProject = async (groupId = cast.groupId, name = 'Scratch project') =>
    ok(await server.gql(OPS.createProject, { input: { groupId, name } }, cast.owner.token)).createProject.project.id as string;

  const NAME_INPUTS: Array<[string, Record<string, unknown>]> = [
    ['an empty name', { name: '' }],
    ['a blank name', { name: '  ' }],
    ['a name over 100 characters', { name: 'n'.repeat(101) }],
    ['a name of the wrong type', { name: 7 }],
  ];

  describe('createGroup', () => {
    it.each<[string, CastRole]>([
      ['the organization ADMIN', 'owner'],
      ['a platform admin', 'admin'],
    ])('lets %s create a group in the organization', async (_label, role) => {
      const { createGroup } = ok(await server.gql(OPS.createGroup, { input: { organizationId: cast.organizationId, name: ' Research ' } }, tokenOf(cast, role)));
      expect(createGroup.group).toEqual({ id: expect.any(String), name: 'Research', organization: { id: cast.organizationId }, viewerRole: 'ADMIN' });
      expect(await groupRow(createGroup.group.id)).toMatchObject({ organizationId: cast.organizationId, name: 'Research' });
      await expectAudited(server, 'createGroup', createGroup.group.id);
    });

    it.each(REFUSED_BELOW_ADMIN)('refuses $label with $code, creating nothing', async ({ role, code, status }) => {
      const response = await withoutWrites(server, () =>
        server.gql(OPS.createGroup, { input: { organizationId: cast.organizationId, name: 'Nope' } }, tokenOf(cast, role)),
      );
      expectRefused(response, code, status);
    });

    it('refuses a group ADMIN who is only MEMBER of the organization (FORBIDDEN)', async () => {
      const response = await withoutWrites(server, () =>
        server.gql(OPS.createGroup, { input: { organizationId: cast.organizationId, name: 'Nope' } }, groupAdmin.token),
      );
      expectRefused(response, 'FORBIDDEN');
    });

    it.each(NAME_INPUTS)('refuses %s with BAD_USER_INPUT on input.name, creating nothing', async (_label, change) => {
      const response = await withoutWrites(server, () =>
        server.gql(OPS.createGroup, { input: { organizationId: cast.organizationId, name: 'Fine', ...change } }, cast.owner.token),
      );
      expectBadInput(response, 'input.name');
    });

    it('answers an unknown organization with NOT_FOUND, creating nothing', async () => {
      const response = await withoutWrites(server, () => server.gql(OPS.createGroup, { input: { organizationId: UNKNOWN_ID, name: 'Lost' } }, adminToken));
      expectRefused(response, 'NOT_FOUND');
    });
  });

  describe('updateGroup', () => {
    it.each<[string, CastRole | 'groupAdmin']>([
      ['the organization ADMIN', 'owner'],
      ['the group ADMIN (only MEMBER of the organization)', 'groupAdmin'],
      ['a platform admin', 'admin'],
    ])('lets %s rename the group', async (label, role) => {
      const token = role === 'groupAdmin' ? groupAdmin.token : tokenOf(cast, role);
      const name = `Renamed by ${label}`.slice(0, 100);
      const { updateGroup } = ok(await server.gql(OPS.updateGroup, { input: { id: cast.groupId, name } }, token));
      expect(updateGroup.group).toEqual({ id: cast.groupId, name });
      expect((await groupRow(cast.groupId))?.name).toBe(name);
    });

    it.each(REFUSED_BELOW_ADMIN)('refuses $label with $code, changing nothing', async ({ role, code, status }) => {
      const response = await withoutWrites(server, () => server.gql(OPS.updateGroup, { input: { id: cast.groupId, name: 'Hijacked' } }, tokenOf(cast, role)));
      expectRefused(response, code, status);
    });

    it('answers a project ADMIN, who holds no role on the group, with NOT_FOUND', async () => {
      const response = await withoutWrites(server, () => server.gql(OPS.updateGroup, { input: { id: cast.groupId, name: 'Up' } }, projectAdmin.token));
      expectRefused(response, 'NOT_FOUND');
    });

    it.each(NAME_INPUTS)('refuses %s with BAD_USER_INPUT on input.name, changing nothing', async (_label, change) => {
      const response = await withoutWrites(server, () => server.gql(OPS.updateGroup, { input: { id: cast.groupId, name: 'Fine', ...change } }, cast.owner.token));
      expectBadInput(response, 'input.name');
    });

    it('answers an unknown group with NOT_FOUND, changing nothing', async () => {
      const response = await withoutWrites(server, () => server.gql(OPS.updateGroup, { input: { id: UNKNOWN_ID, name: 'Ghost' } }, adminToken));
      expectRefused(response, 'NOT_FOUND');
    });
  });

  describe('deleteGroup', () => {
    it('deletes the group with its projects and the memberships on both, leaving the organization and other groups alone', async () => {
      const groupId = await newGroup('Doomed');
      const first = await newProject(groupId, 'Doomed 1');
      const second = await newProject(groupId, 'Doomed 2');
      await addMember(server, cast.owner.token, cast.viewer.id, { groupId }, Role.MEMBER);
      await addMember(server, cast.owner.token, cast.outsider.id, { projectId: second }, Role.ADMIN);
      const before = await databaseRows(server);

      const { deleteGroup } = ok(await server.gql(OPS.deleteGroup, { input: { id: groupId } }, cast.owner.token));

      expect(deleteGroup).toEqual({ deletedId: groupId });
      expect(await groupRow(groupId)).toBeNull();
      expect(await countRows(server, ProjectEntity, { groupId })).toBe(0);
      const gone = new Set([groupId, first, second]);
      const after = await databaseRows(server);
      expect(after.memberships).toEqual((before.memberships as MembershipEntity[]).filter((m) => !gone.has(m.resourceId)));
      expect(after.memberships).toHaveLength(before.memberships.length - 2);
      expect(after.organizations).toEqual(before.organizations);
      expect(after.resource_groups).toEqual((before.resource_groups as GroupEntity[]).filter((g) => g.id !== groupId));
      expect(after.projects).toEqual((before.projects as ProjectEntity[]).filter((p) => !gone.has(p.id)));
      await expectAudited(server, 'deleteGroup', groupId);
    });

    it('lets the group ADMIN delete it', async () => {
      const groupId = await newGroup('Group-admin owned');
      await addMember(server, cast.owner.token, groupAdmin.id, { groupId }, Role.ADMIN);
      expect(ok(await server.gql(OPS.deleteGroup, { input: { id: groupId } }, groupAdmin.token)).deleteGroup.deletedId).toBe(groupId);
      expect(await groupRow(groupId)).toBeNull();
    });

    it.each(REFUSED_BELOW_ADMIN)('refuses $label with $code, deleting nothing', async ({ role, code, status }) => {
      const response = await withoutWrites(server, () => server.gql(OPS.deleteGroup, { input: { id: cast.groupId } }, tokenOf(cast, role)));
      expectRefused(response, code, status);
    });

    it('answers an unknown group with NOT_FOUND, deleting nothing', async () => {
      const response = await withoutWrites(server, () => server.gql(OPS.deleteGroup, { input: { id: UNKNOWN_ID } }, adminToken));
      expectRefused(response, 'NOT_FOUND');
    });
  });

  describe('createProject', () => {
    it.each<[string, CastRole | 'groupAdmin']>([
      ['the group ADMIN (only MEMBER of the organization)', 'groupAdmin'],
      ['the organization ADMIN', 'owner'],
      ['a platform admin', 'admin'],
    ])('lets %s create a project in the group', async (_label, role) => {
      const token = role === 'groupAdmin' ? groupAdmin.token : tokenOf(cast, role);
      const { createProject } = ok(await server.gql(OPS.createProject, { input: { groupId: cast.groupId, name: ' ARC 1 ' } }, token));
      expect(createProject.project).toEqual({
        id: expect.any(String),
        name: 'ARC 1',
        group: { id: cast.groupId },
        organization: { id: cast.organizationId },
        viewerRole: 'ADMIN',
      });
      expect(await projectRow(createProject.project.id)).toMatchObject({ groupId: cast.groupId, organizationId: cast.organizationId, name: 'ARC 1' });
      await expectAudited(server, 'createProject', createProject.project.id);
    });

    it.each(REFUSED_BELOW_ADMIN)('refuses $label with $code, creating nothing', async ({ role, code, status }) => {
      const response = await withoutWrites(server, () => server.gql(OPS.createProject, { input: { groupId: cast.groupId, name: 'Nope' } }, tokenOf(cast, role)));
      expectRefused(response, code, status);
    });

    it.each(NAME_INPUTS)('refuses %s with BAD_USER_INPUT on input.name, creating nothing', async (_label, change) => {
      const response = await withoutWrites(server, () => server.gql(OPS.createProject, { input: { groupId: cast.groupId, name: 'Fine', ...change } }, cast.owner.token));
      expectBadInput(response, 'input.name');
    });

    it('answers an unknown group with NOT_FOUND, creating nothing', async () => {
      const response = await withoutWrites(server, () => server.gql(OPS.createProject, { input: { groupId: UNKNOWN_ID, name: 'Lost' } }, adminToken));
      expectRefused(response, 'NOT_FOUND');
    });
  });

  describe('updateProject', () => {
    it.each<[string, CastRole | 'projectAdmin' | 'groupAdmin']>([
      ['the project ADMIN', 'projectAdmin'],
      ['the group ADMIN', 'groupAdmin'],
      ['the organization ADMIN', 'owner'],
    ])('lets %s rename the project', async (label, role) => {
      const token = role === 'projectAdmin' ? projectAdmin.token : role === 'groupAdmin' ? groupAdmin.token : tokenOf(cast, role);
      const name = `Renamed by ${label}`;
      const audited = await countAudited(server, 'updateProject', cast.projectId);
      expect(ok(await server.gql(OPS.updateProject, { input: { id: cast.projectId, name } }, token)).updateProject.project).toEqual({ id: cast.projectId, name });
      expect((await projectRow(cast.projectId))?.name).toBe(name);
      expect(await countAudited(server, 'updateProject', cast.projectId)).toBe(audited + 1);
    });

    it.each(REFUSED_BELOW_ADMIN)('refuses $label with $code, changing nothing', async ({ role, code, status }) => {
      const response = await withoutWrites(server, () => server.gql(OPS.updateProject, { input: { id: cast.projectId, name: 'Hijacked' } }, tokenOf(cast, role)));
      expectRefused(response, code, status);
    });

    it('refuses a project VIEWER with FORBIDDEN', async () => {
      const response = await withoutWrites(server, () => server.gql(OPS.updateProject, { input: { id: cast.projectId, name: 'Hijacked' } }, projectViewer.token));
      expectRefused(response, 'FORBIDDEN');
    });

    it.each(NAME_INPUTS)('refuses %s with BAD_USER_INPUT on input.name, changing nothing', async (_label, change) => {
      const response = await withoutWrites(server, () => server.gql(OPS.updateProject, { input: { id: cast.projectId, name: 'Fine', ...change } }, cast.owner.token));
      expectBadInput(response, 'input.name');
    });

    it('answers an unknown project with NOT_FOUND, changing nothing', async () => {
      const response = await withoutWrites(server, () => server.gql(OPS.updateProject, { input: { id: UNKNOWN_ID, name: 'Ghost' } }, adminToken));
      expectRefused(response, 'NOT_FOUND');
    });
  });

  describe('deleteProject', () => {
    it('lets the project ADMIN delete it, with the memberships on it', async () => {
      const projectId = await newProject(cast.groupId, 'Short-lived');
      await addMember(server, cast.owner.token, projectAdmin.id, { projectId }, Role.ADMIN);
      await addMember(server, cast.owner.token, cast.outsider.id, { projectId }, Role.VIEWER);

      const { deleteProject } = ok(await server.gql(OPS.deleteProject, { input: { id: projectId } }, projectAdmin.token));

      expect(deleteProject).toEqual({ deletedId: projectId });
      expect(await projectRow(projectId)).toBeNull();
      expect(await countRows(server, MembershipEntity, { resourceId: projectId })).toBe(0);
      expect(await groupRow(cast.groupId)).not.toBeNull();
      await expectAudited(server, 'deleteProject', projectId);
    });

    it.each(REFUSED_BELOW_ADMIN)('refuses $label with $code, deleting nothing', async ({ role, code, status }) => {
      const response = await withoutWrites(server, () => server.gql(OPS.deleteProject, { input: { id: cast.projectId } }, tokenOf(cast, role)));
      expectRefused(response, code, status);
    });

    it('answers an unknown project with NOT_FOUND, deleting nothing', async () => {
      const response = await withoutWrites(server, () => server.gql(OPS.deleteProject, { input: { id: UNKNOWN_ID } }, adminToken));
      expectRefused(response, 'NOT_FOUND');
    });
  });

  describe('roles inherit downwards', () => {
    type Who = CastRole | 'groupAdmin' | 'projectAdmin' | 'projectViewer';
    const token = (who: Who) =>
      who === 'groupAdmin' ? groupAdmin.token : who === 'projectAdmin' ? projectAdmin.token : who === 'projectViewer' ? projectViewer.token : tokenOf(cast, who);

    it.each<[string, Who, string]>([
      ['an organization VIEWER', 'viewer', 'VIEWER'],
      ['an organization MEMBER', 'member', 'MEMBER'],
      ['an organization ADMIN', 'owner', 'ADMIN'],
      ['a group ADMIN who is organization MEMBER (the highest role along the path)', 'groupAdmin', 'ADMIN'],
      ['a project VIEWER', 'projectViewer', 'VIEWER'],
      ['a platform admin', 'admin', 'ADMIN'],
    ])('lets %s read the project through project(id), as %s', async (_label, who, viewerRole) => {
      const { project } = ok(await server.gql(PROJECT, { id: cast.projectId }, token(who)));
      expect(project).toEqual({ id: cast.projectId, name: expect.any(String), viewerRole, group: { id: cast.groupId }, organization: { id: cast.organizationId } });
    });

    it.each<[string, Who, string]>([
      ['an organization VIEWER', 'viewer', 'VIEWER'],
      ['a group ADMIN who is organization MEMBER', 'groupAdmin', 'ADMIN'],
    ])('lets %s read the group through group(id), as %s', async (_label, who, viewerRole) => {
      const { group } = ok(await server.gql(GROUP, { id: cast.groupId }, token(who)));
      expect(group).toMatchObject({ id: cast.groupId, viewerRole, organization: { id: cast.organizationId } });
      expect(nodes(group.projects).map((p: { id: string }) => p.id)).toContain(cast.projectId);
    });

    it('does not inherit upwards: a project ADMIN holds no role on its group or organization (NOT_FOUND)', async () => {
      expectRefused(await server.gql(GROUP, { id: cast.groupId }, projectAdmin.token), 'NOT_FOUND');
      expectRefused(await server.gql('query($id: ID!) { organization(id: $id) { id } }', { id: cast.organizationId }, projectAdmin.token), 'NOT_FOUND');
    });

    it('shows someone with a role only on the project its parents by name, but nothing inside them: no other groups, projects or members', async () => {
      const query = `query($id: ID!) { project(id: $id) {
        group { name viewerRole projects { totalCount edges { node { id } } } members { totalCount edges { node { id } } } }
        organization { name viewerRole groups { totalCount edges { node { id } } } members { totalCount edges { node { id } } } } } }`;
      const { project } = ok(await server.gql(query, { id: cast.projectId }, projectViewer.token));
      expect(project).toEqual({
        group: { name: expect.any(String), viewerRole: null, projects: EMPTY, members: EMPTY },
        organization: { name: expect.any(String), viewerRole: null, groups: EMPTY, members: EMPTY },
      });

      const inside = ok(await server.gql(query, { id: cast.projectId }, cast.viewer.token)).project;
      expect(nodes(inside.group.projects).map((p: { id: string }) => p.id)).toContain(cast.projectId);
      expect(inside.group.members.totalCount).toBeGreaterThan(0);
      expect(nodes(inside.organization.groups).map((g: { id: string }) => g.id)).toContain(cast.groupId);
      expect(inside.organization.members.totalCount).toBe(inside.organization.members.edges.length);
      expect(inside.organization.members.totalCount).toBeGreaterThan(0);
    });

    it.each<[string, string]>([
      ['project', PROJECT],
      ['group', GROUP],
    ])('answers a %s the caller holds no role on exactly like one that does not exist (NOT_FOUND)', async (kind, query) => {
      const id = kind === 'project' ? cast.projectId : cast.groupId;
      for (const who of ['outsider', 'otherOrgAdmin'] as const) {
        const hidden = await server.gql(query, { id }, tokenOf(cast, who));
        const missing = await server.gql(query, { id: UNKNOWN_ID }, tokenOf(cast, who));
        expectRefused(hidden, 'NOT_FOUND');
        expect(hidden.errors![0].message).toBe(missing.errors![0].message);
      }
    });

    it('answers a lower role than required with FORBIDDEN: an organization MEMBER may read the project but not rename it', async () => {
      expect(ok(await server.gql(PROJECT, { id: cast.projectId }, cast.member.token)).project.viewerRole).toBe('MEMBER');
      expectRefused(await server.gql(OPS.updateProject, { input: { id: cast.projectId, name: 'x' } }, cast.member.token), 'FORBIDDEN');
    });

    it('takes effect at once when a role is granted on an ancestor', async () => {
      const person = await createPerson(server, adminToken, 'late-joiner');
      expectRefused(await server.gql(PROJECT, { id: cast.projectId }, person.token), 'NOT_FOUND');
      await addMember(server, cast.owner.token, person.id, { groupId: cast.groupId }, Role.VIEWER);
      expect(ok(await server.gql(PROJECT, { id: cast.projectId }, person.token)).project.viewerRole).toBe('VIEWER');
    });

    it.each(REFUSED_UNAUTHENTICATED)('refuses reads by $label with $code', async ({ role, code, status }) => {
      expectRefused(await server.gql(PROJECT, { id: cast.projectId }, tokenOf(cast, role)), code, status);
      expectRefused(await server.gql(GROUP, { id: cast.groupId }, tokenOf(cast, role)), code, status);
    });
  });
});
