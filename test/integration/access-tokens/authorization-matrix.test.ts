import { Role } from '../../../src/core/authorization/role';
import { AccessTokenEntity } from '../../../src/modules/access-token/access-token.entity';
import { MembershipEntity } from '../../../src/modules/membership/membership.entity';
import { UserEntity } from '../../../src/modules/user/user.entity';
import { ADMIN_PASSWORD, TestServer, startTestServer } from '../../support/test-server';
import { USER_PASSWORD, addMember, codeOf, createHierarchy, createUser, loginAsAdmin, ok } from '../../support/fixtures';
import {
  AuditOutcome,
  Hierarchy,
  IssuedToken,
  LEVELS,
  Level,
  RESOURCE_LEVELS,
  TOKEN_OPS,
  UNKNOWN_ID,
  bearerStatus,
  countAudit,
  createToken,
  daysFromNow,
  expectBadInput,
  expectRefused,
  passwordFor,
  resourceOf,
  withoutWrites,
} from '../../support/token-fixtures';

type Mutation = 'create' | 'revoke' | 'restore' | 'rotate' | 'update' | 'delete';
const MUTATIONS: Mutation[] = ['create', 'revoke', 'restore', 'rotate', 'update', 'delete'];
const FIELD: Record<Mutation, string> = {
  create: 'createAccessToken',
  revoke: 'revokeAccessToken',
  restore: 'restoreAccessToken',
  rotate: 'rotateAccessToken',
  update: 'updateAccessToken',
  delete: 'deleteAccessToken',
};

/**
 * The cast: `orgAdmin` owns organization ⊃ group ⊃ project and the personal tokens under test;
 * `groupAdmin` and `projectAdmin` are ADMIN of the group and project only; `viewer` and `member`
 * hold those roles on the organization; `foreignAdmin` is ADMIN of another organization.
 * `readApi` and `api` are personal tokens of `orgAdmin` with those scopes.
 */
type CallerName = 'anonymous' | 'platformAdmin' | 'orgAdmin' | 'groupAdmin' | 'projectAdmin' | 'viewer' | 'member' | 'foreignAdmin' | 'readApi' | 'api';

const CALLER_LABEL: Record<CallerName, string> = {
  anonymous: 'an anonymous caller',
  platformAdmin: 'a platform admin',
  orgAdmin: 'the organization ADMIN',
  groupAdmin: 'the group ADMIN',
  projectAdmin: 'the project ADMIN',
  viewer: 'a VIEWER of the organization',
  member: 'a MEMBER of the organization',
  foreignAdmin: 'the ADMIN of another organization',
  readApi: "a read_api token of the organization ADMIN",
  api: "an api token of the organization ADMIN",
};

/** Who is refused what on a token (or, for create, a resource) of each level, owned by `orgAdmin` when personal. */
const REFUSED_ON_TOKEN: Record<Level, Array<[CallerName, string]>> = {
  PERSONAL: [
    ['anonymous', 'UNAUTHENTICATED'],
    ['viewer', 'NOT_FOUND'],
    ['member', 'NOT_FOUND'],
    ['groupAdmin', 'NOT_FOUND'],
    ['foreignAdmin', 'NOT_FOUND'],
    ['readApi', 'FORBIDDEN'],
  ],
  ORGANIZATION: [
    ['anonymous', 'UNAUTHENTICATED'],
    ['viewer', 'FORBIDDEN'],
    ['member', 'FORBIDDEN'],
    ['groupAdmin', 'NOT_FOUND'],
    ['foreignAdmin', 'NOT_FOUND'],
    ['readApi', 'FORBIDDEN'],
  ],
  GROUP: [
    ['anonymous', 'UNAUTHENTICATED'],
    ['viewer', 'FORBIDDEN'],
    ['member', 'FORBIDDEN'],
    ['projectAdmin', 'NOT_FOUND'],
    ['foreignAdmin', 'NOT_FOUND'],
    ['readApi', 'FORBIDDEN'],
  ],
  PROJECT: [
    ['anonymous', 'UNAUTHENTICATED'],
    ['viewer', 'FORBIDDEN'],
    ['member', 'FORBIDDEN'],
    ['foreignAdmin', 'NOT_FOUND'],
    ['readApi', 'FORBIDDEN'],
  ],
};

/** Creating a personal token is everyone's own business: only the unauthenticated and tokens are refused. */
const REFUSED_CREATE_PERSONAL: Array<[CallerName, string]> = [
  ['anonymous', 'UNAUTHENTICATED'],
  ['readApi', 'FORBIDDEN'],
  ['api', 'FORBIDDEN'],
];

/** Who may act on a token of each level: resource ADMINs, ADMINs above them, platform admins, and the ADMIN's api token. */
const ALLOWED: Record<Level, CallerName[]> = {
  PERSONAL: ['orgAdmin', 'platformAdmin'],
  ORGANIZATION: ['orgAdmin', 'platformAdmin', 'api'],
  GROUP: ['groupAdmin', 'orgAdmin', 'platformAdmin', 'api'],
  PROJECT: ['projectAdmin', 'groupAdmin', 'orgAdmin', 'platformAdmin', 'api'],
};

const refusalRows = MUTATIONS.flatMap((mutation) =>
  LEVELS.flatMap((level) =>
    (mutation === 'create' && level === 'PERSONAL' ? REFUSED_CREATE_PERSONAL : REFUSED_ON_TOKEN[level]).map(
      ([caller, code]) => [FIELD[mutation], level, CALLER_LABEL[caller], code, mutation, caller] as const,
    ),
  ),
);

const allowedRows = MUTATIONS.flatMap((mutation) =>
  LEVELS.flatMap((level) => ALLOWED[level].filter((caller) => !(mutation === 'create' && level === 'PERSONAL' && caller === 'api')).map((caller) => [FIELD[mutation], level, CALLER_LABEL[caller], mutation, caller] as const)),
);

describe('who may create, revoke, restore, rotate, update and delete access tokens', () => {
  let server: TestServer;
  let hierarchy: Hierarchy;
  const bearers = {} as Record<CallerName, string | undefined>;
  const ids = {} as Record<CallerName, string>;
  /** Per level: an ACTIVE and a REVOKED token created by `orgAdmin`, the targets of the refusals. */
  const targets = {} as Record<Level, { active: IssuedToken; revoked: IssuedToken }>;

  const passwordOf = (caller: CallerName) => (caller === 'platformAdmin' ? ADMIN_PASSWORD : USER_PASSWORD);
  /** The organization ADMIN's api token with every resource scope and no expiry: makes resource tokens without an argon2 check each. */
  let factory: string;
  const newTarget = (level: Level, input: Record<string, unknown> = {}) =>
    createToken(server, level === 'PERSONAL' ? bearers.orgAdmin! : factory, level, hierarchy, { role: level === 'PERSONAL' ? undefined : 'MEMBER', ...input });

  /** The request each mutation sends: create names the resource, the others the token. */
  function request(mutation: Mutation, level: Level, tokenId: string, caller: CallerName): Record<string, unknown> {
    if (mutation === 'create') {
      const password = bearers[caller]?.startsWith('tsess_') ? { password: passwordOf(caller) } : {};
      return { input: { name: 'made by the matrix', scopes: ['api'], ...resourceOf(level, hierarchy), ...(level === 'PERSONAL' ? {} : { role: 'MEMBER' }), ...password } };
    }
    if (mutation === 'update') return { input: { id: tokenId, name: 'renamed by the matrix', allowedAddresses: ['127.0.0.1'] } };
    return { input: { id: tokenId } };
  }

  beforeAll(async () => {
    server = await startTestServer({ label: 'token_matrix', env: { TESSERA_TOKEN_AUTH_MAX_FAILURES_PER_ADDRESS: '100000' } });
    const admin = await loginAsAdmin(server);
    bearers.platformAdmin = admin;
    ids.platformAdmin = ok(await server.gql(TOKEN_OPS.viewer, {}, admin)).viewer.principal.id;
    bearers.anonymous = undefined;

    const orgAdmin = await createUser(server, admin, 'org-admin');
    hierarchy = await createHierarchy(server, orgAdmin.token);
    bearers.orgAdmin = orgAdmin.token;
    ids.orgAdmin = orgAdmin.id;
    const roles: Array<[CallerName, Record<string, string>, Role]> = [
      ['groupAdmin', { groupId: hierarchy.groupId }, Role.ADMIN],
      ['projectAdmin', { projectId: hierarchy.projectId }, Role.ADMIN],
      ['viewer', { organizationId: hierarchy.organizationId }, Role.VIEWER],
      ['member', { organizationId: hierarchy.organizationId }, Role.MEMBER],
    ];
    for (const [name, resource, role] of roles) {
      const person = await createUser(server, admin, name);
      await addMember(server, orgAdmin.token, person.id, resource, role);
      bearers[name] = person.token;
      ids[name] = person.id;
    }
    const foreign = await createUser(server, admin, 'foreign-admin');
    await createHierarchy(server, foreign.token);
    bearers.foreignAdmin = foreign.token;
    ids.foreignAdmin = foreign.id;

    bearers.readApi = (await createToken(server, orgAdmin.token, 'PERSONAL', hierarchy, { name: 'read only', scopes: ['read_api'], expiresAt: null })).secret;
    bearers.api = (await createToken(server, orgAdmin.token, 'PERSONAL', hierarchy, { name: 'automation', scopes: ['api', 'read_repository'], expiresAt: null })).secret;
    ids.readApi = ids.api = orgAdmin.id;
    factory = (await createToken(server, orgAdmin.token, 'PERSONAL', hierarchy, { name: 'factory', scopes: ['api', 'read_repository', 'write_repository', 'upload', 'download'], expiresAt: null })).secret;

    for (const level of LEVELS) {
      const active = await newTarget(level, { name: `${level} target` });
      const revoked = await newTarget(level, { name: `${level} revoked target` });
      ok(await server.gql(TOKEN_OPS.revoke, { input: { id: revoked.id } }, orgAdmin.token));
      targets[level] = { active, revoked };
    }
  });
  afterAll(() => server.stop());

  describe('refusals', () => {
    it.each(refusalRows)('%s, %s token: %s is refused with %s, nothing is written and the attempt is audited', async (field, level, _label, code, mutation, caller) => {
      const target = mutation === 'restore' ? targets[level].revoked : targets[level].active;
      const denied = { action: field, outcome: AuditOutcome.DENIED, reason: code };
      const deniedBefore = await countAudit(server, denied);

      const response = await withoutWrites(server, () => server.gql(TOKEN_OPS[mutation], request(mutation, level, target.id, caller), bearers[caller]));

      expectRefused(response, code);
      expect(await countAudit(server, denied)).toBe(deniedBefore + 1);
    });

    it.each(['revoke', 'restore', 'rotate', 'update', 'delete'] as const)(
      '%s answers the ADMIN of another organization exactly as it answers an unknown id',
      async (mutation) => {
        for (const level of RESOURCE_LEVELS) {
          const foreign = await withoutWrites(server, () => server.gql(TOKEN_OPS[mutation], { input: { id: targets[level].active.id } }, bearers.foreignAdmin));
          const unknown = await server.gql(TOKEN_OPS[mutation], { input: { id: UNKNOWN_ID } }, bearers.foreignAdmin);
          expect(codeOf(unknown)).toBe('NOT_FOUND');
          expect({ code: codeOf(foreign), message: foreign.errors?.[0].message }).toEqual({ code: codeOf(unknown), message: unknown.errors?.[0].message });
        }
      },
    );

    it('answers the ADMIN of another organization creating a token there exactly as an unknown resource', async () => {
      for (const level of RESOURCE_LEVELS) {
        const known = await withoutWrites(server, () => server.gql(TOKEN_OPS.create, request('create', level, '', 'foreignAdmin'), bearers.foreignAdmin));
        const key = Object.keys(resourceOf(level, hierarchy))[0];
        const unknown = await server.gql(TOKEN_OPS.create, { input: { ...(request('create', level, '', 'foreignAdmin').input as object), [key]: UNKNOWN_ID } }, bearers.foreignAdmin);
        expect(codeOf(unknown)).toBe('NOT_FOUND');
        expect({ code: codeOf(known), message: known.errors?.[0].message }).toEqual({ code: codeOf(unknown), message: unknown.errors?.[0].message });
      }
    });
  });

  describe('allowed callers', () => {
    it.each(allowedRows)('%s, %s token: %s may', async (field, level, _label, mutation, caller) => {
      const bearer = bearers[caller]!;
      const success = { action: field, outcome: AuditOutcome.SUCCESS };
      switch (mutation) {
        case 'create': {
          const response = await server.gql(TOKEN_OPS.create, request('create', level, '', caller), bearer);
          const { accessToken } = ok(response).createAccessToken;
          expect(accessToken).toMatchObject({ level, status: 'ACTIVE', createdBy: { id: ids[caller] } });
          expect(accessToken.owner.__typename).toBe(level === 'PERSONAL' ? 'User' : 'TechnicalUser');
          if (level === 'PERSONAL') expect(accessToken.owner.id).toBe(ids[caller]);
          expect(await countAudit(server, { ...success, targetId: accessToken.id })).toBe(1);
          break;
        }
        case 'revoke': {
          const target = await newTarget(level);
          const { accessToken } = ok(await server.gql(TOKEN_OPS.revoke, { input: { id: target.id } }, bearer)).revokeAccessToken;
          expect(accessToken).toMatchObject({ id: target.id, status: 'REVOKED' });
          expect(await bearerStatus(server, target.secret)).toBe(401);
          expect(await countAudit(server, { ...success, targetId: target.id })).toBe(1);
          break;
        }
        case 'restore': {
          const target = await newTarget(level);
          ok(await server.gql(TOKEN_OPS.revoke, { input: { id: target.id } }, bearers.orgAdmin));
          const { accessToken } = ok(await server.gql(TOKEN_OPS.restore, { input: { id: target.id } }, bearer)).restoreAccessToken;
          expect(accessToken).toMatchObject({ id: target.id, status: 'ACTIVE', revokedAt: null, revocationReason: null });
          expect(await bearerStatus(server, target.secret)).toBe(200);
          expect(await countAudit(server, { ...success, targetId: target.id })).toBe(1);
          break;
        }
        case 'rotate': {
          const target = await newTarget(level);
          const rotated = ok(await server.gql(TOKEN_OPS.rotate, { input: { id: target.id, ...passwordFor(bearer, passwordOf(caller)) } }, bearer)).rotateAccessToken;
          expect(rotated.accessToken).toMatchObject({ level, status: 'ACTIVE', previousToken: { id: target.id, status: 'REVOKED', revocationReason: 'rotated' } });
          expect(await bearerStatus(server, rotated.secret)).toBe(200);
          expect(await bearerStatus(server, target.secret)).toBe(401);
          expect(await countAudit(server, { ...success, targetId: rotated.accessToken.id })).toBe(1);
          break;
        }
        case 'update': {
          const target = await newTarget(level);
          const { accessToken } = ok(await server.gql(TOKEN_OPS.update, request('update', level, target.id, caller), bearer)).updateAccessToken;
          expect(accessToken).toMatchObject({ id: target.id, name: 'renamed by the matrix', allowedAddresses: ['127.0.0.1'], status: 'ACTIVE', hint: target.accessToken.hint });
          expect(await bearerStatus(server, target.secret)).toBe(200);
          expect(await countAudit(server, { ...success, targetId: target.id })).toBe(1);
          break;
        }
        case 'delete': {
          const target = await newTarget(level);
          expect(ok(await server.gql(TOKEN_OPS.delete, { input: { id: target.id } }, bearer)).deleteAccessToken).toEqual({ deletedId: target.id });
          expect(await server.db.manager.countBy(AccessTokenEntity, { id: target.id })).toBe(0);
          if (level !== 'PERSONAL') expect(await server.db.manager.countBy(UserEntity, { id: target.accessToken.owner.id })).toBe(0);
          expect(await bearerStatus(server, target.secret)).toBe(401);
          expect(await countAudit(server, { ...success, targetId: target.id })).toBe(1);
          break;
        }
      }
    });
  });

  describe('deleteAllAccessTokens and setTokenPolicy', () => {
    it.each(
      ([
        ['anonymous', 'UNAUTHENTICATED'],
        ['readApi', 'FORBIDDEN'],
        ['api', 'FORBIDDEN'],
      ] as Array<[CallerName, string]>).map(([caller, code]) => [CALLER_LABEL[caller], code, caller] as const),
    )('deleteAllAccessTokens: %s is refused with %s and no token is deleted', async (_label, code, caller) => {
      const response = await withoutWrites(server, () => server.gql(TOKEN_OPS.deleteAll, {}, bearers[caller]));
      expectRefused(response, code);
    });

    it("deleteAllAccessTokens deletes only the caller's own personal tokens, optionally of one kind", async () => {
      const person = await createUser(server, bearers.platformAdmin!, 'tidy');
      const access = await createToken(server, person.token, 'PERSONAL', hierarchy);
      const expose = await createToken(server, person.token, 'PERSONAL', hierarchy, { kind: 'EXPOSE' });
      const othersBefore = await server.db.manager.count(AccessTokenEntity);

      expect(ok(await server.gql(TOKEN_OPS.deleteAll, { input: { kind: 'EXPOSE' } }, person.token)).deleteAllAccessTokens).toEqual({ deletedCount: 1 });
      expect(await server.db.manager.countBy(AccessTokenEntity, { id: expose.id })).toBe(0);
      expect(await server.db.manager.countBy(AccessTokenEntity, { id: access.id })).toBe(1);
      expect(ok(await server.gql(TOKEN_OPS.deleteAll, {}, person.token)).deleteAllAccessTokens).toEqual({ deletedCount: 1 });
      expect(await server.db.manager.count(AccessTokenEntity)).toBe(othersBefore - 2);
      expect(await countAudit(server, { action: 'deleteAllAccessTokens', outcome: AuditOutcome.SUCCESS, targetId: person.id })).toBe(2);
    });

    it.each(
      ([
        ['anonymous', 'UNAUTHENTICATED'],
        ['viewer', 'FORBIDDEN'],
        ['member', 'FORBIDDEN'],
        ['groupAdmin', 'NOT_FOUND'],
        ['foreignAdmin', 'NOT_FOUND'],
        ['readApi', 'FORBIDDEN'],
      ] as Array<[CallerName, string]>).map(([caller, code]) => [CALLER_LABEL[caller], code, caller] as const),
    )('setTokenPolicy: %s is refused with %s and no policy is written', async (_label, code, caller) => {
      const response = await withoutWrites(server, () =>
        server.gql(TOKEN_OPS.setPolicy, { input: { organizationId: hierarchy.organizationId, maxLifetimeDays: 1 } }, bearers[caller]),
      );
      expectRefused(response, code);
    });

    it.each((['orgAdmin', 'platformAdmin', 'api'] as CallerName[]).map((caller) => [CALLER_LABEL[caller], caller] as const))('setTokenPolicy: %s may set the policy', async (_label, caller) => {
      const input = { organizationId: hierarchy.organizationId, maxLifetimeDays: null, requireExpiry: false, allowedScopes: null };
      const success = { action: 'setTokenPolicy', outcome: AuditOutcome.SUCCESS, targetId: hierarchy.organizationId, actorId: ids[caller] };
      const before = await countAudit(server, success);
      expect(ok(await server.gql(TOKEN_OPS.setPolicy, { input }, bearers[caller])).setTokenPolicy.tokenPolicy).toEqual(input);
      expect(await countAudit(server, success)).toBe(before + 1);
    });
  });

  describe('revoking twice', () => {
    it('is not an error, changes nothing the second time and leaves exactly one revokeAccessToken SUCCESS event', async () => {
      const target = await newTarget('GROUP');
      const first = ok(await server.gql(TOKEN_OPS.revoke, { input: { id: target.id, reason: 'first' } }, bearers.orgAdmin)).revokeAccessToken.accessToken;
      const second = await withoutWrites(server, () => server.gql(TOKEN_OPS.revoke, { input: { id: target.id, reason: 'second' } }, bearers.orgAdmin));
      expect(ok(second).revokeAccessToken.accessToken).toEqual(first);
      expect(first).toMatchObject({ status: 'REVOKED', revocationReason: 'first' });
      expect(await countAudit(server, { action: 'revokeAccessToken', targetId: target.id, outcome: AuditOutcome.SUCCESS })).toBe(1);
    });
  });

  describe('role ceiling and crafted requests', () => {
    it.each([
      ['a MEMBER asking for the lowest role', 'FORBIDDEN', 'member', { groupId: 'group', role: 'VIEWER' }],
      ['a VIEWER asking for ADMIN', 'FORBIDDEN', 'viewer', { organizationId: 'organization', role: 'ADMIN' }],
      ['a group ADMIN asking for an ADMIN organization token', 'NOT_FOUND', 'groupAdmin', { organizationId: 'organization', role: 'ADMIN' }],
      ['a project ADMIN asking for an ADMIN group token', 'NOT_FOUND', 'projectAdmin', { groupId: 'group', role: 'ADMIN' }],
    ] as Array<[string, string, CallerName, Record<string, string>]>)('refuses %s with %s and nothing written', async (_label, code, caller, crafted) => {
      const input = Object.fromEntries(Object.entries(crafted).map(([key, value]) => [key, key === 'role' ? value : hierarchy[`${value}Id` as keyof Hierarchy]]));
      const response = await withoutWrites(server, () => server.gql(TOKEN_OPS.create, { input: { name: 'escalate', scopes: ['api'], password: USER_PASSWORD, ...input } }, bearers[caller]));
      expectRefused(response, code);
    });

    it('refuses a project ADMIN who also names the organization, instead of checking only the project', async () => {
      const response = await withoutWrites(server, () =>
        server.gql(TOKEN_OPS.create, { input: { name: 'two', scopes: ['api'], role: 'ADMIN', projectId: hierarchy.projectId, organizationId: hierarchy.organizationId, password: USER_PASSWORD } }, bearers.projectAdmin),
      );
      expectBadInput(response, 'input.projectId');
    });

    it('refuses an empty organization id next to a project id rather than reading it as absent', async () => {
      const response = await withoutWrites(server, () =>
        server.gql(TOKEN_OPS.create, { input: { name: 'empty', scopes: ['api'], projectId: hierarchy.projectId, organizationId: '', password: USER_PASSWORD } }, bearers.projectAdmin),
      );
      expect(codeOf(response)).toBe('BAD_USER_INPUT');
    });

    it.each([
      ['a role outside the enum', { role: 'OWNER' }, 'input.role'],
      ['a lower-case role', { role: 'admin' }, 'input.role'],
      ['an owner id', { ownerId: UNKNOWN_ID }, 'ownerId'],
      ['a creator id', { createdById: UNKNOWN_ID }, 'createdById'],
    ])('refuses %s smuggled into the input with nothing written', async (_label, crafted, named) => {
      const response = await withoutWrites(server, () =>
        server.gql(TOKEN_OPS.create, { input: { name: 'crafted', scopes: ['api'], groupId: hierarchy.groupId, password: USER_PASSWORD, ...crafted } }, bearers.groupAdmin),
      );
      expect(codeOf(response)).toBe('BAD_USER_INPUT');
      expect(response.errors![0].message).toContain(named);
    });

    it('never lets a technical user climb: a MEMBER group token cannot mint, an ADMIN group token cannot reach the organization', async () => {
      const memberToken = await createToken(server, bearers.orgAdmin!, 'GROUP', hierarchy, { role: 'MEMBER', scopes: ['api'] });
      const adminToken = await createToken(server, bearers.orgAdmin!, 'GROUP', hierarchy, { role: 'ADMIN', scopes: ['api'] });
      const asMember = await withoutWrites(server, () =>
        server.gql(TOKEN_OPS.create, { input: { name: 'climb', scopes: ['api'], role: 'ADMIN', projectId: hierarchy.projectId } }, memberToken.secret),
      );
      expectRefused(asMember, 'FORBIDDEN');
      const upward = await withoutWrites(server, () =>
        server.gql(TOKEN_OPS.create, { input: { name: 'climb', scopes: ['api'], role: 'ADMIN', organizationId: hierarchy.organizationId } }, adminToken.secret),
      );
      expectRefused(upward, 'NOT_FOUND');
    });
  });

  describe('an api token of an ADMIN', () => {
    let limited: IssuedToken;
    const expiresIn5Days = daysFromNow(5);

    beforeAll(async () => {
      limited = await createToken(server, bearers.orgAdmin!, 'PERSONAL', hierarchy, { name: 'limited automation', scopes: ['api', 'read_repository'], expiresAt: expiresIn5Days });
    });

    it('creates resource tokens without a password, within its own scopes (api implies read_api)', async () => {
      const created = await createToken(server, limited.secret, 'GROUP', hierarchy, { scopes: ['read_repository', 'read_api'], role: 'ADMIN' });
      expect(created.accessToken).toMatchObject({ level: 'GROUP', scopes: ['read_repository', 'read_api'], role: 'ADMIN', createdBy: { id: ids.orgAdmin } });
    });

    it.each([
      ['a scope it lacks', { scopes: ['write_repository'] }, 'input.scopes'],
      ['a later expiry than its own', { expiresAt: daysFromNow(6) }, 'input.expiresAt'],
      ['no expiry while its own has one', { expiresAt: null }, 'input.expiresAt'],
    ])('refuses %s with nothing written', async (_label, input, field) => {
      const response = await withoutWrites(server, () => server.gql(TOKEN_OPS.create, { input: { name: 'beyond', scopes: ['api'], groupId: hierarchy.groupId, ...input } }, limited.secret));
      expectBadInput(response, field);
    });

    it('refuses personal tokens: FORBIDDEN with nothing written', async () => {
      const response = await withoutWrites(server, () => server.gql(TOKEN_OPS.create, { input: { name: 'mine', scopes: ['read_api'] } }, limited.secret));
      expectRefused(response, 'FORBIDDEN');
    });

    it('gives a new token its own expiry when none is asked for', async () => {
      const created = await createToken(server, limited.secret, 'PROJECT', hierarchy, { scopes: ['read_api'] });
      expect(new Date(created.accessToken.expiresAt).getTime()).toBeLessThanOrEqual(new Date(expiresIn5Days).getTime());
      expect(new Date(created.accessToken.expiresAt).getTime()).toBeGreaterThan(Date.now() + 4.9 * 86_400_000);
    });

    it('rotates a resource token without extending it beyond its own expiry', async () => {
      const target = await newTarget('GROUP', { scopes: ['read_repository'] });
      const rotated = ok(await server.gql(TOKEN_OPS.rotate, { input: { id: target.id } }, limited.secret)).rotateAccessToken;
      expect(new Date(rotated.accessToken.expiresAt).getTime()).toBeLessThanOrEqual(new Date(expiresIn5Days).getTime());
      const beyond = await withoutWrites(server, () => server.gql(TOKEN_OPS.rotate, { input: { id: rotated.accessToken.id, expiresAt: daysFromNow(6) } }, limited.secret));
      expectBadInput(beyond, 'input.expiresAt');
    });

    it('cannot obtain, by rotation, the secret of a token carrying scopes it lacks', async () => {
      const target = await newTarget('GROUP', { scopes: ['write_repository'] });
      const response = await withoutWrites(server, () => server.gql(TOKEN_OPS.rotate, { input: { id: target.id } }, limited.secret));
      expectRefused(response, 'FORBIDDEN');
      expect(await bearerStatus(server, target.secret)).toBe(200);
    });

    it('cannot obtain a new personal token by rotating one', async () => {
      const target = await newTarget('PERSONAL', { scopes: ['read_api'] });
      const response = await withoutWrites(server, () => server.gql(TOKEN_OPS.rotate, { input: { id: target.id } }, limited.secret));
      expectRefused(response, 'FORBIDDEN');
    });
  });

  describe('a resource token outlives its creator\'s role', () => {
    it.each([
      ['organization', 'ORGANIZATION', 'organizationTokens', 'organizationId'],
      ['group', 'GROUP', 'groupTokens', 'groupId'],
    ] as const)('a token of the %s stays listed for the remaining ADMINs, keeps working and is revocable by them', async (_name, level, listOp, key) => {
      const coAdmin = await createUser(server, bearers.platformAdmin!, `co-admin-${level}`);
      const membershipId = await addMember(server, bearers.orgAdmin!, coAdmin.id, { [key]: hierarchy[key] }, Role.ADMIN);
      const token = await createToken(server, coAdmin.token, level, hierarchy, { name: 'outlives its creator', role: 'MEMBER' });

      ok(await server.gql(TOKEN_OPS.removeMembership, { input: { id: membershipId } }, bearers.orgAdmin));
      expect(await server.db.manager.countBy(MembershipEntity, { userId: coAdmin.id })).toBe(0);

      const listed = ok(await server.gql(TOKEN_OPS[listOp], { id: hierarchy[key] }, bearers.orgAdmin));
      const nodes = Object.values(listed)[0].accessTokens.edges.map((edge: { node: { id: string; status: string } }) => edge.node);
      expect(nodes).toContainEqual(expect.objectContaining({ id: token.id, status: 'ACTIVE' }));
      expect(ok(await server.gql(TOKEN_OPS.viewer, {}, token.secret)).viewer.principal).toEqual({ __typename: 'TechnicalUser', id: token.accessToken.owner.id });

      expectRefused(await withoutWrites(server, () => server.gql(TOKEN_OPS.revoke, { input: { id: token.id } }, coAdmin.token)), 'NOT_FOUND');
      expect(ok(await server.gql(TOKEN_OPS.revoke, { input: { id: token.id } }, bearers.orgAdmin)).revokeAccessToken.accessToken.status).toBe('REVOKED');
      expect(await bearerStatus(server, token.secret)).toBe(401);
    });
  });
});
