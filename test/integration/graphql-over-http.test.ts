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

describe('bodies the endpoint cannot read as a GraphQL request', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ label: 'over_http_bodies', env: { TESSERA_CORS_ORIGINS: 'https://app.example' } });
  });
  afterAll(() => server.stop());

  const send = (body: string, headers: Record<string, string>, path = '/graphql') => fetch(`${server.url}${path}`, { method: 'POST', headers, body });
  const errorOf = async (response: Response) => ((await response.json()) as { errors: Array<{ message: string; extensions: { code: string } }> }).errors[0];

  it.each([
    ['malformed JSON', '{"query": "{ __typename }"', { 'content-type': 'application/json' }, 400, 'not valid JSON'],
    ['a compressed body', 'x', { 'content-type': 'application/json', 'content-encoding': 'gzip' }, 415, 'gzip is not supported'],
    ['a charset other than UTF-8', '{"query":"{ __typename }"}', { 'content-type': 'application/json; charset=latin1' }, 415, 'latin1 is not supported'],
  ])('answers %s with a GraphQL-shaped BAD_REQUEST error', async (_name, body, headers, status, message) => {
    const response = await send(body, headers);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toContain('application/json');
    const error = await errorOf(response);
    expect(error.extensions.code).toBe('BAD_REQUEST');
    expect(error.message).toContain(message);
    // A body refused before it was read is not left on a kept-alive connection.
    if (status === 415) expect(response.headers.get('connection')).toBe('close');
  });

  it('leaves a body that is not declared JSON, or an empty one, to Apollo, which says what it needs', async () => {
    for (const response of [await send('query=%7B__typename%7D', { 'content-type': 'application/x-www-form-urlencoded', 'apollo-require-preflight': 'true' }), await send('', { 'content-type': 'application/json' })]) {
      expect(response.status).toBe(400);
      expect((await errorOf(response)).extensions.code).toBe('BAD_REQUEST');
    }
  });

  it('accepts a charset parameter of UTF-8 and a trailing slash', async () => {
    const response = await send('{"query":"{ __typename }"}', { 'content-type': 'Application/JSON; Charset="UTF-8"' }, '/graphql/');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('answers a CORS preflight for a configured origin only, and marks answers no-store', async () => {
    const preflight = (origin: string) => fetch(`${server.url}/graphql`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' } });
    const allowed = await preflight('https://app.example');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
    const answered = await send('{"query":"{ __typename }"}', { 'content-type': 'application/json', origin: 'https://app.example' });
    expect(answered.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(answered.headers.get('cache-control')).toBe('no-store');
  });
});
