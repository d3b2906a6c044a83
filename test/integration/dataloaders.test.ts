import { QueryCounter } from '../support/query-counter';
import { ADMIN_PASSWORD, TestServer, startTestServer } from '../support/test-server';
import { createHierarchy, createUser, loginAsAdmin, ok } from '../support/fixtures';
import { issueToken } from '../support/token-helpers';

const PAGE = `query($first: Int) {
  accessTokens(first: $first) {
    edges { node {
      id status scopes
      createdBy { email }
      owner { __typename ... on TechnicalUser { displayName } ... on User { email } }
      previousToken { id }
      resource {
        __typename
        ... on Organization { name members { role member { __typename } } }
        ... on Group { name organization { name members { role member { __typename } } } }
        ... on Project { name group { name } organization { name members { role member { __typename } } } }
      }
    } }
  }
}`;

describe('nested queries go through per-request DataLoaders', () => {
  const counter = new QueryCounter();
  let server: TestServer;
  let admin: string;

  beforeAll(async () => {
    server = await startTestServer({ label: 'dataloaders', sqlLogger: counter });
    admin = await loginAsAdmin(server);
    const owners = await Promise.all([1, 2].map((i) => createUser(server, admin, `owner${i}`)));
    for (const owner of owners) {
      const hierarchy = await createHierarchy(server, owner.token);
      const targets = [{ organizationId: hierarchy.organizationId }, { groupId: hierarchy.groupId }, { projectId: hierarchy.projectId }];
      for (let i = 0; i < 25; i += 1) await issueToken(server, owner.token, { ...targets[i % 3], scopes: ['read_api'] });
    }
    await issueToken(server, admin, { scopes: ['api'], password: ADMIN_PASSWORD });
  });
  afterAll(() => server.stop());

  it('issues as many SQL statements for a page of 50 tokens as for a page of 5', async () => {
    const statements = async (first: number) => {
      const queries = await counter.during(async () => {
        const data = ok(await server.gql(PAGE, { first }, admin));
        expect(data.accessTokens.edges).toHaveLength(first);
      });
      return queries.filter((q) => q.trimStart().toUpperCase().startsWith('SELECT'));
    };
    const five = await statements(5);
    const fifty = await statements(50);
    expect(fifty.length).toBe(five.length);
    expect(fifty.length).toBeLessThanOrEqual(15);
  });

  it('counts the whole list only when totalCount is asked for', async () => {
    const counts = async (selection: string) =>
      (await counter.during(() => server.gql(`{ accessTokens(first: 5) { ${selection} } }`, {}, admin))).filter((q) => /COUNT\(/i.test(q));
    expect(await counts('edges { node { id } }')).toHaveLength(0);
    expect(await counts('totalCount edges { node { id } }')).toHaveLength(1);
  });
});
