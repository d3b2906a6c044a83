import { AccessTokenEntity } from '../../../src/modules/access-token/access-token.entity';
import { Role } from '../../../src/core/authorization/role';
import { ADMIN_EMAIL, ADMIN_PASSWORD, TestServer, startTestServer } from '../../support/test-server';
import { addMember, createHierarchy, createUser, loginAsAdmin } from '../../support/fixtures';
import { introspect, issueToken } from '../../support/token-helpers';

type Introspector = 'orgA' | 'orgB' | 'platformAdmin' | 'alice' | 'bob';
type Subject = 'orgA' | 'groupA' | 'projectA' | 'projectB' | 'alicePersonal' | 'bobPersonal' | 'adminPersonal';

/**
 * Who may introspect what (README, "Resource servers"): an organization's introspect token sees
 * the tokens bound to its organization; a platform admin's personal introspect token sees every
 * token; anyone else's personal introspect token only its owner's own tokens. Everything else
 * answers `{"active": false}`, as an unknown token does. The owner's e-mail (`username`) goes
 * only to who may read it through GraphQL: the owner and platform admins.
 */
const REACH: Record<Introspector, Subject[]> = {
  orgA: ['orgA', 'groupA', 'projectA'],
  orgB: ['projectB'],
  platformAdmin: ['orgA', 'groupA', 'projectA', 'projectB', 'alicePersonal', 'bobPersonal', 'adminPersonal'],
  alice: ['alicePersonal'],
  bob: ['bobPersonal'],
};
const SUBJECTS: Subject[] = ['orgA', 'groupA', 'projectA', 'projectB', 'alicePersonal', 'bobPersonal', 'adminPersonal'];
const INTROSPECTORS = Object.keys(REACH) as Introspector[];
const matrix = INTROSPECTORS.flatMap((introspector) => SUBJECTS.map((subject) => [introspector, subject, REACH[introspector].includes(subject)] as const));

describe('POST /oauth/introspect: who may introspect what', () => {
  let server: TestServer;
  const introspectors = {} as Record<Introspector, string>;
  const subjects = {} as Record<Subject, { id: string; secret: string }>;
  const emails = {} as Record<string, string>;

  beforeAll(async () => {
    server = await startTestServer({ label: 'introspection_reach' });
    const admin = await loginAsAdmin(server);
    const alice = await createUser(server, admin, 'alice');
    const bob = await createUser(server, admin, 'bob');
    const carol = await createUser(server, admin, 'carol');
    const a = await createHierarchy(server, alice.token);
    const b = await createHierarchy(server, carol.token);
    // Bob is an ADMIN of organization A: he still reads only his own tokens through his personal introspect token.
    await addMember(server, alice.token, bob.id, { organizationId: a.organizationId }, Role.ADMIN);
    Object.assign(emails, { alicePersonal: alice.email, bobPersonal: bob.email, adminPersonal: ADMIN_EMAIL });

    introspectors.orgA = (await issueToken(server, alice.token, { name: 'A service', organizationId: a.organizationId, scopes: ['introspect'] })).secret;
    introspectors.orgB = (await issueToken(server, carol.token, { name: 'B service', organizationId: b.organizationId, scopes: ['introspect'] })).secret;
    introspectors.platformAdmin = (await issueToken(server, admin, { name: 'platform service', scopes: ['introspect'], password: ADMIN_PASSWORD })).secret;
    introspectors.alice = (await issueToken(server, alice.token, { name: 'alice checks', scopes: ['introspect'] })).secret;
    introspectors.bob = (await issueToken(server, bob.token, { name: 'bob checks', scopes: ['introspect'] })).secret;

    subjects.orgA = await issueToken(server, alice.token, { organizationId: a.organizationId, scopes: ['download'] });
    subjects.groupA = await issueToken(server, alice.token, { groupId: a.groupId, scopes: ['read_repository'] });
    subjects.projectA = await issueToken(server, alice.token, { projectId: a.projectId, scopes: ['write_repository'] });
    subjects.projectB = await issueToken(server, carol.token, { projectId: b.projectId, scopes: ['read_repository'] });
    subjects.alicePersonal = await issueToken(server, alice.token, { scopes: ['api'] });
    subjects.bobPersonal = await issueToken(server, bob.token, { scopes: ['api'] });
    subjects.adminPersonal = await issueToken(server, admin, { scopes: ['read_api'], password: ADMIN_PASSWORD });
  });
  afterAll(() => server.stop());

  it.each(matrix)('%s introspecting %s: active only when in reach (%s)', async (introspector, subject, inReach) => {
    const { status, body } = await introspect(server, introspectors[introspector], subjects[subject].secret);
    expect(status).toBe(200);
    if (!inReach) {
      expect(body).toEqual({ active: false });
      return;
    }
    expect(body).toMatchObject({ active: true, jti: subjects[subject].id });
    // The e-mail of a person, only to that person or a platform admin; technical users have none.
    if (subject in emails) expect(body.username).toBe(emails[subject]);
    else expect(body).not.toHaveProperty('username');
  });

  it('answers an out-of-reach token exactly as an unknown one', async () => {
    const unknown = await introspect(server, introspectors.orgB, 'tspat_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA_AAAAAA');
    const foreign = await introspect(server, introspectors.orgB, subjects.alicePersonal.secret);
    expect({ status: foreign.status, body: foreign.body }).toEqual({ status: unknown.status, body: unknown.body });
  });

  it('lets every introspect token introspect itself', async () => {
    for (const introspector of INTROSPECTORS) expect((await introspect(server, introspectors[introspector], introspectors[introspector])).body.active).toBe(true);
  });

  it('does not count an out-of-reach question as a use of the token asked about', async () => {
    const untouched = await issueToken(server, await loginAsAdmin(server), { scopes: ['api'], password: ADMIN_PASSWORD });
    expect((await introspect(server, introspectors.orgA, untouched.secret)).body).toEqual({ active: false });
    await server.services.lastUsed.drain();
    await server.services.usageRecorder.flush();
    expect((await server.db.manager.findOneByOrFail(AccessTokenEntity, { id: untouched.id })).lastUsedAt).toBeNull();
  });
});
