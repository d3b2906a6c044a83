import { setTimeout as sleep } from 'node:timers/promises';
import { IsNull } from 'typeorm';
import { AccessTokenEntity } from '../../src/modules/access-token/access-token.entity';
import { RefreshTokenEntity } from '../../src/modules/refresh-token/refresh-token.entity';
import { createUser, loginAsAdmin } from '../support/fixtures';
import { ClientToken, createClientToken, createOAuthClient, postForm, refresh } from '../support/oauth-helpers';
import { TestServer, startTestServer } from '../support/test-server';

const VIEWER = 'query { viewer { user { id } } }';
const THROTTLE_OFF = { TESSERA_TOKEN_AUTH_MAX_FAILURES_PER_ADDRESS: '100000', TESSERA_TOKEN_AUTH_MAX_FAILURES_PER_CREDENTIAL: '100000' };

/** The family's rows, with the sealed pairs (not selected by default). */
async function familyOf(server: TestServer, token: ClientToken): Promise<RefreshTokenEntity[]> {
  const first = await server.db.manager.findOneByOrFail(RefreshTokenEntity, { accessTokenId: token.id });
  return server.db.manager
    .createQueryBuilder(RefreshTokenEntity, 'refresh')
    .addSelect('refresh.graceSealed')
    .where('refresh.familyId = :familyId', { familyId: first.familyId })
    .orderBy('refresh.id')
    .getMany();
}

/** Live refresh tokens of the family (neither spent nor revoked) and live access tokens issued with the family. */
async function liveOf(server: TestServer, token: ClientToken): Promise<{ refreshTokens: number; accessTokens: number }> {
  const family = await familyOf(server, token);
  const accessTokens = await server.db.manager.count(AccessTokenEntity, { where: family.map((r) => ({ id: r.accessTokenId, revokedAt: IsNull() })) });
  return { refreshTokens: family.filter((r) => !r.revokedAt && !r.replacedByRefreshTokenId).length, accessTokens };
}

describe('refresh reuse grace period (TESSERA_REFRESH_REUSE_GRACE_SECONDS, default 10)', () => {
  let server: TestServer;
  let user: { id: string; token: string };
  let client: { id: string; clientId: string };

  beforeAll(async () => {
    server = await startTestServer({ label: 'refresh_grace', env: THROTTLE_OFF });
    const admin = await loginAsAdmin(server);
    user = await createUser(server, admin, 'threads');
    client = await createOAuthClient(server, admin, { clientId: 'threaded-addon' });
  });
  afterAll(() => server.stop());

  it('10 parallel refreshes of one token all answer 200 with the same pair: one family, one live pair, no 5xx (5 trials)', async () => {
    expect(server.config.refreshReuseGraceSeconds).toBe(10);
    for (let trial = 0; trial < 5; trial += 1) {
      const token = await createClientToken(server, user.token, client.id);
      const answers = await Promise.all(Array.from({ length: 10 }, () => refresh(server, client.clientId, token.refreshToken)));
      expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
      expect(new Set(answers.map((a) => a.body.access_token)).size).toBe(1);
      expect(new Set(answers.map((a) => a.body.refresh_token)).size).toBe(1);
      expect(answers.every((a) => a.body.scope === 'api' && a.body.expires_in > 0 && a.body.token_type === 'Bearer')).toBe(true);
      const family = await familyOf(server, token);
      expect(new Set(family.map((r) => r.familyId)).size).toBe(1);
      expect(family).toHaveLength(2);
      expect(await liveOf(server, token)).toEqual({ refreshTokens: 1, accessTokens: 1 });
      const [pair] = answers;
      expect((await server.gql(VIEWER, {}, pair.body.access_token)).data?.viewer.user.id).toBe(user.id);
      expect((await refresh(server, client.clientId, pair.body.refresh_token)).status).toBe(200);
    }
  });

  it('a retry after a lost answer gets the same pair; the pair is sealed at rest, never in plaintext, and audited as a grace replay', async () => {
    const token = await createClientToken(server, user.token, client.id);
    const first = await refresh(server, client.clientId, token.refreshToken);
    const retry = await refresh(server, client.clientId, token.refreshToken);
    expect(retry.status).toBe(200);
    expect([retry.body.access_token, retry.body.refresh_token]).toEqual([first.body.access_token, first.body.refresh_token]);
    const [spent, successor] = await familyOf(server, token);
    expect(spent.graceSealed).toEqual(expect.any(String));
    expect(spent.graceUntil!.getTime()).toBeGreaterThan(Date.now());
    expect(successor.graceSealed).toBeNull();
    const dump = JSON.stringify(await server.db.query('SELECT * FROM refresh_tokens'));
    for (const secret of [first.body.access_token, first.body.refresh_token]) expect(dump).not.toContain(secret.split('_')[1]);
    const audit = await server.db.query("SELECT detail FROM audit_events WHERE action = 'refreshAccessToken'");
    expect(audit.map((row: { detail: string }) => row.detail).filter((d: string) => d.includes('"graceReplay":true')).length).toBeGreaterThan(0);
  });

  it('once the successor was used, a replay is invalid_grant and revokes nothing (never resurrects); earlier sealed pairs are wiped', async () => {
    const token = await createClientToken(server, user.token, client.id);
    const second = await refresh(server, client.clientId, token.refreshToken);
    const third = await refresh(server, client.clientId, second.body.refresh_token);
    expect(third.status).toBe(200);
    const replay = await refresh(server, client.clientId, token.refreshToken);
    expect([replay.status, replay.body.error]).toEqual([400, 'invalid_grant']);
    expect(await liveOf(server, token)).toEqual({ refreshTokens: 1, accessTokens: 1 });
    expect((await familyOf(server, token)).map((r) => r.graceSealed !== null)).toEqual([false, true, false]);
    expect((await refresh(server, client.clientId, third.body.refresh_token)).status).toBe(200);
  });

  it('once the successor access token was revoked, a replay is invalid_grant', async () => {
    const token = await createClientToken(server, user.token, client.id);
    const second = await refresh(server, client.clientId, token.refreshToken);
    expect((await postForm(server, '/oauth/revoke', { token: second.body.access_token, client_id: client.clientId })).status).toBe(200);
    const replay = await refresh(server, client.clientId, token.refreshToken);
    expect([replay.status, replay.body.error]).toEqual([400, 'invalid_grant']);
  });

  it('once the family was revoked, a replay is invalid_grant and the sealed pair is wiped', async () => {
    const token = await createClientToken(server, user.token, client.id);
    const second = await refresh(server, client.clientId, token.refreshToken);
    expect((await postForm(server, '/oauth/revoke', { token: second.body.refresh_token, client_id: client.clientId })).status).toBe(200);
    expect((await familyOf(server, token)).map((r) => r.graceSealed)).toEqual([null, null]);
    const replay = await refresh(server, client.clientId, token.refreshToken);
    expect([replay.status, replay.body.error]).toEqual([400, 'invalid_grant']);
    expect(await liveOf(server, token)).toEqual({ refreshTokens: 0, accessTokens: 0 });
  });

  it('a replay asking for another scope is refused: invalid_grant for a narrower one, invalid_scope for a wider one', async () => {
    const token = await createClientToken(server, user.token, client.id, { scopes: ['api', 'read_repository'] });
    expect((await refresh(server, client.clientId, token.refreshToken)).body.scope).toBe('api read_repository');
    const narrower = await refresh(server, client.clientId, token.refreshToken, { scope: 'read_repository' });
    expect([narrower.status, narrower.body.error]).toEqual([400, 'invalid_grant']);
    const wider = await refresh(server, client.clientId, token.refreshToken, { scope: 'api write_repository' });
    expect([wider.status, wider.body.error]).toEqual([400, 'invalid_scope']);
    expect((await refresh(server, client.clientId, token.refreshToken, { scope: 'read_repository api' })).status).toBe(200);
  });

  it('a replay by another client is invalid_grant and does not disturb the pair', async () => {
    const admin = await loginAsAdmin(server);
    const intruder = await createOAuthClient(server, admin, { clientId: 'intruder-addon' });
    const token = await createClientToken(server, user.token, client.id);
    const second = await refresh(server, client.clientId, token.refreshToken);
    expect((await refresh(server, intruder.clientId, token.refreshToken)).body.error).toBe('invalid_grant');
    expect((await refresh(server, client.clientId, token.refreshToken)).body.access_token).toBe(second.body.access_token);
  });
});

describe('refresh reuse after the grace period (1 s)', () => {
  let server: TestServer;
  let user: { id: string; token: string };
  let client: { id: string; clientId: string };

  beforeAll(async () => {
    server = await startTestServer({ label: 'refresh_grace_window', env: { ...THROTTLE_OFF, TESSERA_REFRESH_REUSE_GRACE_SECONDS: '1' } });
    const admin = await loginAsAdmin(server);
    user = await createUser(server, admin, 'late');
    client = await createOAuthClient(server, admin, { clientId: 'late-addon' });
  });
  afterAll(() => server.stop());

  it('a replay after the window is reuse: invalid_grant, the whole family revoked, the sealed pair wiped', async () => {
    const token = await createClientToken(server, user.token, client.id);
    const second = await refresh(server, client.clientId, token.refreshToken);
    expect((await refresh(server, client.clientId, token.refreshToken)).body.access_token).toBe(second.body.access_token);
    await sleep(1200);
    const replay = await refresh(server, client.clientId, token.refreshToken);
    expect([replay.status, replay.body.error]).toEqual([400, 'invalid_grant']);
    expect(await liveOf(server, token)).toEqual({ refreshTokens: 0, accessTokens: 0 });
    expect((await familyOf(server, token)).map((r) => r.graceSealed)).toEqual([null, null]);
    expect((await server.gql(VIEWER, {}, second.body.access_token)).status).toBe(401);
    expect((await refresh(server, client.clientId, second.body.refresh_token)).body.error).toBe('invalid_grant');
  });

  it('the sweep wipes sealed pairs whose window has passed, untouched families included', async () => {
    const token = await createClientToken(server, user.token, client.id);
    expect((await refresh(server, client.clientId, token.refreshToken)).status).toBe(200);
    expect((await familyOf(server, token))[0].graceSealed).toEqual(expect.any(String));
    await server.services.refreshTokens.grace.wipeExpired(server.db.manager);
    expect((await familyOf(server, token))[0].graceSealed).toEqual(expect.any(String));
    await sleep(1200);
    await server.services.refreshTokens.grace.wipeExpired(server.db.manager);
    const [spent] = await familyOf(server, token);
    expect([spent.graceSealed, spent.graceUntil]).toEqual([null, null]);
    expect(await liveOf(server, token)).toEqual({ refreshTokens: 1, accessTokens: 1 });
  });
});
