import { verify } from '@node-rs/argon2';
import { SessionEntity } from '../../../src/modules/session/session.entity';
import { UserEntity } from '../../../src/modules/user/user.entity';
import { USER_PASSWORD, codeOf, login, loginAsAdmin, ok } from '../../support/fixtures';
import {
  Cast,
  OPS,
  Person,
  REFUSED_NON_PLATFORM_ADMIN,
  REFUSED_UNAUTHENTICATED,
  UNKNOWN_ID,
  createCast,
  createPerson,
  expectAudited,
  expectBadInput,
  expectRefused,
  tokenOf,
  withoutWrites,
} from '../../support/identity-fixtures';
import { ADMIN_EMAIL, TestServer, startTestServer } from '../../support/test-server';

type UserPage = {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  edges: Array<{ cursor: string; node: { id: string; email: string; status: string } }>;
};

const NEW_PASSWORD = 'a-brand-new-password';
const inOneDay = () => new Date(Date.now() + 24 * 3600 * 1000).toISOString();
const oneMinuteAgo = () => new Date(Date.now() - 60 * 1000).toISOString();

describe('user accounts', () => {
  let server: TestServer;
  let adminToken: string;
  let adminId: string;
  let cast: Cast;

  beforeAll(async () => {
    server = await startTestServer({ label: 'identity_users' });
    adminToken = await loginAsAdmin(server);
    adminId = ok(await server.gql(OPS.viewer, {}, adminToken)).viewer.user.id;
    cast = await createCast(server, adminToken);
  });
  afterAll(() => server.stop());

  const userRow = (id: string) => server.db.manager.findOneByOrFail(UserEntity, { id });
  const loginWith = (email: string, password: string) => server.gql(OPS.login, { input: { email, password } });
  let emailSequence = 0;
  const freshEmail = (name: string) => `${name}-${(emailSequence += 1)}@users.example.test`;

  describe('createUser', () => {
    it('lets a platform admin create a person, who can then sign in; only an argon2id hash of the password is stored', async () => {
      const email = freshEmail('carla');
      const { createUser } = ok(await server.gql(OPS.createUser, { input: { email: email.toUpperCase(), displayName: ' Carla ', password: USER_PASSWORD } }, adminToken));

      expect(createUser.user).toEqual({ id: expect.any(String), email, displayName: 'Carla', status: 'ACTIVE', isPlatformAdmin: false, validUntil: null });
      const row = await userRow(createUser.user.id);
      expect(row.passwordHash).toMatch(/^\$argon2id\$/);
      expect(row.passwordHash).not.toContain(USER_PASSWORD);
      expect(await verify(row.passwordHash!, USER_PASSWORD)).toBe(true);
      await expectAudited(server, 'createUser', createUser.user.id);
      expect(ok(await loginWith(email, USER_PASSWORD)).login.user.id).toBe(createUser.user.id);
    });

    it('creates platform admins and accounts with a validity date when asked', async () => {
      const validUntil = inOneDay();
      const { createUser } = ok(
        await server.gql(OPS.createUser, { input: { email: freshEmail('root'), displayName: 'Root', password: USER_PASSWORD, isPlatformAdmin: true, validUntil } }, adminToken),
      );
      expect(createUser.user).toMatchObject({ isPlatformAdmin: true, validUntil });
    });

    it.each(REFUSED_NON_PLATFORM_ADMIN)('refuses $label with $code, creating nobody', async ({ role, code, status }) => {
      const input = { email: freshEmail('intruder'), displayName: 'Intruder', password: USER_PASSWORD };
      const response = await withoutWrites(server, () => server.gql(OPS.createUser, { input }, tokenOf(cast, role)));
      expectRefused(response, code, status);
    });

    it('refuses an e-mail address already in use, in any case, with CONFLICT naming input.email', async () => {
      const response = await withoutWrites(server, () =>
        server.gql(OPS.createUser, { input: { email: cast.member.email.toUpperCase(), displayName: 'Twin', password: USER_PASSWORD } }, adminToken),
      );
      expectRefused(response, 'CONFLICT');
      expect(response.errors![0].extensions.fields).toEqual([expect.objectContaining({ field: 'input.email' })]);
    });

    it.each([
      ['an e-mail that is not one', { email: 'not-an-email' }, 'input.email'],
      ['an empty e-mail', { email: '' }, 'input.email'],
      ['an e-mail over 254 characters', { email: `${'a'.repeat(250)}@example.test` }, 'input.email'],
      ['an empty display name', { displayName: '' }, 'input.displayName'],
      ['a blank display name', { displayName: '   ' }, 'input.displayName'],
      ['a display name over 100 characters', { displayName: 'n'.repeat(101) }, 'input.displayName'],
      ['a password under 12 characters', { password: 'short' }, 'input.password'],
      ['a password over 256 characters', { password: 'p'.repeat(257) }, 'input.password'],
      ['a display name of the wrong type', { displayName: 42 }, 'input.displayName'],
      ['isPlatformAdmin of the wrong type', { isPlatformAdmin: 'yes' }, 'input.isPlatformAdmin'],
      ['a validUntil that is not a date', { validUntil: 'tomorrow' }, 'input.validUntil'],
    ])('refuses %s with BAD_USER_INPUT naming the field, creating nobody', async (_label, change, field) => {
      const input = { email: freshEmail('valid'), displayName: 'Valid', password: USER_PASSWORD, ...change };
      const response = await withoutWrites(server, () => server.gql(OPS.createUser, { input }, adminToken));
      expectBadInput(response, field);
    });
  });

  describe('updateUser', () => {
    let subject: Person;
    beforeAll(async () => {
      subject = await createPerson(server, adminToken, 'subject');
    });

    it("lets a platform admin change a person's e-mail, name, validity date and platform admin rights", async () => {
      const email = freshEmail('renamed');
      const validUntil = inOneDay();
      const { updateUser } = ok(
        await server.gql(OPS.updateUser, { input: { id: subject.id, email, displayName: 'Renamed', validUntil, isPlatformAdmin: true } }, adminToken),
      );
      expect(updateUser.user).toEqual({ id: subject.id, email, displayName: 'Renamed', status: 'ACTIVE', isPlatformAdmin: true, validUntil });
      expect(await userRow(subject.id)).toMatchObject({ email, displayName: 'Renamed', isPlatformAdmin: true, validUntil: new Date(validUntil) });
      await expectAudited(server, 'updateUser', subject.id);
      subject.email = email;
    });

    it('leaves omitted fields alone and clears validUntil when sent null', async () => {
      const before = await userRow(subject.id);
      const { updateUser } = ok(await server.gql(OPS.updateUser, { input: { id: subject.id, validUntil: null, isPlatformAdmin: false } }, adminToken));
      expect(updateUser.user).toMatchObject({ email: before.email, displayName: before.displayName, validUntil: null, isPlatformAdmin: false });
    });

    it.each(REFUSED_NON_PLATFORM_ADMIN)('refuses $label with $code, changing nothing', async ({ role, code, status }) => {
      const response = await withoutWrites(server, () =>
        server.gql(OPS.updateUser, { input: { id: subject.id, displayName: 'Hijacked', isPlatformAdmin: true } }, tokenOf(cast, role)),
      );
      expectRefused(response, code, status);
    });

    it('refuses a person granting themselves platform admin rights (FORBIDDEN)', async () => {
      const response = await withoutWrites(server, () => server.gql(OPS.updateUser, { input: { id: cast.member.id, isPlatformAdmin: true } }, cast.member.token));
      expectRefused(response, 'FORBIDDEN');
    });

    it('refuses an e-mail address already in use with CONFLICT naming input.email', async () => {
      const response = await withoutWrites(server, () => server.gql(OPS.updateUser, { input: { id: subject.id, email: cast.viewer.email } }, adminToken));
      expectRefused(response, 'CONFLICT');
      expect(response.errors![0].extensions.fields).toEqual([expect.objectContaining({ field: 'input.email' })]);
    });

    it('refuses a platform admin withdrawing their own platform admin rights (BAD_USER_INPUT on input.isPlatformAdmin)', async () => {
      const response = await withoutWrites(server, () => server.gql(OPS.updateUser, { input: { id: adminId, isPlatformAdmin: false } }, adminToken));
      expectBadInput(response, 'input.isPlatformAdmin');
    });

    it.each([
      ['an e-mail that is not one', { email: 'nope' }, 'input.email'],
      ['an empty display name', { displayName: '' }, 'input.displayName'],
      ['a blank display name', { displayName: '  ' }, 'input.displayName'],
      ['a display name over 100 characters', { displayName: 'n'.repeat(101) }, 'input.displayName'],
      ['an id that is not a UUID', { id: 'not-a-uuid' }, 'input.id'],
      ['isPlatformAdmin of the wrong type', { isPlatformAdmin: 1 }, 'input.isPlatformAdmin'],
    ])('refuses %s with BAD_USER_INPUT naming the field, changing nothing', async (_label, change, field) => {
      const response = await withoutWrites(server, () => server.gql(OPS.updateUser, { input: { id: subject.id, ...change } }, adminToken));
      expectBadInput(response, field);
    });

    it('answers an unknown user with NOT_FOUND', async () => {
      const response = await withoutWrites(server, () => server.gql(OPS.updateUser, { input: { id: UNKNOWN_ID, displayName: 'Ghost' } }, adminToken));
      expectRefused(response, 'NOT_FOUND');
    });
  });

  describe('deactivateUser and reactivateUser', () => {
    it('deactivates a person: they cannot sign in (same error as a wrong password) and their open session stops working at once', async () => {
      const person = await createPerson(server, adminToken, 'leaver');
      expect(ok(await server.gql(OPS.viewer, {}, person.token)).viewer.user.id).toBe(person.id);

      const { deactivateUser } = ok(await server.gql(OPS.deactivateUser, { input: { id: person.id } }, adminToken));
      expect(deactivateUser.user).toEqual({ id: person.id, status: 'DEACTIVATED' });
      expect((await userRow(person.id)).status).toBe('DEACTIVATED');
      await expectAudited(server, 'deactivateUser', person.id);

      expectRefused(await server.gql(OPS.viewer, {}, person.token), 'UNAUTHENTICATED', 401);
      const refused = await withoutWrites(server, () => loginWith(person.email, USER_PASSWORD));
      const wrongPassword = await loginWith(cast.member.email, 'not-the-password');
      expectRefused(refused, 'UNAUTHENTICATED');
      expect(refused.errors![0].message).toBe(wrongPassword.errors![0].message);
    });

    it('reactivates a person: they sign in again, but sessions ended by the deactivation stay ended', async () => {
      const person = await createPerson(server, adminToken, 'returner');
      ok(await server.gql(OPS.deactivateUser, { input: { id: person.id } }, adminToken));

      const { reactivateUser } = ok(await server.gql(OPS.reactivateUser, { input: { id: person.id } }, adminToken));
      expect(reactivateUser.user).toEqual({ id: person.id, status: 'ACTIVE' });
      await expectAudited(server, 'reactivateUser', person.id);

      expectRefused(await server.gql(OPS.viewer, {}, person.token), 'UNAUTHENTICATED', 401);
      const fresh = await login(server, person.email, USER_PASSWORD);
      expect(ok(await server.gql(OPS.viewer, {}, fresh)).viewer.user.id).toBe(person.id);
    });

    describe.each(['deactivateUser', 'reactivateUser'] as const)('%s', (mutation) => {
      it.each(REFUSED_NON_PLATFORM_ADMIN)('refuses $label with $code, changing nothing', async ({ role, code, status }) => {
        const target = mutation === 'deactivateUser' ? cast.member.id : cast.deactivated.id;
        const response = await withoutWrites(server, () => server.gql(OPS[mutation], { input: { id: target } }, tokenOf(cast, role)));
        expectRefused(response, code, status);
      });

      it('answers an unknown user with NOT_FOUND and an id that is not a UUID with BAD_USER_INPUT on input.id', async () => {
        expectRefused(await withoutWrites(server, () => server.gql(OPS[mutation], { input: { id: UNKNOWN_ID } }, adminToken)), 'NOT_FOUND');
        expectBadInput(await withoutWrites(server, () => server.gql(OPS[mutation], { input: { id: 'x' } }, adminToken)), 'input.id');
      });
    });

    it('refuses a platform admin deactivating their own account (BAD_USER_INPUT on input.id)', async () => {
      const response = await withoutWrites(server, () => server.gql(OPS.deactivateUser, { input: { id: adminId } }, adminToken));
      expectBadInput(response, 'input.id');
    });
  });

  describe('validity date', () => {
    it('refuses sign-in to a person whose validUntil has passed, with the same error as a wrong password', async () => {
      const email = freshEmail('expired-account');
      ok(await server.gql(OPS.createUser, { input: { email, displayName: 'Expired', password: USER_PASSWORD, validUntil: oneMinuteAgo() } }, adminToken));

      const refused = await withoutWrites(server, () => loginWith(email, USER_PASSWORD));
      const wrongPassword = await loginWith(cast.member.email, 'not-the-password');
      expectRefused(refused, 'UNAUTHENTICATED');
      expect(refused.errors![0].message).toBe(wrongPassword.errors![0].message);
    });

    it("ends an open session as soon as the account's validUntil is moved into the past", async () => {
      const person = await createPerson(server, adminToken, 'temp', { validUntil: inOneDay() });
      expect(ok(await server.gql(OPS.viewer, {}, person.token)).viewer.user.id).toBe(person.id);

      ok(await server.gql(OPS.updateUser, { input: { id: person.id, validUntil: oneMinuteAgo() } }, adminToken));

      expectRefused(await server.gql(OPS.viewer, {}, person.token), 'UNAUTHENTICATED', 401);
    });
  });

  describe('changePassword', () => {
    const change = (token: string | undefined, currentPassword: string, newPassword = NEW_PASSWORD) =>
      server.gql(OPS.changePassword, { input: { currentPassword, newPassword } }, token);

    it("changes the caller's password, ends their other sessions and keeps the current one", async () => {
      const person = await createPerson(server, adminToken, 'rotating');
      const other = await login(server, person.email, USER_PASSWORD);

      expect(ok(await change(person.token, USER_PASSWORD)).changePassword.user.id).toBe(person.id);

      expect(ok(await server.gql(OPS.viewer, {}, person.token)).viewer.user.id).toBe(person.id);
      expectRefused(await server.gql(OPS.viewer, {}, other), 'UNAUTHENTICATED', 401);
      expect(codeOf(await loginWith(person.email, USER_PASSWORD))).toBe('UNAUTHENTICATED');
      expect(ok(await loginWith(person.email, NEW_PASSWORD)).login.user.id).toBe(person.id);
      await expectAudited(server, 'changePassword', person.id);
    });

    it('refuses a wrong current password with BAD_USER_INPUT on input.currentPassword, changing nothing', async () => {
      const person = await createPerson(server, adminToken, 'guesser');
      const response = await withoutWrites(server, () => change(person.token, 'not-my-password'));
      expectBadInput(response, 'input.currentPassword');
      expect(ok(await loginWith(person.email, USER_PASSWORD)).login.user.id).toBe(person.id);
    });

    it.each([
      ['a new password under 12 characters', { newPassword: 'short' }, 'input.newPassword'],
      ['a new password over 256 characters', { newPassword: 'p'.repeat(257) }, 'input.newPassword'],
      ['a current password over 256 characters', { currentPassword: 'p'.repeat(257) }, 'input.currentPassword'],
      ['a new password of the wrong type', { newPassword: 123456789012345 }, 'input.newPassword'],
    ])('refuses %s with BAD_USER_INPUT naming the field, changing nothing', async (_label, input, field) => {
      const response = await withoutWrites(server, () =>
        server.gql(OPS.changePassword, { input: { currentPassword: USER_PASSWORD, newPassword: NEW_PASSWORD, ...input } }, cast.member.token),
      );
      expectBadInput(response, field);
    });

    it.each(REFUSED_UNAUTHENTICATED)('refuses $label with $code, changing nothing', async ({ role, code, status }) => {
      const response = await withoutWrites(server, () => change(tokenOf(cast, role), USER_PASSWORD));
      expectRefused(response, code, status);
    });
  });

  describe('reading users', () => {
    const USERS = '$first: Int, $after: String, $search: String, $status: UserStatus';
    const usersQuery = `query(${USERS}) { users(first: $first, after: $after, search: $search, status: $status) {
      totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id email status } } } }`;

    it('pages through all people, newest first, with first/after, pageInfo and totalCount', async () => {
      const expected = (await server.db.manager.find(UserEntity, { where: { kind: 'HUMAN' as never }, order: { id: 'DESC' } })).map((u) => u.id);
      expect(expected.length).toBeGreaterThan(6);

      const seen: string[] = [];
      let after: string | null = null;
      let pages = 0;
      for (;;) {
        const users: UserPage = ok(await server.gql(usersQuery, { first: 3, after }, adminToken)).users;
        pages += 1;
        expect(users.totalCount).toBe(expected.length);
        expect(users.pageInfo.hasPreviousPage).toBe(after !== null);
        expect(users.pageInfo.startCursor).toBe(users.edges[0].cursor);
        expect(users.pageInfo.endCursor).toBe(users.edges[users.edges.length - 1].cursor);
        seen.push(...users.edges.map((e) => e.node.id));
        if (!users.pageInfo.hasNextPage) break;
        expect(users.edges).toHaveLength(3);
        after = users.pageInfo.endCursor;
      }
      expect(seen).toEqual(expected);
      expect(pages).toBe(Math.ceil(expected.length / 3));
    });

    it('filters by search text and by status', async () => {
      const bySearch = ok(await server.gql(usersQuery, { search: cast.outsider.email.toUpperCase() }, adminToken)).users;
      expect(bySearch.totalCount).toBe(1);
      expect(bySearch.edges[0].node).toEqual({ id: cast.outsider.id, email: cast.outsider.email, status: 'ACTIVE' });

      const deactivated = ok(await server.gql(usersQuery, { status: 'DEACTIVATED', first: 100 }, adminToken)).users;
      expect(deactivated.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(cast.deactivated.id);
      expect(deactivated.edges.every((e: { node: { status: string } }) => e.node.status === 'DEACTIVATED')).toBe(true);
    });

    it('finds one person by id', async () => {
      const { user } = ok(await server.gql('query($id: ID!) { user(id: $id) { id email } }', { id: cast.member.id }, adminToken));
      expect(user).toEqual({ id: cast.member.id, email: cast.member.email });
      const bootstrap = ok(await server.gql('query($id: ID!) { user(id: $id) { email isPlatformAdmin } }', { id: adminId }, adminToken));
      expect(bootstrap.user).toEqual({ email: ADMIN_EMAIL, isPlatformAdmin: true });
    });

    it.each(REFUSED_NON_PLATFORM_ADMIN)('refuses the lists to $label with $code', async ({ role, code, status }) => {
      expectRefused(await server.gql(usersQuery, {}, tokenOf(cast, role)), code, status);
      expectRefused(await server.gql('query($id: ID!) { user(id: $id) { id } }', { id: cast.member.id }, tokenOf(cast, role)), code, status);
    });

    it('refuses a page size over 100 and a cursor from elsewhere with BAD_USER_INPUT', async () => {
      expectBadInput(await server.gql(usersQuery, { first: 101 }, adminToken), 'first');
      expectBadInput(await server.gql(usersQuery, { after: 'not-a-cursor' }, adminToken), 'after');
    });
  });

  it('keeps no plaintext password in the users table', async () => {
    const rows = JSON.stringify(await server.db.manager.find(UserEntity));
    expect(rows).not.toContain(USER_PASSWORD);
    expect(JSON.stringify(await server.db.manager.find(SessionEntity))).not.toContain(USER_PASSWORD);
  });
});
