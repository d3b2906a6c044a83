import { QueryRunner } from 'typeorm';
import { MAX_OPERATION_LABELS } from '../../../src/core/observability/metrics';
import { SECRET_PREFIXES, generateSecret } from '../../../src/core/secrets/secret-format';
import { ADMIN_PASSWORD, TestServer, startTestServer } from '../../support/test-server';
import { loginAsAdmin, ok } from '../../support/fixtures';
import { issueToken } from '../../support/token-helpers';

const scrape = async (url: string): Promise<string> => {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return response.text();
};

/** The value of one sample (`name{labels} value`), or undefined when absent. */
const sample = (text: string, series: string): number | undefined => {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('GET /metrics (prom-client)', () => {
  let server: TestServer;
  let other: TestServer;
  beforeAll(async () => {
    // Two servers in one process: each has its own registry, nothing collides.
    server = await startTestServer({ label: 'metrics_registry', env: { TESSERA_TOKEN_AUTH_MAX_FAILURES_PER_CREDENTIAL: '1' } });
    other = await startTestServer({ label: 'metrics_other' });
  });
  afterAll(async () => {
    await server.stop();
    await other.stop();
  });
  const metrics = () => scrape(`${server.url}/metrics`);

  it("reports Node's process metrics: CPU, memory, heap, event-loop lag and GC", async () => {
    const text = await metrics();
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_eventloop_lag_p99_seconds']) {
      expect(sample(text, name)).toBeGreaterThanOrEqual(0);
    }
    expect(text).toContain('# TYPE nodejs_gc_duration_seconds histogram');
    expect(await scrape(`${other.url}/metrics`)).toContain('# TYPE process_cpu_user_seconds_total counter');
  });

  it('times requests by route and by GraphQL operation, named only once the document validated', async () => {
    await server.gql('query Probe { __typename }');
    await server.gql('query Probe { __typename }');
    await server.gql('{ __typename }');
    await server.gql('query Broken { nope }');
    await server.gql('query Unparsed {');
    await fetch(`${server.url}/oauth/introspect`, { method: 'POST' });
    await fetch(`${server.url}/healthz`);
    const text = await metrics();
    expect(text).toContain('# TYPE tessera_http_request_duration_seconds histogram');
    expect(sample(text, 'tessera_http_request_duration_seconds_count{route="graphql",operation="Probe"}')).toBe(2);
    expect(sample(text, 'tessera_http_request_duration_seconds_bucket{le="+Inf",route="graphql",operation="Probe"}')).toBe(2);
    expect(sample(text, 'tessera_http_request_duration_seconds_count{route="graphql",operation="anonymous"}')).toBe(1);
    // A document that did not validate or parse names nothing: its name is the client's choice.
    expect(sample(text, 'tessera_http_request_duration_seconds_count{route="graphql",operation="unknown"}')).toBe(2);
    expect(text).not.toContain('operation="Broken"');
    expect(text).not.toContain('operation="Unparsed"');
    expect(sample(text, 'tessera_http_request_duration_seconds_count{route="introspect",operation=""}')).toBe(1);
    expect(sample(text, 'tessera_http_request_duration_seconds_count{route="healthz",operation=""}')).toBe(1);
    expect(sample(text, 'tessera_http_request_duration_seconds_sum{route="graphql",operation="Probe"}')).toBeGreaterThan(0);
    expect(sample(text, 'tessera_http_requests_total{route="introspect",status="401"}')).toBe(1);
    expect(sample(text, 'tessera_introspections_total{result="refused"}')).toBe(1);
  });

  it(`labels at most ${MAX_OPERATION_LABELS} operation names, the rest as other`, async () => {
    for (let i = 0; i < MAX_OPERATION_LABELS + 5; i += 1) await server.gql(`query Name${i} { __typename }`);
    const text = await metrics();
    const labels = [...text.matchAll(/tessera_http_request_duration_seconds_count\{route="graphql",operation="([^"]+)"\}/g)].map((match) => match[1]);
    expect(labels).toEqual(expect.arrayContaining(['other', 'unknown', 'anonymous', 'Probe', 'Name0']));
    // Names (anonymous included) fill the cap; `unknown` and `other` are outside it.
    expect(labels.filter((label) => label !== 'unknown' && label !== 'other')).toHaveLength(MAX_OPERATION_LABELS);
    // Probe and anonymous took two places before: the last 7 of the MAX + 5 names are other.
    expect(sample(text, 'tessera_http_request_duration_seconds_count{route="graphql",operation="other"}')).toBe(7);
  });

  it('counts throttle rejections, dropped token uses as a counter, and the usage buffer', async () => {
    const unknown = generateSecret(SECRET_PREFIXES.personalAccessToken);
    expect((await server.gql('{ __typename }', {}, unknown)).status).toBe(401);
    expect((await server.gql('{ __typename }', {}, unknown)).status).toBe(429);
    const text = await metrics();
    expect(sample(text, 'tessera_throttle_rejections_total')).toBe(1);
    expect(sample(text, 'tessera_graphql_errors_total{code="UNAUTHENTICATED"}')).toBe(1);
    expect(text).toContain('# TYPE tessera_token_usage_dropped_total counter');
    expect(sample(text, 'tessera_token_usage_dropped_total')).toBe(0);
    expect(sample(text, 'tessera_token_usage_buffered')).toBeGreaterThanOrEqual(0);
  });

  it('reports the verified-token cache: its entries, whether it is trusted, and each digest looked up by what it did', async () => {
    const { secret } = await issueToken(other, await loginAsAdmin(other), { scopes: ['api'], password: ADMIN_PASSWORD });
    const lookups = (text: string, result: string) => sample(text, `tessera_token_cache_lookups_total{result="${result}"}`) ?? 0;
    const before = await scrape(`${other.url}/metrics`);
    for (let i = 0; i < 3; i += 1) ok(await other.gql('{ viewer { authMethod } }', {}, secret));
    const after = await scrape(`${other.url}/metrics`);
    expect(lookups(after, 'miss') - lookups(before, 'miss')).toBe(1);
    expect(lookups(after, 'hit') - lookups(before, 'hit')).toBe(2);
    expect(lookups(after, 'untrusted')).toBe(0);
    expect(sample(after, 'tessera_token_cache_trusted')).toBe(1);
    expect(sample(after, 'tessera_token_cache_entries')).toBeGreaterThanOrEqual(1);
    expect(after).toContain('# TYPE tessera_token_cache_lookups_total counter');
    expect(sample(after, 'tessera_token_cache_rereads_total')).toBe(0);
  });

  it('reports the database pool: in use, idle, waiting', async () => {
    const pool = () => metrics().then((text) => ['in_use', 'idle'].map((state) => sample(text, `tessera_db_pool_connections_${state}`)).concat(sample(text, 'tessera_db_pool_requests_waiting')));
    if (server.database === 'sqlite') {
      expect(await pool()).toEqual([0, 1, 0]);
      return;
    }
    // Hold every connection of the pool, and ask for one more.
    const size = (server.db.options as { poolSize?: number }).poolSize ?? 10;
    const held: QueryRunner[] = [];
    for (let i = 0; i < size; i += 1) {
      const runner = server.db.createQueryRunner();
      await runner.connect();
      held.push(runner);
    }
    const waiting = server.db.createQueryRunner();
    const connected = waiting.connect();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const [inUse, idle, queued] = await pool();
    expect(inUse).toBe(size);
    expect(idle).toBe(0);
    expect(queued).toBeGreaterThanOrEqual(1);
    for (const runner of held) await runner.release();
    await connected;
    await waiting.release();
    // The server's own background work (revocation polls every 50 ms) may hold a connection for a moment.
    let after = await pool();
    for (let tries = 0; tries < 20 && after[0] !== 0; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      after = await pool();
    }
    expect(after).toEqual([0, size, 0]);
  });
});

describe('TESSERA_METRICS_PORT', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ label: 'metrics_port', env: { TESSERA_METRICS_PORT: '0' } });
  });
  afterAll(() => server.stop());

  it('serves /metrics on its own port only, and nothing else there', async () => {
    expect(server.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(server.metricsUrl).not.toContain(`:${server.port}/`);
    await server.gql('query Probe { __typename }');
    expect(await scrape(server.metricsUrl!)).toMatch(/tessera_http_requests_total\{route="graphql",status="200"\} 1/);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
    expect((await fetch(server.metricsUrl!.replace('/metrics', '/graphql'))).status).toBe(404);
    expect((await fetch(server.metricsUrl!, { method: 'POST' })).status).toBe(404);
  });

  it('closes the metrics listener when the server stops', async () => {
    const url = server.metricsUrl!;
    await server.stopServer();
    await expect(fetch(url)).rejects.toThrow();
  });
});
