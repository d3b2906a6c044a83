import { Agent, get } from 'node:http';
import { Socket } from 'node:net';
import { TestServer, startTestServer } from '../support/test-server';

describe('the HTTP server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ label: 'server' });
  });
  afterAll(() => server.stop());

  it('answers GET /healthz and /readyz', async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it("keeps an idle connection open longer than a proxy's idle timeout, so the proxy closes it, not Tessera", async () => {
    // Node's default closed idle connections after 5 s, racing a client's next request on them (ECONNRESET, a proxy's 502).
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const healthz = () =>
      new Promise<{ socket: Socket; keepAlive: unknown }>((resolve, reject) => {
        const request = get(`${server.url}/healthz`, { agent }, (response) => {
          response.resume();
          response.on('end', () => resolve({ socket: request.socket!, keepAlive: response.headers['keep-alive'] }));
        });
        request.on('error', reject);
      });
    try {
      const first = await healthz();
      expect(first.keepAlive).toBe('timeout=65');
      await new Promise((resolve) => setTimeout(resolve, 5500));
      expect((await healthz()).socket).toBe(first.socket);
    } finally {
      agent.destroy();
    }
  });

  it('serves POST /graphql', async () => {
    const response = await server.gql('{ __typename }');
    expect(response.status).toBe(200);
    expect(response.data).toEqual({ __typename: 'Query' });
  });

  it('gives every response a request id, and echoes a sane one sent by the client', async () => {
    const generated = await server.gql('{ __typename }');
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const echoed = await server.gql('{ __typename }', {}, undefined, { 'x-request-id': 'trace-123' });
    expect(echoed.headers.get('x-request-id')).toBe('trace-123');
  });

  it('answers a syntax error with GRAPHQL_PARSE_FAILED and no stack trace', async () => {
    const response = await server.gql('{ viewer ');
    expect(response.status).toBe(400);
    expect(response.errors?.[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(JSON.stringify(response.errors)).not.toContain('stacktrace');
  });

  it('refuses request bodies over 100 kB', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ __typename }${' '.repeat(110 * 1024)}` }),
    });
    expect(response.status).toBe(413);
  });

  it('does not accept batched requests', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]),
    });
    expect(response.status).toBe(400);
  });

  it('refuses a malformed bearer token with 401 and WWW-Authenticate', async () => {
    const response = await server.gql('{ __typename }', {}, 'not-a-token');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('Bearer');
    expect(response.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('runs on the database this project targets', () => {
    expect(server.db.options.type).toEqual(server.database === 'mysql' ? expect.stringMatching(/^(mysql|mariadb)$/) : 'better-sqlite3');
  });
});

describe('GET /metrics', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ label: 'metrics' });
  });
  afterAll(() => server.stop());

  it('exposes request, error and introspection counters in the Prometheus text format', async () => {
    await server.gql('{ viewer { authMethod } }');
    await fetch(`${server.url}/oauth/introspect`, { method: 'POST' });
    const response = await fetch(`${server.url}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toContain('# TYPE tessera_http_requests_total counter');
    expect(text).toMatch(/tessera_http_requests_total\{route="graphql",status="200"\} \d+/);
    expect(text).toMatch(/tessera_graphql_errors_total\{code="UNAUTHENTICATED"\} 1/);
    expect(text).toMatch(/tessera_introspections_total\{result="refused"\} 1/);
    expect(text).toMatch(/tessera_token_usage_buffered \d+/);
  });
});
