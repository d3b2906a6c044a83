import { AccessTokenEntity } from '../../../src/modules/access-token/access-token.entity';
import { TestServer, startTestServer } from '../../support/test-server';
import { createUser, loginAsAdmin, ok } from '../../support/fixtures';
import { issueToken } from '../../support/token-helpers';

const PAGE = `query($first: Int, $after: String, $last: Int, $before: String, $orderBy: AccessTokenOrderField, $direction: OrderDirection) {
  viewer { accessTokens(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy, direction: $direction) {
    totalCount pageInfo { hasNextPage hasPreviousPage endCursor startCursor } edges { node { name } }
  } }
}`;

const DAY = 86_400_000;
// name, days until expiry (null: none), days since last use (null: never)
const TOKENS: Array<[string, number | null, number | null]> = [
  ['delta', 5, 1],
  ['alpha', null, null],
  ['echo', 1, 3],
  ['charlie', 20, null],
  ['bravo', 3, 2],
  ['golf', null, 5],
  ['foxtrot', 5, 4],
];

describe('sorting token lists', () => {
  let server: TestServer;
  let owner: { token: string };

  beforeAll(async () => {
    server = await startTestServer({ label: 'token_sorting' });
    owner = await createUser(server, await loginAsAdmin(server), 'owner');
    for (const [name, expiresIn, usedAgo] of TOKENS) {
      const token = await issueToken(server, owner.token, { name, scopes: ['api'], expiresAt: expiresIn === null ? null : new Date(Date.now() + expiresIn * DAY).toISOString() });
      if (usedAgo !== null) await server.db.manager.update(AccessTokenEntity, { id: token.id }, { lastUsedAt: new Date(Date.now() - usedAgo * DAY) });
    }
  });
  afterAll(() => server.stop());

  /** Walks the whole list three at a time, forwards, and returns the names in order. */
  async function walk(orderBy?: string, direction?: string): Promise<string[]> {
    const names: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = ok(await server.gql(PAGE, { first: 3, after, orderBy, direction }, owner.token)).viewer.accessTokens;
      expect(page.totalCount).toBe(TOKENS.length);
      names.push(...page.edges.map((e: { node: { name: string } }) => e.node.name));
      if (!page.pageInfo.hasNextPage) return names;
      after = page.pageInfo.endCursor;
    }
  }

  it.each([
    [undefined, undefined, ['foxtrot', 'golf', 'bravo', 'charlie', 'echo', 'alpha', 'delta']],
    ['CREATED_AT', 'ASC', ['delta', 'alpha', 'echo', 'charlie', 'bravo', 'golf', 'foxtrot']],
    ['NAME', 'ASC', ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf']],
    ['NAME', 'DESC', ['golf', 'foxtrot', 'echo', 'delta', 'charlie', 'bravo', 'alpha']],
    ['EXPIRES_AT', 'ASC', ['echo', 'bravo', 'delta', 'foxtrot', 'charlie', 'alpha', 'golf']],
    ['LAST_USED_AT', 'DESC', ['delta', 'bravo', 'echo', 'foxtrot', 'golf', 'charlie', 'alpha']],
  ])('orders by %s %s, page after page with keyset cursors', async (orderBy, direction, expected) => {
    expect(await walk(orderBy, direction)).toEqual(expected);
  });

  it('pages backwards with last/before to the same order', async () => {
    const end = ok(await server.gql(PAGE, { last: 3, orderBy: 'NAME', direction: 'ASC' }, owner.token)).viewer.accessTokens;
    expect(end.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual(['echo', 'foxtrot', 'golf']);
    expect(end.pageInfo.hasPreviousPage).toBe(true);
    const before = ok(await server.gql(PAGE, { last: 3, before: end.pageInfo.startCursor, orderBy: 'NAME', direction: 'ASC' }, owner.token)).viewer.accessTokens;
    expect(before.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual(['bravo', 'charlie', 'delta']);
  });

  it('refuses a cursor from another list', async () => {
    const response = await server.gql(PAGE, { first: 2, after: 'bm90LWEtY3Vyc29y', orderBy: 'NAME' }, owner.token);
    expect(response.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [expect.objectContaining({ field: 'after' })] });
  });
});
