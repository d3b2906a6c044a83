import { DataSource, Logger, LoggerOptions } from 'typeorm';
import { isMysqlUrl } from '../core/config/config';
import { typeormLogger } from '../core/logging/typeorm-logger';
import { ENTITIES } from './entities';
import { MYSQL_MIGRATIONS } from './migrations/mysql';
import { SQLITE_MIGRATIONS } from './migrations/sqlite';

export interface DataSourceOptions {
  /** Receives every SQL statement; used by tests that count queries. */
  logger?: Logger;
  poolSize?: number;
}

/**
 * The DataSource for a DATABASE_URL: MySQL/MariaDB through mysql2, anything else a SQLite file
 * through better-sqlite3. Both get their schema from migrations only (never `synchronize`).
 */
export function createDataSource(databaseUrl: string, options: DataSourceOptions = {}): DataSource {
  const common = {
    entities: ENTITIES,
    migrationsTableName: 'migrations',
    synchronize: false,
    logger: options.logger ?? typeormLogger,
    logging: (options.logger ? ['query', 'error'] : ['error']) as LoggerOptions,
  };
  if (isMysqlUrl(databaseUrl)) {
    return new DataSource({
      ...common,
      type: databaseUrl.startsWith('mariadb://') ? 'mariadb' : 'mysql',
      url: databaseUrl.replace(/^mariadb:/, 'mysql:'),
      charset: 'utf8mb4_unicode_ci',
      timezone: 'Z',
      // mysql2's long stack traces cost an Error per query on the hot path.
      trace: false,
      poolSize: options.poolSize ?? 10,
      migrations: MYSQL_MIGRATIONS,
    });
  }
  return new DataSource({
    ...common,
    type: 'better-sqlite3',
    database: databaseUrl,
    // WAL lets readers proceed while one writer commits; foreign keys are off by default in SQLite.
    prepareDatabase: (db: { pragma(source: string): unknown }) => {
      db.pragma('journal_mode = WAL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
    },
    migrations: SQLITE_MIGRATIONS,
  });
}
