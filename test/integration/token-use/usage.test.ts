import { DataSource } from 'typeorm';
import { createDataSource } from '../../../src/database/data-source';
import { AccessTokenEntity } from '../../../src/modules/access-token/access-token.entity';
import { LastUsedTracker } from '../../../src/modules/token-usage/last-used.tracker';
import { TokenUsageEntity, TokenUsageOutcome } from '../../../src/modules/token-usage/token-usage.entity';
import { QueryCounter } from '../../support/query-counter';
import { TestServer, startTestServer } from '../../support/test-server';
import { createUser, loginAsAdmin, ok } from '../../support/fixtures';
import { introspect, issueToken } from '../../support/token-helpers';

const USAGE = `query($id: ID!) { accessToken(id: $id) { lastUsedAt lastUsedAddresses usage(first: 100) { totalCount edges { node { operation clientAddress outcome usedAt count } } } } }`;

describe('last use and per-use traceability', () => {
  const counter = new QueryCounter();
  let server: TestServer;
  let owner: { id: string; token: string };

  beforeAll(async () => {
    server = await startTestServer({ label: 'usage', sqlLogger: counter, env: { TESSERA_USAGE_FLUSH_INTERVAL_MS: '50' } });
    owner = await createUser(server, await loginAsAdmin(server), 'owner');
  });
  afterAll(() => server.stop());

  it('writes lastUsedAt at most once for 1,000 uses within ten minutes', async () => {
    const caller = await issueToken(server, owner.token, { scopes: ['introspect'] });
    const subject = await issueToken(server, owner.token, { scopes: ['api'] });
    const updates = await counter.during(async () => {
      for (let i = 0; i < 1000; i += 1) expect((await introspect(server, caller.secret, subject.secret)).body.active).toBe(true);
      await server.services.lastUsed.drain();
    });
    const lastUsedWrites = updates.filter((q) => q.startsWith('UPDATE') && q.includes('lastUsedAt'));
    // One write for the subject and one for the caller token, whatever the number of uses.
    expect(lastUsedWrites.length).toBeLessThanOrEqual(2);
    const row = await server.db.manager.findOneByOrFail(AccessTokenEntity, { id: subject.id });
    expect(row.lastUsedAt).not.toBeNull();
    expect(row.lastUsedAddresses).toBe('127.0.0.1');
  });

  it('remembers a bounded number of last-use attempts: one forgotten costs one more conditional write, which changes nothing', async () => {
    const tokens = await Promise.all(['a', 'b', 'c'].map(async (name) => (await issueToken(server, owner.token, { name, scopes: ['api'] })).id));
    const rowOf = (id: string) => ({ id, lastUsedAt: null, lastUsedAddresses: null });
    const writesOf = async (tracker: LastUsedTracker, touched: string[]) => {
      const statements = await counter.during(async () => {
        for (const id of touched) tracker.touch(rowOf(id), '192.0.2.1');
        await tracker.drain();
      });
      return statements.filter((q) => q.startsWith('UPDATE') && q.includes('lastUsedAt')).length;
    };
    const [a, b, c] = tokens;
    // Room for two: the third attempt pushes out the first, whose next use is attempted again.
    expect(await writesOf(new LastUsedTracker(server.db, 2), [a, b, c, a])).toBe(4);
    expect(await writesOf(new LastUsedTracker(server.db, 3), [a, b, c, a])).toBe(3);
    for (const id of tokens) expect((await server.db.manager.findOneByOrFail(AccessTokenEntity, { id })).lastUsedAddresses).toBe('192.0.2.1');
  });

  it('records each GraphQL use with its operation, address and outcome, readable by the owner', async () => {
    const token = await issueToken(server, owner.token, { scopes: ['api'] });
    ok(await server.gql('{ viewer { authMethod } }', {}, token.secret));
    await server.gql('mutation { createGroup(input: { organizationId: "00000000-0000-7000-8000-000000000000", name: "x" }) { group { id } } }', {}, token.secret);
    await server.services.usageRecorder.flush();
    const data = ok(await server.gql(USAGE, { id: token.id }, owner.token));
    expect(data.accessToken.usage.totalCount).toBe(2);
    expect(data.accessToken.usage.edges.map((e: { node: unknown }) => e.node)).toEqual([
      expect.objectContaining({ operation: 'mutation createGroup', clientAddress: '127.0.0.1', outcome: 'ERROR', count: 1 }),
      expect.objectContaining({ operation: 'query viewer', clientAddress: '127.0.0.1', outcome: 'SUCCESS', count: 1 }),
    ]);
    expect(data.accessToken.lastUsedAddresses).toEqual(['127.0.0.1']);
  });

  it('hides a token\'s uses from other users', async () => {
    const token = await issueToken(server, owner.token, { scopes: ['api'] });
    const stranger = await createUser(server, await loginAsAdmin(server), 'stranger');
    const response = await server.gql(USAGE, { id: token.id }, stranger.token);
    expect(response.errors?.[0].extensions.code).toBe('NOT_FOUND');
  });
});

describe('usage records between flushes', () => {
  it('are written at the interval, or early once half the buffer is taken', async () => {
    const counter = new QueryCounter();
    const server = await startTestServer({ label: 'usage_early', sqlLogger: counter, env: { TESSERA_USAGE_FLUSH_INTERVAL_MS: '60000', TESSERA_USAGE_BUFFER_MAX: '400' } });
    try {
      const owner = await createUser(server, await loginAsAdmin(server), 'owner');
      const token = await issueToken(server, owner.token, { scopes: ['api'] });
      const use = (i: number) => server.services.usageRecorder.record({ tokenId: token.id, operation: `probe ${i}`, clientAddress: '127.0.0.1', outcome: TokenUsageOutcome.SUCCESS });
      // A flush swaps the buffer out within a turn of the event loop.
      const settle = () => new Promise((resolve) => setImmediate(resolve));
      const inserts = await counter.during(async () => {
        for (let i = 0; i < 199; i += 1) use(i);
        await settle();
      });
      expect(inserts.filter((q) => q.startsWith('INSERT'))).toEqual([]);
      expect(server.services.usageRecorder.buffered).toBe(199);
      use(199);
      await settle();
      expect(server.services.usageRecorder.buffered).toBe(0);
      // Flushes are serialised: this one returns once the early one has written.
      await server.services.usageRecorder.flush();
      expect(await server.db.manager.countBy(TokenUsageEntity, { tokenId: token.id })).toBe(200);
    } finally {
      await server.stop();
    }
  });
});

describe('usage records across a graceful stop', () => {
  it('flushes buffered uses when the server stops', async () => {
    const server = await startTestServer({ label: 'usage_stop', env: { TESSERA_USAGE_FLUSH_INTERVAL_MS: '60000' } });
    let reopened: DataSource | undefined;
    try {
      const owner = await createUser(server, await loginAsAdmin(server), 'owner');
      const token = await issueToken(server, owner.token, { scopes: ['api'] });
      await Promise.all(Array.from({ length: 50 }, () => server.gql('{ __typename }', {}, token.secret)));
      await Promise.all(Array.from({ length: 3 }, () => server.gql('{ viewer { authMethod } }', {}, token.secret)));
      expect(server.services.usageRecorder.buffered).toBe(2);
      await server.stopServer();
      reopened = createDataSource(server.databaseUrl);
      await reopened.initialize();
      const records = await reopened.manager.find(TokenUsageEntity, { where: { tokenId: token.id }, order: { operation: 'ASC' } });
      expect(records.map((r) => [r.operation, r.count])).toEqual([
        ['query __typename', 50],
        ['query viewer', 3],
      ]);
    } finally {
      await reopened?.destroy();
      await server.stop();
    }
  });
});
