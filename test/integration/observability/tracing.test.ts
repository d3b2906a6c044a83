import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ADMIN_EMAIL, ADMIN_PASSWORD, TEST_PEPPER, createTestDatabase, testDatabase } from '../../support/test-server';

/**
 * Tracing patches http, graphql and mysql2 as Node's own require loads them, which jest's module
 * registry bypasses: so the server runs as its own process (src/main.ts through ts-node, the way
 * `npm run dev` runs it) and exports to an OTLP/HTTP JSON receiver in this process.
 */

interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client. */
  kind: number;
  attributes: Record<string, unknown>;
}

interface OtlpJsonRequest {
  resourceSpans: Array<{ resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> }; scopeSpans: Array<{ spans: Array<Omit<ReceivedSpan, 'attributes'> & { attributes?: Array<{ key: string; value: Record<string, unknown> }> }> }> }>;
}

/** A collector's OTLP/HTTP traces endpoint that keeps what it receives. */
async function startReceiver(): Promise<{ url: string; spans: ReceivedSpan[]; services: Set<string | undefined>; close: () => Promise<void> }> {
  const spans: ReceivedSpan[] = [];
  const services = new Set<string | undefined>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      for (const resource of (JSON.parse(body) as OtlpJsonRequest).resourceSpans) {
        services.add(resource.resource.attributes.find(({ key }) => key === 'service.name')?.value.stringValue);
        for (const scope of resource.scopeSpans) {
          for (const span of scope.spans) {
            spans.push({ ...span, attributes: Object.fromEntries((span.attributes ?? []).map(({ key, value }) => [key, Object.values(value)[0]])) });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans, services, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

interface TracedServer {
  url: string;
  /** Stops the server with SIGTERM and resolves with the @opentelemetry packages the process had loaded. */
  stop(): Promise<string[]>;
}

const ROOT = join(__dirname, '..', '..', '..');
// Lists, as the process exits, the OpenTelemetry packages Node loaded.
const PROBE = `process.on('exit', () => process.stderr.write('otel-packages=' + JSON.stringify([...new Set(Object.keys(require.cache).map((file) => /@opentelemetry\\/[^/]+/.exec(file)?.[0]).filter(Boolean))].sort()) + '\\n')); require('./src/main.ts');`;

async function startServer(env: Record<string, string>): Promise<TracedServer> {
  const database = await createTestDatabase('tracing');
  const child: ChildProcess = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', PROBE], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      PORT: '0',
      DATABASE_URL: database.databaseUrl,
      TESSERA_TOKEN_PEPPER: TEST_PEPPER,
      TESSERA_ADMIN_EMAIL: ADMIN_EMAIL,
      TESSERA_ADMIN_PASSWORD: ADMIN_PASSWORD,
      TESSERA_LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the server did not start within 60 s:\n${output}`)), 60_000);
      const onData = () => {
        const match = /"url":"(http:\/\/[^"]+)\/graphql"/.exec(output);
        if (!match) return;
        clearTimeout(timer);
        resolve(match[1]);
      };
      child.stdout!.on('data', onData);
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`the server exited before listening:\n${output}`));
      });
    });
    return {
      url,
      stop: async () => {
        child.kill('SIGTERM');
        await exited;
        await database.cleanup();
        const loaded = /otel-packages=(.*)/.exec(output);
        if (!loaded) throw new Error(`the probe reported nothing:\n${output}`);
        return JSON.parse(loaded[1]) as string[];
      },
    };
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    await database.cleanup();
    throw error;
  }
}

const signIn = (url: string, requestId: string) =>
  fetch(`${url}/graphql`, {
    method: 'POST',
    // A forged forwarding header: without TESSERA_TRUST_PROXY, no span may believe it.
    headers: { 'content-type': 'application/json', 'x-request-id': requestId, 'x-forwarded-for': '203.0.113.9' },
    body: JSON.stringify({ query: 'mutation SignIn($input: LoginInput!) { login(input: $input) { sessionToken } }', variables: { input: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } } }),
  });

async function eventually<T>(find: () => T | undefined, what: string): Promise<T> {
  for (let waited = 0; waited < 10_000; waited += 50) {
    const found = find();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`not received within 10 s: ${what}`);
}

describe('OpenTelemetry tracing', () => {
  it('is off without OTEL_* variables: no OpenTelemetry SDK or instrumentation is loaded', async () => {
    const server = await startServer({});
    expect((await signIn(server.url, 'untraced')).status).toBe(200);
    // prom-client requires the API (a no-op without an SDK) for its exemplars; nothing else.
    expect(await server.stop()).toEqual(['@opentelemetry/api']);
  });

  it('exports one request as a tree: HTTP server span → GraphQL operation span → mysql2 statements, each with the request id', async () => {
    const receiver = await startReceiver();
    const server = await startServer({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '50',
      OTEL_SERVICE_NAME: 'tessera-under-test',
    });
    let loaded: string[] = [];
    try {
      const requestId = `trace-${randomUUID()}`;
      const response = await signIn(server.url, requestId);
      expect(response.status).toBe(200);
      const { data } = (await response.json()) as { data: { login: { sessionToken: string } } };
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

      const http = await eventually(() => receiver.spans.find((span) => span.kind === 2 && span.attributes['tessera.request_id'] === requestId), 'the HTTP server span');
      expect(http.parentSpanId ?? '').toBe('');
      expect(http.attributes).toMatchObject({ 'http.request.method': 'POST', 'url.path': '/graphql', 'http.response.status_code': 200, 'client.address': '127.0.0.1' });

      const trace = receiver.spans.filter((span) => span.traceId === http.traceId);
      const operation = trace.find((span) => span.name === 'mutation SignIn');
      expect(operation).toBeDefined();
      expect(operation!.parentSpanId).toBe(http.spanId);
      expect(operation!.attributes).toMatchObject({ 'graphql.operation.type': 'mutation', 'graphql.operation.name': 'SignIn', 'tessera.request_id': requestId });
      // Field spans are off by default.
      expect(trace.filter((span) => span.name.startsWith('graphql.resolve'))).toEqual([]);

      const statements = trace.filter((span) => span.attributes['db.system.name'] === 'mysql');
      if (testDatabase() === 'mysql') {
        expect(statements.length).toBeGreaterThan(0);
        for (const statement of statements) {
          expect(statement.parentSpanId).toBe(operation!.spanId);
          expect(statement.attributes['tessera.request_id']).toBe(requestId);
        }
        expect(statements.map((span) => span.attributes['db.query.text'])).toContainEqual(expect.stringMatching(/^SELECT .* FROM `users`.* WHERE .*`email` = \?/));
      } else {
        expect(statements).toEqual([]);
      }

      // Neither the password, the new session's secret, nor the email looked up reaches a span; nor do probes.
      const exported = JSON.stringify(receiver.spans);
      for (const secret of [ADMIN_PASSWORD, data.login.sessionToken, ADMIN_EMAIL]) expect(exported).not.toContain(secret);
      expect(receiver.spans.filter((span) => span.attributes['url.path'] === '/healthz')).toEqual([]);
      expect(new Set(receiver.spans.map((span) => span.traceId))).toEqual(new Set([http.traceId]));
      expect(receiver.services).toEqual(new Set(['tessera-under-test']));
    } finally {
      loaded = await server.stop();
      await receiver.close();
    }
    expect(loaded).toEqual(expect.arrayContaining(['@opentelemetry/sdk-trace-node', '@opentelemetry/instrumentation-http', '@opentelemetry/instrumentation-graphql', '@opentelemetry/instrumentation-mysql2']));
  });
});
