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
    expect(ok(await server.gql('{ viewer { accessTokens { edges { node { previousToken { name } } } } } }', {}, admin)).viewer.accessTokens.edges).toEqual([]);
  });

  it('refuses a query deeper than the limit, counting through fragments', async () => {
    await refusedFor('{ viewer { accessTokens { edges { node { previousToken { previousToken { name } } } } } } }', 'maxDepth');
    await refusedFor('fragment F on AccessToken { previousToken { previousToken { name } } } { viewer { accessTokens { edges { node { ...F } } } } }', 'maxDepth');
    await refusedFor('fragment F on AccessToken { previousToken { name } } { viewer { accessTokens { edges { node { ... on AccessToken { previousToken { ...F } } } } } } }', 'maxDepth');
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

/** `levels` fragments on Query, each spreading the next twice: 2^levels fields once expanded. */
function fragmentFanOut(levels: number, leaf: string): string {
  const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`);
  return `{ ...F0 } ${fragments.join(' ')} fragment F${levels} on Query { ${leaf} }`;
}

describe('GraphQL query limits against hostile documents (defaults, no credentials)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ label: 'limits_hostile' });
  });
  afterAll(() => server.stop());

  const timed = async <T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> => {
    const start = performance.now();
    const result = await work();
    return { result, ms: performance.now() - start };
  };
  // The fastest of a few tries: a machine busy with other work slows some of them, never all.
  const fastest = async (tries: number, work: () => Promise<number>): Promise<number> => {
    const times: number[] = [];
    for (let i = 0; i < tries; i += 1) times.push(await work());
    return Math.min(...times);
  };

  it('refuses 22 chained fragments that each spread the next twice within 50 ms, and /healthz stays responsive', async () => {
    const query = fragmentFanOut(22, 'viewer { authMethod }');
    expect(query.length).toBeLessThan(1200);
    const response = await server.gql(query);
    expect(response.status).toBe(400);
    expect(codeOf(response)).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0].extensions.limit).toBe('maxCost');
    expect(await fastest(5, async () => (await timed(() => server.gql(query))).ms)).toBeLessThan(50);
    const healthzBehindIt = async () => {
      const hostile = server.gql(query);
      const { ms } = await timed(() => fetch(`${server.url}/healthz`));
      await hostile;
      return ms;
    };
    expect(await fastest(5, healthzBehindIt)).toBeLessThan(100);
  });

  it('refuses a document over the token limit before validating it', async () => {
    const query = `{ ${Array.from({ length: 6000 }, () => '__typename').join(' ')} }`;
    const response = await server.gql(query);
    expect(response.status).toBe(400);
    expect(codeOf(response)).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0].extensions.limit).toBe('maxTokens');
    expect(await fastest(3, async () => (await timed(() => server.gql(query))).ms)).toBeLessThan(50);
  });

  it('refuses fragments that fan out beyond the cost budget instead of running them (graphql-query-complexity gave up at its node limit and let them run)', async () => {
    const response = await server.gql(fragmentFanOut(15, 'viewer { authMethod }'));
    expect(response.status).toBe(400);
    expect(codeOf(response)).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0].extensions.limit).toBe('maxCost');
    expect(response.data).toBeUndefined();
  });

  it('still names the field when a variable does not fit its type, and runs nothing', async () => {
    const response = await server.gql('query($first: Int) { accessTokens(first: $first) { edges { node { usage(first: 100) { totalCount } } } } }', { first: 'many' });
    expect(response.status).toBe(400);
    expect(codeOf(response)).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0].extensions.fields).toEqual([expect.objectContaining({ field: 'first' })]);
    expect(response.data).toBeUndefined();
  });

  it('answers variables nested 5,000 levels deep with 400 BAD_USER_INPUT, not 500', async () => {
    // Written by hand: JSON.stringify itself overflows the stack at this depth.
    const input = `${'{"n":'.repeat(5000)}{}${'}'.repeat(5000)}`;
    const query = 'mutation($input: LoginInput!) { login(input: $input) { sessionToken } }';
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"query":${JSON.stringify(query)},"variables":{"input":${input}}}`,
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});
