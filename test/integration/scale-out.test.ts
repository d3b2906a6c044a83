import { AccessTokenEntity } from '../../src/modules/access-token/access-token.entity';
import { recordTokenRevocations } from '../../src/modules/access-token/token-revocations';
import { RunningServer, startServer } from '../../src/server';
import { ADMIN_EMAIL, TestServer, startTestServer, testDatabase } from '../support/test-server';
import { codeOf, loginAsAdmin, ok } from '../support/fixtures';
import { issueToken } from '../support/token-helpers';

const LOGIN = 'mutation($input: LoginInput!) { login(input: $input) { sessionToken } }';

/**
 * How soon the other instance must refuse a revoked token. It polls every 50 ms (the measured p99 across
 * processes is in docs/BENCHMARKS.md); the bound has to tell the poll from the 5 s a cached entry lives, with
 * room for this one process, running both servers and the test on a loaded 2-core machine, to stall for a
 * second (500 ms was once exceeded at 1,280 ms in a clean-clone CI run).
 */
const PROPAGATION_BOUND_MS = 1500;

/** Two instances on one database, as behind a load balancer. */
describe('several instances on one database', () => {
  let first: TestServer;
  let second: RunningServer;

  beforeAll(async () => {
    first = await startTestServer({ label: 'scale_out', env: { TESSERA_LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: '3' } });
    second = await startServer(first.config, { print: () => undefined });
  });
  afterAll(async () => {
    await second.stop();
    await first.stop();
  });

  const loginOn = async (url: string, password: string) => {
    const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: LOGIN, variables: { input: { email: ADMIN_EMAIL, password } } }) });
    return (await response.json()) as { errors?: Array<{ extensions: { code: string } }> };
  };

  it('refuses a token revoked on one instance on the other within the poll interval (the other had it cached)', async () => {
    const admin = await loginAsAdmin(first);
    const token = await issueToken(first, admin, { scopes: ['api'], password: 'admin-password-for-tests' });
    const viewerOnSecond = () => fetch(`${second.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token.secret}` }, body: '{"query":"{ viewer { authMethod } }"}' });
    expect((await viewerOnSecond()).status).toBe(200);
    expect((await viewerOnSecond()).status).toBe(200);
    ok(await first.gql('mutation($id: ID!) { revokeAccessToken(input: { id: $id }) { accessToken { id } } }', { id: token.id }, admin));
    const answered = Date.now();
    let acceptedAfter = 0;
    while ((await viewerOnSecond()).status === 200) {
      acceptedAfter += 1;
      expect(Date.now() - answered).toBeLessThan(2000);
    }
    const refusedAfterMs = Date.now() - answered;
    expect(refusedAfterMs).toBeLessThan(PROPAGATION_BOUND_MS);
    expect((await viewerOnSecond()).status).toBe(401);
    process.stdout.write(`revocation seen on the other instance after ${refusedAfterMs} ms (${acceptedAfter} requests accepted meanwhile)\n`);
  });

  // MySQL hands out an event id when the row is inserted, not when it commits: a later id can commit first.
  (testDatabase() === 'mysql' ? it : it.skip)('applies a revocation whose event id committed after a later one', async () => {
    const admin = await loginAsAdmin(first);
    const slow = await issueToken(first, admin, { scopes: ['api'], password: 'admin-password-for-tests' });
    const quick = await issueToken(first, admin, { scopes: ['api'], password: 'admin-password-for-tests' });
    const statusOnSecond = async (secret: string) => (await fetch(`${second.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` }, body: '{"query":"{ viewer { authMethod } }"}' })).status;
    expect(await statusOnSecond(slow.secret)).toBe(200);
    expect(await statusOnSecond(quick.secret)).toBe(200);
    const open = first.db.createQueryRunner();
    await open.startTransaction();
    await open.manager.update(AccessTokenEntity, { id: slow.id }, { revokedAt: new Date() });
    await recordTokenRevocations(open.manager, { tokenIds: [slow.id] });
    ok(await first.gql('mutation($id: ID!) { revokeAccessToken(input: { id: $id }) { accessToken { id } } }', { id: quick.id }, admin));
    const until = async (secret: string) => {
      const from = Date.now();
      while ((await statusOnSecond(secret)) === 200) expect(Date.now() - from).toBeLessThan(2000);
      return Date.now() - from;
    };
    expect(await until(quick.secret)).toBeLessThan(PROPAGATION_BOUND_MS);
    expect(await statusOnSecond(slow.secret)).toBe(200);
    await open.commitTransaction();
    await open.release();
    // Well inside the 5 s an entry lives: the skipped id was looked for again.
    expect(await until(slow.secret)).toBeLessThan(PROPAGATION_BOUND_MS);
  });

  it(testDatabase() === 'mysql' ? 'shares sign-in failure counts: the other instance refuses after at most one more failure' : 'counts sign-in failures per instance on SQLite (one instance is the supported setup)', async () => {
    for (let i = 0; i < 3; i += 1) expect((await loginOn(first.url, 'wrong-password-attempt'))).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(codeOf({ status: 200, headers: new Headers(), errors: (await loginOn(first.url, 'wrong-password-attempt')).errors as never })).toBe('RATE_LIMITED');
    const next = await loginOn(second.url, 'wrong-password-attempt');
    const after = await loginOn(second.url, 'wrong-password-attempt');
    if (testDatabase() === 'mysql') {
      expect(next.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
      expect(after.errors?.[0].extensions.code).toBe('RATE_LIMITED');
    } else {
      expect([next, after].map((r) => r.errors?.[0].extensions.code)).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED']);
    }
  });
});
