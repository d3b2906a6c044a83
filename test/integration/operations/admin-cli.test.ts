import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Like } from 'typeorm';
import { AuditEventEntity } from '../../../src/core/audit/audit-event.entity';
import { loadConfig } from '../../../src/core/config/config';
import { AccessTokenEntity } from '../../../src/modules/access-token/access-token.entity';
import { RunningServer, startServer } from '../../../src/server';
import { buildServer } from '../../support/built-server';
import { USER_PASSWORD, codeOf, createUser, login, loginAsAdmin, ok } from '../../support/fixtures';
import { basicAuth, createClientToken, createOAuthClient, postForm } from '../../support/oauth-helpers';
import { QueryCounter } from '../../support/query-counter';
import { TEST_PEPPER, TestServer, createTestDatabase, startTestServer } from '../../support/test-server';
import { issueToken, withBadChecksum } from '../../support/token-helpers';
import { SECRET_PREFIXES, generateSecret } from '../../../src/core/secrets/secret-format';

const ROOT = join(__dirname, '..', '..', '..');
const PEPPER_B = 'pepper-b-0123456789abcdef0123456789abcdef';
const VIEWER = '{ viewer { id } }';

interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `tessera` command as its own process (the server under test keeps answering meanwhile); `input` is its standard input. */
function tessera(args: string[], env: Record<string, string>, input = ''): Promise<CliRun> {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'cli', 'main.js'), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', TESSERA_TOKEN_PEPPER: TEST_PEPPER, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(input);
  return new Promise((resolve) => child.once('close', (status) => resolve({ status, stdout, stderr })));
}

/** The secret with its last checksum character changed: malformed. */

const viewerWorks = async (server: TestServer, bearer: string): Promise<boolean> => !(await server.gql(VIEWER, {}, bearer)).errors;

beforeAll(() => buildServer(), 180_000);

describe('tessera, the admin CLI', () => {
  let server: TestServer;
  let env: Record<string, string>;

  beforeAll(async () => {
    // No verified-token cache: a revocation made by another process shows on the next request.
    server = await startTestServer({ env: { TESSERA_TOKEN_CACHE_ENTRIES: '0' } });
    env = { DATABASE_URL: server.databaseUrl };
  }, 60_000);
  afterAll(() => server.stop());

  const cliEvents = () => server.db.manager.find(AuditEventEntity, { where: { requestId: Like('cli:%') }, order: { id: 'ASC' } });

  it('answers usage errors with exit code 2 and help with 0', async () => {
    expect((await tessera([], env)).status).toBe(2);
    const unknown = await tessera(['frobnicate'], env);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    expect((await tessera(['revoke-token'], env)).status).toBe(2);
    expect((await tessera(['create-admin'], env)).status).toBe(2);
    const help = await tessera(['--help'], env);
    expect(help.status).toBe(0);
    for (const command of ['migrate', 'create-admin', 'reset-password', 'revoke-token', 'revoke-user-tokens', 'prune', 'check-config', 'pepper-status']) expect(help.stdout).toContain(command);
  });

  it('check-config prints a summary without secrets (0), or the ConfigError line (1)', async () => {
    const good = await tessera(['check-config'], { DATABASE_URL: 'mysql://tessera:db-password-123@db.internal:3306/tessera', TESSERA_TOKEN_PEPPERS: `b:${PEPPER_B},default:${TEST_PEPPER}`, TESSERA_TOKEN_PEPPER: '' });
    expect(good.status).toBe(0);
    expect(good.stdout).toContain('Configuration is valid.');
    expect(good.stdout).toMatch(/database\s+mysql db\.internal:3306\/tessera/);
    expect(good.stdout).toMatch(/token peppers\s+b, default \(current: b\)/);
    for (const secret of ['db-password-123', PEPPER_B, TEST_PEPPER]) expect(good.stdout + good.stderr).not.toContain(secret);

    const bad = await tessera(['check-config'], { ...env, PORT: 'eighty' });
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim()).toBe('tessera: configuration error: PORT: must be a whole number (got "eighty")');
    const noPepper = await tessera(['check-config'], { ...env, TESSERA_TOKEN_PEPPER: '' });
    expect(noPepper.status).toBe(1);
    expect(noPepper.stderr).toContain('TESSERA_TOKEN_PEPPER: is required when NODE_ENV=production');
    const both = await tessera(['check-config'], { ...env, TESSERA_TOKEN_PEPPERS: `b:${PEPPER_B}` });
    expect(both.status).toBe(1);
    expect(both.stderr).toContain('TESSERA_TOKEN_PEPPERS: set either TESSERA_TOKEN_PEPPERS or TESSERA_TOKEN_PEPPER, not both');
    const duplicate = await tessera(['check-config'], { ...env, TESSERA_TOKEN_PEPPER: '', TESSERA_TOKEN_PEPPERS: `b:${PEPPER_B},b:${TEST_PEPPER}` });
    expect(duplicate.status).toBe(1);
    expect(duplicate.stderr).toContain('TESSERA_TOKEN_PEPPERS: the id "b" appears twice');
    expect(duplicate.stderr).not.toContain(PEPPER_B);
  });

  it('migrate applies pending migrations (audited), and other commands refuse an unmigrated database', async () => {
    const fresh = await createTestDatabase('cli-migrate');
    try {
      const refused = await tessera(['prune'], { DATABASE_URL: fresh.databaseUrl });
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain('pending migrations: run `tessera migrate` first');
      const migrated = await tessera(['migrate'], { DATABASE_URL: fresh.databaseUrl });
      expect(migrated.status).toBe(0);
      expect(migrated.stdout).toMatch(/^Applied \d+ migration\(s\): Identity/);
      const again = await tessera(['migrate'], { DATABASE_URL: fresh.databaseUrl });
      expect(again.stdout).toContain('The database is up to date.');
      expect((await tessera(['prune'], { DATABASE_URL: fresh.databaseUrl })).status).toBe(0);
    } finally {
      await fresh.cleanup();
    }
    expect((await tessera(['migrate'], env)).stdout).toContain('up to date');
  });

  it('create-admin reads the password from stdin, never argv; the admin signs in; audited as the system', async () => {
    const password = 'operator-chosen-password-1';
    const created = await tessera(['create-admin', '--email', 'Ops@Example.test', '--name', 'Ops'], env, `${password}\n`);
    expect(created.status).toBe(0);
    expect(created.stdout).toContain('Created platform admin ops@example.test');
    expect(created.stdout + created.stderr).not.toContain(password);
    const session = await login(server, 'ops@example.test', password);
    expect(ok(await server.gql('{ viewer { user { isPlatformAdmin } } }', {}, session)).viewer.user.isPlatformAdmin).toBe(true);

    expect((await tessera(['create-admin', '--email', 'ops@example.test'], env, `${password}\n`)).status).toBe(1);
    const short = await tessera(['create-admin', '--email', 'short@example.test'], env, 'short\n');
    expect(short.status).toBe(1);
    expect(short.stderr).toContain('longer than or equal to 12 characters');
    expect((await tessera(['create-admin', '--email', 'empty@example.test'], env, '')).status).toBe(1);

    const event = (await cliEvents()).find((e) => e.action === 'createUser')!;
    expect(event).toMatchObject({ actorId: null, outcome: 'SUCCESS' });
    expect(event.requestId).toMatch(/^cli:[0-9a-f-]{36}$/);
  });

  it('reset-password sets a person’s password from stdin and ends their sessions', async () => {
    const admin = await loginAsAdmin(server);
    const user = await createUser(server, admin, 'locked');

    const password = 'a-brand-new-password';
    const reset = await tessera(['reset-password', user.email], env, `${password}\n`);
    expect(reset.status).toBe(0);
    expect(reset.stdout + reset.stderr).not.toContain(password);
    expect(await viewerWorks(server, user.token)).toBe(false);
    expect(await login(server, user.email, password)).toMatch(/^tsess_/);
    expect(codeOf(await server.gql('mutation($input: LoginInput!) { login(input: $input) { sessionToken } }', { input: { email: user.email, password: USER_PASSWORD } }))).toBe('UNAUTHENTICATED');
    expect((await cliEvents()).some((e) => e.action === 'resetPassword' && e.targetId === user.id && e.actorId === null)).toBe(true);

    expect((await tessera(['reset-password', 'nobody@example.test'], env, `${password}\n`)).status).toBe(1);
    expect((await tessera(['reset-password', user.email], env, 'short\n')).status).toBe(1);
  });

  it('revoke-token --value reads the secret from stdin and revokes through the API’s revocation', async () => {
    const admin = await loginAsAdmin(server);
    const user = await createUser(server, admin, 'revoked');
    const token = await issueToken(server, user.token, { name: 'cli', scopes: ['api'], password: USER_PASSWORD });
    expect(await viewerWorks(server, token.secret)).toBe(true);

    const revoked = await tessera(['revoke-token', '--value'], env, `${token.secret}\n`);
    expect(revoked.status).toBe(0);
    expect(revoked.stdout).toContain(`Access token ${token.id}`);
    expect(revoked.stdout + revoked.stderr).not.toContain(token.secret);
    expect(await viewerWorks(server, token.secret)).toBe(false);
    const row = await server.db.manager.findOneByOrFail(AccessTokenEntity, { id: token.id });
    expect(row).toMatchObject({ revokedById: null, revocationReason: 'revoked by an operator' });
    expect((await cliEvents()).some((e) => e.action === 'revokeAccessToken' && e.targetId === token.id)).toBe(true);

    const other = await issueToken(server, user.token, { name: 'by id', scopes: ['api'], password: USER_PASSWORD });
    expect((await tessera(['revoke-token', other.id, '--reason', 'laptop lost'], env)).status).toBe(0);
    expect(await viewerWorks(server, other.secret)).toBe(false);

    const unknown = await tessera(['revoke-token', '--value'], env, `${generateSecret(SECRET_PREFIXES.personalAccessToken)}\n`);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('no access token has that secret');
    expect((await tessera(['revoke-token', '--value'], env, 'not-a-token\n')).status).toBe(1);
    expect((await tessera(['revoke-token', '--value'], env, `${withBadChecksum(token.secret)}\n`)).status).toBe(1);
    expect((await tessera(['revoke-token', '--value'], env, '')).status).toBe(1);
    expect((await tessera(['revoke-token', '--value', other.id], env)).status).toBe(2);
  });

  it('revoke-user-tokens revokes every token and session of an account for good but keeps the account', async () => {
    const admin = await loginAsAdmin(server);
    const user = await createUser(server, admin, 'compromised');
    const token = await issueToken(server, user.token, { name: 'a', scopes: ['api'], password: USER_PASSWORD });
    const done = await tessera(['revoke-user-tokens', user.email], env);
    expect(done.status).toBe(0);
    expect(await viewerWorks(server, token.secret)).toBe(false);
    expect(await viewerWorks(server, user.token)).toBe(false);
    const session = await login(server, user.email, USER_PASSWORD);
    expect(await viewerWorks(server, session)).toBe(true);
    const restore = await server.gql('mutation($input: AccessTokenIdInput!) { restoreAccessToken(input: $input) { accessToken { id } } }', { input: { id: token.id } }, admin);
    expect(codeOf(restore)).toBe('CONFLICT');
    expect((await cliEvents()).some((e) => e.action === 'revokeUserCredentials' && e.targetId === user.id)).toBe(true);
    expect((await tessera(['revoke-user-tokens', 'nobody@example.test'], env)).status).toBe(1);
  });

  it('prune deletes ended sessions and old usage rows, audited', async () => {
    const session = await loginAsAdmin(server);
    ok(await server.gql('mutation { logout { success } }', {}, session));
    const pruned = await tessera(['prune'], env);
    expect(pruned.status).toBe(0);
    const [, sessions] = /Deleted (\d+) sessions/.exec(pruned.stdout)!;
    expect(Number(sessions)).toBeGreaterThanOrEqual(1);
    expect((await cliEvents()).some((e) => e.action === 'prune')).toBe(true);
    expect((await tessera(['prune'], { DATABASE_URL: server.databaseUrl.includes('://') ? server.databaseUrl.replace(/\/[^/]+$/, '/no_such_database_here') : '/nonexistent-dir/x/y.sqlite' })).status).toBe(1);
  });
});

describe('pepper rotation', () => {
  const keyring = (peppers: string) => ({ TESSERA_TOKEN_PEPPER: '', TESSERA_TOKEN_PEPPERS: peppers, TESSERA_TOKEN_CACHE_ENTRIES: '0' });
  let first: TestServer;
  const servers: RunningServer[] = [];

  afterAll(async () => {
    for (const server of servers) await server.stop();
    await first.stop();
  });

  /** The same database, served again under another keyring. */
  async function restart(peppers: string, sqlLogger?: QueryCounter): Promise<TestServer> {
    const config = loadConfig({ NODE_ENV: 'test', PORT: '0', DATABASE_URL: first.databaseUrl, TESSERA_LOG_LEVEL: 'warn', ...keyring(peppers) });
    const running = await startServer(config, { print: () => undefined, sqlLogger });
    servers.push(running);
    const gql = async (query: string, variables?: Record<string, unknown>, token?: string) => {
      const response = await fetch(`${running.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify({ query, variables }) });
      const body = (await response.json()) as { data?: any; errors?: any };
      return { status: response.status, headers: response.headers, data: body.data, errors: body.errors };
    };
    const stop = async () => {
      servers.splice(servers.indexOf(running), 1);
      await running.stop();
    };
    return { ...first, ...running, config, stop, stopServer: stop, gql } as TestServer;
  }

  const status = async (peppers: string) => {
    const run = await tessera(['pepper-status', '--json'], { DATABASE_URL: first.databaseUrl, ...keyring(peppers) });
    expect(run.status).toBe(0);
    return JSON.parse(run.stdout) as { rows: Record<string, Record<string, number>>; onOldPeppers: number; onUnknownPeppers: number };
  };

  it('keeps what pepper A made working under "B,A", moves each row to B on use, and drops A’s unused rows once A is removed', async () => {
    first = await startTestServer({ env: { TESSERA_TOKEN_CACHE_ENTRIES: '0' } });
    const admin = await loginAsAdmin(first);
    const user = await createUser(first, admin, 'rotating');
    const used = await issueToken(first, user.token, { name: 'used', scopes: ['api'], password: USER_PASSWORD });
    const unused = await issueToken(first, user.token, { name: 'unused', scopes: ['api'], password: USER_PASSWORD });
    const idleSession = await login(first, user.email, USER_PASSWORD);
    const client = await createOAuthClient(first, admin, { clientId: 'rotating-client', type: 'CONFIDENTIAL' });
    const clientToken = await createClientToken(first, user.token, client.id);
    await first.stopServer();

    // B first, A ("default", the id of TESSERA_TOKEN_PEPPER) after it.
    const both = `b:${PEPPER_B},default:${TEST_PEPPER}`;
    const before = await status(both);
    expect(before.rows.accessTokens).toEqual({ default: 3 });
    expect(before.rows.refreshTokens).toEqual({ default: 1 });
    expect(before.rows.oauthClientSecrets).toEqual({ default: 1 });
    expect(before.rows.sessions.default).toBeGreaterThanOrEqual(3);

    const queries = new QueryCounter();
    const second = await restart(both, queries);
    const lookups = (statements: string[]) => statements.filter((sql) => /FROM access_tokens t INNER JOIN users u/.test(sql)).length;
    // A token of A: one lookup under B (miss), one under A (hit).
    expect(lookups(await queries.during(async () => expect(await viewerWorks(second, used.secret)).toBe(true)))).toBe(2);
    expect(await viewerWorks(second, user.token)).toBe(true);
    expect(await viewerWorks(second, admin)).toBe(true);
    const refreshed = await postForm(second, '/oauth/token', { grant_type: 'refresh_token', refresh_token: clientToken.refreshToken }, basicAuth(client.clientId, client.clientSecret!));
    expect(refreshed.status).toBe(200);
    await second.services.peppers.settle();
    // Moved: one lookup under B now. A malformed token costs none; an unknown one, one per pepper.
    expect(lookups(await queries.during(async () => expect(await viewerWorks(second, used.secret)).toBe(true)))).toBe(1);
    expect(lookups(await queries.during(async () => expect(await viewerWorks(second, withBadChecksum(used.secret))).toBe(false)))).toBe(0);
    expect(lookups(await queries.during(async () => expect(await viewerWorks(second, generateSecret(SECRET_PREFIXES.personalAccessToken))).toBe(false)))).toBe(2);
    const fresh = await issueToken(second, user.token, { name: 'fresh', scopes: ['api'], password: USER_PASSWORD });
    expect((await second.db.manager.findOneByOrFail(AccessTokenEntity, { id: fresh.id })).pepperId).toBe('b');

    const during = await status(both);
    // Only what was not used stays on A: one token and the idle session.
    expect(during.rows.accessTokens).toEqual({ b: 3, default: 1 });
    expect(during.rows.refreshTokens).toEqual({ b: 1 });
    expect(during.rows.oauthClientSecrets).toEqual({ b: 1 });
    expect(during.rows.sessions.default).toBe(1);
    expect(during.onOldPeppers).toBe(2);
    await second.stop();

    // A retired: what moved to B works; what never moved (a token and a session) no longer does.
    const third = await restart(`b:${PEPPER_B}`);
    expect(await viewerWorks(third, used.secret)).toBe(true);
    expect(await viewerWorks(third, user.token)).toBe(true);
    expect(await viewerWorks(third, fresh.secret)).toBe(true);
    expect(await viewerWorks(third, unused.secret)).toBe(false);
    expect(await viewerWorks(third, idleSession)).toBe(false);
    const refreshedAgain = await postForm(third, '/oauth/token', { grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token as string }, basicAuth(client.clientId, client.clientSecret!));
    expect(refreshedAgain.status).toBe(200);
    const after = await status(`b:${PEPPER_B}`);
    expect(after.onUnknownPeppers).toBe(2);
    expect(after.rows.accessTokens.default).toBe(1);
    expect(after.rows.sessions.default).toBe(1);
  }, 120_000);
});
