import { FindOptionsWhere } from 'typeorm';
import { AuditEventEntity, AuditOutcome } from '../../src/core/audit/audit-event.entity';
import { Role } from '../../src/core/authorization/role';
import { SessionEntity } from '../../src/modules/session/session.entity';
import { USER_PASSWORD, addMember, codeOf, createHierarchy, login, ok } from './fixtures';
import { GraphQLResponse, TestServer } from './test-server';

/** The identity domain's GraphQL operations, each taking its input as `$input`. */
export const OPS = {
  login: 'mutation($input: LoginInput!) { login(input: $input) { sessionToken expiresAt user { id email } } }',
  logout: 'mutation { logout { success } }',
  viewer: '{ viewer { authMethod user { id email } memberships(first: 100) { edges { node { id role resourceType resourceId } } } } }',
  createUser:
    'mutation($input: CreateUserInput!) { createUser(input: $input) { user { id email displayName status isPlatformAdmin validUntil } } }',
  updateUser:
    'mutation($input: UpdateUserInput!) { updateUser(input: $input) { user { id email displayName status isPlatformAdmin validUntil } } }',
  deactivateUser: 'mutation($input: UserIdInput!) { deactivateUser(input: $input) { user { id status } } }',
  reactivateUser: 'mutation($input: UserIdInput!) { reactivateUser(input: $input) { user { id status } } }',
  changePassword: 'mutation($input: ChangePasswordInput!) { changePassword(input: $input) { user { id } } }',
  createOrganization: 'mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id name viewerRole } } }',
  updateOrganization: 'mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) { organization { id name } } }',
  deleteOrganization: 'mutation($input: DeleteOrganizationInput!) { deleteOrganization(input: $input) { deletedId } }',
  createGroup: 'mutation($input: CreateGroupInput!) { createGroup(input: $input) { group { id name organization { id } viewerRole } } }',
  updateGroup: 'mutation($input: UpdateGroupInput!) { updateGroup(input: $input) { group { id name } } }',
  deleteGroup: 'mutation($input: DeleteGroupInput!) { deleteGroup(input: $input) { deletedId } }',
  createProject:
    'mutation($input: CreateProjectInput!) { createProject(input: $input) { project { id name group { id } organization { id } viewerRole } } }',
  updateProject: 'mutation($input: UpdateProjectInput!) { updateProject(input: $input) { project { id name } } }',
  deleteProject: 'mutation($input: DeleteProjectInput!) { deleteProject(input: $input) { deletedId } }',
  addMembership:
    'mutation($input: AddMembershipInput!) { addMembership(input: $input) { membership { id role resourceType resourceId member { ... on User { id } } } } }',
  updateMembership: 'mutation($input: UpdateMembershipInput!) { updateMembership(input: $input) { membership { id role } } }',
  removeMembership: 'mutation($input: RemoveMembershipInput!) { removeMembership(input: $input) { deletedId } }',
} as const;

/** A well-formed id that names nothing. */
export const UNKNOWN_ID = '01900000-0000-7000-8000-000000000000';

export interface Person {
  id: string;
  email: string;
  token: string;
}

let sequence = 0;

/** Creates a person through the API (as a platform admin) and signs them in. */
export async function createPerson(
  server: TestServer,
  adminToken: string,
  name: string,
  extra: { isPlatformAdmin?: boolean; validUntil?: string | null } = {},
): Promise<Person> {
  sequence += 1;
  const email = `${name}-${sequence}-${Date.now()}@example.test`;
  const data = ok(await server.gql(OPS.createUser, { input: { email, displayName: name, password: USER_PASSWORD, ...extra } }, adminToken));
  return { id: data.createUser.user.id, email, token: await login(server, email, USER_PASSWORD) };
}

/** Moves every open session of a user into the past, as if its TTL had run out. */
export async function expireSessions(server: TestServer, userId: string): Promise<void> {
  await server.db
    .createQueryBuilder()
    .update(SessionEntity)
    .set({ expiresAt: new Date(Date.now() - 60_000) })
    .where('userId = :userId', { userId })
    .execute();
}

/**
 * The people a role matrix needs, around one organization ⊃ group ⊃ project owned by `owner`.
 * `deactivated` and `expired` are platform admins, so nothing but their account or session state
 * can be what refuses them.
 */
export interface Cast {
  adminToken: string;
  organizationId: string;
  groupId: string;
  projectId: string;
  owner: Person;
  viewer: Person;
  member: Person;
  otherOrgAdmin: Person & { organizationId: string };
  outsider: Person;
  deactivated: Person;
  expired: Person;
}

export type CastRole = 'anonymous' | 'viewer' | 'member' | 'otherOrgAdmin' | 'outsider' | 'deactivated' | 'expired' | 'owner' | 'admin';

export async function createCast(server: TestServer, adminToken: string): Promise<Cast> {
  const owner = await createPerson(server, adminToken, 'owner');
  const { organizationId, groupId, projectId } = await createHierarchy(server, owner.token);
  const viewer = await createPerson(server, adminToken, 'viewer');
  const member = await createPerson(server, adminToken, 'member');
  await addMember(server, owner.token, viewer.id, { organizationId }, Role.VIEWER);
  await addMember(server, owner.token, member.id, { organizationId }, Role.MEMBER);
  const otherAdmin = await createPerson(server, adminToken, 'other-admin');
  const other = ok(await server.gql(OPS.createOrganization, { input: { name: 'Other' } }, otherAdmin.token));
  const outsider = await createPerson(server, adminToken, 'outsider');
  const deactivated = await createPerson(server, adminToken, 'deactivated', { isPlatformAdmin: true });
  ok(await server.gql(OPS.deactivateUser, { input: { id: deactivated.id } }, adminToken));
  const expired = await createPerson(server, adminToken, 'expired', { isPlatformAdmin: true });
  await expireSessions(server, expired.id);
  return {
    adminToken,
    organizationId,
    groupId,
    projectId,
    owner,
    viewer,
    member,
    otherOrgAdmin: { ...otherAdmin, organizationId: other.createOrganization.organization.id },
    outsider,
    deactivated,
    expired,
  };
}

export function tokenOf(cast: Cast, role: CastRole): string | undefined {
  if (role === 'anonymous') return undefined;
  if (role === 'admin') return cast.adminToken;
  return cast[role].token;
}

/** A row of a refusal matrix: who calls, the `extensions.code` they get, and the HTTP status. */
export interface Refusal {
  label: string;
  role: CastRole;
  code: string;
  status: number;
}

const refusal = (label: string, role: CastRole, code: string, status = 200): Refusal => ({ label, role, code, status });

export const ANONYMOUS = refusal('anonymous', 'anonymous', 'UNAUTHENTICATED');
export const DEACTIVATED = refusal('a deactivated user (even a platform admin)', 'deactivated', 'UNAUTHENTICATED', 401);
export const EXPIRED = refusal("an expired session (even a platform admin's)", 'expired', 'UNAUTHENTICATED', 401);

/** Who may not act on the cast's organization (or anything in it) where ADMIN is required. */
export const REFUSED_BELOW_ADMIN: Refusal[] = [
  ANONYMOUS,
  refusal('a VIEWER of the organization', 'viewer', 'FORBIDDEN'),
  refusal('a MEMBER of the organization', 'member', 'FORBIDDEN'),
  refusal('the ADMIN of a different organization', 'otherOrgAdmin', 'NOT_FOUND'),
  DEACTIVATED,
  EXPIRED,
];

/** Who may not call a platform-admin operation. */
export const REFUSED_NON_PLATFORM_ADMIN: Refusal[] = [
  ANONYMOUS,
  refusal('a VIEWER of an organization', 'viewer', 'FORBIDDEN'),
  refusal('a MEMBER of an organization', 'member', 'FORBIDDEN'),
  refusal('the ADMIN of an organization', 'owner', 'FORBIDDEN'),
  DEACTIVATED,
  EXPIRED,
];

/** Who may not call an operation open to any signed-in person. */
export const REFUSED_UNAUTHENTICATED: Refusal[] = [ANONYMOUS, DEACTIVATED, EXPIRED];

/**
 * Every row of every table (the audit trail aside, which records refusals too), by table name:
 * `users`, `sessions`, `organizations`, `resource_groups`, `projects`, `memberships`, and
 * whatever other modules keep (access tokens, policies) so a refusal can be shown to write nothing.
 */
export async function databaseRows(server: TestServer): Promise<Record<string, unknown[]>> {
  const tables: Record<string, unknown[]> = {};
  for (const meta of server.db.entityMetadatas) {
    if (meta.target === AuditEventEntity) continue;
    const order = Object.fromEntries(meta.primaryColumns.map((column) => [column.propertyName, 'ASC' as const]));
    tables[meta.tableName] = await server.db.manager.find(meta.target, { order });
  }
  return tables;
}

/** Runs `call` and asserts that it changed no row of any table but the audit trail. */
export async function withoutWrites<T>(server: TestServer, call: () => Promise<T>): Promise<T> {
  const before = await databaseRows(server);
  const result = await call();
  expect(await databaseRows(server)).toEqual(before);
  return result;
}

/** Asserts a refusal: no data, the code, and the HTTP status. */
export function expectRefused(response: GraphQLResponse, code: string, status = 200): void {
  expect({ code: codeOf(response), status: response.status }).toEqual({ code, status });
  expect(response.data ? Object.values(response.data).filter((value) => value !== null) : []).toEqual([]);
}

/**
 * Asserts BAD_USER_INPUT naming `field` (a path such as `input.name`): in `extensions.fields`,
 * either as the whole path or as the field inside the argument (`name`, as input validation names
 * it), or else in the message (`… at "input.name"`, `Field "name" … was not provided`), which is
 * where graphql-js names a variable that does not fit its type.
 */
export function expectBadInput(response: GraphQLResponse, field: string): void {
  expect(codeOf(response)).toBe('BAD_USER_INPUT');
  const error = response.errors![0];
  const leaf = field.replace(/^input\./, '');
  const named = (error.extensions.fields ?? []).some((f) => f.field === field || f.field === leaf);
  if (!named) expect(error.message).toMatch(new RegExp(`"(input\\.)?${leaf.replace(/\./g, '\\.')}"`));
}

/** The audit events matching `where`, oldest first. */
export function auditEventsWhere(server: TestServer, where: FindOptionsWhere<AuditEventEntity>): Promise<AuditEventEntity[]> {
  return server.db.manager.find(AuditEventEntity, { where, order: { id: 'ASC' } });
}

/** Asserts exactly one audit event with this action, target and outcome. */
export async function expectAudited(server: TestServer, action: string, targetId: string, outcome: AuditOutcome | 'SUCCESS' | 'DENIED' = 'SUCCESS'): Promise<AuditEventEntity> {
  const events = await auditEventsWhere(server, { action, targetId, outcome: outcome as AuditOutcome });
  expect(events).toHaveLength(1);
  return events[0];
}

/** How many audit events have this action, target and outcome. */
export const countAudited = (server: TestServer, action: string, targetId: string, outcome: 'SUCCESS' | 'DENIED' = 'SUCCESS'): Promise<number> =>
  server.db.manager.countBy(AuditEventEntity, { action, targetId, outcome: outcome as AuditOutcome });

export const countRows = (server: TestServer, entity: Parameters<TestServer['db']['manager']['count']>[0], where: Record<string, unknown> = {}): Promise<number> =>
  server.db.manager.count(entity, { where });
