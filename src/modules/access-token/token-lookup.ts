import { DataSource } from 'typeorm';
import { ResourceType, Role } from '../../core/authorization/role';
import { AddressRange, parseAddressList } from '../../core/http/address-ranges';
import { UserKind, UserStatus } from '../user/user.entity';
import { AccessTokenEntity, AccessTokenKind, AccessTokenLevel } from './access-token.entity';

/** What authentication and introspection need of a token and its owner: one row, no entity hydration. */
export interface TokenRecord {
  id: string;
  tokenHash: string;
  level: AccessTokenLevel;
  kind: AccessTokenKind;
  scopeList: string;
  role: Role | null;
  resourceType: ResourceType | null;
  resourceId: string | null;
  organizationId: string | null;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  lastUsedAddresses: string | null;
  /** The client addresses it may be used from, parsed once per row read (a cached record carries them); null for anywhere. */
  allowedAddresses: AddressRange[] | null;
  owner: {
    id: string;
    kind: UserKind;
    email: string | null;
    displayName: string;
    status: UserStatus;
    validUntil: Date | null;
    isPlatformAdmin: boolean;
    createdAt: Date;
    updatedAt: Date;
  };
}

const COLUMNS = `t.id, t.tokenHash, t.level, t.kind, t.scopeList, t.role, t.resourceType, t.resourceId, t.organizationId,
  t.createdAt, t.expiresAt, t.revokedAt, t.lastUsedAt, t.lastUsedAddresses, t.allowedAddressList,
  u.id AS ownerId, u.kind AS ownerKind, u.email AS ownerEmail, u.displayName AS ownerDisplayName, u.status AS ownerStatus,
  u.validUntil AS ownerValidUntil, u.isPlatformAdmin AS ownerIsPlatformAdmin, u.createdAt AS ownerCreatedAt, u.updatedAt AS ownerUpdatedAt`;

const sqlFor = (count: number): string =>
  `SELECT ${COLUMNS} FROM access_tokens t INNER JOIN users u ON u.id = t.ownerId WHERE t.tokenHash IN (${Array(count).fill('?').join(', ')})`;

type Row = Record<string, unknown>;

// mysql2 returns DATETIME as Date (the pool runs in UTC); SQLite returns TypeORM's UTC text.
const toDate = (value: unknown): Date | null =>
  value === null || value === undefined ? null : value instanceof Date ? value : new Date(`${String(value).replace(' ', 'T')}Z`);

function toRecord(row: Row): TokenRecord {
  return {
    id: row.id as string,
    tokenHash: row.tokenHash as string,
    level: row.level as AccessTokenLevel,
    kind: row.kind as AccessTokenKind,
    scopeList: row.scopeList as string,
    role: row.role as Role | null,
    resourceType: row.resourceType as ResourceType | null,
    resourceId: row.resourceId as string | null,
    organizationId: row.organizationId as string | null,
    createdAt: toDate(row.createdAt)!,
    expiresAt: toDate(row.expiresAt),
    revokedAt: toDate(row.revokedAt),
    lastUsedAt: toDate(row.lastUsedAt),
    lastUsedAddresses: row.lastUsedAddresses as string | null,
    allowedAddresses: parseAddressList(row.allowedAddressList as string | null),
    owner: {
      id: row.ownerId as string,
      kind: row.ownerKind as UserKind,
      email: row.ownerEmail as string | null,
      displayName: row.ownerDisplayName as string,
      status: row.ownerStatus as UserStatus,
      validUntil: toDate(row.ownerValidUntil),
      isPlatformAdmin: Boolean(row.ownerIsPlatformAdmin),
      createdAt: toDate(row.ownerCreatedAt)!,
      updatedAt: toDate(row.ownerUpdatedAt)!,
    },
  };
}

/** Finds tokens by their hashes in one round trip. */
export type TokenLookup = (hashes: string[]) => Promise<TokenRecord[]>;

interface MysqlPool {
  execute(sql: string, values: unknown[], callback: (error: Error | null, rows: Row[]) => void): void;
}

interface SqliteDatabase {
  prepare(sql: string): { all(...values: unknown[]): Row[] };
}

/**
 * The hot path of authentication and introspection: a prepared point query on the unique
 * `tokenHash` index, straight on the driver's pool (mysql2 `execute`) or connection
 * (better-sqlite3 statement), reported to TypeORM's logger like any other query.
 */
export function createTokenLookup(db: DataSource): TokenLookup {
  const report = (sql: string, hashes: string[]) => db.logger.logQuery(sql, hashes);
  if (db.options.type === 'better-sqlite3') {
    const connection = (db.driver as unknown as { databaseConnection: SqliteDatabase }).databaseConnection;
    const statements = [sqlFor(1), sqlFor(2)].map((sql) => ({ sql, statement: connection.prepare(sql) }));
    return async (hashes) => {
      const { sql, statement } = statements[hashes.length - 1] ?? { sql: sqlFor(hashes.length), statement: connection.prepare(sqlFor(hashes.length)) };
      report(sql, hashes);
      return statement.all(...hashes).map(toRecord);
    };
  }
  const pool = (db.driver as unknown as { pool: MysqlPool }).pool;
  return (hashes) => {
    const sql = sqlFor(hashes.length);
    report(sql, hashes);
    return new Promise((resolve, reject) => pool.execute(sql, hashes, (error, rows) => (error ? reject(error) : resolve(rows.map(toRecord)))));
  };
}

/** Moves a token row to the digest `to` of pepper `pepperId` if it still has digest `from` (conditional UPDATE by primary key). */
export type TokenRedigest = (id: string, from: string, to: string, pepperId: string) => Promise<unknown>;

export function createTokenRedigest(db: DataSource): TokenRedigest {
  return (id, from, to, pepperId) =>
    db.createQueryBuilder().update(AccessTokenEntity).set({ tokenHash: to, pepperId }).where('id = :id AND tokenHash = :from', { id, from }).execute();
}
