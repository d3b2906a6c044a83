import { AccessTokenEntity } from '../../src/modules/access-token/access-token.entity';
import { RefreshTokenEntity } from '../../src/modules/refresh-token/refresh-token.entity';
import { IsNull } from 'typeorm';
import { createUser, loginAsAdmin } from '../support/fixtures';
import { createClientToken, createOAuthClient, refresh } from '../support/oauth-helpers';
import { TestServer, startTestServer } from '../support/test-server';

const TRIALS = 10;
const PARALLEL = 20;

describe('parallel refreshes of one refresh token (strict: no grace period)', () => {
  let server: TestServer;
  let user: { id: string; token: string };
  let client: { id: string; clientId: string };

  beforeAll(async () => {
    // Twenty refreshes queue on one row lock; the test server's statement bound (30 s, not production's 5 s) gives
    // the last one room on a loaded machine. This test is about lock order and deadlocks.
    server = await startTestServer({
      label: 'refresh_races',
      env: { TESSERA_REFRESH_REUSE_GRACE_SECONDS: '0', TESSERA_TOKEN_AUTH_MAX_FAILURES_PER_ADDRESS: '100000', TESSERA_TOKEN_AUTH_MAX_FAILURES_PER_CREDENTIAL: '100000' },
    });
    const admin = await loginAsAdmin(server);
    user = await createUser(server, admin, 'racer');
    client = await createOAuthClient(server, admin, { clientId: 'racer-addon' });
  });
  afterAll(() => server.stop());

  it(`answers one success and invalid_grant for the rest, never 5xx (${TRIALS} trials of ${PARALLEL})`, async () => {
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const token = await createClientToken(server, user.token, client.id);
      const answers = await Promise.all(Array.from({ length: PARALLEL }, () => refresh(server, client.clientId, token.refreshToken)));
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s >= 500)).toEqual([]);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(answers.filter((a) => a.status === 400 && a.body.error === 'invalid_grant')).toHaveLength(PARALLEL - 1);
      // The losers replayed a spent token: reuse detection revoked the family.
      const family = await server.db.manager.find(RefreshTokenEntity, { where: { accessTokenId: token.id } });
      expect(await server.db.manager.count(RefreshTokenEntity, { where: { familyId: family[0].familyId, revokedAt: IsNull() } })).toBe(0);
      expect(await server.db.manager.count(AccessTokenEntity, { where: { ownerId: user.id, revokedAt: IsNull() } })).toBe(0);
    }
  });
});
