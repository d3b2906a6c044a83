import { AccessTokenEntity } from '../../../src/modules/access-token/access-token.entity';
import { QueryCounter } from '../../support/query-counter';
import { TestServer, startTestServer } from '../../support/test-server';
import { createHierarchy, createUser, loginAsAdmin, ok } from '../../support/fixtures';
import { introspect, issueToken } from '../../support/token-helpers';

describe('POST /oauth/introspect (RFC 7662)', () => {
  const counter = new QueryCounter();
  let server: TestServer;
  let admin: string;
  let owner: { id: string; email: string; token: string };
  let resourceServer: { id: string; secret: string };
  let hierarchy: { organizationId: string; groupId: string; projectId: string };

  beforeAll(async () => {
    server = await startTestServer({ label: 'introspection', sqlLogger: counter });
    admin = await loginAsAdmin(server);
    owner = await createUser(server, admin, 'owner');
    hierarchy = await createHierarchy(server, owner.token);
    // A resource server of the organization: it introspects the tokens bound to it (see introspection-reach.test.ts).
    resourceServer = await issueToken(server, owner.token, { name: 'resource server', organizationId: hierarchy.organizationId, scopes: ['introspect'] });
  });
  afterAll(() => server.stop());

  it('describes an active project token: RFC 7662 members plus level, resource and role', async () => {
    const subject = await issueToken(server, owner.token, { projectId: hierarchy.projectId, role: 'MEMBER', scopes: ['read_repository', 'write_repository'], expiresAt: '2099-01-01T00:00:00.000Z' });
    const row = await server.db.manager.findOneByOrFail(AccessTokenEntity, { id: subject.id });
    const response = await introspect(server, resourceServer.secret, subject.secret);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.body).toEqual({
      active: true,
      scope: 'read_repository write_repository',
      token_type: 'Bearer',
      sub: row.ownerId,
      iat: Math.floor(row.createdAt.getTime() / 1000),
      exp: Math.floor(new Date('2099-01-01T00:00:00.000Z').getTime() / 1000),
      jti: subject.id,
      level: 'PROJECT',
      kind: 'ACCESS',
      resource: { type: 'PROJECT', id: hierarchy.projectId, organizationId: hierarchy.organizationId },
      role: 'MEMBER',
    });
  });

  it('names the user of a personal token to its owner', async () => {
    const ownIntrospector = await issueToken(server, owner.token, { name: 'own checks', scopes: ['introspect'] });
    const subject = await issueToken(server, owner.token, { scopes: ['api'] });
    const { body } = await introspect(server, ownIntrospector.secret, subject.secret);
    expect(body).toMatchObject({ active: true, sub: owner.id, username: owner.email, level: 'PERSONAL', resource: null, role: null });
  });

  it('costs one indexed query for caller and subject together, and none once both rows are cached', async () => {
    const caller = await issueToken(server, owner.token, { name: 'cold caller', organizationId: hierarchy.organizationId, scopes: ['introspect'] });
    const subject = await issueToken(server, owner.token, { projectId: hierarchy.projectId, scopes: ['read_repository'] });
    const cold = await counter.during(() => introspect(server, caller.secret, subject.secret));
    expect(cold.filter((q) => q.startsWith('SELECT'))).toHaveLength(1);
    await server.settleBackgroundWork();
    const hot = await counter.during(() => introspect(server, caller.secret, subject.secret));
    expect(hot).toEqual([]);
  });

  it.each([
    ['unknown', async () => 'tspat_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA_AAAAAA'],
    ['malformed', async () => 'hello'],
    ['revoked', async () => {
      const token = await issueToken(server, owner.token, { projectId: hierarchy.projectId, scopes: ['read_repository'] });
      ok(await server.gql('mutation($id: ID!) { revokeAccessToken(input: { id: $id }) { accessToken { id } } }', { id: token.id }, owner.token));
      return token.secret;
    }],
    ['expired', async () => {
      const token = await issueToken(server, owner.token, { projectId: hierarchy.projectId, scopes: ['read_repository'] });
      await server.db.manager.update(AccessTokenEntity, { id: token.id }, { expiresAt: new Date(Date.now() - 1000) });
      return token.secret;
    }],
    ['a session token', async () => owner.token],
  ])('answers only {"active": false} for a %s token', async (_reason, subject) => {
    const response = await introspect(server, resourceServer.secret, await subject());
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ active: false });
  });

  it('refuses callers without credentials or with a bad token with 401 and WWW-Authenticate: Bearer', async () => {
    for (const caller of [null, 'tspat_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA_AAAAAA', owner.token]) {
      const response = await introspect(server, caller, resourceServer.secret);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="tessera"/);
      expect(response.body.error).toBe('invalid_token');
    }
  });

  it('refuses a caller token without the introspect scope with 403 insufficient_scope', async () => {
    const plain = await issueToken(server, owner.token, { scopes: ['api'] });
    const response = await introspect(server, plain.secret, resourceServer.secret);
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect(response.body.error).toBe('insufficient_scope');
  });

  it('answers 400 invalid_request without a token parameter', async () => {
    const response = await introspect(server, resourceServer.secret, null);
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_request');
  });
});
