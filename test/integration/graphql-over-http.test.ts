import { createHash } from 'node:crypto';
import { logger } from '../../src/core/logging/logger';
import { TestServer, startTestServer } from '../support/test-server';

/** The GraphQL-over-HTTP spec, for the two media types it defines. */
describe('GraphQL over HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ label: 'over_http' });
  });
  afterAll(() => server.stop());

  const post = (body: unknown, accept: string) =>
    fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: JSON.stringify(body) });

  it.each(['application/graphql-response+json', 'application/json'])('answers a valid request with 200 and %s', async (accept) => {
    const response = await post({ query: '{ __typename }' }, accept);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain(accept);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('answers a document that fails validation with 400 under application/graphql-response+json', async () => {
    const response = await post({ query: '{ noSuchField }' }, 'application/graphql-response+json');
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: Array<{ extensions: { code: string } }>; data?: unknown };
    expect(body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.data).toBeUndefined();
  });

  it('accepts GET queries (with the CSRF preflight header) and refuses mutations over GET', async () => {
    const query = encodeURIComponent('{ __typename }');
    const get = await fetch(`${server.url}/graphql?query=${query}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(get.status).toBe(200);
    const mutation = encodeURIComponent('mutation { logout { success } }');
    const refused = await fetch(`${server.url}/graphql?query=${mutation}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(refused.status).toBe(405);
  });

  it('refuses a simple cross-site GET without the preflight header (CSRF prevention)', async () => {
    const response = await fetch(`${server.url}/graphql?query=${encodeURIComponent('{ __typename }')}`);
    expect(response.status).toBe(400);
  });

  describe('client mistakes Apollo or graphql-js catch before execution', () => {
    const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
    let unexpected: jest.SpyInstance;
    beforeEach(() => {
      unexpected = jest.spyOn(logger, 'error');
    });
    afterEach(() => unexpected.mockRestore());

    it.each([
      ['a subscription (this server has none)', { query: 'subscription { viewer { id } }' }],
      ['a persisted-query hash that does not match the query', { query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ other }') } } }],
      ['an unsupported persisted-query version', { query: '{ __typename }', extensions: { persistedQuery: { version: 2, sha256Hash: sha256('{ __typename }') } } }],
    ])('answers %s with 400 BAD_REQUEST and logs no unexpected error', async (_case, body) => {
      const response = await post(body, 'application/json');
      expect(response.status).toBe(400);
      const result = (await response.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
      expect(result.errors).toEqual([{ message: expect.any(String), extensions: { code: 'BAD_REQUEST' } }]);
      expect(unexpected).not.toHaveBeenCalled();
    });

    it('still serves automatic persisted queries: register with the query, then by hash alone', async () => {
      const query = '{ __typename }';
      const persistedQuery = { version: 1, sha256Hash: sha256(query) };
      expect(await (await post({ query, extensions: { persistedQuery } }, 'application/json')).json()).toEqual({ data: { __typename: 'Query' } });
      expect(await (await post({ extensions: { persistedQuery } }, 'application/json')).json()).toEqual({ data: { __typename: 'Query' } });
      expect(unexpected).not.toHaveBeenCalled();
    });
  });

  it('serves the Apollo Sandbox landing page to browsers in development', async () => {
    const response = await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('sandbox');
  });
});

describe('GraphQL over HTTP in production', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ label: 'over_http_prod', env: { NODE_ENV: 'production' } });
  });
  afterAll(() => server.stop());

  it('has no landing page by default and hides field suggestions', async () => {
    const page = await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toContain('sandbox');
    const response = await server.gql('{ viewr { authMethod } }');
    expect(response.errors?.[0].message).not.toContain('Did you mean');
  });
});

describe('the parsed-document cache', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ label: 'document_cache', env: { TESSERA_DOCUMENT_CACHE_ENTRIES: '5' } });
  });
  afterAll(() => server.stop());

  const cachedDocuments = async () => {
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    return Number(/^tessera_graphql_document_cache_entries (\d+)$/m.exec(metrics)?.[1]);
  };

  it('holds at most TESSERA_DOCUMENT_CACHE_ENTRIES documents, however many distinct ones arrive', async () => {
    for (let i = 0; i < 3; i += 1) await server.gql(`query Distinct${i} { __typename }`);
    expect(await cachedDocuments()).toBe(3);
    for (let i = 3; i < 40; i += 1) expect((await server.gql(`query Distinct${i} { __typename }`)).data).toEqual({ __typename: 'Query' });
    expect(await cachedDocuments()).toBe(5);
  });
});
