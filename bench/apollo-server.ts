import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { createHmac } from 'node:crypto';
import { createPool } from 'mysql2';

/**
 * The GraphQL reference: bare Apollo Server 5 (standalone, schema-first, no plugins) answering
 * `{ viewer { … } }` for a bearer token through the same HMAC and one prepared mysql2 point select
 * as the floor. What Tessera's GraphQL path adds beyond this is type-graphql, the access check,
 * the usage record, query limits and Express.
 * Usage: DATABASE_URL=mysql://… PEPPER=… PORT=… ts-node bench/apollo-server.ts
 */
const pool = createPool({ uri: process.env.DATABASE_URL!.replace(/^mariadb:/, 'mysql:'), connectionLimit: 10, timezone: 'Z' });
const pepper = process.env.PEPPER!;
const SQL =
  'SELECT t.id, t.scopeList, t.expiresAt, t.revokedAt, u.id AS userId, u.email, u.status FROM access_tokens t INNER JOIN users u ON u.id = t.ownerId WHERE t.tokenHash = ?';

interface Row {
  scopeList: string;
  expiresAt: Date | null;
  revokedAt: Date | null;
  userId: string;
  email: string;
  status: string;
}

const lookup = (hash: string): Promise<Row | undefined> =>
  new Promise((resolve, reject) => pool.execute(SQL, [hash], (error, rows) => (error ? reject(error) : resolve((rows as Row[])[0]))));

const typeDefs = `#graphql
  type User { id: ID! email: String }
  union Principal = User
  type Viewer { authMethod: String! scopes: [String!]! principal: Principal! }
  type Query { viewer: Viewer }
`;
const resolvers = {
  Principal: { __resolveType: () => 'User' },
  Query: {
    viewer: (_: unknown, __: unknown, context: { row?: Row }) =>
      context.row ? { authMethod: 'ACCESS_TOKEN', scopes: context.row.scopeList.split(' '), principal: { id: context.row.userId, email: context.row.email } } : null,
  },
};

async function main(): Promise<void> {
  const server = new ApolloServer({ typeDefs, resolvers });
  await startStandaloneServer(server, {
    listen: { port: Number(process.env.PORT), host: '127.0.0.1' },
    context: async ({ req }) => {
      const secret = /^Bearer +(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
      const row = secret ? await lookup(createHmac('sha256', pepper).update(secret).digest('hex')) : undefined;
      const active = row && !row.revokedAt && (!row.expiresAt || row.expiresAt > new Date()) && row.status === 'ACTIVE';
      return { row: active ? row : undefined };
    },
  });
  process.stdout.write('ready\n');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
