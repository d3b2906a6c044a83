import { createHash } from 'node:crypto';
import { SessionEntity } from '../../../src/modules/session/session.entity';
import { USER_PASSWORD, codeOf, loginAsAdmin, ok } from '../../support/fixtures';
import {
  Cast,
  OPS,
  REFUSED_UNAUTHENTICATED,
  auditEventsWhere,
  countRows,
  createCast,
  createPerson,
  expectAudited,
  expectBadInput,
  expectRefused,
  expireSessions,
  tokenOf,
  withoutWrites,
} from '../../support/identity-fixtures';
import { TestServer, startTestServer } from '../../support/test-server';

const MAX_ATTEMPTS = 3;
const SESSION_TTL_SECONDS = 60;
const SESSION_TOKEN = /^tsess_[0-9A-Za-z]{30}_[0-9A-Za-z]{6}$/;

describe('signing in and out', () => {
  let server: TestServer;
  let adminToken: string;
  let cast: Cast;

  beforeAll(async () => {
    server = await startTestServer({
      label: 'identity_sessions',
      env: { TESSERA_LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: String(MAX_ATTEMPTS), TESSERA_SESSION_TTL_SECONDS: String(SESSION_TTL_SECONDS) },
    });
    adminToken = await loginAsAdmin(server);
    cast = await createCast(server, adminToken);
  });
  afterAll(() => server.stop());

  const loginWith = (email: string, password: string) => server.gql(OPS.login, { input: { email, password } });

  describe('login', () => {
    it('returns a tsess_ session token valid for the session TTL, and the user', async () => {
      const person = await createPerson(server, adminToken, 'ana');
      const startedAt = Date.now();
      const response = await loginWith(person.email, USER_PASSWORD);
      const { login } = ok(response);

      expect(login.sessionToken).toMatch(SESSION_TOKEN);
      expect(login.user).toEqual({ id: person.id, email: person.email });
      const expiresAt = new Date(login.expiresAt).getTime();
      expect(expiresAt).toBeGreaterThanOrEqual(startedAt + SESSION_TTL_SECONDS * 1000 - 1000);
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + SESSION_TTL_SECONDS * 1000 + 1000);

      const viewer = ok(await server.gql(OPS.viewer, {}, login.sessionToken));
      expect(viewer.viewer).toMatchObject({ authMethod: 'SESSION', user: { id: person.id, email: person.email } });
      // createPerson signed in once already; this is the second session.
      expect(await countRows(server, SessionEntity, { userId: person.id })).toBe(2);
    });

    it('writes a login audit event for the new session', async () => {
      const person = await createPerson(server, adminToken, 'audited');
      const session = await server.db.manager.findOneByOrFail(SessionEntity, { userId: person.id });
      const event = await expectAudited(server, 'login', session.id);
      expect(event).toMatchObject({ actorId: person.id, targetType: 'Session' });
    });

    it('accepts the e-mail address in another case', async () => {
      const person = await createPerson(server, adminToken, 'casey');
      const { login } = ok(await loginWith(person.email.toUpperCase(), USER_PASSWORD));
      expect(login.user.id).toBe(person.id);
    });

    it('answers an unknown e-mail and a wrong password alike (UNAUTHENTICATED, same message) and opens no session', async () => {
      const person = await createPerson(server, adminToken, 'bob');
      const [unknown, wrong] = await withoutWrites(server, () =>
        Promise.all([loginWith('nobody-at-all@example.test', USER_PASSWORD), loginWith(person.email, 'not-the-password')]),
      );
      expectRefused(unknown, 'UNAUTHENTICATED');
      expectRefused(wrong, 'UNAUTHENTICATED');
      expect(wrong.errors![0].message).toBe(unknown.errors![0].message);
      expect(wrong.errors![0].message).not.toContain(person.email);
    });

    it.each([
      ['an e-mail that is not one', { email: 'not-an-email', password: USER_PASSWORD }, 'input.email'],
      ['an empty e-mail', { email: '', password: USER_PASSWORD }, 'input.email'],
      ['an e-mail over 254 characters', { email: `${'a'.repeat(250)}@example.test`, password: USER_PASSWORD }, 'input.email'],
      ['a password over 256 characters', { email: 'someone@example.test', password: 'p'.repeat(257) }, 'input.password'],
      ['a password of the wrong type', { email: 'someone@example.test', password: 12345678901234 }, 'input.password'],
      ['no password', { email: 'someone@example.test' }, 'input.password'],
    ])('refuses %s with BAD_USER_INPUT naming the field, opening no session', async (_label, input, field) => {
      const response = await withoutWrites(server, () => server.gql(OPS.login, { input }));
      expectBadInput(response, field);
    });
  });

  describe('login throttling', () => {
    it(`refuses the ${MAX_ATTEMPTS + 1}th attempt after ${MAX_ATTEMPTS} failures, even with the right password: RATE_LIMITED with retryAfterSeconds`, async () => {
      const person = await createPerson(server, adminToken, 'throttled');
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
        expect(codeOf(await loginWith(person.email, `wrong-password-${attempt}`))).toBe('UNAUTHENTICATED');
      }

      const limited = await withoutWrites(server, () => loginWith(person.email, USER_PASSWORD));
      expectRefused(limited, 'RATE_LIMITED');
      const retryAfter = limited.errors![0].extensions.retryAfterSeconds;
      expect(typeof retryAfter).toBe('number');
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(900);
    });

    it('throttles per account: another account still signs in', async () => {
      const throttled = await createPerson(server, adminToken, 'throttled-too');
      const other = await createPerson(server, adminToken, 'unthrottled');
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) await loginWith(throttled.email, 'wrong-password');
      expect(codeOf(await loginWith(throttled.email, USER_PASSWORD))).toBe('RATE_LIMITED');

      expect(ok(await loginWith(other.email, USER_PASSWORD)).login.sessionToken).toMatch(SESSION_TOKEN);
    });

    it('resets the account counter on a successful sign-in', async () => {
      const person = await createPerson(server, adminToken, 'forgetful');
      for (let round = 1; round <= 2; round += 1) {
        for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt += 1) {
          expect(codeOf(await loginWith(person.email, 'wrong-password'))).toBe('UNAUTHENTICATED');
        }
        // Without the reset, the second round would exceed MAX_ATTEMPTS failures in the window.
        expect(ok(await loginWith(person.email, USER_PASSWORD)).login.user.id).toBe(person.id);
      }
    });
  });

  describe('logout', () => {
    it('ends the current session: the next request with it answers HTTP 401 UNAUTHENTICATED', async () => {
      const person = await createPerson(server, adminToken, 'leaving');
      const { logout } = ok(await server.gql(OPS.logout, {}, person.token));
      expect(logout).toEqual({ success: true });

      const after = await server.gql(OPS.viewer, {}, person.token);
      expectRefused(after, 'UNAUTHENTICATED', 401);
      expect(after.headers.get('www-authenticate')).toContain('Bearer');
      const session = await server.db.manager.findOneByOrFail(SessionEntity, { userId: person.id });
      expect(session.endedAt).toBeInstanceOf(Date);
      await expectAudited(server, 'logout', session.id);
    });

    it("ends only that session: the user's other sessions go on", async () => {
      const person = await createPerson(server, adminToken, 'two-tabs');
      const { login: second } = ok(await loginWith(person.email, USER_PASSWORD));
      ok(await server.gql(OPS.logout, {}, person.token));

      expect(ok(await server.gql(OPS.viewer, {}, second.sessionToken)).viewer.user.id).toBe(person.id);
      const open = await server.db.manager.findBy(SessionEntity, { userId: person.id });
      expect(open.filter((s) => s.endedAt === null)).toHaveLength(1);
    });

    it.each(REFUSED_UNAUTHENTICATED)('refuses $label with $code', async ({ role, code, status }) => {
      const response = await withoutWrites(server, () => server.gql(OPS.logout, {}, tokenOf(cast, role)));
      expectRefused(response, code, status);
    });
  });

  describe('expired sessions', () => {
    it('refuses a session past its expiresAt with HTTP 401, for queries and mutations alike, writing nothing', async () => {
      const person = await createPerson(server, adminToken, 'late');
      const session = await server.db.manager.findOneByOrFail(SessionEntity, { userId: person.id });
      expect(session.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + SESSION_TTL_SECONDS * 1000);
      expect(ok(await server.gql(OPS.viewer, {}, person.token)).viewer.user.id).toBe(person.id);

      await expireSessions(server, person.id);

      expectRefused(await server.gql(OPS.viewer, {}, person.token), 'UNAUTHENTICATED', 401);
      const mutation = await withoutWrites(server, () => server.gql(OPS.createOrganization, { input: { name: 'Too late' } }, person.token));
      expectRefused(mutation, 'UNAUTHENTICATED', 401);
    });
  });

  describe('session secrets', () => {
    it('stores only a 64-hex keyed hash of each session token, never the token itself', async () => {
      const person = await createPerson(server, adminToken, 'secretive');
      const [session] = await server.db.manager.findBy(SessionEntity, { userId: person.id });

      expect(session.tokenHash).toMatch(/^[0-9a-f]{64}$/);
      expect(session.tokenHash).not.toBe(createHash('sha256').update(person.token).digest('hex'));
      const random = person.token.split('_')[1];
      const rows = JSON.stringify(await server.db.manager.find(SessionEntity));
      expect(rows).not.toContain(random);
      const events = JSON.stringify(await auditEventsWhere(server, {}));
      expect(events).not.toContain(random);
    });
  });
});
