import { In } from 'typeorm';
import { AuditEventEntity } from '../../src/core/audit/audit-event.entity';
import { AccessTokenEntity } from '../../src/modules/access-token/access-token.entity';
import { RunningServer, startServer } from '../../src/server';
import { Role } from '../../src/core/authorization/role';
import { TestServer, startTestServer, testDatabase } from '../support/test-server';
import { addMember, codeOf, createHierarchy, createUser, loginAsAdmin, ok } from '../support/fixtures';
import { ageToken, systemContext } from '../support/system-context';
import { issueToken } from '../support/token-helpers';

const DAY_MS = 86_400_000;
const SET_POLICY = 'mutation($input: SetTokenPolicyInput!) { setTokenPolicy(input: $input) { tokenPolicy { revokeUnusedAfterDays } } }';
const STALE = 'query($organizationId: ID!, $first: Int) { staleAccessTokens(organizationId: $organizationId, first: $first) { totalCount edges { node { id } } } }';
const TOKEN = 'query($id: ID!) { accessToken(id: $id) { status revocationReason } }';

const idsOf = (connection: { edges: Array<{ node: { id: string } }> }): string[] => connection.edges.map((e) => e.node.id).sort();

describe('stale-token policy: revokeUnusedAfterDays', () => {
  let server: TestServer;
  let admin: string;

  beforeAll(async () => {
    // The scheduled sweep stays out of the way (it runs once at start, before any token exists); tests call it.
    server = await startTestServer({ label: 'stale_tokens', env: { TESSERA_STALE_SWEEP_SECONDS: '86400' } });
    admin = await loginAsAdmin(server);
  });
  afterAll(() => server?.stop());

  async function organizationWithTokens() {
    const owner = await createUser(server, admin, 'stale-owner');
    const hierarchy = await createHierarchy(server, owner.token);
    const make = (resource: Record<string, string>) => issueToken(server, owner.token, { ...resource, role: 'MEMBER', scopes: ['api'], expiresAt: null });
    const neverUsed = await make({ organizationId: hierarchy.organizationId });
    const usedLongAgo = await make({ groupId: hierarchy.groupId });
    const usedRecently = await make({ projectId: hierarchy.projectId });
    const young = await make({ organizationId: hierarchy.organizationId });
    const revoked = await make({ organizationId: hierarchy.organizationId });
    const expired = await make({ organizationId: hierarchy.organizationId });
    const personal = await issueToken(server, owner.token, { scopes: ['api'], expiresAt: null });
    await ageToken(server, neverUsed.id, 40, null);
    await ageToken(server, usedLongAgo.id, 100, 31);
    await ageToken(server, usedRecently.id, 100, 29);
    await ageToken(server, young.id, 29, null);
    await ageToken(server, revoked.id, 40, null);
    await ageToken(server, expired.id, 40, null);
    await ageToken(server, personal.id, 40, null);
    ok(await server.gql('mutation($id: ID!) { revokeAccessToken(input: { id: $id }) { accessToken { id } } }', { id: revoked.id }, owner.token));
    await server.db.manager.update(AccessTokenEntity, { id: expired.id }, { expiresAt: new Date(Date.now() - DAY_MS) });
    return { owner, ...hierarchy, stale: [neverUsed.id, usedLongAgo.id].sort(), kept: [usedRecently.id, young.id], personal };
  }

  it('the dry run lists exactly what the sweep then revokes, for good, with a revokeStaleAccessToken event per token in the creator\'s trail', async () => {
    const org = await organizationWithTokens();
    expect(ok(await server.gql(STALE, { organizationId: org.organizationId }, org.owner.token)).staleAccessTokens.totalCount).toBe(0);
    expect(ok(await server.gql(SET_POLICY, { input: { organizationId: org.organizationId, revokeUnusedAfterDays: 30 } }, org.owner.token)).setTokenPolicy.tokenPolicy).toEqual({ revokeUnusedAfterDays: 30 });

    const dryRun = ok(await server.gql(STALE, { organizationId: org.organizationId, first: 100 }, org.owner.token)).staleAccessTokens;
    expect(idsOf(dryRun)).toEqual(org.stale);
    expect(ok(await server.gql(STALE, { organizationId: org.organizationId, first: 100 }, admin)).staleAccessTokens.totalCount).toBe(2);

    await server.services.staleTokens.sweep(systemContext(server, server.config));
    const revoked = await server.db.manager.find(AccessTokenEntity, { select: { id: true }, where: { organizationId: org.organizationId, revocationReason: 'unused for 30 days' } });
    expect(revoked.map((t) => t.id).sort()).toEqual(idsOf(dryRun));
    for (const id of org.stale) {
      expect(ok(await server.gql(TOKEN, { id }, org.owner.token)).accessToken).toEqual({ status: 'REVOKED', revocationReason: 'unused for 30 days' });
      expect(codeOf(await server.gql('mutation($id: ID!) { restoreAccessToken(input: { id: $id }) { accessToken { id } } }', { id }, org.owner.token))).toBe('CONFLICT');
    }
    for (const id of [...org.kept, org.personal.id]) expect(ok(await server.gql(TOKEN, { id }, org.owner.token)).accessToken.status).toBe('ACTIVE');
    expect(ok(await server.gql(STALE, { organizationId: org.organizationId }, org.owner.token)).staleAccessTokens.totalCount).toBe(0);

    const own = ok(await server.gql('{ viewer { auditEvents(action: "revokeStaleAccessToken", first: 10) { edges { node { targetId actorId subjectUserId } } } } }', {}, org.owner.token)).viewer.auditEvents.edges;
    expect(own.map((e: { node: { targetId: string } }) => e.node.targetId).sort()).toEqual(org.stale);
    expect(own.every((e: { node: { actorId: string | null; subjectUserId: string } }) => e.node.actorId === null && e.node.subjectUserId === org.owner.id)).toBe(true);
  });

  it('only ADMINs of the organization and platform admins read the dry run', async () => {
    const org = await organizationWithTokens();
    const member = await createUser(server, admin, 'stale-member');
    await addMember(server, org.owner.token, member.id, { organizationId: org.organizationId }, Role.MEMBER);
    const otherAdmin = await createUser(server, admin, 'other-org-admin');
    await createHierarchy(server, otherAdmin.token);
    expect(codeOf(await server.gql(STALE, { organizationId: org.organizationId }, member.token))).toBe('FORBIDDEN');
    expect(codeOf(await server.gql(STALE, { organizationId: org.organizationId }, otherAdmin.token))).toBe('NOT_FOUND');
    expect(codeOf(await server.gql(STALE, { organizationId: org.organizationId }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await server.gql(SET_POLICY, { input: { organizationId: org.organizationId, revokeUnusedAfterDays: 30 } }, member.token))).toBe('FORBIDDEN');
  });

  it.each([0, 3651, -1])('refuses revokeUnusedAfterDays %p', async (days) => {
    const owner = await createUser(server, admin, 'bad-days');
    const { organizationId } = await createHierarchy(server, owner.token);
    const response = await server.gql(SET_POLICY, { input: { organizationId, revokeUnusedAfterDays: days } }, owner.token);
    expect(codeOf(response)).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0].extensions.fields?.[0].field).toBe('input.revokeUnusedAfterDays');
  });

  it('personal tokens follow TESSERA_REVOKE_UNUSED_PERSONAL_TOKENS_AFTER_DAYS, and are left alone without it', async () => {
    const user = await createUser(server, admin, 'personal-stale');
    const old = await issueToken(server, user.token, { scopes: ['api'], expiresAt: null });
    const fresh = await issueToken(server, user.token, { scopes: ['api'], expiresAt: null });
    await ageToken(server, old.id, 90, 61);
    await ageToken(server, fresh.id, 90, 59);
    await server.services.staleTokens.sweep(systemContext(server, server.config));
    expect(ok(await server.gql(TOKEN, { id: old.id }, user.token)).accessToken.status).toBe('ACTIVE');
    await server.services.staleTokens.sweep(systemContext(server, { ...server.config, revokeUnusedPersonalTokensAfterDays: 60 }));
    expect(ok(await server.gql(TOKEN, { id: old.id }, user.token)).accessToken).toEqual({ status: 'REVOKED', revocationReason: 'unused for 60 days' });
    expect(ok(await server.gql(TOKEN, { id: fresh.id }, user.token)).accessToken.status).toBe('ACTIVE');
  });
});

describe('the stale-token sweep on several instances', () => {
  let first: TestServer;
  let second: RunningServer;

  beforeAll(async () => {
    first = await startTestServer({ label: 'stale_scale_out', env: { TESSERA_STALE_SWEEP_SECONDS: '86400' } });
    second = await startServer(first.config, { print: () => undefined });
  });
  afterAll(async () => {
    await second?.stop();
    await first?.stop();
  });

  it(testDatabase() === 'mysql' ? 'revokes each stale token once, with one audit event, when both instances sweep at the same time' : 'revokes each stale token once, with one audit event, when a second instance sweeps after the first', async () => {
    const admin = await loginAsAdmin(first);
    const owner = await createUser(first, admin, 'scale-owner');
    const { organizationId } = await createHierarchy(first, owner.token);
    const tokens = [];
    for (let i = 0; i < 12; i += 1) tokens.push(await issueToken(first, owner.token, { organizationId, role: 'MEMBER', scopes: ['api'], expiresAt: null }));
    for (const token of tokens) await ageToken(first, token.id, 45, null);
    ok(await first.gql(SET_POLICY, { input: { organizationId, revokeUnusedAfterDays: 30 } }, owner.token));
    const dryRun = idsOf(ok(await first.gql(STALE, { organizationId, first: 100 }, owner.token)).staleAccessTokens);
    const sweepOn = (instance: RunningServer) => instance.services.staleTokens.sweep(systemContext(instance, first.config));
    // Several instances share MySQL; on SQLite (one instance is the supported setup) the second sweep follows the first.
    const counts = testDatabase() === 'mysql' ? await Promise.all([sweepOn(first), sweepOn(second)]) : [await sweepOn(first), await sweepOn(second)];
    const ids = tokens.map((t) => t.id);
    const events = await first.db.manager.find(AuditEventEntity, { where: { action: 'revokeStaleAccessToken', targetId: In(ids) } });
    expect(events.map((e) => e.targetId).sort()).toEqual([...ids].sort());
    expect(dryRun).toEqual([...ids].sort());
    expect(counts[0] + counts[1]).toBe(ids.length);
    expect(await first.db.manager.count(AccessTokenEntity, { where: { id: In(ids), revocationReason: 'unused for 30 days' } })).toBe(ids.length);
  });
});

describe('the scheduled stale-token sweep', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ label: 'stale_schedule', env: { TESSERA_STALE_SWEEP_SECONDS: '1', TESSERA_REVOKE_UNUSED_PERSONAL_TOKENS_AFTER_DAYS: '30' } });
  });
  afterAll(() => server?.stop());

  it('sweeps on its own every TESSERA_STALE_SWEEP_SECONDS (personal tokens by the platform setting)', async () => {
    const admin = await loginAsAdmin(server);
    const user = await createUser(server, admin, 'scheduled');
    const token = await issueToken(server, user.token, { scopes: ['api'], expiresAt: null });
    await ageToken(server, token.id, 31, null);
    const deadline = Date.now() + 10_000;
    let status = 'ACTIVE';
    while (status === 'ACTIVE' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      status = ok(await server.gql(TOKEN, { id: token.id }, user.token)).accessToken.status;
    }
    expect(status).toBe('REVOKED');
    expect(await server.db.manager.count(AuditEventEntity, { where: { action: 'revokeStaleAccessToken', targetId: token.id } })).toBe(1);
  });
});
