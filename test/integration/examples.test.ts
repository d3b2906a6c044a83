import { createHmac } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { IncomingHttpHeaders, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ASTNode, DocumentNode, GraphQLSchema, Kind, Source, buildSchema, parse, print, validate, visit } from 'graphql';
import { Role } from '../../src/core/authorization/role';
import { buildTesseraSchema } from '../../src/schema';
import { ADMIN_PASSWORD, GraphQLResponse, TestServer, startTestServer } from '../support/test-server';
import { USER_PASSWORD, addMember, codeOf, createHierarchy, createUser, loginAsAdmin, ok } from '../support/fixtures';
import { ageToken, systemContext } from '../support/system-context';

/**
 * The example operations in docs/examples/ (one file per token page of the four seed products,
 * see docs/TOKEN-PAGES.md) must match the schema and work: each file is validated against the
 * schema built from the code and against schema.graphql, and every operation of every file is run
 * through HTTP, by its name, as the caller the page has.
 */

const ROOT = join(__dirname, '..', '..');
const EXAMPLES_DIR = join(ROOT, 'docs', 'examples');

interface ExampleFile {
  /** File name without `.graphql`, e.g. `datahub-project-tokens`. */
  name: string;
  text: string;
  document: DocumentNode;
  operations: string[];
}

function loadExamples(): ExampleFile[] {
  return readdirSync(EXAMPLES_DIR)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => {
      const text = readFileSync(join(EXAMPLES_DIR, file), 'utf8');
      const document = parse(new Source(text, `docs/examples/${file}`));
      const operations = document.definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION ? [d.name?.value ?? '<anonymous>'] : []));
      return { name: file.replace(/\.graphql$/, ''), text, document, operations };
    });
}

const examples = loadExamples();
const exampleNamed = (name: string): ExampleFile => {
  const found = examples.find((e) => e.name === name);
  if (!found) throw new Error(`docs/examples/${name}.graphql is missing`);
  return found;
};

/** Literal values written into an operation (variable defaults aside): examples must use variables. */
function inlineValues(document: DocumentNode): string[] {
  const found: string[] = [];
  const literal = (node: ASTNode) => {
    found.push(print(node));
  };
  visit(document, {
    VariableDefinition: () => false,
    IntValue: literal,
    FloatValue: literal,
    StringValue: literal,
    BooleanValue: literal,
    NullValue: literal,
    EnumValue: literal,
  });
  return found;
}

const SEED_PAGES = [
  'datahub-personal-tokens',
  'datahub-group-tokens',
  'datahub-project-tokens',
  'explorer-organization-tokens',
  'explorer-group-tokens',
  'datachain-personal-tokens',
  'pod-organization-tokens',
];

describe('docs/examples match the schema', () => {
  let codeSchema: GraphQLSchema;
  let committedSchema: GraphQLSchema;

  beforeAll(async () => {
    codeSchema = await buildTesseraSchema();
    committedSchema = buildSchema(readFileSync(join(ROOT, 'schema.graphql'), 'utf8'));
  });

  it('has one file per seed token page', () => {
    expect(examples.map((e) => e.name)).toEqual(expect.arrayContaining(SEED_PAGES));
  });

  it.each(examples.map((e) => [e.name]))('%s is valid against the schema built by buildTesseraSchema() and against schema.graphql', (name) => {
    const { document } = exampleNamed(name);
    expect(validate(codeSchema, document).map((e) => e.message)).toEqual([]);
    expect(validate(committedSchema, document).map((e) => e.message)).toEqual([]);
  });

  it.each(examples.map((e) => [e.name]))('%s holds only named operations that take their values from variables', (name) => {
    const example = exampleNamed(name);
    expect(example.operations.length).toBeGreaterThan(0);
    expect(example.operations).not.toContain('<anonymous>');
    expect(inlineValues(example.document)).toEqual([]);
  });
});

const DAY_MS = 86_400_000;
const inDays = (days: number): string => new Date(Date.now() + days * DAY_MS).toISOString();
const secretPattern = (prefix: string): RegExp => new RegExp(`^${prefix}_[0-9A-Za-z]{30}_[0-9A-Za-z]{6}$`);
const hintOf = (secret: string): string => `${secret.split('_')[0]}_…${secret.split('_')[1].slice(-4)}`;
const idsOf = (connection: { edges: Array<{ node: { id: string } }> }): string[] => connection.edges.map((edge) => edge.node.id);

function expectSameInstant(actual: string | null, expected: string): void {
  expect(actual).not.toBeNull();
  expect(Math.abs(new Date(actual!).getTime() - new Date(expected).getTime())).toBeLessThan(1000);
}

function expectDaysFromNow(actual: string | null, days: number): void {
  expect(actual).not.toBeNull();
  const fromNow = (new Date(actual!).getTime() - Date.now()) / DAY_MS;
  // Within a minute or so either way: "same lifetime" on rotation counts from the stored creation time.
  expect(fromNow).toBeGreaterThan(days - 0.001);
  expect(fromNow).toBeLessThan(days + 0.001);
}

describe('docs/examples run against the server', () => {
  let server: TestServer;
  let admin: string;
  /** `file#operation` of every operation run so far. */
  const ran = new Set<string>();

  /** POSTs the whole example file with `operationName`, as a frontend with a persisted document would. */
  async function run(file: string, operationName: string, variables: Record<string, unknown>, token: string): Promise<GraphQLResponse> {
    const example = exampleNamed(file);
    if (!example.operations.includes(operationName)) throw new Error(`${file}.graphql has no operation ${operationName}`);
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: example.text, variables, operationName }),
    });
    const body = (await response.json()) as { data?: any; errors?: GraphQLResponse['errors'] };
    ran.add(`${file}#${operationName}`);
    return { status: response.status, headers: response.headers, data: body.data, errors: body.errors };
  }

  /** Runs an example operation and returns its data, failing on any error. */
  async function runOk(file: string, operationName: string, variables: Record<string, unknown>, token: string): Promise<Record<string, any>> {
    const response = await run(file, operationName, variables, token);
    const data = ok(response);
    expect(response.status).toBe(200);
    return data;
  }

  const VIEWER = '{ viewer { authMethod user { id } principal { __typename } } }';
  const ROLE_ON = {
    organization: 'query($id: ID!) { organization(id: $id) { viewerRole } }',
    group: 'query($id: ID!) { group(id: $id) { viewerRole } }',
    project: 'query($id: ID!) { project(id: $id) { viewerRole } }',
  };

  async function introspect(callerSecret: string, token: string): Promise<Record<string, unknown>> {
    const response = await fetch(`${server.url}/oauth/introspect`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${callerSecret}` },
      body: new URLSearchParams({ token }).toString(),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  }

  beforeAll(async () => {
    // Webhook receivers run on 127.0.0.1; the test drives deliveries itself.
    server = await startTestServer({ label: 'examples', env: { TESSERA_WEBHOOKS_ALLOW_PRIVATE: 'true', TESSERA_WEBHOOK_POLL_MS: '600000' } });
    admin = await loginAsAdmin(server);
  });
  afterAll(() => server?.stop());

  describe('DataHUB', () => {
    it('personal tokens: scopes, create with default and without expiry, paged and filtered table, rotate, revoke, delete', async () => {
      const F = 'datahub-personal-tokens';
      const user = await createUser(server, admin, 'datahub-user');

      const offered = (await runOk(F, 'DataHubPersonalTokenScopes', { level: 'PERSONAL' }, user.token)).accessTokenScopes;
      expect(offered.map((s: { name: string }) => s.name)).toEqual(expect.arrayContaining(['api', 'read_repository', 'write_repository']));
      expect(offered.every((s: { description: string }) => s.description.length > 0)).toBe(true);

      const office = (
        await runOk(F, 'DataHubCreatePersonalToken', {
          name: 'Office Desktop',
          description: 'ARCitect on the office desktop',
          scopes: ['read_repository', 'write_repository'],
          password: USER_PASSWORD,
        }, user.token)
      ).createAccessToken;
      expect(office.secret).toMatch(secretPattern('tspat'));
      expect(office.accessToken).toMatchObject({
        name: 'Office Desktop',
        description: 'ARCitect on the office desktop',
        scopes: ['read_repository', 'write_repository'],
        status: 'ACTIVE',
        hint: hintOf(office.secret),
        lastUsedAt: null,
        revokedAt: null,
      });
      expectDaysFromNow(office.accessToken.expiresAt, 30); // the default: about one month

      const workstation = (
        await runOk(F, 'DataHubCreatePersonalToken', { name: 'Workstation', scopes: ['api'], expiresAt: null, password: USER_PASSWORD }, user.token)
      ).createAccessToken;
      expect(workstation.accessToken).toMatchObject({ name: 'Workstation', description: null, expiresAt: null, status: 'ACTIVE' });
      expect(ok(await server.gql(VIEWER, {}, workstation.secret)).viewer).toEqual({ authMethod: 'ACCESS_TOKEN', user: { id: user.id }, principal: { __typename: 'User' } });

      // The table: newest first, one row per page here, then filters.
      const page1 = (await runOk(F, 'DataHubPersonalTokens', { first: 1 }, user.token)).viewer.accessTokens;
      expect(page1.totalCount).toBe(2);
      expect(page1.pageInfo.hasNextPage).toBe(true);
      expect(idsOf(page1)).toEqual([workstation.accessToken.id]);
      const page2 = (await runOk(F, 'DataHubPersonalTokens', { first: 1, after: page1.pageInfo.endCursor }, user.token)).viewer.accessTokens;
      expect(idsOf(page2)).toEqual([office.accessToken.id]);
      expect(page2.pageInfo.hasNextPage).toBe(false);
      const searched = (await runOk(F, 'DataHubPersonalTokens', { first: 20, search: 'office', status: 'ACTIVE', kind: 'ACCESS' }, user.token)).viewer.accessTokens;
      expect(idsOf(searched)).toEqual([office.accessToken.id]);
      // The secret is returned by create only, never by the table.
      expect(JSON.stringify([page1, page2, searched])).not.toContain(office.secret);
      expect(JSON.stringify([page1, page2, searched])).not.toContain(workstation.secret);

      const rotated = (await runOk(F, 'DataHubRotatePersonalToken', { id: office.accessToken.id, password: USER_PASSWORD }, user.token)).rotateAccessToken;
      expect(rotated.secret).toMatch(secretPattern('tspat'));
      expect(rotated.secret).not.toBe(office.secret);
      expect(rotated.accessToken).toMatchObject({ name: 'Office Desktop', status: 'ACTIVE', previousToken: { id: office.accessToken.id, status: 'REVOKED' } });
      expectDaysFromNow(rotated.accessToken.expiresAt, 30); // same lifetime as before
      expect(codeOf(await server.gql(VIEWER, {}, office.secret))).toBe('UNAUTHENTICATED');

      const revoked = (await runOk(F, 'DataHubRevokePersonalToken', { id: workstation.accessToken.id, reason: 'workstation replaced' }, user.token)).revokeAccessToken;
      expect(revoked.accessToken).toMatchObject({ id: workstation.accessToken.id, status: 'REVOKED', revocationReason: 'workstation replaced' });
      expect(revoked.accessToken.revokedAt).not.toBeNull();
      expect(codeOf(await server.gql(VIEWER, {}, workstation.secret))).toBe('UNAUTHENTICATED');
      const revokedRows = (await runOk(F, 'DataHubPersonalTokens', { status: 'REVOKED' }, user.token)).viewer.accessTokens;
      expect(idsOf(revokedRows).sort()).toEqual([office.accessToken.id, workstation.accessToken.id].sort());

      const deleted = (await runOk(F, 'DataHubDeletePersonalToken', { id: workstation.accessToken.id }, user.token)).deleteAccessToken;
      expect(deleted).toEqual({ deletedId: workstation.accessToken.id });
      const after = (await runOk(F, 'DataHubPersonalTokens', {}, user.token)).viewer.accessTokens;
      expect(idsOf(after)).not.toContain(workstation.accessToken.id);
      expect(idsOf(after)).toContain(rotated.accessToken.id);
    });

    it('group tokens: created by a group ADMIN with a role, listed on the group, rotated, revoked, deleted', async () => {
      const F = 'datahub-group-tokens';
      const owner = await createUser(server, admin, 'datahub-owner');
      const { groupId } = await createHierarchy(server, owner.token);
      const groupAdmin = await createUser(server, admin, 'datahub-group-admin');
      await addMember(server, owner.token, groupAdmin.id, { groupId }, Role.ADMIN);

      const offered = (await runOk(F, 'DataHubGroupTokenScopes', { level: 'GROUP' }, groupAdmin.token)).accessTokenScopes.map((s: { name: string }) => s.name);
      expect(offered).toEqual(expect.arrayContaining(['api', 'read_repository', 'write_repository']));
      expect(offered).not.toContain('introspect');

      const expiresAt = inDays(7);
      const created = (
        await runOk(F, 'DataHubCreateGroupToken', {
          groupId,
          name: 'Core facility sync server',
          description: 'Synchronises all ARCs of the group',
          expiresAt,
          role: 'MEMBER',
          scopes: ['read_repository', 'write_repository'],
          password: USER_PASSWORD,
        }, groupAdmin.token)
      ).createAccessToken;
      expect(created.secret).toMatch(secretPattern('tsgat'));
      expect(created.accessToken).toMatchObject({ role: 'MEMBER', status: 'ACTIVE', createdBy: { id: groupAdmin.id }, hint: hintOf(created.secret) });
      expect(created.accessToken.owner.id).toEqual(expect.any(String)); // its technical user
      expect(created.accessToken.owner.id).not.toBe(groupAdmin.id);
      expectSameInstant(created.accessToken.expiresAt, expiresAt);
      // Repository scopes only: the token is for the services behind Tessera, not for its GraphQL API.
      expect(codeOf(await server.gql(VIEWER, {}, created.secret))).toBe('FORBIDDEN');

      const group = (await runOk(F, 'DataHubGroupTokens', { groupId, first: 20, status: 'ACTIVE', search: 'sync' }, groupAdmin.token)).group;
      expect(group).toMatchObject({ id: groupId, viewerRole: 'ADMIN', organization: { tokenPolicy: null } });
      expect(group.accessTokens.totalCount).toBe(1);
      expect(idsOf(group.accessTokens)).toEqual([created.accessToken.id]);
      expect(JSON.stringify(group)).not.toContain(created.secret);

      const rotated = (await runOk(F, 'DataHubRotateGroupToken', { id: created.accessToken.id, password: USER_PASSWORD }, groupAdmin.token)).rotateAccessToken;
      expect(rotated.secret).toMatch(secretPattern('tsgat'));
      expect(rotated.accessToken).toMatchObject({ role: 'MEMBER', scopes: ['read_repository', 'write_repository'], owner: { id: created.accessToken.owner.id }, previousToken: { id: created.accessToken.id, status: 'REVOKED' } });

      const revoked = (await runOk(F, 'DataHubRevokeGroupToken', { id: rotated.accessToken.id, reason: 'server decommissioned' }, groupAdmin.token)).revokeAccessToken;
      expect(revoked.accessToken).toMatchObject({ status: 'REVOKED', revocationReason: 'server decommissioned' });

      expect((await runOk(F, 'DataHubDeleteGroupToken', { id: rotated.accessToken.id }, groupAdmin.token)).deleteAccessToken).toEqual({ deletedId: rotated.accessToken.id });
      // Deleting the rotated token takes its predecessor with it.
      expect((await runOk(F, 'DataHubGroupTokens', { groupId }, groupAdmin.token)).group.accessTokens.totalCount).toBe(0);
    });

    it('project tokens: a project ADMIN creates one without expiry, it acts with its role; members below ADMIN may not', async () => {
      const F = 'datahub-project-tokens';
      const owner = await createUser(server, admin, 'datahub-owner');
      const { organizationId, projectId } = await createHierarchy(server, owner.token);
      const projectAdmin = await createUser(server, admin, 'datahub-project-admin');
      await addMember(server, owner.token, projectAdmin.id, { projectId }, Role.ADMIN);
      const projectMember = await createUser(server, admin, 'datahub-project-member');
      await addMember(server, owner.token, projectMember.id, { projectId }, Role.MEMBER);

      const offered = (await runOk(F, 'DataHubProjectTokenScopes', { level: 'PROJECT' }, projectAdmin.token)).accessTokenScopes.map((s: { name: string }) => s.name);
      expect(offered).toEqual(expect.arrayContaining(['api', 'read_repository', 'write_repository']));

      const input = { projectId, name: 'ARCitect Office Desktop', expiresAt: null, role: 'VIEWER', scopes: ['api'], password: USER_PASSWORD };
      const created = (await runOk(F, 'DataHubCreateProjectToken', input, projectAdmin.token)).createAccessToken;
      expect(created.secret).toMatch(secretPattern('tsprt'));
      expect(created.accessToken).toMatchObject({ role: 'VIEWER', scopes: ['api'], expiresAt: null, description: null, status: 'ACTIVE' });
      expect(ok(await server.gql(ROLE_ON.project, { id: projectId }, created.secret)).project.viewerRole).toBe('VIEWER');

      const refused = await run(F, 'DataHubCreateProjectToken', { ...input, role: 'MEMBER' }, projectMember.token);
      expect(codeOf(refused)).toBe('FORBIDDEN');

      // Once the organization requires an expiry, the table query says so and "no expiry" is refused.
      ok(await server.gql('mutation($input: SetTokenPolicyInput!) { setTokenPolicy(input: $input) { tokenPolicy { requireExpiry } } }', { input: { organizationId, requireExpiry: true } }, owner.token));
      const noExpiry = await run(F, 'DataHubCreateProjectToken', { ...input, name: 'no expiry' }, projectAdmin.token);
      expect(codeOf(noExpiry)).toBe('BAD_USER_INPUT');
      expect(noExpiry.errors?.[0].extensions.fields?.[0].field).toBe('input.expiresAt');

      const project = (await runOk(F, 'DataHubProjectTokens', { projectId, first: 10 }, projectAdmin.token)).project;
      expect(project.viewerRole).toBe('ADMIN');
      expect(project.organization).toEqual({ id: organizationId, tokenPolicy: { requireExpiry: true, maxLifetimeDays: null, allowedScopes: null } });
      expect(idsOf(project.accessTokens)).toEqual([created.accessToken.id]);

      const expiresAt = inDays(14);
      const rotated = (await runOk(F, 'DataHubRotateProjectToken', { id: created.accessToken.id, expiresAt, password: USER_PASSWORD }, projectAdmin.token)).rotateAccessToken;
      expect(rotated.secret).toMatch(secretPattern('tsprt'));
      expectSameInstant(rotated.accessToken.expiresAt, expiresAt);
      expect(ok(await server.gql(ROLE_ON.project, { id: projectId }, rotated.secret)).project.viewerRole).toBe('VIEWER');

      const revoked = (await runOk(F, 'DataHubRevokeProjectToken', { id: rotated.accessToken.id }, projectAdmin.token)).revokeAccessToken;
      expect(revoked.accessToken).toMatchObject({ status: 'REVOKED', revocationReason: null });
      expect(codeOf(await server.gql(VIEWER, {}, rotated.secret))).toBe('UNAUTHENTICATED');

      expect((await runOk(F, 'DataHubDeleteProjectToken', { id: rotated.accessToken.id }, projectAdmin.token)).deleteAccessToken).toEqual({ deletedId: rotated.accessToken.id });
      expect((await runOk(F, 'DataHubProjectTokens', { projectId }, projectAdmin.token)).project.accessTokens.totalCount).toBe(0);
    });
  });

  describe('Explorer', () => {
    it.each([
      ['organization', 'explorer-organization-tokens', 'Organization', 'tsoat'],
      ['group', 'explorer-group-tokens', 'Group', 'tsgat'],
    ] as const)('%s tokens: admin role or not, status column, revoke (temporary), restore, delete', async (level, F, Name, prefix) => {
      const owner = await createUser(server, admin, 'explorer-owner');
      const hierarchy = await createHierarchy(server, owner.token);
      const resourceId = level === 'organization' ? hierarchy.organizationId : hierarchy.groupId;
      const idVariable = `${level}Id`;
      // The page's user: the Organization Admin, or a Group Admin of the group.
      let pageAdmin = owner;
      if (level === 'group') {
        pageAdmin = await createUser(server, admin, 'explorer-group-admin');
        await addMember(server, owner.token, pageAdmin.id, { groupId: resourceId }, Role.ADMIN);
      }
      const member = await createUser(server, admin, 'explorer-member');
      await addMember(server, owner.token, member.id, { [idVariable]: resourceId }, Role.MEMBER);

      const expiresAt = inDays(90);
      const create = (name: string, role: Role, token = pageAdmin.token) =>
        run(F, `ExplorerCreate${Name}Token`, { [idVariable]: resourceId, name, expiresAt, role, scopes: ['api'], password: USER_PASSWORD }, token);
      const withAdmin = ok(await create('Pipeline (admin)', Role.ADMIN)).createAccessToken;
      const withoutAdmin = ok(await create('Dashboard', Role.MEMBER)).createAccessToken;
      for (const created of [withAdmin, withoutAdmin]) {
        expect(created.secret).toMatch(secretPattern(prefix));
        expect(created.accessToken.status).toBe('ACTIVE');
        expect(created.accessToken.owner.displayName).toEqual(expect.any(String)); // the technical user
        expectSameInstant(created.accessToken.expiresAt, expiresAt);
      }
      expect(withAdmin.accessToken.role).toBe('ADMIN');
      expect(withoutAdmin.accessToken.role).toBe('MEMBER');
      // Admin role assigned or not: what each token may do on the resource.
      expect(ok(await server.gql(ROLE_ON[level], { id: resourceId }, withAdmin.secret))[level].viewerRole).toBe('ADMIN');
      expect(ok(await server.gql(ROLE_ON[level], { id: resourceId }, withoutAdmin.secret))[level].viewerRole).toBe('MEMBER');

      const list = (variables: Record<string, unknown>, token = pageAdmin.token) => run(F, `Explorer${Name}Tokens`, { [idVariable]: resourceId, ...variables }, token);
      const table = ok(await list({ first: 20 }))[level];
      expect(table.viewerRole).toBe('ADMIN');
      expect(level === 'organization' ? table.tokenPolicy : table.organization.tokenPolicy).toBeNull();
      expect(table.accessTokens.totalCount).toBe(2);
      expect(idsOf(table.accessTokens)).toEqual([withoutAdmin.accessToken.id, withAdmin.accessToken.id]);
      expect(table.accessTokens.edges.map((e: { node: { status: string } }) => e.node.status)).toEqual(['ACTIVE', 'ACTIVE']);

      // Only ADMINs see and create the resource's tokens.
      expect(codeOf(await list({}, member.token))).toBe('FORBIDDEN');
      expect(codeOf(await create('not mine', Role.MEMBER, member.token))).toBe('FORBIDDEN');

      const revoked = (await runOk(F, `ExplorerRevoke${Name}Token`, { id: withoutAdmin.accessToken.id, reason: 'paused' }, pageAdmin.token)).revokeAccessToken;
      expect(revoked.accessToken).toMatchObject({ status: 'REVOKED', revocationReason: 'paused' });
      expect(codeOf(await server.gql(VIEWER, {}, withoutAdmin.secret))).toBe('UNAUTHENTICATED');
      expect(idsOf(ok(await list({ status: 'REVOKED' }))[level].accessTokens)).toEqual([withoutAdmin.accessToken.id]);

      const restored = (await runOk(F, `ExplorerRestore${Name}Token`, { id: withoutAdmin.accessToken.id }, pageAdmin.token)).restoreAccessToken;
      expect(restored.accessToken).toMatchObject({ status: 'ACTIVE', revokedAt: null, revocationReason: null });
      expect(ok(await server.gql(VIEWER, {}, withoutAdmin.secret)).viewer.principal.__typename).toBe('TechnicalUser');

      const deleted = (await runOk(F, `ExplorerDelete${Name}Token`, { id: withAdmin.accessToken.id }, pageAdmin.token)).deleteAccessToken;
      expect(deleted).toEqual({ deletedId: withAdmin.accessToken.id });
      expect(codeOf(await server.gql(VIEWER, {}, withAdmin.secret))).toBe('UNAUTHENTICATED');
      const remaining = ok(await list({ first: 20, status: 'ACTIVE', search: 'dash' }))[level].accessTokens;
      expect(remaining.totalCount).toBe(1);
      expect(idsOf(remaining)).toEqual([withoutAdmin.accessToken.id]);
    });
  });

  describe('DataChain', () => {
    it('Expose tokens: password re-entry, lifetime, one-time secret, table per kind, traceability, delete one, delete all', async () => {
      const F = 'datachain-personal-tokens';
      const user = await createUser(server, admin, 'datachain-user');
      // A personal ACCESS token of the same user, which "delete all" of the Expose table must leave alone.
      const other = ok(
        await server.gql('mutation($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { accessToken { id } } }', { input: { name: 'laptop', scopes: ['api'], password: USER_PASSWORD } }, user.token),
      ).createAccessToken.accessToken;

      const missing = await run(F, 'DataChainCreateToken', { kind: 'EXPOSE', name: 'Expose token', scopes: ['api'], password: '' }, user.token);
      expect(codeOf(missing)).toBe('BAD_USER_INPUT');
      expect(missing.errors?.[0].extensions.fields?.[0].field).toBe('input.password');
      const wrong = await run(F, 'DataChainCreateToken', { kind: 'EXPOSE', name: 'Expose token', scopes: ['api'], password: 'not-the-password' }, user.token);
      expect(codeOf(wrong)).toBe('BAD_USER_INPUT');

      const expiresAt = inDays(60);
      const first = (await runOk(F, 'DataChainCreateToken', { kind: 'EXPOSE', name: 'Expose token 1', expiresAt, scopes: ['api'], password: USER_PASSWORD }, user.token)).createAccessToken;
      expect(first.secret).toMatch(secretPattern('tsexp'));
      expect(first.accessToken).toMatchObject({ kind: 'EXPOSE', status: 'ACTIVE', hint: hintOf(first.secret) });
      expectSameInstant(first.accessToken.expiresAt, expiresAt);
      const second = (await runOk(F, 'DataChainCreateToken', { kind: 'EXPOSE', name: 'Expose token 2', scopes: ['read_api'], password: USER_PASSWORD }, user.token)).createAccessToken;
      expectDaysFromNow(second.accessToken.expiresAt, 30);

      const exposeTable = (await runOk(F, 'DataChainTokens', { kind: 'EXPOSE', first: 20 }, user.token)).viewer;
      expect(exposeTable.user).toEqual({ id: user.id, status: 'ACTIVE', validUntil: null });
      expect(idsOf(exposeTable.accessTokens)).toEqual([second.accessToken.id, first.accessToken.id]);
      expect(JSON.stringify(exposeTable)).not.toContain(first.secret);
      expect(idsOf((await runOk(F, 'DataChainTokens', { kind: 'ACCESS', status: 'ACTIVE' }, user.token)).viewer.accessTokens)).toEqual([other.id]);

      // Traceability: each use of the token is recorded.
      expect(ok(await server.gql(VIEWER, {}, first.secret)).viewer).toMatchObject({ authMethod: 'ACCESS_TOKEN', user: { id: user.id } });
      await server.services.usageRecorder.flush();
      const traced = (await runOk(F, 'DataChainTokenUsage', { id: first.accessToken.id, first: 10 }, user.token)).accessToken;
      expect(traced.usage.totalCount).toBe(1);
      expect(traced.usage.edges[0].node).toMatchObject({ outcome: 'SUCCESS', operation: expect.stringContaining('viewer'), clientAddress: expect.any(String) });
      expect(traced.lastUsedAt).not.toBeNull();
      expect(traced.lastUsedAddresses.length).toBe(1);

      expect((await runOk(F, 'DataChainDeleteToken', { id: first.accessToken.id }, user.token)).deleteAccessToken).toEqual({ deletedId: first.accessToken.id });
      expect(codeOf(await server.gql(VIEWER, {}, first.secret))).toBe('UNAUTHENTICATED');

      expect((await runOk(F, 'DataChainDeleteAllTokens', { kind: 'EXPOSE' }, user.token)).deleteAllAccessTokens).toEqual({ deletedCount: 1 });
      expect((await runOk(F, 'DataChainTokens', { kind: 'EXPOSE' }, user.token)).viewer.accessTokens.totalCount).toBe(0);
      expect(idsOf((await runOk(F, 'DataChainTokens', { kind: 'ACCESS' }, user.token)).viewer.accessTokens)).toEqual([other.id]);
    });

    it('Client tokens: pick a client, access + refresh token shown once, offline refresh token without expiry, Client table', async () => {
      const F = 'datachain-personal-tokens';
      const user = await createUser(server, admin, 'datachain-client');
      ok(await server.gql('mutation { createOAuthClient(input: { clientId: "pydc-examples", name: "PyDC" }) { oauthClient { id } } }', {}, admin));
      const clients = (await runOk(F, 'DataChainOAuthClients', { first: 20 }, user.token)).oauthClients.edges.map((e: { node: { id: string; clientId: string } }) => e.node);
      const pydc = clients.find((client: { clientId: string }) => client.clientId === 'pydc-examples');
      const created = (await runOk(F, 'DataChainCreateClientToken', { kind: 'CLIENT', oauthClientId: pydc.id, name: 'PyDC token', scopes: ['api'], password: USER_PASSWORD }, user.token)).createAccessToken;
      expect(created.secret).toMatch(/^tscat_/);
      expect(created.refreshToken).toMatch(/^tsrft_/);
      expect(created.refreshTokenExpiresAt).not.toBeNull();
      expect(created.accessToken.kind).toBe('CLIENT');
      const offline = (await runOk(F, 'DataChainCreateClientToken', { kind: 'CLIENT', oauthClientId: pydc.id, offline: true, name: 'PyDC offline', scopes: ['api'], password: USER_PASSWORD }, user.token)).createAccessToken;
      expect(offline.refreshTokenExpiresAt).toBeNull();
      expect((await runOk(F, 'DataChainTokens', { kind: 'CLIENT', first: 20 }, user.token)).viewer.accessTokens.totalCount).toBe(2);
    });

    it('all tokens of a user stop working when a platform admin deactivates the account', async () => {
      const F = 'datachain-personal-tokens';
      const user = await createUser(server, admin, 'datachain-leaver');
      const created = (await runOk(F, 'DataChainCreateToken', { kind: 'EXPOSE', name: 'Expose token', scopes: ['api'], password: USER_PASSWORD }, user.token)).createAccessToken;
      ok(await server.gql('mutation($id: ID!) { deactivateUser(input: { id: $id }) { user { status } } }', { id: user.id }, admin));
      expect(codeOf(await server.gql(VIEWER, {}, created.secret))).toBe('UNAUTHENTICATED');
      const seen = ok(await server.gql('query($id: ID!) { accessToken(id: $id) { status revocationReason } }', { id: created.accessToken.id }, admin)).accessToken;
      expect(seen).toEqual({ status: 'REVOKED', revocationReason: 'owner deactivated' });
    });
  });

  describe('POD Aggregator', () => {
    it('organization tokens: owner creates all / upload-only / download-only, table, revoke after confirmation, delete; POD admins too', async () => {
      const F = 'pod-organization-tokens';
      const podOwner = await createUser(server, admin, 'pod-owner');
      const { organizationId } = await createHierarchy(server, podOwner.token);
      const member = await createUser(server, admin, 'pod-member');
      await addMember(server, podOwner.token, member.id, { organizationId }, Role.MEMBER);

      const mine = (await runOk(F, 'PodMyOrganizations', { first: 20 }, podOwner.token)).organizations;
      expect(mine.edges.map((e: { node: unknown }) => e.node)).toContainEqual({ id: organizationId, name: 'Org', viewerRole: 'ADMIN' });
      expect((await runOk(F, 'PodMyOrganizations', { first: 20 }, member.token)).organizations.edges.map((e: { node: { viewerRole: string } }) => e.node.viewerRole)).toEqual(['MEMBER']);

      const create = (name: string, scopes: string[], token = podOwner.token, password = USER_PASSWORD) =>
        run(F, 'PodCreateOrganizationToken', { organizationId, name, scopes, expiresAt: null, password }, token);
      const all = ok(await create('batch upload', ['upload', 'download'])).createAccessToken;
      const uploadOnly = ok(await create('upload-only token', ['upload'])).createAccessToken;
      const downloadOnly = ok(await create('nightly harvest', ['download'])).createAccessToken;
      for (const created of [all, uploadOnly, downloadOnly]) {
        expect(created.secret).toMatch(secretPattern('tsoat'));
        expect(created.accessToken).toMatchObject({ status: 'ACTIVE', expiresAt: null, createdBy: { id: podOwner.id } });
      }
      expect([all, uploadOnly, downloadOnly].map((c) => c.accessToken.scopes)).toEqual([['upload', 'download'], ['upload'], ['download']]);
      expect(codeOf(await create('not an owner', ['download'], member.token))).toBe('FORBIDDEN');
      // upload/download tokens are for the POD services (they introspect them), not for Tessera's GraphQL API.
      expect(codeOf(await server.gql(VIEWER, {}, all.secret))).toBe('FORBIDDEN');

      // What the POD service sees when it checks a token: its own token carries `introspect`. A POD
      // admin's (platform admin's) personal one sees every organization's tokens; a service token of
      // another organization sees none of this one's.
      const introspector = async (input: Record<string, unknown>) =>
        ok(
          await server.gql(
            'mutation($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { secret } }',
            { input: { name: 'POD service', scopes: ['introspect'], password: ADMIN_PASSWORD, ...input } },
            admin,
          ),
        ).createAccessToken.secret;
      const podService = await introspector({});
      expect(await introspect(await introspector({ organizationId: (await createHierarchy(server, admin)).organizationId }), all.secret)).toEqual({ active: false });
      expect(await introspect(podService, all.secret)).toMatchObject({ active: true, scope: 'upload download', level: 'ORGANIZATION' });
      expect(await introspect(podService, downloadOnly.secret)).toMatchObject({ active: true, scope: 'download' });

      const table = (await runOk(F, 'PodOrganizationTokens', { organizationId, first: 20 }, podOwner.token)).organization;
      expect(table).toMatchObject({ viewerRole: 'ADMIN', tokenPolicy: null });
      expect(idsOf(table.accessTokens)).toEqual([downloadOnly.accessToken.id, uploadOnly.accessToken.id, all.accessToken.id]);

      const revoked = (await runOk(F, 'PodRevokeOrganizationToken', { id: downloadOnly.accessToken.id, reason: 'compromised' }, podOwner.token)).revokeAccessToken;
      expect(revoked.accessToken).toMatchObject({ id: downloadOnly.accessToken.id, status: 'REVOKED' });
      expect(await introspect(podService, downloadOnly.secret)).toEqual({ active: false });
      const active = (await runOk(F, 'PodOrganizationTokens', { organizationId, status: 'ACTIVE' }, podOwner.token)).organization.accessTokens;
      expect(idsOf(active)).toEqual([uploadOnly.accessToken.id, all.accessToken.id]);

      expect((await runOk(F, 'PodDeleteOrganizationToken', { id: uploadOnly.accessToken.id }, podOwner.token)).deleteAccessToken).toEqual({ deletedId: uploadOnly.accessToken.id });
      expect(await introspect(podService, uploadOnly.secret)).toEqual({ active: false });

      // A POD administrator (platform admin) manages any organization's tokens.
      const byAdmin = ok(await create('admin-made', ['download'], admin, ADMIN_PASSWORD)).createAccessToken;
      expect(byAdmin.accessToken.scopes).toEqual(['download']);
      const seenByAdmin = (await runOk(F, 'PodOrganizationTokens', { organizationId, first: 20 }, admin)).organization.accessTokens;
      expect(idsOf(seenByAdmin)).toEqual([byAdmin.accessToken.id, downloadOnly.accessToken.id, all.accessToken.id]);
    });
  });

  describe('issue 13', () => {
    it('address allowlists: policy requires and caps them, the token works only from inside, refused uses are recorded, rotation keeps the list', async () => {
      const F = 'token-address-allowlists';
      const owner = await createUser(server, admin, 'allowlist-owner');
      const { organizationId, groupId } = await createHierarchy(server, owner.token);
      const policy = (await runOk(F, 'AllowlistPolicy', { organizationId, requireAllowedAddresses: true, allowedAddressRanges: ['127.0.0.0/8', '10.0.0.0/8'] }, owner.token)).setTokenPolicy.tokenPolicy;
      expect(policy).toEqual({ id: organizationId, requireAllowedAddresses: true, allowedAddressRanges: ['127.0.0.0/8', '10.0.0.0/8'] });

      const input = { groupId, name: 'CI runners', scopes: ['api'], password: USER_PASSWORD };
      expect(codeOf(await run(F, 'CreateAllowlistedGroupToken', { ...input, allowedAddresses: null }, owner.token))).toBe('BAD_USER_INPUT');
      expect(codeOf(await run(F, 'CreateAllowlistedGroupToken', { ...input, allowedAddresses: ['192.0.2.10'] }, owner.token))).toBe('BAD_USER_INPUT');
      // This test's requests come from 127.0.0.1: inside the first list, outside the second.
      const inside = (await runOk(F, 'CreateAllowlistedGroupToken', { ...input, allowedAddresses: ['127.0.0.1', '10.20.0.0/16'] }, owner.token)).createAccessToken;
      expect(inside.accessToken).toMatchObject({ allowedAddresses: ['127.0.0.1', '10.20.0.0/16'], status: 'ACTIVE' });
      expect(ok(await server.gql(VIEWER, {}, inside.secret)).viewer.principal.__typename).toBe('TechnicalUser');
      const outside = (await runOk(F, 'CreateAllowlistedGroupToken', { ...input, allowedAddresses: ['10.20.0.0/16'] }, owner.token)).createAccessToken;
      expect((await server.gql(VIEWER, {}, outside.secret)).status).toBe(401);

      const rotated = (await runOk(F, 'RotateAllowlistedToken', { id: outside.accessToken.id, password: USER_PASSWORD }, owner.token)).rotateAccessToken;
      expect(rotated.accessToken.allowedAddresses).toEqual(['10.20.0.0/16']);
      await server.services.usageRecorder.flush();
      const uses = (await runOk(F, 'AllowlistedTokenUses', { id: outside.accessToken.id }, owner.token)).accessToken.usage.edges.map((e: { node: unknown }) => e.node);
      expect(uses).toEqual([expect.objectContaining({ operation: 'graphql', clientAddress: '127.0.0.1', outcome: 'REFUSED' })]);
    });

    it('edit in place: rename, narrow scopes, bring the expiry forward, set an allowlist; same secret; wider scopes refused', async () => {
      const F = 'token-edit-in-place';
      const owner = await createUser(server, admin, 'edit-owner');
      const { projectId } = await createHierarchy(server, owner.token);
      const created = ok(await server.gql(
        'mutation($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { secret accessToken { id hint } } }',
        { input: { projectId, name: 'sync', scopes: ['api', 'read_repository'], expiresAt: inDays(30), password: USER_PASSWORD } },
        owner.token,
      )).createAccessToken;
      const before = (await runOk(F, 'TokenForEdit', { id: created.accessToken.id }, owner.token)).accessToken;
      expect(before).toMatchObject({ name: 'sync', scopes: ['api', 'read_repository'], allowedAddresses: null, hint: created.accessToken.hint });

      const expiresAt = inDays(7);
      const edited = (await runOk(F, 'EditToken', { input: { id: created.accessToken.id, name: 'nightly sync', description: 'pulls every night', scopes: ['read_api', 'read_repository'], expiresAt, allowedAddresses: ['127.0.0.1'] } }, owner.token)).updateAccessToken.accessToken;
      expect(edited).toMatchObject({ name: 'nightly sync', description: 'pulls every night', scopes: ['read_api', 'read_repository'], allowedAddresses: ['127.0.0.1'], hint: created.accessToken.hint, status: 'ACTIVE' });
      expectSameInstant(edited.expiresAt, expiresAt);
      expect(ok(await server.gql(VIEWER, {}, created.secret)).viewer.principal.__typename).toBe('TechnicalUser');

      const wider = await run(F, 'EditToken', { input: { id: created.accessToken.id, scopes: ['api'] } }, owner.token);
      expect(codeOf(wider)).toBe('BAD_USER_INPUT');
      const later = await run(F, 'EditToken', { input: { id: created.accessToken.id, expiresAt: inDays(20) } }, owner.token);
      expect(later.errors?.[0].extensions.fields?.[0]).toMatchObject({ field: 'input.expiresAt', constraint: 'earlierOnly' });
    });
  });

  describe('issue 13: leak response and stale tokens', () => {
    it('leak response: a secret reported at POST /tokens/leaked shows as LEAKED, with the report in the owner\'s events', async () => {
      const F = 'leak-response';
      const user = await createUser(server, admin, 'leak-owner');
      const created = ok(await server.gql('mutation($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { secret accessToken { id } } }', { input: { name: 'pushed to a public repo', scopes: ['api'], password: USER_PASSWORD } }, user.token)).createAccessToken;
      // What the curl of docs/TOKEN-PAGES.md sends.
      const reported = await fetch(`${server.url}/tokens/leaked`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ secrets: [created.secret, 'tspat_not-a-secret'] }) });
      expect(reported.status).toBe(202);
      expect(await reported.json()).toEqual({});
      expect(codeOf(await server.gql(VIEWER, {}, created.secret))).toBe('UNAUTHENTICATED');
      const leaked = (await runOk(F, 'LeakedTokens', { first: 20 }, user.token)).viewer.accessTokens;
      expect(leaked.edges.map((e: { node: unknown }) => e.node)).toEqual([expect.objectContaining({ id: created.accessToken.id, status: 'LEAKED', revocationReason: 'leaked' })]);
      const events = (await runOk(F, 'LeakEvents', { first: 20 }, user.token)).viewer.auditEvents.edges.map((e: { node: unknown }) => e.node);
      expect(events).toEqual([expect.objectContaining({ action: 'reportLeakedToken', actorId: null, targetType: 'AccessToken', targetId: created.accessToken.id, subjectUserId: user.id, clientAddress: expect.any(String) })]);
    });

    it('stale-token policy: set revokeUnusedAfterDays, the dry run lists what the sweep then revokes, one event per token', async () => {
      const F = 'stale-token-policy';
      const owner = await createUser(server, admin, 'stale-example-owner');
      const { organizationId, groupId } = await createHierarchy(server, owner.token);
      const create = async (name: string) =>
        ok(await server.gql('mutation($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { accessToken { id } } }', { input: { groupId, name, role: 'MEMBER', scopes: ['api'], password: USER_PASSWORD } }, owner.token))
          .createAccessToken.accessToken.id;
      const idle = await create('forgotten CI job');
      const busy = await create('nightly sync');
      await ageToken(server, idle, 120, 95);
      await ageToken(server, busy, 120, 1);
      const policy = (await runOk(F, 'SetStaleTokenPolicy', { organizationId, revokeUnusedAfterDays: 90, maxLifetimeDays: null, requireExpiry: false }, owner.token)).setTokenPolicy.tokenPolicy;
      expect(policy).toEqual({ id: organizationId, revokeUnusedAfterDays: 90, maxLifetimeDays: null, requireExpiry: false });
      const dryRun = (await runOk(F, 'StaleAccessTokens', { organizationId, first: 20 }, owner.token)).staleAccessTokens;
      expect(dryRun).toMatchObject({ totalCount: 1, edges: [{ node: { id: idle, name: 'forgotten CI job', level: 'GROUP' } }] });
      await server.services.staleTokens.sweep(systemContext(server, server.config));
      expect(ok(await server.gql('query($id: ID!) { accessToken(id: $id) { status revocationReason } }', { id: idle }, owner.token)).accessToken).toEqual({ status: 'REVOKED', revocationReason: 'unused for 90 days' });
      expect((await runOk(F, 'StaleAccessTokens', { organizationId }, owner.token)).staleAccessTokens.totalCount).toBe(0);
      const events = (await runOk(F, 'StaleTokenRevocations', { organizationId, first: 20 }, owner.token)).organization.auditEvents.edges.map((e: { node: unknown }) => e.node);
      expect(events).toEqual([expect.objectContaining({ actorId: null, targetId: idle, subjectUserId: owner.id })]);
      expect(busy).not.toBe(idle);
    });

    it('webhooks: an ADMIN registers an endpoint, a revoke is delivered signed, the log shows it, a redelivery sends it again; personal endpoints', async () => {
      const F = 'webhooks';
      const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
      const receiver = createServer((req, res) => {
        let body = '';
        req.on('data', (chunk) => (body += chunk)).on('end', () => {
          received.push({ headers: req.headers, body });
          res.writeHead(204).end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      try {
        const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/tessera`;
        const owner = await createUser(server, admin, 'webhook-owner');
        const { organizationId, groupId } = await createHierarchy(server, owner.token);
        const created = (await runOk(F, 'CreateOrganizationWebhook', { organizationId, url, events: ['TOKEN_REVOKED', 'TOKEN_EXPIRING'], description: 'token alerts' }, owner.token)).createWebhookEndpoint;
        expect(created.secret).toMatch(/^whsec_/);
        const endpointId = created.webhookEndpoint.id;
        const token = ok(await server.gql('mutation($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { accessToken { id } } }', { input: { groupId, name: 'deploy', role: 'MEMBER', scopes: ['api'], password: USER_PASSWORD } }, owner.token)).createAccessToken.accessToken;
        ok(await server.gql('mutation($id: ID!) { revokeAccessToken(input: { id: $id }) { accessToken { id } } }', { id: token.id }, owner.token));
        await server.services.webhookDeliveries.deliverDue(server.db);
        expect(received).toHaveLength(1);
        const signed = `v1=${createHmac('sha256', created.secret).update(`${received[0].headers['x-tessera-timestamp']}.${received[0].body}`).digest('hex')}`;
        expect(received[0].headers['x-tessera-signature']).toBe(signed);
        const listed = (await runOk(F, 'OrganizationWebhooks', { organizationId, deliveries: 10 }, owner.token)).organizationWebhookEndpoints;
        const delivery = listed.edges[0].node.deliveries.edges[0].node;
        expect(delivery).toMatchObject({ eventType: 'token.revoked', status: 'DELIVERED', attempts: 1, lastStatusCode: 204 });
        expect(JSON.parse(delivery.payload).data.token).toMatchObject({ id: token.id, name: 'deploy', level: 'GROUP' });
        const again = (await runOk(F, 'RedeliverWebhook', { endpointId, deliveryId: delivery.id }, owner.token)).redeliverWebhook.webhookDelivery;
        expect(again).toMatchObject({ id: delivery.id, status: 'PENDING', attempts: 0 });
        await server.services.webhookDeliveries.deliverDue(server.db);
        expect(received.map((r) => r.headers['x-tessera-delivery'])).toEqual([delivery.id, delivery.id]);
        expect((await runOk(F, 'UpdateWebhook', { id: endpointId, events: ['TOKEN_EXPIRED'], enabled: false }, owner.token)).updateWebhookEndpoint.webhookEndpoint).toEqual({ id: endpointId, events: ['TOKEN_EXPIRED'], enabled: false });
        expect((await runOk(F, 'DeleteWebhook', { id: endpointId }, owner.token)).deleteWebhookEndpoint.deletedId).toBe(endpointId);

        const personal = (await runOk(F, 'CreatePersonalWebhook', { url, events: ['TOKEN_EXPIRING'] }, owner.token)).createWebhookEndpoint.webhookEndpoint;
        expect(personal.userId).toBe(owner.id);
        expect((await runOk(F, 'MyWebhooks', {}, owner.token)).viewerWebhookEndpoints.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([personal.id]);
      } finally {
        await new Promise((resolve) => receiver.close(resolve));
      }
    });
  });

  describe('issue 13: zero-downtime rotation', () => {
    it('an overlap keeps the old secret working (ROTATING, listed with its end); a personal token rotates itself', async () => {
      const F = 'token-rotation-overlap';
      const owner = await createUser(server, admin, 'overlap-owner');
      const { organizationId, groupId } = await createHierarchy(server, owner.token);
      const policy = (await runOk(F, 'SetRotationOverlapPolicy', { organizationId, maxRotationOverlapSeconds: 3600, maxLifetimeDays: null, requireExpiry: false }, owner.token)).setTokenPolicy.tokenPolicy;
      expect(policy).toEqual({ id: organizationId, maxRotationOverlapSeconds: 3600 });
      const old = ok(await server.gql('mutation($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { secret accessToken { id } } }', { input: { groupId, name: 'deploy', role: 'MEMBER', scopes: ['api'], password: USER_PASSWORD } }, owner.token)).createAccessToken;
      const rotated = (await runOk(F, 'RotateWithOverlap', { id: old.accessToken.id, overlapSeconds: 600, password: USER_PASSWORD }, owner.token)).rotateAccessToken;
      expect(rotated.accessToken).toMatchObject({ status: 'ACTIVE', previousToken: { id: old.accessToken.id, status: 'ROTATING' } });
      expectSameInstant(rotated.accessToken.previousToken.rotationEndsAt, new Date(Date.now() + 600_000).toISOString());
      expect(ok(await server.gql(VIEWER, {}, old.secret)).viewer.principal.__typename).toBe('TechnicalUser');
      expect(ok(await server.gql(VIEWER, {}, rotated.secret)).viewer.principal.__typename).toBe('TechnicalUser');
      const rotating = (await runOk(F, 'RotatingGroupTokens', { groupId, first: 20 }, owner.token)).group.accessTokens;
      expect(rotating).toMatchObject({ totalCount: 1, edges: [{ node: { id: old.accessToken.id, name: 'deploy', status: 'ROTATING' } }] });

      const bot = ok(await server.gql('mutation($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { secret accessToken { id expiresAt } } }', { input: { name: 'renovate', scopes: ['api'], expiresAt: inDays(10), password: USER_PASSWORD } }, owner.token)).createAccessToken;
      const renewed = (await runOk(F, 'RotateSelf', { id: bot.accessToken.id }, bot.secret)).rotateAccessToken;
      expect(renewed.secret).toMatch(secretPattern('tspat'));
      expect(renewed.accessToken).toMatchObject({ level: 'PERSONAL', scopes: ['api'] });
      expect(new Date(renewed.accessToken.expiresAt).getTime()).toBeLessThanOrEqual(new Date(bot.accessToken.expiresAt).getTime());
      expect(codeOf(await server.gql(VIEWER, {}, bot.secret))).toBe('UNAUTHENTICATED');
    });
  });

  it('ran every operation of every example file', () => {
    const all = examples.flatMap((example) => example.operations.map((operation) => `${example.name}#${operation}`));
    expect(all.filter((operation) => !ran.has(operation))).toEqual([]);
  });
});
