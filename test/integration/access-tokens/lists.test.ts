import { Role } from '../../../src/core/authorization/role';
import { AccessTokenEntity } from '../../../src/modules/access-token/access-token.entity';
import { TestServer, startTestServer } from '../../support/test-server';
import { addMember, codeOf, createHierarchy, createUser, loginAsAdmin, ok } from '../../support/fixtures';
import { Hierarchy, IssuedToken, TOKEN_OPS, createToken, daysFromNow, expectBadInput, expectRefused } from '../../support/token-fixtures';

interface Node {
  id: string;
  name: string;
  level: string;
  kind: string;
  status: string;
}

describe('listing access tokens', () => {
  let server: TestServer;
  let admin: string;
  let owner: { id: string; token: string };
  let other: { id: string; token: string };
  let hierarchy: Hierarchy;
  const mine = {} as Record<'soon' | 'later' | 'expose' | 'revoked' | 'expired' | 'percent' | 'underscore', IssuedToken>;
  const resource = {} as Record<'organization' | 'group' | 'project', IssuedToken>;
  let othersToken: IssuedToken;

  const viewerList = async (args: Record<string, unknown> = {}, bearer = owner.token) => ok(await server.gql(TOKEN_OPS.viewerTokens, args, bearer)).viewer.accessTokens;
  const ids = (connection: { edges: Array<{ node: Node }> }) => connection.edges.map((edge) => edge.node.id);
  const sorted = (tokens: IssuedToken[]) => tokens.map((token) => token.id).sort().reverse();

  beforeAll(async () => {
    server = await startTestServer({ label: 'token_lists' });
    admin = await loginAsAdmin(server);
    owner = await createUser(server, admin, 'owner');
    other = await createUser(server, admin, 'other');
    hierarchy = await createHierarchy(server, owner.token);
    await addMember(server, owner.token, other.id, { organizationId: hierarchy.organizationId }, Role.MEMBER);

    mine.soon = await createToken(server, owner.token, 'PERSONAL', hierarchy, { name: 'Alpha laptop', expiresAt: daysFromNow(5) });
    mine.later = await createToken(server, owner.token, 'PERSONAL', hierarchy, { name: 'Beta CI', expiresAt: daysFromNow(40) });
    mine.expose = await createToken(server, owner.token, 'PERSONAL', hierarchy, { name: 'Gamma expose', kind: 'EXPOSE', expiresAt: null });
    mine.revoked = await createToken(server, owner.token, 'PERSONAL', hierarchy, { name: 'Delta old' });
    ok(await server.gql(TOKEN_OPS.revoke, { input: { id: mine.revoked.id } }, owner.token));
    mine.expired = await createToken(server, owner.token, 'PERSONAL', hierarchy, { name: 'Epsilon expired' });
    await server.db.manager.update(AccessTokenEntity, { id: mine.expired.id }, { expiresAt: new Date(Date.now() - 60_000) });
    mine.percent = await createToken(server, owner.token, 'PERSONAL', hierarchy, { name: '100% coverage \\o/' });
    mine.underscore = await createToken(server, owner.token, 'PERSONAL', hierarchy, { name: 'snake_case!' });
    resource.organization = await createToken(server, owner.token, 'ORGANIZATION', hierarchy, { name: 'org bot', role: 'VIEWER' });
    resource.group = await createToken(server, owner.token, 'GROUP', hierarchy, { name: 'group bot', role: 'VIEWER' });
    resource.project = await createToken(server, owner.token, 'PROJECT', hierarchy, { name: 'project bot', role: 'VIEWER' });
    othersToken = await createToken(server, other.token, 'PERSONAL', hierarchy, { name: 'Alpha of someone else' });
  });
  afterAll(() => server.stop());

  describe('viewer { accessTokens }', () => {
    it("lists the caller's own personal tokens only, newest first, with their status", async () => {
      const list = await viewerList();
      expect(ids(list)).toEqual(sorted(Object.values(mine)));
      expect(list.totalCount).toBe(Object.keys(mine).length);
      const statuses = Object.fromEntries(list.edges.map((edge: { node: Node }) => [edge.node.id, edge.node.status]));
      expect(statuses[mine.revoked.id]).toBe('REVOKED');
      expect(statuses[mine.expired.id]).toBe('EXPIRED');
      expect(ids(await viewerList({}, other.token))).toEqual([othersToken.id]);
    });

    it.each([
      ['status: REVOKED', { status: 'REVOKED' }, ['revoked']],
      ['status: EXPIRED', { status: 'EXPIRED' }, ['expired']],
      ['status: ACTIVE', { status: 'ACTIVE' }, ['soon', 'later', 'expose', 'percent', 'underscore']],
      ['kind: EXPOSE', { kind: 'EXPOSE' }, ['expose']],
      ['level: PERSONAL', { level: 'PERSONAL' }, ['soon', 'later', 'expose', 'revoked', 'expired', 'percent', 'underscore']],
      ['level: GROUP (resource tokens are not the viewer\'s own)', { level: 'GROUP' }, []],
      ['expiresBefore in 10 days', { expiresBefore: daysFromNow(10) }, ['soon', 'expired']],
      ['search, case-insensitive', { search: 'beta ci' }, ['later']],
      ['search for a part of a name', { search: 'ALPHA' }, ['soon']],
      ['search for a literal %', { search: '%' }, ['percent']],
      ['search for a literal _', { search: '_' }, ['underscore']],
      ['search for a literal !', { search: 'case!' }, ['underscore']],
      ['search for a literal backslash', { search: '\\' }, ['percent']],
      ['status and search together', { status: 'ACTIVE', search: 'a' }, ['soon', 'later', 'expose', 'percent', 'underscore']],
    ] as Array<[string, Record<string, unknown>, Array<keyof typeof mine>]>)('filters by %s', async (_label, filter, expected) => {
      const list = await viewerList(filter);
      expect(ids(list)).toEqual(sorted(expected.map((key) => mine[key])));
      expect(list.totalCount).toBe(expected.length);
    });

    it('pages with first/after, newest first, without gaps or repeats', async () => {
      const seen: string[] = [];
      let after: string | undefined;
      let pages = 0;
      for (;;) {
        const page = await viewerList({ first: 2, after });
        pages += 1;
        expect(page.edges.length).toBeLessThanOrEqual(2);
        expect(page.totalCount).toBe(Object.keys(mine).length);
        expect(page.pageInfo.hasPreviousPage).toBe(after !== undefined);
        seen.push(...ids(page));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(pages).toBe(Math.ceil(Object.keys(mine).length / 2));
      expect(seen).toEqual(sorted(Object.values(mine)));
    });

    it('pages filtered lists too', async () => {
      const first = await viewerList({ status: 'ACTIVE', first: 3 });
      const rest = await viewerList({ status: 'ACTIVE', first: 3, after: first.pageInfo.endCursor });
      expect([...ids(first), ...ids(rest)]).toEqual(sorted([mine.soon, mine.later, mine.expose, mine.percent, mine.underscore]));
      expect(rest.pageInfo.hasNextPage).toBe(false);
    });

    it.each([
      ['a cursor that is not one', { after: 'not-a-cursor' }, 'after'],
      ['a page larger than 100', { first: 101 }, 'first'],
      ['a negative page', { first: -1 }, 'first'],
      ['a search longer than 100 characters', { search: 's'.repeat(101) }, 'search'],
    ])('refuses %s with BAD_USER_INPUT', async (_label, args, field) => {
      expectBadInput(await server.gql(TOKEN_OPS.viewerTokens, args, owner.token), field);
    });
  });

  describe('resource token lists', () => {
    it.each([
      ['organization', 'organizationTokens', 'organizationId'],
      ['group', 'groupTokens', 'groupId'],
      ['project', 'projectTokens', 'projectId'],
    ] as const)("the %s's list holds its own tokens only (not those of resources below it)", async (name, op, key) => {
      const list = Object.values(ok(await server.gql(TOKEN_OPS[op], { id: hierarchy[key] }, owner.token)))[0].accessTokens;
      expect(ids(list)).toEqual([resource[name].id]);
      expect(list.edges[0].node).toMatchObject({ level: name.toUpperCase(), status: 'ACTIVE' });
    });

    it('refuses the list to a MEMBER (FORBIDDEN) and to an outsider (NOT_FOUND)', async () => {
      expectRefused(await server.gql(TOKEN_OPS.organizationTokens, { id: hierarchy.organizationId }, other.token), 'FORBIDDEN');
      const outsider = await createUser(server, admin, 'outsider');
      expect(codeOf(await server.gql(TOKEN_OPS.groupTokens, { id: hierarchy.groupId }, outsider.token))).toBe('NOT_FOUND');
    });
  });

  describe('accessTokens (platform admins)', () => {
    it('lists every token, filtered by level, and is refused to others', async () => {
      const groups = ok(await server.gql(TOKEN_OPS.allTokens, { level: 'GROUP', first: 100 }, admin)).accessTokens;
      expect(ids(groups)).toEqual([resource.group.id]);
      const personal = ok(await server.gql(TOKEN_OPS.allTokens, { level: 'PERSONAL', search: 'alpha', first: 100 }, admin)).accessTokens;
      expect(ids(personal)).toEqual([othersToken.id, mine.soon.id]);
      expectRefused(await server.gql(TOKEN_OPS.allTokens, {}, owner.token), 'FORBIDDEN');
    });
  });
});
