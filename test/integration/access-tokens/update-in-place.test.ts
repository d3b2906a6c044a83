import { AuditEventEntity } from '../../../src/core/audit/audit-event.entity';
import { TestServer, startTestServer } from '../../support/test-server';
import { codeOf, createHierarchy, createUser, loginAsAdmin, ok } from '../../support/fixtures';
import { createClientToken, createOAuthClient } from '../../support/oauth-helpers';
import {
  AuditOutcome,
  Hierarchy,
  IssuedToken,
  TOKEN_OPS,
  auditEvents,
  bearerStatus,
  countAudit,
  createToken,
  daysFromNow,
  expectBadInput,
  expectRefused,
  withoutWrites,
} from '../../support/token-fixtures';

const CREATE_PROJECT = 'mutation($input: CreateProjectInput!) { createProject(input: $input) { project { id } } }';

describe('updateAccessToken: edit in place', () => {
  let server: TestServer;
  let owner: { id: string; token: string };
  let hierarchy: Hierarchy;

  const update = (input: Record<string, unknown>, bearer = owner.token, headers?: Record<string, string>) => server.gql(TOKEN_OPS.update, { input }, bearer, headers);
  const groupToken = (input: Record<string, unknown> = {}) => createToken(server, owner.token, 'GROUP', hierarchy, { role: 'ADMIN', ...input });

  beforeAll(async () => {
    server = await startTestServer({ label: 'token_update', env: { TESSERA_TRUST_PROXY: '1' } });
    owner = await createUser(server, await loginAsAdmin(server), 'owner');
    hierarchy = await createHierarchy(server, owner.token);
  });
  afterAll(() => server.stop());

  it('changes name and description without a new secret, and audits the changed fields only', async () => {
    const token = await groupToken({ name: 'ci', description: 'old' });
    const { accessToken } = ok(await update({ id: token.id, name: '  deploy bot  ', description: 'runs the deploys' })).updateAccessToken;
    expect(accessToken).toMatchObject({ id: token.id, name: 'deploy bot', description: 'runs the deploys', hint: token.accessToken.hint, status: 'ACTIVE' });
    expect(await bearerStatus(server, token.secret)).toBe(200);
    const [event] = await auditEvents(server, { action: 'updateAccessToken', targetId: token.id, outcome: AuditOutcome.SUCCESS });
    expect(JSON.parse(event.detail!)).toEqual({ changes: { name: { from: 'ci', to: 'deploy bot' }, description: { from: 'old', to: 'runs the deploys' } } });
    expect(event.detail).not.toContain(token.secret.split('_')[1]);

    const cleared = ok(await update({ id: token.id, description: null })).updateAccessToken.accessToken;
    expect(cleared.description).toBeNull();
  });

  it('writes nothing and audits nothing when nothing changes', async () => {
    const token = await groupToken({ name: 'same', scopes: ['api', 'read_repository'] });
    await withoutWrites(server, async () => ok(await update({ id: token.id, name: 'same', scopes: ['read_repository', 'api'] })));
    expect(await countAudit(server, { action: 'updateAccessToken', targetId: token.id })).toBe(0);
  });

  describe('scopes', () => {
    it('narrows them (api to read_api included), effective at once on the same secret', async () => {
      const token = await groupToken({ scopes: ['api', 'read_repository'] });
      ok(await server.gql(CREATE_PROJECT, { input: { groupId: hierarchy.groupId, name: 'before narrowing' } }, token.secret));
      const narrowed = ok(await update({ id: token.id, scopes: ['read_api'] })).updateAccessToken.accessToken;
      expect(narrowed.scopes).toEqual(['read_api']);
      const refused = await server.gql(CREATE_PROJECT, { input: { groupId: hierarchy.groupId, name: 'after narrowing' } }, token.secret);
      expect(codeOf(refused)).toBe('FORBIDDEN');
    });

    it.each([
      ['a scope the token lacks', ['api'], ['api', 'write_repository'], 'narrowerOnly'],
      ['api for a read_api token', ['read_api'], ['api'], 'narrowerOnly'],
      ['a scope the level does not offer', ['api'], ['introspect', 'nonsense'], 'scopeCatalogue'],
    ])('refuses %s with BAD_USER_INPUT and writes nothing', async (_label, scopes, requested, constraint) => {
      const token = await groupToken({ scopes });
      const response = await withoutWrites(server, () => update({ id: token.id, scopes: requested }));
      expectBadInput(response, 'input.scopes');
      expect(response.errors![0].extensions.fields).toEqual([expect.objectContaining({ constraint })]);
    });

    it("refuses scopes the organization's policy no longer allows, even when narrower", async () => {
      const person = await createUser(server, await loginAsAdmin(server), 'scoped');
      const own = await createHierarchy(server, person.token);
      const token = await createToken(server, person.token, 'PROJECT', own, { scopes: ['read_repository', 'write_repository'] });
      ok(await server.gql(TOKEN_OPS.setPolicy, { input: { organizationId: own.organizationId, allowedScopes: ['read_repository'] } }, person.token));
      expectBadInput(await update({ id: token.id, scopes: ['write_repository'] }, person.token), 'input.scopes');
      expect(ok(await update({ id: token.id, scopes: ['read_repository'] }, person.token)).updateAccessToken.accessToken.scopes).toEqual(['read_repository']);
    });
  });

  describe('expiry', () => {
    it('brings it forward, effective at once', async () => {
      const token = await groupToken({ expiresAt: daysFromNow(20) });
      const earlier = daysFromNow(5);
      expect(ok(await update({ id: token.id, expiresAt: earlier })).updateAccessToken.accessToken.expiresAt).toBe(earlier);
      const past = new Date(Date.now() + 1500).toISOString();
      ok(await update({ id: token.id, expiresAt: past }));
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect(await bearerStatus(server, token.secret)).toBe(401);
    });

    it.each([
      ['a later expiry', { expiresAt: daysFromNow(20) }, daysFromNow(25), 'earlierOnly'],
      ['removing the expiry', { expiresAt: daysFromNow(20) }, null, 'earlierOnly'],
      ['an expiry in the past', { expiresAt: daysFromNow(20) }, daysFromNow(-1), 'future'],
    ])('refuses %s with BAD_USER_INPUT and writes nothing', async (_label, created, expiresAt, constraint) => {
      const token = await groupToken(created);
      const response = await withoutWrites(server, () => update({ id: token.id, expiresAt }));
      expectBadInput(response, 'input.expiresAt');
      expect(response.errors![0].extensions.fields).toEqual([expect.objectContaining({ constraint })]);
    });

    it("gives a token without expiry one within the policy's maximum lifetime, and keeps none when asked for none", async () => {
      const token = await groupToken({ expiresAt: null });
      ok(await update({ id: token.id, expiresAt: null }));
      expect(ok(await update({ id: token.id, expiresAt: daysFromNow(400) })).updateAccessToken.accessToken.expiresAt).not.toBeNull();
    });

    it("refuses an earlier expiry that is still beyond the policy's maximum lifetime", async () => {
      const person = await createUser(server, await loginAsAdmin(server), 'lifetime');
      const own = await createHierarchy(server, person.token);
      const token = await createToken(server, person.token, 'GROUP', own, { expiresAt: daysFromNow(300) });
      ok(await server.gql(TOKEN_OPS.setPolicy, { input: { organizationId: own.organizationId, maxLifetimeDays: 30 } }, person.token));
      expectBadInput(await withoutWrites(server, () => update({ id: token.id, expiresAt: daysFromNow(200) }, person.token)), 'input.expiresAt');
      ok(await update({ id: token.id, expiresAt: daysFromNow(20) }, person.token));
    });
  });

  describe('address allowlist', () => {
    it('sets, replaces and removes it on the same secret, effective at once', async () => {
      const token = await groupToken();
      expect(await bearerStatus(server, token.secret)).toBe(200);
      expect(ok(await update({ id: token.id, allowedAddresses: ['10.0.0.0/8'] })).updateAccessToken.accessToken.allowedAddresses).toEqual(['10.0.0.0/8']);
      expect((await server.gql(TOKEN_OPS.viewer, {}, token.secret, { 'x-forwarded-for': '192.0.2.1' })).status).toBe(401);
      expect((await server.gql(TOKEN_OPS.viewer, {}, token.secret, { 'x-forwarded-for': '10.1.2.3' })).status).toBe(200);
      ok(await update({ id: token.id, allowedAddresses: null }));
      expect((await server.gql(TOKEN_OPS.viewer, {}, token.secret, { 'x-forwarded-for': '192.0.2.1' })).status).toBe(200);
      const events = await auditEvents(server, { action: 'updateAccessToken', targetId: token.id });
      expect(events.map((event: AuditEventEntity) => JSON.parse(event.detail!).changes.allowedAddresses)).toEqual([
        { from: null, to: ['10.0.0.0/8'] },
        { from: ['10.0.0.0/8'], to: null },
      ]);
    });

    it('refuses a bad entry, naming it', async () => {
      const token = await groupToken();
      expectBadInput(await withoutWrites(server, () => update({ id: token.id, allowedAddresses: ['10.0.0.1', '10.0.0.0/40'] })), 'input.allowedAddresses[1]');
    });
  });

  describe('CLIENT tokens', () => {
    it('refuses scopes and an allowlist (their OAuth client renews them), but takes a name', async () => {
      const client = await createOAuthClient(server, await loginAsAdmin(server), { clientId: 'edited-addon', name: 'Add-on' });
      const token = await createClientToken(server, owner.token, client.id);
      expectBadInput(await withoutWrites(server, () => update({ id: token.id, scopes: ['read_api'] })), 'input.scopes');
      expectBadInput(await withoutWrites(server, () => update({ id: token.id, allowedAddresses: ['10.0.0.1'] })), 'input.allowedAddresses');
      expect(ok(await update({ id: token.id, name: 'pydc laptop' })).updateAccessToken.accessToken.name).toBe('pydc laptop');
    });
  });

  describe('a token caller', () => {
    let automation: IssuedToken;
    beforeAll(async () => {
      automation = await createToken(server, owner.token, 'PERSONAL', hierarchy, { name: 'automation', scopes: ['api', 'read_repository'], expiresAt: daysFromNow(10) });
    });

    it('edits resource tokens within its own scopes and expiry', async () => {
      const token = await groupToken({ scopes: ['api', 'read_repository'], expiresAt: daysFromNow(20) });
      ok(await update({ id: token.id, name: 'renamed by automation', scopes: ['read_repository'], expiresAt: daysFromNow(5) }, automation.secret));
    });

    it('may not push an expiry past its own', async () => {
      const token = await groupToken({ expiresAt: daysFromNow(20) });
      const response = await withoutWrites(server, () => update({ id: token.id, expiresAt: daysFromNow(15) }, automation.secret));
      expectBadInput(response, 'input.expiresAt');
    });

    it('may not edit a token carrying scopes beyond its own, nor a personal token', async () => {
      const wider = await groupToken({ scopes: ['write_repository'] });
      expectRefused(await withoutWrites(server, () => update({ id: wider.id, name: 'x' }, automation.secret)), 'FORBIDDEN');
      const personal = await createToken(server, owner.token, 'PERSONAL', hierarchy);
      expectRefused(await withoutWrites(server, () => update({ id: personal.id, name: 'x' }, automation.secret)), 'FORBIDDEN');
    });

    it('is refused with a read_api token (queries only)', async () => {
      const reader = await createToken(server, owner.token, 'PERSONAL', hierarchy, { scopes: ['read_api'] });
      const token = await groupToken();
      expectRefused(await withoutWrites(server, () => update({ id: token.id, name: 'x' }, reader.secret)), 'FORBIDDEN');
    });
  });

  it('takes no role: the input has no such field', async () => {
    const token = await groupToken();
    const response = await withoutWrites(server, () => update({ id: token.id, role: 'ADMIN' }));
    expect(codeOf(response)).toBe('BAD_USER_INPUT');
  });
});
