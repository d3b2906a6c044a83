import DataLoader from 'dataloader';
import { GraphQLFieldResolver, GraphQLSchema, assertObjectType, assertScalarType, assertUnionType, buildSchema } from 'graphql';
import { createHmac } from 'node:crypto';
import { createPool } from 'mysql2';

/**
 * The GraphQL references' schema, resolvers and context, shared by bare Apollo Server
 * (`bench/apollo-server.ts`) and bare graphql-jit (`bench/graphql-jit-server.ts`): `{ viewer { … } }`
 * for a bearer token through the same HMAC and one prepared mysql2 point select as the floor; the
 * page of 50 tokens the way a plain server would answer it: one prepared select of the caller's
 * tokens, owners and creators through a per-request DataLoader, status computed from the row and
 * its owner. Reads DATABASE_URL and PEPPER.
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

export interface ReferenceContext {
  row?: Row;
  users: DataLoader<string, UserRow | undefined>;
}

const select = <T>(sql: string, values: string[]): Promise<T[]> =>
  new Promise((resolve, reject) => pool.execute(sql, values, (error, rows) => (error ? reject(error) : resolve(rows as T[]))));

const TYPE_DEFS = `
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

type Resolver = GraphQLFieldResolver<any, ReferenceContext, any>;
const RESOLVERS: Record<string, Record<string, Resolver>> = {
  Query: {
    viewer: (_, __, context) =>
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
    status: async (token: TokenRow, _, context) => {
      const owner = await context.users.load(token.ownerId);
      if (token.revokedAt) return 'REVOKED';
      if (token.expiresAt && token.expiresAt <= new Date()) return 'EXPIRED';
      return owner?.status === 'ACTIVE' ? 'ACTIVE' : 'OWNER_INACTIVE';
    },
    owner: (token: TokenRow, _, context) => context.users.load(token.ownerId),
    createdBy: (token: TokenRow, _, context) => (token.createdById ? context.users.load(token.createdById) : null),
    resource: (token: TokenRow) => (token.resourceType ? {} : null),
  },
};

/** The executable schema: the type definitions with the resolvers above attached. */
export function referenceSchema(): GraphQLSchema {
  const schema = buildSchema(TYPE_DEFS);
  assertScalarType(schema.getType('DateTime')).serialize = (value) => (value as Date).toISOString();
  assertUnionType(schema.getType('Principal')).resolveType = () => 'User';
  assertUnionType(schema.getType('Resource')).resolveType = () => 'Organization';
  for (const [typeName, resolvers] of Object.entries(RESOLVERS)) {
    const fields = assertObjectType(schema.getType(typeName)).getFields();
    for (const [fieldName, resolve] of Object.entries(resolvers)) fields[fieldName].resolve = resolve;
  }
  return schema;
}

const usersById = () =>
  new DataLoader<string, UserRow | undefined>(async (ids) => {
    const rows = await select<UserRow>(`SELECT id, email, status FROM users WHERE id IN (${ids.map(() => '?').join(', ')})`, [...ids]);
    return ids.map((id) => rows.find((row) => row.id === id));
  });

/** The request's context: the bearer token's row when it is active, and a fresh DataLoader. */
export async function referenceContext(authorization: string | undefined): Promise<ReferenceContext> {
  const secret = /^Bearer +(\S+)$/i.exec(authorization ?? '')?.[1];
  const row = secret ? (await select<Row>(SQL, [createHmac('sha256', pepper).update(secret).digest('hex')]))[0] : undefined;
  const active = row && !row.revokedAt && (!row.expiresAt || row.expiresAt > new Date()) && row.status === 'ACTIVE';
  return { row: active ? row : undefined, users: usersById() };
}
