import { Brackets, DataSource, EntityTarget, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { PepperRing } from '../core/secrets/pepper';
import { AccessTokenEntity } from '../modules/access-token/access-token.entity';
import { OAuthClientEntity } from '../modules/oauth-client/oauth-client.entity';
import { RefreshTokenEntity } from '../modules/refresh-token/refresh-token.entity';
import { SessionEntity } from '../modules/session/session.entity';

/** Rows that can still be used, by the id of the pepper their digest was made with. */
export interface PepperStatus {
  current: string;
  previous: string[];
  /** Per kind of row, per pepper id: how many usable rows. */
  rows: Record<'accessTokens' | 'sessions' | 'refreshTokens' | 'oauthClientSecrets', Record<string, number>>;
  /** Usable rows under any pepper but the current one: 0 means every previous pepper can be retired. */
  onOldPeppers: number;
  /** Usable rows under pepper ids the keyring no longer has: they no longer authenticate. */
  onUnknownPeppers: number;
}

const notExpired = (alias: string) =>
  new Brackets((where) => where.where(`${alias}.expiresAt IS NULL`).orWhere(`${alias}.expiresAt > :now`));

async function countByPepper<T extends ObjectLiteral>(db: DataSource, entity: EntityTarget<T>, usable: (query: SelectQueryBuilder<T>) => SelectQueryBuilder<T>): Promise<Record<string, number>> {
  const rows = await usable(db.createQueryBuilder(entity, 'row'))
    .select('row.pepperId', 'pepperId')
    .addSelect('COUNT(*)', 'count')
    .groupBy('row.pepperId')
    .getRawMany<{ pepperId: string; count: string | number }>();
  return Object.fromEntries(rows.map((row) => [row.pepperId, Number(row.count)]));
}

/**
 * What still depends on each pepper: access tokens not revoked or expired, open sessions,
 * refresh tokens not spent, revoked or expired, and confidential clients' secrets. Rows that can no
 * longer be used do not count: retiring their pepper changes nothing for them.
 */
export async function pepperStatus(db: DataSource, peppers: PepperRing): Promise<PepperStatus> {
  const now = new Date();
  const rows = {
    accessTokens: await countByPepper(db, AccessTokenEntity, (q) => q.where('row.revokedAt IS NULL').andWhere(notExpired('row'), { now })),
    sessions: await countByPepper(db, SessionEntity, (q) => q.where('row.endedAt IS NULL AND row.expiresAt > :now', { now })),
    refreshTokens: await countByPepper(db, RefreshTokenEntity, (q) => q.where('row.revokedAt IS NULL AND row.replacedByRefreshTokenId IS NULL').andWhere(notExpired('row'), { now })),
    oauthClientSecrets: await countByPepper(db, OAuthClientEntity, (q) => q.where('row.secretHash IS NOT NULL')),
  };
  const counts = Object.values(rows).flatMap((byPepper) => Object.entries(byPepper));
  const sum = (keep: (id: string) => boolean) => counts.filter(([id]) => keep(id)).reduce((total, [, count]) => total + count, 0);
  return {
    current: peppers.current.id,
    previous: peppers.peppers.slice(1).map((pepper) => pepper.id),
    rows,
    onOldPeppers: sum((id) => id !== peppers.current.id),
    onUnknownPeppers: sum((id) => !peppers.byId(id)),
  };
}
