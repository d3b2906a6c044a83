import { FindOptionsWhere } from 'typeorm';
import { AuditEventEntity, AuditOutcome } from '../../src/core/audit/audit-event.entity';
import { ADMIN_PASSWORD, GraphQLResponse, TestServer } from './test-server';
import { USER_PASSWORD, codeOf, ok } from './fixtures';

/** The four levels a token can be bound to. */
export type Level = 'PERSONAL' | 'ORGANIZATION' | 'GROUP' | 'PROJECT';
export const LEVELS: Level[] = ['PERSONAL', 'ORGANIZATION', 'GROUP', 'PROJECT'];
export const RESOURCE_LEVELS: Exclude<Level, 'PERSONAL'>[] = ['ORGANIZATION', 'GROUP', 'PROJECT'];

export interface Hierarchy {
  organizationId: string;
  groupId: string;
  projectId: string;
}

/** A well-formed id that names nothing. */
export const UNKNOWN_ID = '01900000-0000-7000-8000-000000000000';

export const DAY_MS = 24 * 3600 * 1000;
export const daysFromNow = (days: number): string => new Date(Date.now() + days * DAY_MS).toISOString();

const TOKEN_FIELDS = `id level kind name description role scopes status hint expiresAt revokedAt revocationReason createdAt
  previousToken { id status revocationReason }
  owner { __typename ... on User { id } ... on TechnicalUser { id } }
  createdBy { id }
  resource { __typename ... on Organization { id } ... on Group { id } ... on Project { id } }`;

const LIST_ARGS = '$status: AccessTokenStatus, $level: AccessTokenLevel, $kind: AccessTokenKind, $expiresBefore: DateTimeISO, $search: String, $first: Int, $after: String';
const LIST_PARAMS = 'status: $status, level: $level, kind: $kind, expiresBefore: $expiresBefore, search: $search, first: $first, after: $after';
const CONNECTION = 'totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { id name level kind status expiresAt } }';

/** The access-token GraphQL operations, each taking its input as `$input`. */
export const TOKEN_OPS = {
  create: `mutation($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { secret accessToken { ${TOKEN_FIELDS} } } }`,
  revoke: `mutation($input: RevokeAccessTokenInput!) { revokeAccessToken(input: $input) { accessToken { ${TOKEN_FIELDS} } } }`,
  restore: `mutation($input: AccessTokenIdInput!) { restoreAccessToken(input: $input) { accessToken { ${TOKEN_FIELDS} } } }`,
  rotate: `mutation($input: RotateAccessTokenInput!) { rotateAccessToken(input: $input) { secret accessToken { ${TOKEN_FIELDS} } } }`,
  update: `mutation($input: UpdateAccessTokenInput!) { updateAccessToken(input: $input) { accessToken { ${TOKEN_FIELDS} allowedAddresses } } }`,
  delete: 'mutation($input: AccessTokenIdInput!) { deleteAccessToken(input: $input) { deletedId } }',
  deleteAll: 'mutation($input: DeleteAllAccessTokensInput) { deleteAllAccessTokens(input: $input) { deletedCount } }',
  setPolicy:
    'mutation($input: SetTokenPolicyInput!) { setTokenPolicy(input: $input) { tokenPolicy { organizationId maxLifetimeDays requireExpiry allowedScopes } } }',
  get: `query($id: ID!) { accessToken(id: $id) { ${TOKEN_FIELDS} } }`,
  viewer: '{ viewer { authMethod scopes principal { __typename ... on User { id } ... on TechnicalUser { id } } } }',
  viewerTokens: `query(${LIST_ARGS}) { viewer { accessTokens(${LIST_PARAMS}) { ${CONNECTION} } } }`,
  organizationTokens: `query($id: ID!, ${LIST_ARGS}) { organization(id: $id) { accessTokens(${LIST_PARAMS}) { ${CONNECTION} } } }`,
  groupTokens: `query($id: ID!, ${LIST_ARGS}) { group(id: $id) { accessTokens(${LIST_PARAMS}) { ${CONNECTION} } } }`,
  projectTokens: `query($id: ID!, ${LIST_ARGS}) { project(id: $id) { accessTokens(${LIST_PARAMS}) { ${CONNECTION} } } }`,
  allTokens: `query(${LIST_ARGS}) { accessTokens(${LIST_PARAMS}) { ${CONNECTION} } }`,
  auditEvents:
    'query($targetId: String, $action: String) { auditEvents(targetId: $targetId, action: $action, first: 100) { edges { node { id action outcome reason targetId targetType actorId actorTokenId requestId clientAddress organizationId } } } }',
  deactivateUser: 'mutation($input: UserIdInput!) { deactivateUser(input: $input) { user { id status } } }',
  reactivateUser: 'mutation($input: UserIdInput!) { reactivateUser(input: $input) { user { id status } } }',
  updateUser: 'mutation($input: UpdateUserInput!) { updateUser(input: $input) { user { id validUntil } } }',
  removeMembership: 'mutation($input: RemoveMembershipInput!) { removeMembership(input: $input) { deletedId } }',
  createOrganization: 'mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } } }',
  deleteOrganization: 'mutation($input: DeleteOrganizationInput!) { deleteOrganization(input: $input) { deletedId } }',
  deleteGroup: 'mutation($input: DeleteGroupInput!) { deleteGroup(input: $input) { deletedId } }',
  deleteProject: 'mutation($input: DeleteProjectInput!) { deleteProject(input: $input) { deletedId } }',
} as const;

/** The id field that binds a token to a resource of this level, with the resource's id; none for personal tokens. */
export function resourceOf(level: Level, hierarchy: Hierarchy): Record<string, string> {
  switch (level) {
    case 'PERSONAL':
      return {};
    case 'ORGANIZATION':
      return { organizationId: hierarchy.organizationId };
    case 'GROUP':
      return { groupId: hierarchy.groupId };
    case 'PROJECT':
      return { projectId: hierarchy.projectId };
  }
}

export interface IssuedToken {
  id: string;
  secret: string;
  accessToken: Record<string, any>;
}

/** The password a bearer must re-enter to create or rotate a token: sessions need one, access tokens do not. */
export function passwordFor(bearer: string, password = USER_PASSWORD): Record<string, string> {
  return bearer.startsWith('tsess_') ? { password } : {};
}

/**
 * Creates a token as `bearer` (a session token or an access token) and returns its id and secret.
 * `password` is the bearer's own (USER_PASSWORD for people made by `createUser`, ADMIN_PASSWORD for the platform admin).
 */
export async function createToken(
  server: TestServer,
  bearer: string,
  level: Level,
  hierarchy: Hierarchy,
  input: Record<string, unknown> = {},
  password = USER_PASSWORD,
): Promise<IssuedToken> {
  const response = await server.gql(
    TOKEN_OPS.create,
    { input: { name: `${level.toLowerCase()} token`, scopes: ['api'], ...resourceOf(level, hierarchy), ...passwordFor(bearer, password), ...input } },
    bearer,
  );
  const { secret, accessToken } = ok(response).createAccessToken;
  return { id: accessToken.id, secret, accessToken };
}

export { ADMIN_PASSWORD };

/** The HTTP status of a request authenticated with `secret` (200 when it works, 401 when refused). */
export async function bearerStatus(server: TestServer, secret: string): Promise<number> {
  return (await server.gql(TOKEN_OPS.viewer, {}, secret)).status;
}

/** Columns a request may touch merely by authenticating with a token (usage tracking), not by changing it. */
const USAGE_COLUMN = /^lastUsed/;

/** Every row of `table`, in a stable order, without usage-tracking columns. */
export async function tableRows(server: TestServer, table: string): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = await server.db.query(`SELECT * FROM ${server.db.driver.escape(table)}`);
  return rows
    .map((row) => Object.fromEntries(Object.entries(row).filter(([column]) => !USAGE_COLUMN.test(column))))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

/** The tables a token mutation may write, the audit trail aside. */
export const TOKEN_TABLES = ['access_tokens', 'users', 'memberships', 'token_policies'];

export async function tokenTables(server: TestServer): Promise<Record<string, Record<string, unknown>[]>> {
  const state: Record<string, Record<string, unknown>[]> = {};
  for (const table of TOKEN_TABLES) state[table] = await tableRows(server, table);
  return state;
}

/** Runs `call` and asserts that no access token, user, membership or token policy changed. */
export async function withoutWrites<T>(server: TestServer, call: () => Promise<T>): Promise<T> {
  const before = await tokenTables(server);
  const result = await call();
  expect(await tokenTables(server)).toEqual(before);
  return result;
}

/** Asserts a refusal: this `extensions.code`, and no data. */
export function expectRefused(response: GraphQLResponse, code: string): void {
  expect(codeOf(response)).toBe(code);
  expect(response.data ? Object.values(response.data).filter((value) => value !== null) : []).toEqual([]);
}

/**
 * Asserts BAD_USER_INPUT naming `field` (e.g. `input.name`). Domain errors name the full path
 * (`input.name`), argument validation names the field inside the argument (`name`), and variable
 * coercion (before any resolver runs) names it only in the message; each counts.
 */
export function expectBadInput(response: GraphQLResponse, field: string): void {
  expect(codeOf(response)).toBe('BAD_USER_INPUT');
  const error = response.errors![0];
  const fields = error.extensions.fields?.map((f) => f.field);
  if (fields) {
    const escaped = field.replace(/^input\./, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(fields).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^(input\\.)?${escaped}$`))]));
  } else {
    expect(error.message).toContain(`"${field}"`);
  }
}

/** The audit events matching `where`, oldest first. */
export function auditEvents(server: TestServer, where: FindOptionsWhere<AuditEventEntity>): Promise<AuditEventEntity[]> {
  return server.db.manager.find(AuditEventEntity, { where, order: { id: 'ASC' } });
}

export const countAudit = (server: TestServer, where: FindOptionsWhere<AuditEventEntity>): Promise<number> => server.db.manager.countBy(AuditEventEntity, where);

export { AuditOutcome };

/** Anything shaped like a Tessera secret: `<prefix>_<30 random>_<6 checksum>`. */
export const SECRET_SHAPE = /ts[a-z]{3}_[0-9A-Za-z]{30}_[0-9A-Za-z]{6}/g;

/** The random part of a secret, the part that must never be seen again once handed out. */
export const randomPartOf = (secret: string): string => secret.split('_')[1];

/** One request and what came back: the body as text, and the secrets it handed out (`secret`, `sessionToken`). */
export interface Exchange {
  query: string;
  body: string;
  handedOut: string[];
}

function handedOutSecrets(value: unknown): string[] {
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, inner]) =>
    (key === 'secret' || key === 'sessionToken') && typeof inner === 'string' ? [inner] : handedOutSecrets(inner),
  );
}

/** Records every GraphQL exchange made through `wrap(server)`, to look for secrets afterwards. */
export class SecretLedger {
  readonly exchanges: Exchange[] = [];

  /** The same server, whose `gql` records each response (fixtures such as `login` go through it too). */
  wrap(server: TestServer): TestServer {
    return {
      ...server,
      gql: async <T = Record<string, any>>(query: string, variables?: Record<string, unknown>, token?: string, headers?: Record<string, string>) => {
        const response = await server.gql<T>(query, variables, token, headers);
        this.exchanges.push({ query, body: JSON.stringify({ data: response.data, errors: response.errors }), handedOut: handedOutSecrets(response.data) });
        return response;
      },
    };
  }

  /** Every secret handed out so far: access-token secrets and session tokens. */
  get secrets(): string[] {
    return this.exchanges.flatMap((exchange) => exchange.handedOut);
  }
}

/** Every physical table of the test database, whichever the dialect. */
export async function allTables(server: TestServer): Promise<string[]> {
  const rows: Array<Record<string, string>> =
    server.database === 'mysql'
      ? await server.db.query('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()')
      : await server.db.query("SELECT name FROM sqlite_master WHERE type = 'table'");
  return rows.map((row) => row.name ?? row.NAME ?? Object.values(row)[0]);
}

/** Every cell of every table as text, labelled `table.column`. */
export async function allCells(server: TestServer): Promise<Array<{ where: string; text: string }>> {
  const cells: Array<{ where: string; text: string }> = [];
  for (const table of await allTables(server)) {
    const rows: Record<string, unknown>[] = await server.db.query(`SELECT * FROM ${server.db.driver.escape(table)}`);
    for (const row of rows) {
      for (const [column, value] of Object.entries(row)) {
        if (value === null || value === undefined) continue;
        const text = Buffer.isBuffer(value) ? `${value.toString('utf8')} ${value.toString('hex')}` : value instanceof Date ? value.toISOString() : String(value);
        cells.push({ where: `${table}.${column}`, text });
      }
    }
  }
  return cells;
}
