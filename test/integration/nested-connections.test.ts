import { Role } from '../../src/core/authorization/role';
import { TestServer, startTestServer } from '../support/test-server';
import { addMember, codeOf, createHierarchy, createUser, loginAsAdmin, ok } from '../support/fixtures';

const MEMBERS = `query($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
  organization(id: $id) { members(first: $first, after: $after, last: $last, before: $before) {
    totalCount edges { cursor node { member { ... on User { id } } } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  } }
}`;
const MY_MEMBERSHIPS = 'query($first: Int, $after: String) { viewer { memberships(first: $first, after: $after) { totalCount edges { node { resourceId } } pageInfo { hasNextPage endCursor } } } }';
const PROJECTS = 'query($id: ID!, $first: Int) { group(id: $id) { projects(first: $first) { totalCount edges { node { name } } pageInfo { hasNextPage } } } }';

type Page = { totalCount: number; edges: Array<{ cursor: string; node: { member: { id: string } } }>; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string; endCursor: string } };

describe('nested lists are Relay connections: keyset pages, oldest first, totalCount on demand', () => {
  let server: TestServer;
  let owner: { id: string; token: string };
  let organizationId: string;
  let groupId: string;
  const memberIds: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ label: 'nested_connections' });
    const admin = await loginAsAdmin(server);
    owner = await createUser(server, admin, 'owner');
    ({ organizationId, groupId } = await createHierarchy(server, owner.token));
    memberIds.push(owner.id);
    for (let i = 0; i < 6; i += 1) {
      const person = await createUser(server, admin, `member${i}`);
      await addMember(server, owner.token, person.id, { organizationId }, Role.VIEWER);
      memberIds.push(person.id);
    }
    for (const name of ['second', 'third']) ok(await server.gql('mutation($input: CreateProjectInput!) { createProject(input: $input) { project { id } } }', { input: { groupId, name } }, owner.token));
  });
  afterAll(() => server.stop());

  const members = async (args: Record<string, unknown>): Promise<Page> => ok(await server.gql(MEMBERS, { id: organizationId, ...args }, owner.token)).organization.members;
  const idsOf = (page: Page) => page.edges.map((edge) => edge.node.member.id);

  it("pages an organization's members forwards with first/after, oldest first, to the end", async () => {
    const seen: string[] = [];
    let page = await members({ first: 3 });
    expect(page.totalCount).toBe(7);
    seen.push(...idsOf(page));
    while (page.pageInfo.hasNextPage) {
      page = await members({ first: 3, after: page.pageInfo.endCursor });
      expect(page.pageInfo.hasPreviousPage).toBe(true);
      seen.push(...idsOf(page));
    }
    expect(seen).toEqual(memberIds);
  });

  it('pages backwards with last/before', async () => {
    const tail = await members({ last: 2 });
    expect(idsOf(tail)).toEqual(memberIds.slice(-2));
    expect(tail.pageInfo.hasPreviousPage).toBe(true);
    const before = await members({ last: 3, before: tail.pageInfo.startCursor });
    expect(idsOf(before)).toEqual(memberIds.slice(2, 5));
    expect(before.pageInfo.hasNextPage).toBe(true);
  });

  it('refuses a foreign cursor and first with last (BAD_USER_INPUT)', async () => {
    expect(codeOf(await server.gql(MEMBERS, { id: organizationId, first: 2, after: 'not-a-cursor' }, owner.token))).toBe('BAD_USER_INPUT');
    expect(codeOf(await server.gql(MEMBERS, { id: organizationId, first: 2, last: 2 }, owner.token))).toBe('BAD_USER_INPUT');
    expect(codeOf(await server.gql(MEMBERS, { id: organizationId, first: 101 }, owner.token))).toBe('BAD_USER_INPUT');
  });

  it("pages the viewer's memberships and a group's projects", async () => {
    const first = ok(await server.gql(MY_MEMBERSHIPS, { first: 1 }, owner.token)).viewer.memberships;
    expect(first).toMatchObject({ totalCount: 1, edges: [{ node: { resourceId: organizationId } }], pageInfo: { hasNextPage: false } });
    const projects = ok(await server.gql(PROJECTS, { id: groupId, first: 2 }, owner.token)).group.projects;
    expect(projects).toEqual({ totalCount: 3, edges: [{ node: { name: 'Project' } }, { node: { name: 'second' } }], pageInfo: { hasNextPage: true } });
  });
});
