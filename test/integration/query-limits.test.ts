import { TestServer, startTestServer } from '../support/test-server';
import { codeOf, loginAsAdmin, ok } from '../support/fixtures';

describe('GraphQL query limits', () => {
  let server: TestServer;
  let admin: string;
  beforeAll(async () => {
    server = await startTestServer({ label: 'limits', env: { TESSERA_MAX_QUERY_DEPTH: '6', TESSERA_MAX_ALIASES: '3', TESSERA_MAX_ROOT_FIELDS: '2', TESSERA_MAX_QUERY_COST: '3000' } });
    admin = await loginAsAdmin(server);
  });
  afterAll(() => server.stop());

  const refusedFor = async (query: string, limit: string) => {
    const response = await server.gql(query, {}, admin);
    expect(response.status).toBe(400);
    expect(codeOf(response)).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0].extensions.limit).toBe(limit);
  };

  it('accepts a query within every limit', async () => {
    expect(ok(await server.gql('{ viewer { memberships { resource { ... on Organization { name } } } } }', {}, admin)).viewer.memberships).toEqual([]);
  });

  it('refuses a query deeper than the limit, counting through fragments', async () => {
    await refusedFor('{ viewer { memberships { resource { ... on Group { organization { groups { projects { name } } } } } } } }', 'maxDepth');
    await refusedFor('fragment F on Group { organization { groups { projects { name } } } } { viewer { memberships { resource { ...F } } } }', 'maxDepth');
  });

  it('refuses too many aliases and too many root fields', async () => {
    await refusedFor('{ a: viewer { scopes } b: viewer { scopes } c: viewer { scopes } d: viewer { scopes } }', 'maxRootFields');
    await refusedFor('{ viewer { a: scopes b: scopes c: scopes d: scopes } }', 'maxAliases');
  });

  it('refuses a query whose estimated cost exceeds the budget (pages × nested lists)', async () => {
    await refusedFor('{ accessTokens(first: 100) { edges { node { usage(first: 100) { totalCount } } } } }', 'maxCost');
    expect(ok(await server.gql('{ accessTokens(first: 10) { edges { node { usage(first: 5) { totalCount } } } } }', {}, admin)).accessTokens.edges).toEqual([]);
  });

  it('lets Sandbox introspect the schema whatever its depth', async () => {
    const response = await server.gql('{ __schema { types { name fields { type { ofType { ofType { ofType { ofType { name } } } } } } } } }', {}, admin);
    expect(response.errors).toBeUndefined();
  });
});
