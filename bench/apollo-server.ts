import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import DataLoader from 'dataloader';
import { GraphQLScalarType } from 'graphql';
import { createHmac } from 'node:crypto';
import { createPool } from 'mysql2';

/**
 * The GraphQL reference: bare Apollo Server 5 (standalone, schema-first, no plugins) answering
 * `{ viewer { … } }` for a bearer token through the same HMAC and one prepared mysql2 point select
 * as the floor. What Tessera's GraphQL path adds beyond this is type-graphql, the access check,
 * the usage record, query limits and Express. It also answers the bench's page of 50 tokens the way
 * a plain Apollo server would: one prepared keyset select of the caller's tokens, owners and
 * creators through a per-request DataLoader, status computed from the row and its owner.
 * Usage: DATABASE_URL=mysql://… PEPPER=… PORT=… ts-node bench/apollo-server.ts
 */
const pool = createPool({ uri: process.env.DATABASE_URL!.replace(/^mariadb:/, 'mysql:'), connectionLimit: 10, timezone: 'Z' });
const pepper = process.env.PEPPER!;
const SQL =
  'SELECT t.id, t.scopeList, t.expiresAt, t.revokedAt, u.id AS userId, u.email, u.status FROM access_tokens t INNER JOIN users u ON u.id = t.ownerId WHERE t.tokenHash = ?';
const PAGE_SQL =
  "SELECT id, name, scopeList, expiresAt, lastUsedAt, revokedAt, ownerId, createdById, resourceType FROM access_tokens WHERE ownerId = ? AND level = 'PERSONAL' ORDER BY id DESC LIMIT ?";

interface Row {
  scopeList: string;
  expiresAt: Date | null;
  revokedAt: Date | null;
  userId: string;
  email: string;
  status: string;
}

interface TokenRow {
  id: string;
  name: string;
  scopeList: string;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  ownerId: string;
  createdById: string | null;
  resourceType: string | null;
}

interface UserRow {
  id: string;
  email: string;
  status: string;
}

interface Context {
  row?: Row;
  users: DataLoader<string, UserRow | undefined>;
}

const select = <T>(sql: string, values: string[]): Promise<T[]> =>
  new Promise((resolve, reject) => pool.execute(sql, values, (error, rows) => (error ? reject(error) : resolve(rows as T[]))));

const typeDefs = `#graphql
  scalar DateTime
  type User { id: ID! email: String }
  union Principal = User
  type Organization { id: ID! }
  union Resource = Organization
  enum AccessTokenStatus { ACTIVE REVOKED EXPIRED OWNER_INACTIVE }
  type AccessToken {
    id: ID! name: String! status: AccessTokenStatus! scopes: [String!]! expiresAt: DateTime lastUsedAt: DateTime
    owner: Principal createdBy: Principal resource: Resource
  }
  type AccessTokenEdge { node: AccessToken! }
  type AccessTokenConnection { edges: [AccessTokenEdge!]! }
  type Viewer { authMethod: String! scopes: [String!]! principal: Principal! accessTokens(first: Int): AccessTokenConnection! }
  type Query { viewer: Viewer }
`;
const resolvers = {
  DateTime: new GraphQLScalarType({ name: 'DateTime', serialize: (value) => (value as Date).toISOString() }),
  Principal: { __resolveType: () => 'User' },
  Resource: { __resolveType: () => 'Organization' },
  Query: {
    viewer: (_: unknown, __: unknown, context: Context) =>
      context.row ? { authMethod: 'ACCESS_TOKEN', scopes: context.row.scopeList.split(' '), principal: { id: context.row.userId, email: context.row.email } } : null,
  },
  Viewer: {
    accessTokens: async (viewer: { principal: { id: string } }, { first }: { first?: number }) => {
      const rows = await select<TokenRow>(PAGE_SQL, [viewer.principal.id, String((first ?? 20) + 1)]);
      return { edges: rows.slice(0, first ?? 20).map((node) => ({ node })) };
    },
  },
  AccessToken: {
    scopes: (token: TokenRow) => token.scopeList.split(' '),
    status: async (token: TokenRow, _: unknown, context: Context) => {
      const owner = await context.users.load(token.ownerId);
      if (token.revokedAt) return 'REVOKED';
      if (token.expiresAt && token.expiresAt <= new Date()) return 'EXPIRED';
      return owner?.status === 'ACTIVE' ? 'ACTIVE' : 'OWNER_INACTIVE';
    },
    owner: (token: TokenRow, _: unknown, context: Context) => context.users.load(token.ownerId),
    createdBy: (token: TokenRow, _: unknown, context: Context) => (token.createdById ? context.users.load(token.createdById) : null),
    resource: (token: TokenRow) => (token.resourceType ? {} : null),
  },
};

const usersById = () =>
  new DataLoader<string, UserRow | undefined>(async (ids) => {
    const rows = await select<UserRow>(`SELECT id, email, status FROM users WHERE id IN (${ids.map(() => '?').join(', ')})`, [...ids]);
    return ids.map((id) => rows.find((row) => row.id === id));
  });

async function main(): Promise<void> {
  const server = new ApolloServer<Context>({ typeDefs, resolvers });
  await startStandaloneServer(server, {
    listen: { port: Number(process.env.PORT), host: '127.0.0.1' },
    context: async ({ req }) => {
      const secret = /^Bearer +(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
      const row = secret ? (await select<Row>(SQL, [createHmac('sha256', pepper).update(secret).digest('hex')]))[0] : undefined;
      const active = row && !row.revokedAt && (!row.expiresAt || row.expiresAt > new Date()) && row.status === 'ACTIVE';
      return { row: active ? row : undefined, users: usersById() };
    },
  });
  // An orderly exit on the bench's SIGTERM, so that a CPU profile (BENCH_PROFILE_DIR) is written.
  process.once('SIGTERM', () => process.exit(0));
  process.stdout.write('ready\n');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
