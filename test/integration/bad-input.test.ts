import { AuditEventEntity } from '../../src/core/audit/audit-event.entity';
import { OrganizationEntity } from '../../src/modules/organization/organization.entity';
import { TEXT_LENGTH } from '../../src/core/database/columns';
import { createHierarchy, createUser, loginAsAdmin, ok } from '../support/fixtures';
import { OPS, UNKNOWN_ID, expectBadInput, expectRefused, withoutWrites } from '../support/identity-fixtures';
import { ADMIN_PASSWORD, GraphQLResponse, TestServer, startTestServer } from '../support/test-server';

const CREATE_TOKEN = 'mutation($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { accessToken { id name description } } }';
const REVOKE_TOKEN = 'mutation($input: RevokeAccessTokenInput!) { revokeAccessToken(input: $input) { accessToken { id revocationReason } } }';
const CREATE_CLIENT = 'mutation($input: CreateOAuthClientInput!) { createOAuthClient(input: $input) { oauthClient { id name description } } }';
const UPDATE_CLIENT = 'mutation($input: UpdateOAuthClientInput!) { updateOAuthClient(input: $input) { oauthClient { id name description } } }';

/** Exactly `length` code points, half of them U+FE0F (which class-validator's isLength does not count). */
const withSelectors = (length: number): string => 'a\uFE0F'.repeat(Math.floor(length / 2)) + (length % 2 ? 'a' : '');

describe('bad input is refused as BAD_USER_INPUT naming the field, before it reaches the database', () => {
  let server: TestServer;
  let admin: string;
  let organizationId: string;
  let groupId: string;
  let clientId: string;
  let sequence = 0;
  const unique = (): string => `c${(sequence += 1)}`;

  beforeAll(async () => {
    server = await startTestServer({ label: 'bad_input' });
    admin = await loginAsAdmin(server);
    ({ organizationId, groupId } = await createHierarchy(server, admin));
    clientId = ok(await server.gql(CREATE_CLIENT, { input: { clientId: 'fixture', name: 'Fixture' } }, admin)).createOAuthClient.oauthClient.id;
  });
  afterAll(() => server.stop());

  const newToken = async (): Promise<string> =>
    ok(await server.gql(CREATE_TOKEN, { input: { name: 'to revoke', scopes: ['api'], password: ADMIN_PASSWORD } }, admin)).createAccessToken.accessToken.id;

  /** Every bounded text input (mutation and field), its column's length, and a setup that returns the call sending `text` in it. */
  const TEXT_INPUTS: Array<[string, number, () => Promise<(text: string) => Promise<GraphQLResponse>>]> = [
    ['createOrganization input.name', TEXT_LENGTH.name, async () => (name) => server.gql(OPS.createOrganization, { input: { name } }, admin)],
    ['updateOrganization input.name', TEXT_LENGTH.name, async () => (name) => server.gql(OPS.updateOrganization, { input: { id: organizationId, name } }, admin)],
    ['createGroup input.name', TEXT_LENGTH.name, async () => (name) => server.gql(OPS.createGroup, { input: { organizationId, name } }, admin)],
    ['createProject input.name', TEXT_LENGTH.name, async () => (name) => server.gql(OPS.createProject, { input: { groupId, name } }, admin)],
    ['createUser input.displayName', TEXT_LENGTH.name, async () => (displayName) => server.gql(OPS.createUser, { input: { email: `${unique()}@example.test`, displayName, password: 'a-long-password' } }, admin)],
    ['createAccessToken input.name', TEXT_LENGTH.name, async () => (name) => server.gql(CREATE_TOKEN, { input: { name, scopes: ['api'], password: ADMIN_PASSWORD } }, admin)],
    ['createAccessToken input.description', TEXT_LENGTH.description, async () => (description) => server.gql(CREATE_TOKEN, { input: { name: 'n', description, scopes: ['api'], password: ADMIN_PASSWORD } }, admin)],
    ['revokeAccessToken input.reason', TEXT_LENGTH.reason, async () => {
      const id = await newToken();
      return (reason) => server.gql(REVOKE_TOKEN, { input: { id, reason } }, admin);
    }],
    ['createOAuthClient input.name', TEXT_LENGTH.name, async () => (name) => server.gql(CREATE_CLIENT, { input: { clientId: unique(), name } }, admin)],
    ['createOAuthClient input.description', TEXT_LENGTH.description, async () => (description) => server.gql(CREATE_CLIENT, { input: { clientId: unique(), name: 'n', description } }, admin)],
    ['updateOAuthClient input.description', TEXT_LENGTH.description, async () => (description) => server.gql(UPDATE_CLIENT, { input: { id: clientId, description } }, admin)],
  ];
  const field = (label: string): string => label.split(' ')[1];

  describe('length is counted in code points, as a utf8mb4 column counts it', () => {
    it.each(TEXT_INPUTS)('%s: one code point over the column is refused, changing nothing', async (label, length, setup) => {
      const send = await setup();
      const response = await withoutWrites(server, () => send(withSelectors(length + 1)));
      expectBadInput(response, field(label));
    });

    it.each(TEXT_INPUTS)('%s: exactly the column length is stored on every database', async (_label, length, setup) => {
      const response = await (await setup())(withSelectors(length));
      expect(response.errors).toBeUndefined();
    });

    it('stores a name of 100 code points as sent', async () => {
      const name = withSelectors(TEXT_LENGTH.name);
      const id = ok(await server.gql(OPS.createOrganization, { input: { name } }, admin)).createOrganization.organization.id;
      expect((await server.db.manager.findOneByOrFail(OrganizationEntity, { id })).name).toBe(name);
    });
  });

  describe('names, display names and reasons hold one line of printable text', () => {
    const FORBIDDEN: Array<[string, string]> = [
      ['NUL', '\u0000'],
      ['a control character (BEL)', '\u0007'],
      ['a carriage return', '\r'],
      ['a line feed', '\n'],
      ['a tab', '\t'],
      ['a C1 control (NEL)', '\u0085'],
      ['a line separator', '\u2028'],
      ['a right-to-left override (U+202E)', '\u202E'],
      ['a right-to-left isolate (U+2067)', '\u2067'],
      ['a byte-order mark', '\uFEFF'],
    ];
    const SINGLE_LINE = TEXT_INPUTS.filter(([label]) => !label.endsWith('description'));

    it.each(FORBIDDEN.flatMap(([what, char]) => SINGLE_LINE.map(([label, , setup]) => [label, what, char, setup] as const)))(
      '%s refuses %s',
      async (label, _what, char, setup) => {
        const send = await setup();
        const response = await withoutWrites(server, () => send(`ab${char}cd`));
        expectBadInput(response, field(label));
      },
    );

    it.each(['', '   ', '\u200B', '\uFE0F'])('refuses a name with nothing visible (%j)', async (name) => {
      expectBadInput(await withoutWrites(server, () => server.gql(OPS.createOrganization, { input: { name } }, admin)), 'input.name');
    });

    it.each(['Ünïcödé', 'שלום עולם', 'مرحبا', '日本語', '👩‍👩‍👧 family', 'flag 🏳️‍🌈', 'O\u2019Brien'])('accepts and keeps %s', async (name) => {
      const id = ok(await server.gql(OPS.createOrganization, { input: { name } }, admin)).createOrganization.organization.id;
      expect((await server.db.manager.findOneByOrFail(OrganizationEntity, { id })).name).toBe(name);
    });
  });

  describe('descriptions may span lines', () => {
    it('keeps line feeds and tabs', async () => {
      const description = 'first line\n\tindented second line';
      const created = ok(await server.gql(CREATE_TOKEN, { input: { name: 'multi', description, scopes: ['api'], password: ADMIN_PASSWORD } }, admin));
      expect(created.createAccessToken.accessToken.description).toBe(description);
    });

    it.each([['NUL', '\u0000'], ['a carriage return', '\r'], ['a right-to-left override', '\u202E'], ['a byte-order mark', '\uFEFF']])(
      'refuses %s',
      async (_what, char) => {
        const response = await withoutWrites(server, () => server.gql(CREATE_CLIENT, { input: { clientId: unique(), name: 'n', description: `a${char}b` } }, admin));
        expectBadInput(response, 'input.description');
      },
    );
  });

  describe('text with an unpaired surrogate is refused everywhere', () => {
    it.each<[string, () => Promise<GraphQLResponse>, string]>([
      ['an e-mail at login', () => server.gql(OPS.login, { input: { email: '\ud800@x.io', password: 'whatever-password' } }), 'input.email'],
      ['a password at login', () => server.gql(OPS.login, { input: { email: 'a@x.io', password: 'pass\udfffword' } }), 'input.password'],
      ['an e-mail of a new user', () => server.gql(OPS.createUser, { input: { email: 'x\udbff@x.io', displayName: 'x', password: 'a-long-password' } }, admin), 'input.email'],
      ['a name', () => server.gql(OPS.createOrganization, { input: { name: 'a\ud800' } }, admin), 'input.name'],
      ['a scope', () => server.gql(CREATE_TOKEN, { input: { name: 'n', scopes: ['\ud800'], password: ADMIN_PASSWORD } }, admin), 'input.scopes'],
      ['a search filter', () => server.gql('query($search: String) { users(search: $search) { totalCount } }', { search: '\udc00' }, admin), 'search'],
      ['a cursor', () => server.gql('query($after: String) { organizations(after: $after) { totalCount } }', { after: '\ud800' }, admin), 'after'],
    ])('%s', async (_label, send, name) => {
      const response = await withoutWrites(server, send);
      expectBadInput(response, name);
    });
  });

  describe('ids are checked for shape before access control, auditing or any query', () => {
    const auditRows = (): Promise<number> => server.db.manager.count(AuditEventEntity);

    it.each([
      ['10,000 characters', 'x'.repeat(10_000)],
      ['37 characters', `${UNKNOWN_ID}0`],
      ['not a UUID', 'not-a-uuid'],
      ['an uppercase UUID', UNKNOWN_ID.toUpperCase().replace('-0000-', '-000A-')],
    ])('refuses an id of %s on a mutation, writing nothing (not even an audit row)', async (_label, id) => {
      const before = await auditRows();
      const response = await withoutWrites(server, () => server.gql(OPS.updateOrganization, { input: { id, name: 'x' } }, admin));
      expectBadInput(response, 'input.id');
      expectRefused(response, 'BAD_USER_INPUT');
      expect(await auditRows()).toBe(before);
    });

    it('refuses a malformed id the same way whoever asks, so its shape reveals nothing', async () => {
      const outsider = await createUser(server, admin, 'outsider');
      for (const token of [admin, outsider.token]) {
        expectBadInput(await server.gql(OPS.deleteOrganization, { input: { id: 'x'.repeat(40) } }, token), 'input.id');
      }
    });

    it('does not find a record by its id in another case, on either database', async () => {
      const response = await server.gql('query($id: ID!) { organization(id: $id) { id } }', { id: organizationId.toUpperCase() }, admin);
      expectBadInput(response, 'id');
    });

    it.each<[string, string, Record<string, unknown>, string]>([
      ['a query argument', 'query($id: ID!) { accessToken(id: $id) { id } }', { id: 'x'.repeat(100) }, 'id'],
      ['a nested field argument', 'query($by: ID) { viewer { accessTokens(createdById: $by) { totalCount } } }', { by: 'x'.repeat(100) }, 'createdById'],
      ['a resource named in an input', 'mutation($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { secret } }', { input: { name: 'n', scopes: ['api'], groupId: 'g'.repeat(37) } }, 'input.groupId'],
      ['a user named in an input', 'mutation($input: AddMembershipInput!) { addMembership(input: $input) { membership { id } } }', { input: { userId: 'u', organizationId: UNKNOWN_ID, role: 'VIEWER' } }, 'input.userId'],
      ['a token to revoke', REVOKE_TOKEN, { input: { id: 'x'.repeat(1000), reason: 'r' } }, 'input.id'],
    ])('refuses a malformed id in %s', async (_label, query, variables, name) => {
      expectBadInput(await withoutWrites(server, () => server.gql(query, variables, admin)), name);
    });

    it('still answers a well-formed unknown id with NOT_FOUND and audits the refusal with that id', async () => {
      const outsider = await createUser(server, admin, 'prober');
      const response = await withoutWrites(server, () => server.gql(OPS.updateOrganization, { input: { id: UNKNOWN_ID, name: 'x' } }, outsider.token));
      expectRefused(response, 'NOT_FOUND');
      expect(await server.db.manager.countBy(AuditEventEntity, { actorId: outsider.id, action: 'updateOrganization', targetId: UNKNOWN_ID, outcome: 'DENIED' as AuditEventEntity['outcome'] })).toBe(1);
    });
  });
});
