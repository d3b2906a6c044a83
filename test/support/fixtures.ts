import { Role } from '../../src/core/authorization/role';
import { ADMIN_EMAIL, ADMIN_PASSWORD, GraphQLResponse, TestServer } from './test-server';

/** Returns `data`, failing the test with the errors when there are any. */
export function ok<T = Record<string, any>>(response: GraphQLResponse<T>): T {
  if (response.errors?.length) throw new Error(`unexpected GraphQL errors: ${JSON.stringify(response.errors)}`);
  return response.data as T;
}

/** The `extensions.code` of the first error. */
export const codeOf = (response: GraphQLResponse): string | undefined => response.errors?.[0]?.extensions.code;

export async function login(server: TestServer, email: string, password: string): Promise<string> {
  const data = ok(await server.gql('mutation($input: LoginInput!) { login(input: $input) { sessionToken } }', { input: { email, password } }));
  return data.login.sessionToken;
}

export const loginAsAdmin = (server: TestServer): Promise<string> => login(server, ADMIN_EMAIL, ADMIN_PASSWORD);

export const USER_PASSWORD = 'a-long-user-password';
let sequence = 0;

/** Creates a person through the API (as the admin) and signs them in. */
export async function createUser(server: TestServer, adminToken: string, name = 'user'): Promise<{ id: string; email: string; token: string }> {
  sequence += 1;
  const email = `${name}-${sequence}-${Date.now()}@example.test`;
  const data = ok(
    await server.gql('mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }', { input: { email, displayName: name, password: USER_PASSWORD } }, adminToken),
  );
  return { id: data.createUser.user.id, email, token: await login(server, email, USER_PASSWORD) };
}

/** Organization ⊃ group ⊃ project, created by `ownerToken`, who becomes the organization ADMIN. */
export async function createHierarchy(server: TestServer, ownerToken: string): Promise<{ organizationId: string; groupId: string; projectId: string }> {
  const org = ok(await server.gql('mutation { createOrganization(input: { name: "Org" }) { organization { id } } }', {}, ownerToken));
  const organizationId = org.createOrganization.organization.id;
  const group = ok(await server.gql('mutation($input: CreateGroupInput!) { createGroup(input: $input) { group { id } } }', { input: { organizationId, name: 'Group' } }, ownerToken));
  const groupId = group.createGroup.group.id;
  const project = ok(await server.gql('mutation($input: CreateProjectInput!) { createProject(input: $input) { project { id } } }', { input: { groupId, name: 'Project' } }, ownerToken));
  return { organizationId, groupId, projectId: project.createProject.project.id };
}

/** Gives a user a role on one resource (as `grantorToken`). */
export async function addMember(server: TestServer, grantorToken: string, userId: string, resource: Record<string, string>, role: Role): Promise<string> {
  const data = ok(
    await server.gql('mutation($input: AddMembershipInput!) { addMembership(input: $input) { membership { id } } }', { input: { userId, role, ...resource } }, grantorToken),
  );
  return data.addMembership.membership.id;
}
