import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/core/config/config';
import { newId } from '../src/core/database/ids';
import { createScratchMysqlDatabase } from '../src/core/database/scratch-database';
import { startServer } from '../src/server';

/**
 * Token-table pages on a large table: seeds BENCH_TOKENS (default 1,000,000) personal tokens of
 * the platform admin on MySQL, then times the platform inventory (`accessTokens`, the whole table)
 * at its first page and half-way down (keyset cursors), in each sort order.
 * Usage: `npx ts-node --transpile-only bench/token-list.ts`.
 */
const SERVER_URL = process.env.BENCH_MYSQL_URL ?? process.env.TEST_MYSQL_URL ?? 'mariadb://root@127.0.0.1:3306';
const TOKENS = Number(process.env.BENCH_TOKENS ?? 1_000_000);
const PASSWORD = randomBytes(12).toString('hex');

async function main(): Promise<void> {
  const scratch = await createScratchMysqlDatabase(SERVER_URL, 'bench_list');
  const config = loadConfig({ NODE_ENV: 'production', PORT: '0', DATABASE_URL: scratch.url, TESSERA_TOKEN_PEPPER: randomBytes(32).toString('hex'), TESSERA_ADMIN_EMAIL: 'bench@example.test', TESSERA_ADMIN_PASSWORD: PASSWORD });
  const server = await startServer(config, { print: () => undefined });
  try {
    const [{ id: ownerId }] = await server.db.query('SELECT id FROM users LIMIT 1');
    process.stdout.write(`seeding ${TOKENS} tokens…\n`);
    const started = performance.now();
    for (let done = 0; done < TOKENS; done += 5000) {
      const rows = Array.from({ length: Math.min(5000, TOKENS - done) }, (_, i) => [
        newId(), 'PERSONAL', 'ACCESS', `token ${randomBytes(4).toString('hex')}`, 'api', ownerId, ownerId, randomBytes(32).toString('hex'), 'tspat_…seed',
        i % 3 ? new Date(Date.now() + (1 + (i % 90)) * 86_400_000) : null,
      ]);
      await server.db.query(
        `INSERT INTO access_tokens (id, level, kind, name, scopeList, ownerId, createdById, tokenHash, hint, expiresAt) VALUES ${rows.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        rows.flat(),
      );
    }
    process.stdout.write(`seeded in ${Math.round((performance.now() - started) / 1000)} s\n`);
    await server.db.query('ANALYZE TABLE access_tokens');
    const post = async (query: string, variables: Record<string, unknown>, token?: string) => {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as { data: any; errors?: unknown };
    };
    const login = await post('mutation($i: LoginInput!) { login(input: $i) { sessionToken } }', { i: { email: 'bench@example.test', password: PASSWORD } });
    const session = login.data.login.sessionToken as string;
    const PAGE = 'query($after: String, $orderBy: AccessTokenOrderField, $direction: OrderDirection) { accessTokens(first: 50, after: $after, orderBy: $orderBy, direction: $direction) { pageInfo { endCursor } edges { node { id name } } } }';
    const time = async (variables: Record<string, unknown>) => {
      const samples: number[] = [];
      for (let i = 0; i < 15; i += 1) {
        const t = performance.now();
        const result = await post(PAGE, variables, session);
        if (result.errors) throw new Error(JSON.stringify(result.errors));
        samples.push(performance.now() - t);
      }
      return samples.sort((a, b) => a - b)[7];
    };
    process.stdout.write(`\n| order | first page ms (median) | page after ~${TOKENS / 2} rows ms (median) |\n|---|---|---|\n`);
    // A cursor at the middle of each order, built from the row there (cursors are base64url JSON of {id, value}).
    const middleCursor = async (column: string | null, standIn: string | null, direction: string) => {
      const expression = column ? (standIn ? `COALESCE(${column}, TIMESTAMP('${standIn}'))` : column) : 'id';
      const [row] = await server.db.query(`SELECT id, ${expression} AS value FROM access_tokens ORDER BY ${expression} ${direction}, id ${direction} LIMIT 1 OFFSET ${Math.floor(TOKENS / 2)}`);
      const value = column === null ? undefined : row.value instanceof Date ? row.value.toISOString() : row.value;
      return Buffer.from(JSON.stringify(value === undefined ? { id: row.id } : { id: row.id, value })).toString('base64url');
    };
    const orders: Array<[string, string, string | null, string | null]> = [
      ['CREATED_AT', 'DESC', null, null],
      ['NAME', 'ASC', 'name', null],
      ['EXPIRES_AT', 'ASC', 'expiresAt', '9999-12-31 00:00:00.000'],
      ['LAST_USED_AT', 'DESC', 'lastUsedAt', '1970-01-01 00:00:00.000'],
    ];
    for (const [orderBy, direction, column, standIn] of orders) {
      const first = await time({ orderBy, direction });
      const deep = await time({ orderBy, direction, after: await middleCursor(column, standIn, direction) });
      process.stdout.write(`| ${orderBy} ${direction} | ${first.toFixed(1)} | ${deep.toFixed(1)} |\n`);
    }
  } finally {
    await server.stop();
    await scratch.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
