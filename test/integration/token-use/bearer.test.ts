import { GraphQLInputType, GraphQLNamedType, getNamedType, isEnumType, isInputObjectType, isListType, isNonNullType, isScalarType } from 'graphql';
import { randomUUID } from 'node:crypto';
import { buildTesseraSchema } from '../../../src/schema';
import { accessRuleOf } from '../../../src/core/authorization/access-control';
import { ENTITIES } from '../../../src/database/entities';
import { AuditEventEntity } from '../../../src/core/audit/audit-event.entity';
import { TokenUsageEntity } from '../../../src/modules/token-usage/token-usage.entity';
import { SECRET_PREFIXES, generateSecret } from '../../../src/core/secrets/secret-format';
import { QueryCounter } from '../../support/query-counter';
import { ADMIN_PASSWORD, TestServer, startTestServer } from '../../support/test-server';
import { codeOf, createHierarchy, createUser, loginAsAdmin, ok } from '../../support/fixtures';
import { issueToken, withBadChecksum } from '../../support/token-helpers';

/** A value of the given input type that passes GraphQL validation (content does not matter). */
function sample(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return sample(type.ofType);
  if (isListType(type)) return [sample(type.ofType)];
  if (isEnumType(type)) return type.getValues()[0].value;
  if (isInputObjectType(type)) {
    return Object.fromEntries(Object.values(type.getFields()).filter((f) => isNonNullType(f.type)).map((f) => [f.name, sample(f.type)]));
  }
  const scalar = getNamedType(type) as GraphQLNamedType;
  if (!isScalarType(scalar)) throw new Error(`unexpected input type ${String(type)}`);
  return { ID: randomUUID(), String: 'x', Int: 1, Boolean: false, DateTimeISO: new Date(Date.now() + 86_400_000).toISOString() }[scalar.name];
}

const VIEWER = '{ viewer { authMethod scopes accessToken { id name } principal { __typename } } }';

describe('bearer access with access tokens', () => {
  const counter = new QueryCounter();
  let server: TestServer;
  let admin: string;
  let owner: { id: string; token: string };
  let hierarchy: { organizationId: string; groupId: string; projectId: string };

  beforeAll(async () => {
    server = await startTestServer({ label: 'bearer', sqlLogger: counter });
    admin = await loginAsAdmin(server);
    owner = await createUser(server, admin, 'owner');
    hierarchy = await createHierarchy(server, owner.token);
  });
  afterAll(() => server.stop());

  it('tells the caller who it is, through which token, with which scopes', async () => {
    const token = await issueToken(server, owner.token, { name: 'cli', scopes: ['read_api', 'read_repository'] });
    expect(ok(await server.gql(VIEWER, {}, token.secret)).viewer).toEqual({
      authMethod: 'ACCESS_TOKEN',
      scopes: ['read_api', 'read_repository'],
      accessToken: { id: token.id, name: 'cli' },
      principal: { __typename: 'User' },
    });
  });

  it('refuses every non-public mutation to a read_api token of a platform admin, and writes nothing but the refusals', async () => {
    const readOnly = await issueToken(server, admin, { scopes: ['read_api'], password: ADMIN_PASSWORD });
    const schema = await buildTesseraSchema();
    const mutations = Object.values(schema.getMutationType()!.getFields()).filter((field) => accessRuleOf(schema, field)?.kind !== 'public');
    const tables = ENTITIES.filter((entity) => entity !== AuditEventEntity && entity !== TokenUsageEntity);
    const before = await Promise.all(tables.map((entity) => server.db.manager.count(entity)));
    for (const field of mutations) {
      const args = Object.fromEntries(field.args.filter((a) => isNonNullType(a.type)).map((a) => [a.name, sample(a.type)]));
      const signature = field.args.filter((a) => isNonNullType(a.type)).map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
      const call = field.args.filter((a) => isNonNullType(a.type)).map((a) => `${a.name}: $${a.name}`).join(', ');
      const query = `mutation${signature ? `(${signature})` : ''} { ${field.name}${call ? `(${call})` : ''} { __typename } }`;
      const response = await server.gql(query, args, readOnly.secret);
      expect({ mutation: field.name, code: codeOf(response) }).toEqual({ mutation: field.name, code: 'FORBIDDEN' });
    }
    expect(mutations.length).toBeGreaterThan(20);
    expect(await Promise.all(tables.map((entity) => server.db.manager.count(entity)))).toEqual(before);
  });

  it('acts as a technical user only within its resource and role', async () => {
    const groupToken = await issueToken(server, owner.token, { groupId: hierarchy.groupId, role: 'ADMIN', scopes: ['api'] });
    const inside = await server.gql('mutation($input: CreateProjectInput!) { createProject(input: $input) { project { id } } }', { input: { groupId: hierarchy.groupId, name: 'by token' } }, groupToken.secret);
    expect(ok(inside).createProject.project.id).toBeDefined();
    const organization = await server.gql('query($id: ID!) { organization(id: $id) { id } }', { id: hierarchy.organizationId }, groupToken.secret);
    expect(codeOf(organization)).toBe('NOT_FOUND');
    const parent = await server.gql('mutation($input: CreateGroupInput!) { createGroup(input: $input) { group { id } } }', { input: { organizationId: hierarchy.organizationId, name: 'no' } }, groupToken.secret);
    expect(codeOf(parent)).toBe('NOT_FOUND');
  });

  describe('every inactive reason gives the same answer', () => {
    const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
    const soon = () => new Date(Date.now() + 1000).toISOString();
    // Every token is used (and its row cached) first; the lapses then happen while it is cached: expiry is checked on every cached read.
    const inactiveReasons: Array<[string, () => Record<string, unknown>, (token: { id: string; secret: string }, userId: string) => Promise<void>]> = [
      ['revoked', () => ({}), async (token) => void ok(await server.gql('mutation($id: ID!) { revokeAccessToken(input: { id: $id }) { accessToken { id } } }', { id: token.id }, admin))],
      ['expired', () => ({ expiresAt: soon() }), async () => void (await sleep(1100))],
      ['deleted', () => ({}), async (token) => void ok(await server.gql('mutation($id: ID!) { deleteAccessToken(input: { id: $id }) { deletedId } }', { id: token.id }, admin))],
      ['owner deactivated', () => ({}), async (_token, userId) => void ok(await server.gql('mutation($id: ID!) { deactivateUser(input: { id: $id }) { user { id } } }', { id: userId }, admin))],
      ['owner past validUntil', () => ({}), async (token, userId) => {
        ok(await server.gql('mutation($input: UpdateUserInput!) { updateUser(input: $input) { user { id } } }', { input: { id: userId, validUntil: soon() } }, admin));
        expect(ok(await server.gql(VIEWER, {}, token.secret)).viewer.authMethod).toBe('ACCESS_TOKEN');
        await sleep(1100);
      }],
    ];

    it.each(inactiveReasons)('%s: 401 UNAUTHENTICATED with the same message', async (_reason, input, deactivate) => {
      const user = await createUser(server, admin, 'subject');
      const token = await issueToken(server, user.token, { scopes: ['api'], ...input() });
      expect(ok(await server.gql(VIEWER, {}, token.secret)).viewer.authMethod).toBe('ACCESS_TOKEN');
      await deactivate(token, user.id);
      const refused = await server.gql(VIEWER, {}, token.secret);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toContain('Bearer');
      expect(refused.errors).toEqual([expect.objectContaining({ message: 'Invalid, expired or revoked token', extensions: { code: 'UNAUTHENTICATED' } })]);
    });
  });

  it.each([
    ['a wrong prefix', (secret: string) => `tsxyz${secret.slice(5)}`],
    ['a bad checksum', withBadChecksum],
    ['garbage', () => 'definitely-not-a-token'],
  ])('refuses a token with %s without a database query', async (_name, mangle) => {
    const token = await issueToken(server, owner.token, { scopes: ['api'] });
    const valid = await counter.during(() => server.gql('{ __typename }', {}, token.secret));
    expect(valid.length).toBeGreaterThan(0);
    // The valid use leaves background work (usage batch, last-used mark, a cache re-read): let it land
    // first, so the count below holds only what the malformed request itself caused.
    await server.settleBackgroundWork();
    const malformed = await counter.during(async () => {
      const response = await server.gql('{ __typename }', {}, mangle(token.secret));
      expect(response.status).toBe(401);
    });
    expect(malformed).toEqual([]);
  });

  it('audits a refused bearer token, with the client address and no secret', async () => {
    const token = await issueToken(server, owner.token, { scopes: ['api'] });
    ok(await server.gql('mutation($id: ID!) { revokeAccessToken(input: { id: $id }) { accessToken { id } } }', { id: token.id }, owner.token));
    const response = await server.gql('{ viewer { authMethod } }', {}, token.secret);
    const requestId = response.headers.get('x-request-id');
    const event = await server.db.manager.findOneByOrFail(AuditEventEntity, { requestId: requestId! });
    expect(event).toMatchObject({ action: 'authenticate', outcome: 'DENIED', reason: 'UNAUTHENTICATED', actorId: null, clientAddress: '127.0.0.1' });
    expect(JSON.stringify(event)).not.toContain(token.secret.split('_')[1]);
  });

  it('refuses a revoked token on the very next request', async () => {
    const token = await issueToken(server, owner.token, { scopes: ['api'] });
    expect((await server.gql(VIEWER, {}, token.secret)).status).toBe(200);
    ok(await server.gql('mutation($id: ID!) { revokeAccessToken(input: { id: $id }) { accessToken { id } } }', { id: token.id }, owner.token));
    expect((await server.gql(VIEWER, {}, token.secret)).status).toBe(401);
  });
});

describe('failed token authentications from one address', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ label: 'bearer_throttle', env: { TESSERA_TOKEN_AUTH_MAX_FAILURES_PER_ADDRESS: '3' } });
  });
  afterAll(() => server.stop());

  it('are throttled: after the limit refused tokens answer 429 RATE_LIMITED with Retry-After, valid ones still work', async () => {
    const admin = await loginAsAdmin(server);
    for (let i = 0; i < 3; i += 1) expect((await server.gql('{ __typename }', {}, generateSecret(SECRET_PREFIXES.personalAccessToken))).status).toBe(401);
    const throttled = await server.gql('{ viewer { authMethod } }', {}, generateSecret(SECRET_PREFIXES.personalAccessToken));
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(codeOf(throttled)).toBe('RATE_LIMITED');
    expect(ok(await server.gql('{ viewer { authMethod } }', {}, admin))).toEqual({ viewer: { authMethod: 'SESSION' } });
  });
});
