import { request } from 'node:http';
import { createDataSource } from '../../src/database/data-source';
import { BuiltServer, buildServer, startBuiltServer } from '../support/built-server';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from '../support/test-server';

interface Answer {
  status: number;
  body: string;
}

/** One request on its own connection (`Connection: close`), so a refused connect is told apart from a cut request. */
function post(url: string, path: string, body: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method: 'POST', agent: false, headers: { 'content-length': Buffer.byteLength(body), ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const json = (bearer?: string) => ({ 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) });

async function graphql(url: string, query: string, variables: Record<string, unknown>, bearer?: string): Promise<any> {
  const answer = await post(url, '/graphql', JSON.stringify({ query, variables }), json(bearer));
  const parsed = JSON.parse(answer.body);
  if (parsed.errors) throw new Error(JSON.stringify(parsed.errors));
  return parsed.data;
}

const VIEWER = '{ viewer { authMethod } }';

describe('the built server in production mode, stopped with SIGTERM under load', () => {
  let server: BuiltServer;
  beforeAll(async () => {
    buildServer();
    // Uses stay in memory for a minute: every recorded use below reaches the database only through the shutdown flush.
    server = await startBuiltServer({ TESSERA_USAGE_FLUSH_INTERVAL_MS: '60000', TESSERA_SHUTDOWN_GRACE_SECONDS: '10' });
  }, 90_000);
  afterAll(() => server.cleanup());

  it('finishes the requests in flight, writes every recorded use, and exits with 0', async () => {
    const { url } = server;
    const session = (await graphql(url, 'mutation($input: LoginInput!) { login(input: $input) { sessionToken } }', { input: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } })).login.sessionToken;
    const create = 'mutation($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { secret accessToken { id } } }';
    const caller = (await graphql(url, create, { input: { name: 'load', scopes: ['api', 'introspect'], password: ADMIN_PASSWORD } }, session)).createAccessToken;
    const subject = (await graphql(url, create, { input: { name: 'subject', scopes: ['read_api'], password: ADMIN_PASSWORD } }, session)).createAccessToken;

    const counts = { graphql: 0, introspection: 0, refused: 0, failed: [] as string[] };
    const graphqlWorker = async () => {
      for (;;) {
        try {
          const answer = await post(url, '/graphql', JSON.stringify({ query: VIEWER }), json(caller.secret));
          if (answer.status === 200 && JSON.parse(answer.body).data?.viewer?.authMethod) counts.graphql += 1;
          else counts.failed.push(`graphql ${answer.status} ${answer.body.slice(0, 80)}`);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ECONNREFUSED') return;
          counts.refused += 1;
        }
      }
    };
    const introspectionWorker = async () => {
      for (;;) {
        try {
          const answer = await post(url, '/oauth/introspect', `token=${subject.secret}`, { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${caller.secret}` });
          if (answer.status === 200 && JSON.parse(answer.body).active === true) counts.introspection += 1;
          else counts.failed.push(`introspection ${answer.status} ${answer.body.slice(0, 80)}`);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ECONNREFUSED') return;
          counts.refused += 1;
        }
      }
    };

    // A request whose body is still arriving when the signal comes: it must be answered, not cut.
    let slowAnswer: Answer | Error | undefined;
    const slowBody = JSON.stringify({ query: VIEWER });
    const slow = request(`${url}/graphql`, { method: 'POST', agent: false, headers: { ...json(caller.secret), 'content-length': Buffer.byteLength(slowBody) } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => (slowAnswer = { status: res.statusCode ?? 0, body: text }));
    });
    slow.on('error', (error) => (slowAnswer = error));
    slow.write(slowBody.slice(0, 10));

    const workers = [...Array.from({ length: 4 }, graphqlWorker), ...Array.from({ length: 4 }, introspectionWorker)];
    while (counts.graphql + counts.introspection < 200) await new Promise((resolve) => setTimeout(resolve, 20));
    server.process.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 500));
    slow.end(slowBody.slice(10));
    await Promise.all(workers);
    const code = await server.exited;

    expect(code).toBe(0);
    expect(counts.failed).toEqual([]);
    expect(slowAnswer).toEqual({ status: 200, body: expect.stringContaining('"authMethod"') });
    // Connections the kernel had queued when the listener closed are reset without being served:
    // at most one per client connection in flight, never a request the server had started.
    expect(counts.refused).toBeLessThanOrEqual(workers.length);
    expect(server.output()).toContain('"message":"stopped"');

    const db = createDataSource(server.databaseUrl);
    await db.initialize();
    try {
      const used = async (tokenId: string) => Number((await db.query('SELECT COALESCE(SUM(count), 0) AS n FROM token_usages WHERE tokenId = ?', [tokenId]))[0].n);
      expect(await used(caller.accessToken.id)).toBe(counts.graphql + 1);
      expect(await used(subject.accessToken.id)).toBe(counts.introspection);
    } finally {
      await db.destroy();
    }
  }, 120_000);
});
