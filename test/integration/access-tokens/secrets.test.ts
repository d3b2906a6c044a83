import { createHash } from 'node:crypto';
import { configureLogging, logger } from '../../../src/core/logging/logger';
import { hashSecret } from '../../../src/core/secrets/secret-format';
import { AccessTokenEntity } from '../../../src/modules/access-token/access-token.entity';
import { AuditEventEntity } from '../../../src/core/audit/audit-event.entity';
import { Role } from '../../../src/core/authorization/role';
import { ADMIN_PASSWORD, TEST_PEPPER, TestServer, startTestServer } from '../../support/test-server';
import { USER_PASSWORD, addMember, codeOf, createHierarchy, createUser, loginAsAdmin, ok } from '../../support/fixtures';
import {
  Hierarchy,
  IssuedToken,
  LEVELS,
  SECRET_SHAPE,
  SecretLedger,
  TOKEN_OPS,
  allCells,
  allTables,
  bearerStatus,
  createToken,
  randomPartOf,
} from '../../support/token-fixtures';
import { withBadChecksum } from '../../support/token-helpers';

const AUDIT_PAGE = `query($after: String) { auditEvents(first: 100, after: $after) {
  pageInfo { hasNextPage endCursor } edges { node { id action outcome reason targetId targetType actorId actorTokenId requestId clientAddress organizationId createdAt } } } }`;
const ORGANIZATION_AUDIT = 'query($id: ID!) { organization(id: $id) { auditEvents(first: 100) { edges { node { id action outcome reason targetId } } } } }';
const LOG_PROBE = 'log capture probe';
const SCHEMA_FIELDS = '{ __schema { types { name kind fields { name } inputFields { name } } } }';

/**
 * The plaintext of a token is returned exactly once, by the mutation that creates or rotates it,
 * and appears in no other response, no audit event, no log line and no database column. Every
 * request of this file goes through a ledger; the last test scans everything against it.
 */
describe('access token secrets', () => {
  let raw: TestServer;
  let server: TestServer;
  const ledger = new SecretLedger();
  const logLines: string[] = [];
  let admin: string;
  let owner: { id: string; token: string };
  let member: { id: string; token: string };
  let hierarchy: Hierarchy;
  const issued: IssuedToken[] = [];
  let restoreStreams: () => void;

  beforeAll(async () => {
    const originals = { stdout: process.stdout.write.bind(process.stdout), stderr: process.stderr.write.bind(process.stderr) };
    const stdout = jest.spyOn(process.stdout, 'write');
    const stderr = jest.spyOn(process.stderr, 'write');
    for (const [spy, original] of [
      [stdout, originals.stdout],
      [stderr, originals.stderr],
    ] as const) {
      spy.mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
        const line = Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
        logLines.push(line);
        // Log lines are scanned below, not shown: at trace there are many.
        return line.includes(LOG_PROBE) || line.startsWith('{"level":') || (original as (...args: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof process.stdout.write);
    }
    restoreStreams = () => {
      stdout.mockRestore();
      stderr.mockRestore();
    };
    raw = await startTestServer({ label: 'token_secrets', env: { TESSERA_TOKEN_AUTH_MAX_FAILURES_PER_ADDRESS: '100000' } });
    // The logger writes to file descriptor 1 itself, past process.stdout: its lines, at trace, are captured here.
    configureLogging({ level: 'trace', format: 'json' }, { write: (line: string) => void logLines.push(line) });
    server = ledger.wrap(raw);
    admin = await loginAsAdmin(server);
    owner = await createUser(server, admin, 'owner');
    member = await createUser(server, admin, 'member');
    hierarchy = await createHierarchy(server, owner.token);
    await addMember(server, owner.token, member.id, { organizationId: hierarchy.organizationId }, Role.MEMBER);
  });
  afterAll(async () => {
    await raw.stop();
    configureLogging({ level: 'warn' });
    restoreStreams();
  });

  it('hands out a well-formed secret at every level and kind, shown only as a hint afterwards', async () => {
    for (const level of LEVELS) issued.push(await createToken(server, owner.token, level, hierarchy, { name: `${level} secret`, role: level === 'PERSONAL' ? undefined : 'ADMIN' }));
    issued.push(await createToken(server, owner.token, 'PERSONAL', hierarchy, { name: 'expose', kind: 'EXPOSE', scopes: ['read_api'] }));
    const api = issued[1];
    issued.push(await createToken(server, api.secret, 'PROJECT', hierarchy, { name: 'made by a token', scopes: ['read_api'] }));

    expect(issued.map((token) => token.secret.slice(0, 6))).toEqual(['tspat_', 'tsoat_', 'tsgat_', 'tsprt_', 'tsexp_', 'tsprt_']);
    for (const { secret, accessToken } of issued) {
      expect(secret).toMatch(/^ts[a-z]{3}_[0-9A-Za-z]{30}_[0-9A-Za-z]{6}$/);
      expect(accessToken.hint).toBe(`${secret.split('_')[0]}_…${randomPartOf(secret).slice(-4)}`);
      expect(await bearerStatus(server, secret)).toBe(200);
    }
  });

  it('stores only the keyed hash (HMAC-SHA-256 with the pepper), never an unkeyed digest', async () => {
    for (const { id, secret } of issued) {
      const row = await raw.db.manager.findOneByOrFail(AccessTokenEntity, { id });
      expect(row.tokenHash).toBe(hashSecret(secret, TEST_PEPPER));
      expect(row.tokenHash).not.toBe(createHash('sha256').update(secret).digest('hex'));
    }
  });

  it('shows no secret in reads, lists, rotation, revocation, restoration, reuse detection, deactivation and deletion', async () => {
    const [personal, organization, group, project, expose] = issued;
    ok(await server.gql(TOKEN_OPS.viewerTokens, {}, owner.token));
    ok(await server.gql(TOKEN_OPS.viewerTokens, {}, personal.secret));
    ok(await server.gql(TOKEN_OPS.organizationTokens, { id: hierarchy.organizationId }, organization.secret));
    ok(await server.gql(TOKEN_OPS.groupTokens, { id: hierarchy.groupId }, owner.token));
    ok(await server.gql(TOKEN_OPS.projectTokens, { id: hierarchy.projectId }, owner.token));
    ok(await server.gql(TOKEN_OPS.allTokens, { first: 100 }, admin));
    for (const { id } of issued) ok(await server.gql(TOKEN_OPS.get, { id }, admin));

    const rotated = ok(await server.gql(TOKEN_OPS.rotate, { input: { id: group.id, password: USER_PASSWORD } }, owner.token)).rotateAccessToken;
    issued.push({ id: rotated.accessToken.id, secret: rotated.secret, accessToken: rotated.accessToken });
    ok(await server.gql(TOKEN_OPS.get, { id: rotated.accessToken.id }, owner.token));
    expect(codeOf(await server.gql(TOKEN_OPS.rotate, { input: { id: group.id, password: USER_PASSWORD } }, owner.token))).toBe('CONFLICT');
    ok(await server.gql(TOKEN_OPS.revoke, { input: { id: project.id, reason: 'testing' } }, owner.token));
    ok(await server.gql(TOKEN_OPS.restore, { input: { id: project.id } }, owner.token));
    expect(await bearerStatus(server, rotated.secret)).toBe(401);
    expect(await bearerStatus(server, withBadChecksum(personal.secret))).toBe(401);

    const memberToken = await createToken(server, member.token, 'PERSONAL', hierarchy, { name: 'member laptop' });
    issued.push(memberToken);
    ok(await server.gql(TOKEN_OPS.deactivateUser, { input: { id: member.id } }, admin));
    expect(await bearerStatus(server, memberToken.secret)).toBe(401);

    expect(codeOf(await server.gql(TOKEN_OPS.create, { input: { name: 'wrong password', scopes: ['api'], password: ADMIN_PASSWORD } }, owner.token))).toBe('BAD_USER_INPUT');
    ok(await server.gql(TOKEN_OPS.delete, { input: { id: expose.id } }, owner.token));
  });

  it('exposes no hash and no secret field on any type but the create/rotate payloads (access tokens, confidential OAuth clients)', async () => {
    const { __schema } = ok(await server.gql(SCHEMA_FIELDS, {}, admin));
    const named = __schema.types.flatMap((type: { name: string; fields: Array<{ name: string }> | null; inputFields: Array<{ name: string }> | null }) =>
      [...(type.fields ?? []), ...(type.inputFields ?? [])].filter((field) => /hash|secret|pepper/i.test(field.name)).map((field) => `${type.name}.${field.name}`),
    );
    // A confidential client's secret is shown once, like a token's; `secretHint` is its display hint and
    // `rotateOAuthClientSecret` the mutation that returns a new one in `OAuthClientPayload.clientSecret`.
    // A webhook endpoint's signing secret is shown once too, when the endpoint is registered.
    expect([...named].sort()).toEqual([
      'AccessTokenSecretPayload.secret',
      'Mutation.rotateOAuthClientSecret',
      'OAuthClient.secretHint',
      'OAuthClientPayload.clientSecret',
      'WebhookEndpointPayload.secret',
    ]);
    const accessToken = __schema.types.find((type: { name: string }) => type.name === 'AccessToken');
    expect(accessToken.fields.map((field: { name: string }) => field.name)).not.toEqual(expect.arrayContaining([expect.stringMatching(/hash|secret/i)]));
  });

  it('reads the audit trail (all of it, and the organization\'s) without finding a secret in it', async () => {
    let after: string | null = null;
    let events = 0;
    do {
      const page: { auditEvents: { pageInfo: { hasNextPage: boolean; endCursor: string }; edges: unknown[] } } = ok(await server.gql(AUDIT_PAGE, { after }, admin));
      events += page.auditEvents.edges.length;
      after = page.auditEvents.pageInfo.hasNextPage ? page.auditEvents.pageInfo.endCursor : null;
    } while (after);
    expect(events).toBe(await raw.db.manager.count(AuditEventEntity));
    ok(await server.gql(ORGANIZATION_AUDIT, { id: hierarchy.organizationId }, owner.token));

    const rows = await raw.db.manager.find(AuditEventEntity);
    const text = JSON.stringify(rows);
    expect(rows.filter((row) => row.action === 'createAccessToken').length).toBeGreaterThanOrEqual(issued.length - 1);
    for (const secret of ledger.secrets) expect(text).not.toContain(randomPartOf(secret));
    expect(text.match(SECRET_SHAPE)).toBeNull();
  });

  it('finds each secret in exactly one response — the one that handed it out — and in no table, column or log line', async () => {
    logger.info(LOG_PROBE);
    expect(logLines.join('')).toContain(LOG_PROBE);

    const secrets = ledger.secrets;
    const tokenSecrets = secrets.filter((secret) => !secret.startsWith('tsess_'));
    expect(tokenSecrets).toHaveLength(issued.length);
    expect(new Set(tokenSecrets)).toEqual(new Set(issued.map((token) => token.secret)));

    for (const secret of secrets) {
      const random = randomPartOf(secret);
      const containing = ledger.exchanges.filter((exchange) => exchange.body.includes(random));
      expect(containing).toHaveLength(1);
      expect(containing[0].handedOut).toEqual([secret]);
    }
    for (const exchange of ledger.exchanges) {
      expect(exchange.body.match(SECRET_SHAPE) ?? []).toEqual(exchange.handedOut);
    }

    const entityTables = raw.db.entityMetadatas.map((metadata) => metadata.tableName);
    expect(await allTables(raw)).toEqual(expect.arrayContaining(entityTables));
    const cells = await allCells(raw);
    expect(cells.length).toBeGreaterThan(100);
    const leaks = cells.filter((cell) => secrets.some((secret) => cell.text.includes(randomPartOf(secret))) || new RegExp(SECRET_SHAPE.source).test(cell.text));
    expect(leaks.map((cell) => cell.where)).toEqual([]);

    const logs = logLines.join('');
    for (const secret of secrets) expect(logs).not.toContain(randomPartOf(secret));
  });
});
