import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { createDataSource } from '../../src/database/data-source';
import { trustWindowMs } from '../../src/modules/access-token/token-revocations';
import { createUser, loginAsAdmin, ok } from '../support/fixtures';
import { createClientToken, createOAuthClient, createPersonalToken, postForm, refresh } from '../support/oauth-helpers';
import { TestServer, createTestDatabase, startTestServer, testDatabase } from '../support/test-server';

// A database that stops answering (frozen, not down: SIGSTOP keeps its sockets open) on a MariaDB
// server of this test's own, never the shared one. Limits are small so the test is quick; the
// bounds asserted follow from them: one statement waits at most QUERY_TIMEOUT_MS for a connection
// and as long again for its answer.
const MARIADBD = '/usr/sbin/mariadbd';
const QUERY_TIMEOUT_MS = 1500;
const CONNECT_TIMEOUT_MS = 1000;
const BOUND_MS = 4 * QUERY_TIMEOUT_MS;

const skipReason =
  testDatabase() !== 'mysql' ? 'runs in the mysql project only (SQLite has no stall of this kind)' : !existsSync(MARIADBD) ? `${MARIADBD} is not installed` : null;
if (skipReason) process.stdout.write(`database-stall.test.ts skipped: ${skipReason}\n`);
const describeStall = skipReason ? describe.skip : describe;

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });

/** A throw-away mariadbd on its own port, data directory and socket. */
async function startMariadb(dir: string): Promise<{ url: string; child: ChildProcess }> {
  const datadir = join(dir, 'data');
  execFileSync('mariadb-install-db', ['--no-defaults', `--datadir=${datadir}`, '--auth-root-authentication-method=normal', '--user=root', '--skip-test-db'], { stdio: 'ignore' });
  const port = await freePort();
  const child = spawn(
    MARIADBD,
    [
      '--no-defaults',
      `--datadir=${datadir}`,
      `--socket=${join(dir, 'mariadb.sock')}`,
      `--pid-file=${join(dir, 'mariadb.pid')}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      '--user=root',
      '--skip-grant-tables',
      '--skip-name-resolve',
      '--skip-log-bin',
      '--innodb-buffer-pool-size=16M',
    ],
    { stdio: 'ignore' },
  );
  const url = `mysql://root@127.0.0.1:${port}`;
  for (const started = Date.now(); Date.now() - started < 30_000; await new Promise((resolve) => setTimeout(resolve, 200))) {
    if (child.exitCode !== null) throw new Error(`mariadbd exited with ${child.exitCode}`);
    try {
      const connection = await createConnection({ uri: url });
      await connection.end();
      return { url, child };
    } catch {
      // not listening yet
    }
  }
  child.kill('SIGKILL');
  throw new Error('mariadbd did not start within 30 s');
}

/** Resolves with the result and how long it took; a call still unanswered after 20 s counts as hung (no result). */
async function timed<T>(call: () => Promise<T>): Promise<{ result?: T; ms: number }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), 20_000);
  });
  const result = await Promise.race([call(), hung]);
  clearTimeout(timer);
  return { result, ms: Math.round(performance.now() - started) };
}

const VIEWER = '{ viewer { authMethod } }';

describeStall('a database that stops answering (SIGSTOP) and comes back (SIGCONT)', () => {
  let dir: string;
  let mariadb: ChildProcess | undefined;
  let server: TestServer | undefined;
  let token: string;
  let introspectToken: string;
  let session: string;
  let clientId: string;
  let refreshToken: string;
  const killMariadb = () => {
    if (mariadb && mariadb.exitCode === null) {
      mariadb.kill('SIGCONT');
      mariadb.kill('SIGKILL');
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-stall-'));
    // Even if jest is killed mid-stall, the paused server must not outlive it.
    process.once('exit', killMariadb);
    const started = await startMariadb(dir);
    mariadb = started.child;
    const previous = process.env.TEST_MYSQL_URL;
    process.env.TEST_MYSQL_URL = started.url;
    try {
      server = await startTestServer({
        label: 'stall',
        env: {
          TESSERA_DB_POOL_SIZE: '4',
          TESSERA_DB_QUEUE_LIMIT: '20',
          TESSERA_DB_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS),
          TESSERA_DB_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
        },
      });
    } finally {
      process.env.TEST_MYSQL_URL = previous;
    }
    const admin = await loginAsAdmin(server);
    const user = await createUser(server, admin, 'stall');
    session = user.token;
    token = await createPersonalToken(server, session, ['read_api']);
    introspectToken = await createPersonalToken(server, session, ['introspect']);
    const client = await createOAuthClient(server, admin, { clientId: 'stall-client', type: 'PUBLIC' });
    clientId = client.clientId;
    refreshToken = (await createClientToken(server, session, client.id)).refreshToken;
  }, 120_000);

  afterAll(async () => {
    mariadb?.kill('SIGCONT');
    try {
      await server?.stop();
    } finally {
      killMariadb();
      process.removeListener('exit', killMariadb);
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('fails closed with 503 within bounded time while stalled, /readyz says so within a second, and recovers without a restart', async () => {
    const srv = server!;
    expect(ok(await srv.gql(VIEWER, {}, token)).viewer.authMethod).toBe('ACCESS_TOKEN');
    expect((await fetch(`${srv.url}/readyz`)).status).toBe(200);

    mariadb!.kill('SIGSTOP');
    const stalledAt = performance.now();
    // The token's row is cached; the cache answers only while revocation polls succeed, i.e. for at
    // most the trust window after the last one: past that, the database decides, and it is stalled.
    await new Promise((resolve) => setTimeout(resolve, trustWindowMs(srv.config.tokenCache.pollMs) + 100));
    const introspect = () => postForm(srv, '/oauth/introspect', { token }, { authorization: `Bearer ${introspectToken}` });
    // More callers than connections (4) and a queue: some wait for a connection, some for an answer.
    const wave = () =>
      Promise.all([
        ...Array.from({ length: 8 }, () => timed(() => srv.gql(VIEWER, {}, token))),
        timed(() => srv.gql(VIEWER, {}, session)),
        timed(() => introspect().then((r) => ({ status: r.status, headers: r.headers, errors: [{ extensions: { code: r.body.error as string } }], data: undefined }))),
        timed(() => refresh(srv, clientId, refreshToken).then((r) => ({ status: r.status, headers: r.headers, errors: [{ extensions: { code: r.body.error as string } }], data: undefined }))),
      ]);
    const readyz = timed(() => fetch(`${srv.url}/readyz`));
    const first = await wave();
    // The first wave's connections were closed: the second must open new ones to a server that accepts TCP but never greets.
    const second = await wave();
    const ready = await readyz;
    const readyDuringSecond = await timed(() => fetch(`${srv.url}/readyz`));

    for (const { result, ms } of [...first, ...second]) {
      expect(ms).toBeLessThan(BOUND_MS);
      // Fail closed: nothing is answered as if the token were valid, or invalid.
      expect(result?.data?.viewer).toBeUndefined();
      expect(result?.status).toBe(503);
      expect(result?.headers.get('retry-after')).toBe('5');
    }
    for (const { result } of [...first.slice(0, 9), ...second.slice(0, 9)]) expect(result?.errors?.[0]?.extensions.code).toBe('SERVICE_UNAVAILABLE');
    for (const { result } of [...first.slice(9), ...second.slice(9)]) expect(result?.errors?.[0]?.extensions.code).toBe('temporarily_unavailable');
    expect(ready.result?.status).toBe(503);
    expect(ready.ms).toBeLessThan(1000);
    expect(readyDuringSecond.result?.status).toBe(503);
    expect(readyDuringSecond.ms).toBeLessThan(1000);
    const stalledFor = Math.round(performance.now() - stalledAt);

    mariadb!.kill('SIGCONT');
    const resumedAt = performance.now();
    let recovered: number | null = null;
    while (performance.now() - resumedAt < 20_000) {
      const response = await srv.gql(VIEWER, {}, token);
      if (response.status === 200 && response.data?.viewer?.authMethod === 'ACCESS_TOKEN') {
        recovered = Math.round(performance.now() - resumedAt);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(recovered).not.toBeNull();
    expect((await fetch(`${srv.url}/readyz`)).status).toBe(200);
    expect((await introspect()).body.active).toBe(true);
    expect((await refresh(srv, clientId, refreshToken)).status).toBe(200);

    const worst = (list: Array<{ ms: number }>) => Math.max(...list.map(({ ms }) => ms));
    process.stdout.write(
      `database stall (query timeout ${QUERY_TIMEOUT_MS} ms, connect timeout ${CONNECT_TIMEOUT_MS} ms, pool 4): ` +
        `first wave worst ${worst(first)} ms (GraphQL ${first.slice(0, 9).map(({ ms }) => ms).join('/')}, introspect ${first[9].ms}, token ${first[10].ms}); ` +
        `second wave worst ${worst(second)} ms; /readyz ${ready.ms} ms and ${readyDuringSecond.ms} ms (503); stalled ${stalledFor} ms; ` +
        `first success ${recovered} ms after SIGCONT\n`,
    );
  }, 120_000);
});

const describeMysql = testDatabase() === 'mysql' ? describe : describe.skip;

describeMysql('a busy event loop is not a stalled database', () => {
  // A synchronous stretch longer than the bound delays the guard's timers, the socket reads and the
  // sending of queued statements alike: none of that time is the database's (on a loaded machine this
  // failed healthy statements).
  const busyFor = (ms: number) => {
    for (const until = Date.now() + ms; Date.now() < until; );
  };

  it('answers statements and connection waits begun before the loop was blocked past the bound', async () => {
    const scratch = await createTestDatabase('busy_loop');
    const db = createDataSource(scratch.databaseUrl, { limits: { poolSize: 1, connectTimeoutMs: 1000, queryTimeoutMs: 200, queueLimit: 10 } });
    await db.initialize();
    try {
      // One connection: the second statement waits for it, under the same bound.
      const statements = [db.query('SELECT 1 AS one'), db.query('SELECT 2 AS two')];
      busyFor(600);
      await expect(Promise.all(statements)).resolves.toEqual([[{ one: 1 }], [{ two: 2 }]]);
      // The first statement goes out only once the loop is free, and takes 50 ms: the second's wait for
      // the connection, begun before the block, must not expire meanwhile.
      const afterBlock = [db.query('SELECT SLEEP(0.05) AS slept'), db.query('SELECT 2 AS two')];
      busyFor(600);
      await expect(Promise.all(afterBlock)).resolves.toEqual([[{ slept: 0 }], [{ two: 2 }]]);
      // …while a statement still unanswered after the bound fails as before.
      await expect(db.query('SELECT SLEEP(1)')).rejects.toThrow('No answer from the database within 200 ms');
    } finally {
      await db.destroy();
      await scratch.cleanup();
    }
  });
});
