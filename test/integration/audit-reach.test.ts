import { TestServer, startTestServer } from '../support/test-server';
import { USER_PASSWORD, createHierarchy, createUser, loginAsAdmin, ok } from '../support/fixtures';
import { Hierarchy, TOKEN_OPS, UNKNOWN_ID, createToken, expectRefused, withoutWrites } from '../support/token-fixtures';

const EVENT_FIELDS = 'action outcome reason actorId actorTokenId targetType targetId organizationId clientAddress';
const OWN_DENIED = `query($targetId: String) { viewer { auditEvents(outcome: DENIED, targetId: $targetId, first: 10) { edges { node { ${EVENT_FIELDS} } } } } }`;
const ORGANIZATION_EVENTS = `query($id: ID!) { organization(id: $id) { auditEvents(first: 100) { totalCount edges { node { ${EVENT_FIELDS} } } } } }`;
const ALL_DENIED = `query($actorId: String) { auditEvents(outcome: DENIED, actorId: $actorId, first: 100) { edges { node { ${EVENT_FIELDS} } } } }`;
const CREATE_PROJECT = 'mutation($input: CreateProjectInput!) { createProject(input: $input) { project { id } } }';

type Event = Record<string, string | null>;
const nodes = (connection: { edges: Array<{ node: Event }> }): Event[] => connection.edges.map((edge) => edge.node);

/**
 * An audit trail shows its reader only what the reader may already see (docs/ERRORS.md, "Audit
 * trail"): a refusal answered NOT_FOUND is recorded with the target as the caller named it, never
 * resolved to an organization, so it stays in the caller's own trail (and the platform admins')
 * and out of the organization's it aimed at.
 */
describe('audit trails leak neither existence nor other tenants', () => {
  let server: TestServer;
  let admin: string;
  let tenant: { id: string; token: string };
  let tenantHierarchy: Hierarchy;
  let tenantTokenId: string;
  let outsider: { id: string; token: string };
  let outsiderApi: { id: string; secret: string };

  /** One refused attempt per operation: on the tenant's existing id, then on a random id. */
  const attempts: Array<[string, (id: string) => { query: string; variables: Record<string, unknown> }, () => string]> = [
    ['revokeAccessToken', (id) => ({ query: TOKEN_OPS.revoke, variables: { input: { id } } }), () => tenantTokenId],
    ['restoreAccessToken', (id) => ({ query: TOKEN_OPS.restore, variables: { input: { id } } }), () => tenantTokenId],
    ['rotateAccessToken', (id) => ({ query: TOKEN_OPS.rotate, variables: { input: { id, password: USER_PASSWORD } } }), () => tenantTokenId],
    ['deleteAccessToken', (id) => ({ query: TOKEN_OPS.delete, variables: { input: { id } } }), () => tenantTokenId],
    ['createProject', (groupId) => ({ query: CREATE_PROJECT, variables: { input: { groupId, name: 'Intruder' } } }), () => tenantHierarchy.groupId],
    ['createAccessToken', (groupId) => ({ query: TOKEN_OPS.create, variables: { input: { name: 'intruder', scopes: ['api'], groupId, password: USER_PASSWORD } } }), () => tenantHierarchy.groupId],
  ];

  beforeAll(async () => {
    server = await startTestServer({ label: 'audit_reach' });
    admin = await loginAsAdmin(server);
    tenant = await createUser(server, admin, 'tenant');
    tenantHierarchy = await createHierarchy(server, tenant.token);
    tenantTokenId = (await createToken(server, tenant.token, 'GROUP', tenantHierarchy, { role: 'VIEWER' })).id;
    outsider = await createUser(server, admin, 'outsider');
    await createHierarchy(server, outsider.token);
    outsiderApi = await createToken(server, outsider.token, 'PERSONAL', tenantHierarchy, { name: 'outsider automation', scopes: ['api'] });
  });
  afterAll(() => server.stop());

  describe.each([
    ['a session', () => outsider.token, () => null],
    ['an api token', () => outsiderApi.secret, () => outsiderApi.id],
  ])("the refused caller's own trail, through %s", (_label, bearer, bearerTokenId) => {
    it.each(attempts.map(([action, request, existing]) => [action, request, existing] as const))(
      '%s: the same NOT_FOUND, and the same event, for an existing foreign id and a random id',
      async (action, request, existing) => {
        const events: Event[] = [];
        for (const id of [existing(), UNKNOWN_ID]) {
          const { query, variables } = request(id);
          expectRefused(await withoutWrites(server, () => server.gql(query, variables, bearer())), 'NOT_FOUND');
          const own = nodes(ok(await server.gql(OWN_DENIED, { targetId: id }, outsider.token)).viewer.auditEvents).filter((event) => event.action === action && event.actorTokenId === bearerTokenId());
          expect(own).toHaveLength(1);
          expect(own[0].targetId).toBe(id); // as the caller named it
          events.push({ ...own[0], targetId: null });
        }
        expect(events[0]).toEqual(events[1]);
        expect(events[0]).toMatchObject({ outcome: 'DENIED', reason: 'NOT_FOUND', organizationId: null, actorId: outsider.id });
      },
    );
  });

  it("keeps the outsider's principal and tokens out of the organization's trail", async () => {
    const { organization } = ok(await server.gql(ORGANIZATION_EVENTS, { id: tenantHierarchy.organizationId }, tenant.token));
    const trail = JSON.stringify(organization.auditEvents);
    expect(organization.auditEvents.totalCount).toBeGreaterThan(0);
    expect(trail).not.toContain(outsider.id);
    expect(trail).not.toContain(outsiderApi.id);
    expect(nodes(organization.auditEvents).every((event) => event.organizationId === tenantHierarchy.organizationId)).toBe(true);
  });

  it("keeps every refusal, with the id sent, in the platform admins' trail", async () => {
    const denied = nodes(ok(await server.gql(ALL_DENIED, { actorId: outsider.id }, admin)).auditEvents);
    expect(denied).toHaveLength(attempts.length * 2 * 2);
    expect(denied.filter((event) => event.actorTokenId === outsiderApi.id)).toHaveLength(attempts.length * 2);
  });
});
