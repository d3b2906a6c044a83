import { Role } from '../../../src/core/authorization/role';
import { AccessTokenEntity } from '../../../src/modules/access-token/access-token.entity';
import { UserEntity } from '../../../src/modules/user/user.entity';
import { ADMIN_PASSWORD, TestServer, startTestServer } from '../../support/test-server';
import { USER_PASSWORD, addMember, codeOf, createHierarchy, createUser, loginAsAdmin, ok } from '../../support/fixtures';

const CREATE = `mutation($input: CreateAccessTokenInput!) {
  createAccessToken(input: $input) { secret accessToken { id level kind name role scopes status hint expiresAt owner { __typename ... on TechnicalUser { id } ... on User { id } } resource { __typename } } }
}`;
const ROTATE = 'mutation($id: ID!, $password: String) { rotateAccessToken(input: { id: $id, password: $password }) { secret accessToken { id status previousToken { id status } } } }';
const REVOKE = 'mutation($id: ID!) { revokeAccessToken(input: { id: $id, reason: "laptop lost" }) { accessToken { id status revocationReason } } }';
const RESTORE = 'mutation($id: ID!) { restoreAccessToken(input: { id: $id }) { accessToken { id status } } }';
const DELETE = 'mutation($id: ID!) { deleteAccessToken(input: { id: $id }) { deletedId } }';
const VIEWER = '{ viewer { authMethod scopes principal { __typename } } }';

describe('access token lifecycle', () => {
  let server: TestServer;
  let admin: string;
  let owner: { id: string; token: string };
  let resources: { organizationId: string; groupId: string; projectId: string };

  beforeAll(async () => {
    server = await startTestServer({ label: 'token_lifecycle' });
    admin = await loginAsAdmin(server);
    owner = await createUser(server, admin, 'owner');
    resources = await createHierarchy(server, owner.token);
  });
  afterAll(() => server.stop());

  it('creates a personal token that is shown once, works as a bearer, and is stored only as a hash', async () => {
    const data = ok(await server.gql(CREATE, { input: { name: 'laptop', scopes: ['api'], password: USER_PASSWORD } }, owner.token));
    const { secret, accessToken } = data.createAccessToken;
    expect(secret).toMatch(/^tspat_[0-9A-Za-z]{30}_[0-9A-Za-z]{6}$/);
    expect(accessToken).toMatchObject({ level: 'PERSONAL', kind: 'ACCESS', role: null, scopes: ['api'], status: 'ACTIVE', owner: { __typename: 'User', id: owner.id }, resource: null });
    expect(accessToken.hint).toBe(`tspat_…${secret.split('_')[1].slice(-4)}`);
    const expiresInDays = (new Date(accessToken.expiresAt).getTime() - Date.now()) / 86_400_000;
    expect(expiresInDays).toBeGreaterThan(29.9);
    expect(expiresInDays).toBeLessThanOrEqual(30);

    const row = await server.db.manager.findOneByOrFail(AccessTokenEntity, { id: accessToken.id });
    expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(secret.split('_')[1]);

    expect(ok(await server.gql(VIEWER, {}, secret)).viewer).toEqual({ authMethod: 'ACCESS_TOKEN', scopes: ['api'], principal: { __typename: 'User' } });
  });

  it.each([
    ['organization', 'organizationId', 'tsoat', 'ORGANIZATION'],
    ['group', 'groupId', 'tsgat', 'GROUP'],
    ['project', 'projectId', 'tsprt', 'PROJECT'],
  ])('creates a %s token backed by its own technical user with the token role', async (_name, key, prefix, level) => {
    const resourceId = resources[key as keyof typeof resources];
    const data = ok(await server.gql(CREATE, { input: { name: `${level} bot`, scopes: ['read_api'], role: 'MEMBER', [key]: resourceId, password: USER_PASSWORD } }, owner.token));
    const { secret, accessToken } = data.createAccessToken;
    expect(secret.startsWith(`${prefix}_`)).toBe(true);
    expect(accessToken).toMatchObject({ level, role: 'MEMBER', owner: { __typename: 'TechnicalUser' } });
    const technicalUser = await server.db.manager.findOneByOrFail(UserEntity, { id: accessToken.owner.id });
    expect(technicalUser).toMatchObject({ kind: 'TECHNICAL', email: null, passwordHash: null });
    expect(ok(await server.gql(VIEWER, {}, secret)).viewer.principal.__typename).toBe('TechnicalUser');
  });

  it('requires the current password in a session, and refuses a wrong one with nothing written', async () => {
    const before = await server.db.manager.count(AccessTokenEntity);
    const missing = await server.gql(CREATE, { input: { name: 'x', scopes: ['api'] } }, owner.token);
    expect(codeOf(missing)).toBe('BAD_USER_INPUT');
    expect(missing.errors?.[0].extensions.fields?.[0].field).toBe('input.password');
    const wrong = await server.gql(CREATE, { input: { name: 'x', scopes: ['api'], password: ADMIN_PASSWORD } }, owner.token);
    expect(codeOf(wrong)).toBe('BAD_USER_INPUT');
    expect(await server.db.manager.count(AccessTokenEntity)).toBe(before);
  });

  it('refuses a resource token to a caller below ADMIN there, whatever role the request asks for', async () => {
    const member = await createUser(server, admin, 'member');
    await addMember(server, owner.token, member.id, { organizationId: resources.organizationId }, Role.MEMBER);
    const refused = await server.gql(CREATE, { input: { name: 'x', scopes: ['api'], role: 'ADMIN', organizationId: resources.organizationId, password: USER_PASSWORD } }, member.token);
    expect(codeOf(refused)).toBe('FORBIDDEN');
  });

  it('revokes (refused at once), restores, rotates and deletes', async () => {
    const created = ok(await server.gql(CREATE, { input: { name: 'ci', scopes: ['api'], groupId: resources.groupId, role: 'MEMBER', password: USER_PASSWORD } }, owner.token)).createAccessToken;
    const id = created.accessToken.id;

    expect(ok(await server.gql(REVOKE, { id }, owner.token)).revokeAccessToken.accessToken).toEqual({ id, status: 'REVOKED', revocationReason: 'laptop lost' });
    expect((await server.gql(VIEWER, {}, created.secret)).status).toBe(401);
    expect(ok(await server.gql(REVOKE, { id }, owner.token)).revokeAccessToken.accessToken.status).toBe('REVOKED');

    expect(ok(await server.gql(RESTORE, { id }, owner.token)).restoreAccessToken.accessToken.status).toBe('ACTIVE');
    expect(ok(await server.gql(VIEWER, {}, created.secret)).viewer.authMethod).toBe('ACCESS_TOKEN');

    const rotated = ok(await server.gql(ROTATE, { id, password: USER_PASSWORD }, owner.token)).rotateAccessToken;
    expect(rotated.accessToken.previousToken).toEqual({ id, status: 'REVOKED' });
    expect(rotated.secret).not.toBe(created.secret);
    expect((await server.gql(VIEWER, {}, created.secret)).status).toBe(401);
    expect(ok(await server.gql(VIEWER, {}, rotated.secret)).viewer.principal.__typename).toBe('TechnicalUser');

    const reuse = await server.gql(ROTATE, { id, password: USER_PASSWORD }, owner.token);
    expect(codeOf(reuse)).toBe('CONFLICT');
    expect((await server.gql(VIEWER, {}, rotated.secret)).status).toBe(401);

    const ownerId = created.accessToken.owner.id;
    expect(ok(await server.gql(DELETE, { id: rotated.accessToken.id }, owner.token)).deleteAccessToken.deletedId).toBe(rotated.accessToken.id);
    expect(await server.db.manager.countBy(AccessTokenEntity, { ownerId })).toBe(0);
    expect(await server.db.manager.countBy(UserEntity, { id: ownerId })).toBe(0);
  });

  it('names the failing input field with its full path, for validation and for domain errors alike', async () => {
    const empty = await server.gql(CREATE, { input: { name: '', scopes: ['api'], password: USER_PASSWORD } }, owner.token);
    expect(codeOf(empty)).toBe('BAD_USER_INPUT');
    expect(empty.errors?.[0].extensions.fields).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'input.name', constraint: 'isLength' })]));
    const page = await server.gql('{ viewer { accessTokens(first: 500) { totalCount } } }', {}, owner.token);
    expect(page.errors?.[0].extensions.fields).toEqual([expect.objectContaining({ field: 'first', constraint: 'max' })]);
  });

  it('refuses mutations to a read_api token and lets it query', async () => {
    const readOnly = ok(await server.gql(CREATE, { input: { name: 'ro', scopes: ['read_api'], password: USER_PASSWORD } }, owner.token)).createAccessToken.secret;
    expect(ok(await server.gql(VIEWER, {}, readOnly)).viewer.scopes).toEqual(['read_api']);
    const refused = await server.gql('mutation { createOrganization(input: { name: "nope" }) { organization { id } } }', {}, readOnly);
    expect(codeOf(refused)).toBe('FORBIDDEN');
  });
});
