import { AuditEventEntity } from '../../../src/core/audit/audit-event.entity';
import { GroupEntity } from '../../../src/modules/group/group.entity';
import { MembershipEntity } from '../../../src/modules/membership/membership.entity';
import { USER_PASSWORD, loginAsAdmin, ok } from '../../support/fixtures';
import {
  Cast,
  OPS,
  REFUSED_NON_PLATFORM_ADMIN,
  auditEventsWhere,
  countRows,
  createCast,
  expectRefused,
  tokenOf,
  withoutWrites,
} from '../../support/identity-fixtures';
import { TestServer, startTestServer } from '../../support/test-server';

const EVENT_FIELDS = 'id action outcome reason actorId targetType targetId organizationId requestId clientAddress createdAt';
const ORGANIZATION_EVENTS = `query($id: ID!, $outcome: AuditOutcome, $action: String, $first: Int, $after: String) {
  organization(id: $id) { auditEvents(outcome: $outcome, action: $action, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { ${EVENT_FIELDS} } } } } }`;
const ALL_EVENTS = `query($outcome: AuditOutcome, $action: String, $actorId: String, $targetId: String, $first: Int) {
  auditEvents(outcome: $outcome, action: $action, actorId: $actorId, targetId: $targetId, first: $first) {
    totalCount edges { node { ${EVENT_FIELDS} } } } }`;

type Event = { id: string; action: string; outcome: string; reason: string | null; actorId: string | null; organizationId: string | null; targetId: string | null };
const nodes = (connection: { edges: Array<{ node: Event }> }): Event[] => connection.edges.map((edge) => edge.node);

describe('the audit trail', () => {
  let server: TestServer;
  let adminToken: string;
  let cast: Cast;

  beforeAll(async () => {
    server = await startTestServer({ label: 'identity_audit' });
    adminToken = await loginAsAdmin(server);
    cast = await createCast(server, adminToken);
    // One refusal inside the organization and one outside it, for the reading tests.
    expectRefused(await server.gql(OPS.createGroup, { input: { organizationId: cast.organizationId, name: 'Refused' } }, cast.member.token), 'FORBIDDEN');
    expectRefused(await server.gql(OPS.login, { input: { email: cast.member.email, password: 'not-the-password' } }), 'UNAUTHENTICATED');
  });
  afterAll(() => server.stop());

  describe('writing', () => {
    it('records a carried-out mutation as SUCCESS with actor, target, organization, request id and client address', async () => {
      const response = await server.gql(OPS.createGroup, { input: { organizationId: cast.organizationId, name: 'Audited' } }, cast.owner.token);
      const groupId = ok(response).createGroup.group.id;

      const events = await auditEventsWhere(server, { targetId: groupId });
      expect(events).toEqual([
        expect.objectContaining({
          action: 'createGroup',
          outcome: 'SUCCESS',
          reason: null,
          actorId: cast.owner.id,
          actorTokenId: null,
          targetType: 'Group',
          targetId: groupId,
          organizationId: cast.organizationId,
          requestId: response.headers.get('x-request-id'),
          clientAddress: expect.any(String),
        }),
      ]);
    });

    it('records a refused mutation as DENIED with the reason, and carries nothing out', async () => {
      const before = await countRows(server, AuditEventEntity, { outcome: 'DENIED' });
      const response = await withoutWrites(server, () =>
        server.gql(OPS.createGroup, { input: { organizationId: cast.organizationId, name: 'Forbidden' } }, cast.member.token),
      );
      expectRefused(response, 'FORBIDDEN');

      const denied = await auditEventsWhere(server, { outcome: 'DENIED' as never, requestId: response.headers.get('x-request-id')! });
      expect(denied).toEqual([
        expect.objectContaining({ action: 'createGroup', reason: 'FORBIDDEN', actorId: cast.member.id, targetId: cast.organizationId, organizationId: cast.organizationId }),
      ]);
      expect(await countRows(server, AuditEventEntity, { outcome: 'DENIED' })).toBe(before + 1);
      expect(await countRows(server, GroupEntity, { name: 'Forbidden' })).toBe(0);
    });

    it.each([
      ['an anonymous mutation', 'UNAUTHENTICATED', null],
      ['a mutation on an organization out of reach', 'NOT_FOUND', 'otherOrgAdmin'],
    ] as const)('records %s as DENIED with reason %s', async (_label, reason, role) => {
      const response = await server.gql(OPS.updateOrganization, { input: { id: cast.organizationId, name: 'Nope' } }, role ? tokenOf(cast, role) : undefined);
      expectRefused(response, reason);
      const [event] = await auditEventsWhere(server, { requestId: response.headers.get('x-request-id')! });
      expect(event).toMatchObject({
        action: 'updateOrganization',
        outcome: 'DENIED',
        reason,
        actorId: role ? cast[role].id : null,
        targetId: role ? cast.organizationId : null,
      });
    });

    it('records a refusal raised by the domain rules (the last ADMIN stays) as DENIED with reason CONFLICT', async () => {
      const membership = await server.db.manager.findOneByOrFail(MembershipEntity, { userId: cast.owner.id, resourceId: cast.organizationId });
      const response = await server.gql(OPS.removeMembership, { input: { id: membership.id } }, cast.owner.token);
      expectRefused(response, 'CONFLICT');
      const events = await auditEventsWhere(server, { requestId: response.headers.get('x-request-id')! });
      expect(events).toEqual([expect.objectContaining({ action: 'removeMembership', outcome: 'DENIED', reason: 'CONFLICT', targetId: membership.id })]);
    });

    it('records a failed sign-in as DENIED, without the password', async () => {
      const response = await server.gql(OPS.login, { input: { email: cast.member.email, password: 'a-wrong-password-123' } });
      expectRefused(response, 'UNAUTHENTICATED');
      const events = await auditEventsWhere(server, { requestId: response.headers.get('x-request-id')! });
      expect(events).toEqual([expect.objectContaining({ action: 'login', outcome: 'DENIED', reason: 'UNAUTHENTICATED', actorId: null })]);
      expect(JSON.stringify(events)).not.toContain('a-wrong-password-123');
    });

    it('keeps no password or session token in any event', async () => {
      const all = JSON.stringify(await auditEventsWhere(server, {}));
      expect(all).not.toContain(USER_PASSWORD);
      for (const person of [cast.owner, cast.member, cast.viewer]) expect(all).not.toContain(person.token.split('_')[1]);
    });
  });

  describe('Organization.auditEvents', () => {
    it("lets the organization ADMIN read that organization's events, allowed and refused, newest first, and no other organization's", async () => {
      const { organization } = ok(await server.gql(ORGANIZATION_EVENTS, { id: cast.organizationId, first: 100 }, cast.owner.token));
      const events = nodes(organization.auditEvents);

      expect(events.length).toBeGreaterThan(0);
      expect(events.every((e) => e.organizationId === cast.organizationId)).toBe(true);
      expect(events.map((e) => e.outcome)).toEqual(expect.arrayContaining(['SUCCESS', 'DENIED']));
      expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['createOrganization', 'createGroup', 'addMembership']));
      expect(events.map((e) => e.id)).toEqual(events.map((e) => e.id).sort().reverse());
      expect(organization.auditEvents.totalCount).toBe(await countRows(server, AuditEventEntity, { organizationId: cast.organizationId }));
    });

    it('filters by outcome and by action', async () => {
      const denied = ok(await server.gql(ORGANIZATION_EVENTS, { id: cast.organizationId, outcome: 'DENIED' }, cast.owner.token)).organization.auditEvents;
      expect(denied.totalCount).toBeGreaterThan(0);
      expect(nodes(denied).every((e) => e.outcome === 'DENIED' && e.reason !== null)).toBe(true);

      const created = ok(await server.gql(ORGANIZATION_EVENTS, { id: cast.organizationId, action: 'createOrganization' }, cast.owner.token)).organization.auditEvents;
      expect(nodes(created)).toEqual([expect.objectContaining({ action: 'createOrganization', outcome: 'SUCCESS', actorId: cast.owner.id, targetId: cast.organizationId })]);
    });

    it('pages with first/after', async () => {
      const all = nodes(ok(await server.gql(ORGANIZATION_EVENTS, { id: cast.organizationId, first: 100 }, cast.owner.token)).organization.auditEvents);
      const first = ok(await server.gql(ORGANIZATION_EVENTS, { id: cast.organizationId, first: 2 }, cast.owner.token)).organization.auditEvents;
      const second = ok(await server.gql(ORGANIZATION_EVENTS, { id: cast.organizationId, first: 2, after: first.pageInfo.endCursor }, cast.owner.token)).organization.auditEvents;
      expect(first.pageInfo.hasNextPage).toBe(true);
      expect([...nodes(first), ...nodes(second)].map((e) => e.id)).toEqual(all.slice(0, 4).map((e) => e.id));
    });

    it("lets a platform admin read any organization's events", async () => {
      const { organization } = ok(await server.gql(ORGANIZATION_EVENTS, { id: cast.organizationId }, adminToken));
      expect(organization.auditEvents.totalCount).toBeGreaterThan(0);
    });

    it.each([
      ['a MEMBER of the organization', 'member', 'FORBIDDEN'],
      ['a VIEWER of the organization', 'viewer', 'FORBIDDEN'],
      ['the ADMIN of a different organization', 'otherOrgAdmin', 'NOT_FOUND'],
    ] as const)('refuses %s with %s', async (_label, role, code) => {
      const response = await server.gql(ORGANIZATION_EVENTS, { id: cast.organizationId }, tokenOf(cast, role));
      expect(response.errors?.[0].extensions.code).toBe(code);
      expect(response.data?.organization ?? null).toBeNull();
    });
  });

  describe('Query.auditEvents', () => {
    it('lets a platform admin read the whole trail, including events outside any organization', async () => {
      const { auditEvents } = ok(await server.gql(ALL_EVENTS, { first: 100 }, adminToken));
      expect(auditEvents.totalCount).toBe(await countRows(server, AuditEventEntity));
      const actions = nodes(auditEvents).map((e) => e.action);
      expect(actions).toEqual(expect.arrayContaining(['createUser', 'deactivateUser', 'login', 'createOrganization']));
    });

    it('filters by action, actor, target and outcome', async () => {
      const byTarget = ok(await server.gql(ALL_EVENTS, { action: 'deactivateUser', targetId: cast.deactivated.id }, adminToken)).auditEvents;
      expect(nodes(byTarget)).toEqual([expect.objectContaining({ action: 'deactivateUser', outcome: 'SUCCESS', targetId: cast.deactivated.id, organizationId: null })]);

      const byActor = nodes(ok(await server.gql(ALL_EVENTS, { actorId: cast.member.id, first: 100 }, adminToken)).auditEvents);
      expect(byActor.length).toBeGreaterThan(0);
      expect(byActor.every((e) => e.actorId === cast.member.id)).toBe(true);

      const denied = nodes(ok(await server.gql(ALL_EVENTS, { outcome: 'DENIED', first: 100 }, adminToken)).auditEvents);
      expect(denied.every((e) => e.outcome === 'DENIED')).toBe(true);
      expect(denied.map((e) => e.action)).toEqual(expect.arrayContaining(['login', 'createGroup']));
    });

    it.each(REFUSED_NON_PLATFORM_ADMIN)('refuses $label with $code', async ({ role, code, status }) => {
      expectRefused(await server.gql(ALL_EVENTS, {}, tokenOf(cast, role)), code, status);
    });
  });
});
