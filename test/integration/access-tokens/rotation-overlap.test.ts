import { TestServer, startTestServer } from '../../support/test-server';
import { USER_PASSWORD, codeOf, createHierarchy, createUser, loginAsAdmin, ok } from '../../support/fixtures';
import { Hierarchy, IssuedToken, TOKEN_OPS, bearerStatus, createToken, daysFromNow, expectBadInput, expectRefused, passwordFor, withoutWrites } from '../../support/token-fixtures';

const ROTATION = 'query($id: ID!) { accessToken(id: $id) { id status revokedAt revocationReason rotationEndsAt } }';
const POLICY_MAX = 2;

/** Zero-downtime rotation (`overlapSeconds`) and self-rotation of personal tokens. */
describe('rotation with an overlap', () => {
  let server: TestServer;
  let owner: { id: string; token: string };
  let hierarchy: Hierarchy;
  let introspector: IssuedToken;

  const rotateAs = (bearer: string, id: string, input: Record<string, unknown> = {}) =>
    server.gql(TOKEN_OPS.rotate, { input: { id, ...passwordFor(bearer, USER_PASSWORD), ...input } }, bearer);
  const rotate = async (id: string, input: Record<string, unknown> = {}, bearer = owner.token): Promise<IssuedToken> => {
    const { secret, accessToken } = ok(await rotateAs(bearer, id, input)).rotateAccessToken;
    return { id: accessToken.id, secret, accessToken };
  };
  const rotationOf = async (id: string) => ok(await server.gql(ROTATION, { id }, owner.token)).accessToken;
  const sleepUntil = (instant: string) => new Promise((resolve) => setTimeout(resolve, Math.max(0, new Date(instant).getTime() - Date.now()) + 50));
  async function introspect(token: string): Promise<Record<string, unknown>> {
    const response = await fetch(`${server.url}/oauth/introspect`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${introspector.secret}` },
      body: new URLSearchParams({ token }).toString(),
    });
    return (await response.json()) as Record<string, unknown>;
  }

  beforeAll(async () => {
    // A long cache TTL: a row read during the overlap answers from the cache after it, so the end must be decided on read.
    server = await startTestServer({
      label: 'rotation_overlap',
      env: { TESSERA_MAX_ROTATION_OVERLAP_SECONDS: '2', TESSERA_TOKEN_CACHE_TTL_SECONDS: '300', TESSERA_TOKEN_AUTH_MAX_FAILURES_PER_ADDRESS: '100000' },
    });
    owner = await createUser(server, await loginAsAdmin(server), 'owner');
    hierarchy = await createHierarchy(server, owner.token);
    ok(await server.gql(TOKEN_OPS.setPolicy, { input: { organizationId: hierarchy.organizationId, maxRotationOverlapSeconds: POLICY_MAX } }, owner.token));
    introspector = await createToken(server, owner.token, 'ORGANIZATION', hierarchy, { name: 'resource server', scopes: ['introspect'] });
  });
  afterAll(() => server.stop());

  it('keeps the old secret working until the overlap ends (ROTATING, introspection exp = the end), then refuses it by itself', async () => {
    const old = await createToken(server, owner.token, 'GROUP', hierarchy, { role: 'MEMBER', expiresAt: daysFromNow(7) });
    const next = await rotate(old.id, { overlapSeconds: POLICY_MAX });
    const during = await rotationOf(old.id);
    expect(during).toEqual({ id: old.id, status: 'ROTATING', revokedAt: during.rotationEndsAt, revocationReason: 'rotated', rotationEndsAt: expect.any(String) });
    const end = new Date(during.rotationEndsAt).getTime();
    expect(end).toBeGreaterThan(Date.now());
    expect(end).toBeLessThanOrEqual(Date.now() + POLICY_MAX * 1000);
    expect(await bearerStatus(server, old.secret)).toBe(200);
    expect(await bearerStatus(server, next.secret)).toBe(200);
    expect(await introspect(old.secret)).toEqual(expect.objectContaining({ active: true, jti: old.id, exp: Math.floor(end / 1000) }));
    const listed = ok(await server.gql(TOKEN_OPS.groupTokens, { id: hierarchy.groupId, status: 'ROTATING' }, owner.token)).group.accessTokens;
    expect(listed.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([old.id]);

    await sleepUntil(during.rotationEndsAt);
    expect(await bearerStatus(server, old.secret)).toBe(401);
    expect(await introspect(old.secret)).toEqual({ active: false });
    expect(await bearerStatus(server, next.secret)).toBe(200);
    expect(await rotationOf(old.id)).toEqual({ ...during, status: 'REVOKED' });
    const revoked = ok(await server.gql(TOKEN_OPS.groupTokens, { id: hierarchy.groupId, status: 'REVOKED' }, owner.token)).group.accessTokens;
    expect(revoked.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(old.id);
  });

  it('without an overlap revokes at once, as before', async () => {
    const old = await createToken(server, owner.token, 'GROUP', hierarchy, { role: 'VIEWER' });
    await rotate(old.id);
    expect(await bearerStatus(server, old.secret)).toBe(401);
    expect((await rotationOf(old.id)).status).toBe('REVOKED');
  });

  it("refuses an overlap beyond the organization policy's maximum, beyond the platform setting for personal tokens, and a negative one, with nothing written", async () => {
    const token = await createToken(server, owner.token, 'PROJECT', hierarchy, { role: 'VIEWER' });
    expectBadInput(await withoutWrites(server, () => rotateAs(owner.token, token.id, { overlapSeconds: POLICY_MAX + 1 })), 'input.overlapSeconds');
    expectBadInput(await withoutWrites(server, () => rotateAs(owner.token, token.id, { overlapSeconds: -1 })), 'input.overlapSeconds');
    const personal = await createToken(server, owner.token, 'PERSONAL', hierarchy);
    expectBadInput(await withoutWrites(server, () => rotateAs(owner.token, personal.id, { overlapSeconds: 3 })), 'input.overlapSeconds');
    // An organization without a policy allows none (0: today's behaviour).
    const other = await createHierarchy(server, owner.token);
    const unruled = await createToken(server, owner.token, 'GROUP', other, { role: 'VIEWER' });
    expectBadInput(await withoutWrites(server, () => rotateAs(owner.token, unruled.id, { overlapSeconds: 1 })), 'input.overlapSeconds');
  });

  it('detects reuse during the overlap: rotating the old token again revokes the whole chain at once, cached or not', async () => {
    const old = await createToken(server, owner.token, 'GROUP', hierarchy, { role: 'VIEWER' });
    const next = await rotate(old.id, { overlapSeconds: POLICY_MAX });
    expect(await bearerStatus(server, old.secret)).toBe(200);
    expectRefused(await rotateAs(owner.token, old.id, { overlapSeconds: 1 }), 'CONFLICT');
    expect(await bearerStatus(server, old.secret)).toBe(401);
    expect(await bearerStatus(server, next.secret)).toBe(401);
    expect(await rotationOf(old.id)).toEqual(expect.objectContaining({ status: 'REVOKED', revocationReason: 'rotated token reused: chain revoked', rotationEndsAt: null }));
  });

  it('detects reuse after the overlap: the successor is revoked', async () => {
    const old = await createToken(server, owner.token, 'GROUP', hierarchy, { role: 'VIEWER' });
    const next = await rotate(old.id, { overlapSeconds: 1 });
    await sleepUntil((await rotationOf(old.id)).rotationEndsAt);
    expectRefused(await rotateAs(owner.token, old.id), 'CONFLICT');
    expect(await bearerStatus(server, next.secret)).toBe(401);
    expect((await rotationOf(next.id)).status).toBe('REVOKED');
  });

  it('ends the overlap at once when the old token is revoked', async () => {
    const old = await createToken(server, owner.token, 'GROUP', hierarchy, { role: 'VIEWER' });
    const next = await rotate(old.id, { overlapSeconds: POLICY_MAX });
    expect(await bearerStatus(server, old.secret)).toBe(200);
    ok(await server.gql(TOKEN_OPS.revoke, { input: { id: old.id, reason: 'old deploy key' } }, owner.token));
    expect(await bearerStatus(server, old.secret)).toBe(401);
    expect(await rotationOf(old.id)).toEqual(expect.objectContaining({ status: 'REVOKED', revocationReason: 'old deploy key', rotationEndsAt: null }));
    expect(await bearerStatus(server, next.secret)).toBe(200);
  });

  it('ends the overlap at once when the old secret is reported leaked; the successor keeps working', async () => {
    const old = await createToken(server, owner.token, 'GROUP', hierarchy, { role: 'VIEWER' });
    const next = await rotate(old.id, { overlapSeconds: POLICY_MAX });
    expect(await bearerStatus(server, old.secret)).toBe(200);
    const reported = await fetch(`${server.url}/tokens/leaked`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ secrets: [old.secret] }) });
    expect(reported.status).toBe(202);
    expect(await bearerStatus(server, old.secret)).toBe(401);
    expect(await rotationOf(old.id)).toEqual(expect.objectContaining({ status: 'LEAKED', revocationReason: 'leaked' }));
    expect(await bearerStatus(server, next.secret)).toBe(200);
  });

  it("ends the overlap when the owner's account ends (revoked for good, not left ROTATING)", async () => {
    const admin = await loginAsAdmin(server);
    const person = await createUser(server, admin, 'leaver');
    const old = await createToken(server, person.token, 'PERSONAL', hierarchy, { name: 'cli' });
    await rotate(old.id, { overlapSeconds: 2 }, person.token);
    ok(await server.gql(TOKEN_OPS.deactivateUser, { input: { id: person.id } }, admin));
    const after = ok(await server.gql(ROTATION, { id: old.id }, admin)).accessToken;
    expect(after).toEqual(expect.objectContaining({ status: 'REVOKED', revocationReason: 'owner deactivated' }));
    expect(new Date(after.revokedAt).getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('refuses a caller of another organization', async () => {
    const stranger = await createUser(server, await loginAsAdmin(server), 'stranger');
    await createHierarchy(server, stranger.token);
    const token = await createToken(server, owner.token, 'GROUP', hierarchy, { role: 'VIEWER' });
    const response = await withoutWrites(server, () => rotateAs(stranger.token, token.id, { overlapSeconds: 1 }));
    expect(['FORBIDDEN', 'NOT_FOUND']).toContain(codeOf(response));
    expect(response.data?.rotateAccessToken ?? null).toBeNull();
    expect(await bearerStatus(server, token.secret)).toBe(200);
  });

  describe('self-rotation of a personal token', () => {
    it('lets a personal token rotate itself (with an overlap), keeping its scopes and never outliving itself', async () => {
      const bot = await createToken(server, owner.token, 'PERSONAL', hierarchy, { name: 'renovate bot', scopes: ['api', 'read_repository'], expiresAt: daysFromNow(3) });
      const next = await rotate(bot.id, { overlapSeconds: 1 }, bot.secret);
      expect(next.accessToken).toEqual(expect.objectContaining({ level: 'PERSONAL', name: 'renovate bot', scopes: bot.accessToken.scopes, previousToken: expect.objectContaining({ id: bot.id, status: 'ROTATING' }) }));
      expect(new Date(next.accessToken.expiresAt).getTime()).toBeLessThanOrEqual(new Date(bot.accessToken.expiresAt).getTime());
      expect(await bearerStatus(server, bot.secret)).toBe(200);
      expect(await bearerStatus(server, next.secret)).toBe(200);
      // The successor renews itself in turn; a later expiry than its own is refused.
      expectBadInput(await withoutWrites(server, () => rotateAs(next.secret, next.id, { expiresAt: daysFromNow(30) })), 'input.expiresAt');
      const third = await rotate(next.id, {}, next.secret);
      expect(await bearerStatus(server, next.secret)).toBe(401);
      expect(await bearerStatus(server, third.secret)).toBe(200);
    });

    it('refuses a personal token rotating another personal token, even of the same person', async () => {
      const bot = await createToken(server, owner.token, 'PERSONAL', hierarchy, { name: 'bot' });
      const laptop = await createToken(server, owner.token, 'PERSONAL', hierarchy, { name: 'laptop' });
      const response = await withoutWrites(server, () => rotateAs(bot.secret, laptop.id));
      expectRefused(response, 'FORBIDDEN');
      expect(response.errors![0].message).toContain('other than itself');
      expect(await bearerStatus(server, laptop.secret)).toBe(200);
    });
  });
});
