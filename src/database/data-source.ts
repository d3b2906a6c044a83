import { DataSource, Logger, LoggerOptions, Migration } from 'typeorm';
import { isMysqlUrl } from '../core/config/config';
import { typeormLogger } from '../core/logging/typeorm-logger';
import { TokenRevocationRecorder } from '../modules/access-token/token-revocations';
import { ENTITIES } from './entities';
import { MYSQL_MIGRATIONS } from './migrations/mysql';
import { SQLITE_MIGRATIONS } from './migrations/sqlite';
import { DatabaseLimits, StallGuard } from './stall-guard';

export interface DataSourceOptions {
  /** Receives every SQL statement; used by tests that count queries. */
  logger?: Logger;
  /** MySQL/MariaDB: bound every wait (see StallGuard); unset (the CLI, scripts): mysql2's defaults, no bounds. */
  limits?: DatabaseLimits;
}

const guards = new WeakMap<DataSource, StallGuard>();

/**
 * The DataSource for a DATABASE_URL: MySQL/MariaDB through mysql2, anything else a SQLite file
 * through better-sqlite3. Both get their schema from migrations only (never `synchronize`).
 */
export function createDataSource(databaseUrl: string, options: DataSourceOptions = {}): DataSource {
  const common = {
    entities: ENTITIES,
    // Every process that changes tokens (servers, the CLI) records the change for the servers' caches.
    subscribers: [TokenRevocationRecorder],
    migrationsTableName: 'migrations',
    synchronize: false,
    logger: options.logger ?? typeormLogger,
    logging: (options.logger ? ['query', 'error'] : ['error']) as LoggerOptions,
  };
  if (isMysqlUrl(databaseUrl)) {
    const guard = options.limits ? new StallGuard(options.limits) : undefined;
    const db = new DataSource({
      ...common,
      type: databaseUrl.startsWith('mariadb://') ? 'mariadb' : 'mysql',
      url: databaseUrl.replace(/^mariadb:/, 'mysql:'),
      charset: 'utf8mb4_unicode_ci',
      timezone: 'Z',
      // mysql2's long stack traces cost an Error per query on the hot path.
      trace: false,
      ...(guard?.poolOptions ?? { poolSize: 10 }),
      migrations: MYSQL_MIGRATIONS,
    });
    if (guard) guards.set(db, guard);
    return db;
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

/** Applies pending migrations and returns them; the statement time limit does not apply to them (an ALTER of a big table may take minutes). */
export async function runMigrations(db: DataSource): Promise<Migration[]> {
  const migrate = () => db.runMigrations({ transaction: 'each' });
  return guards.get(db)?.unbounded(migrate) ?? migrate();
}

/** Whether the database answers `SELECT 1` within `withinMs` (readiness: a stalled database must not stall the probe). */
export async function databaseAnswers(db: DataSource, withinMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    // After pending I/O (as StallGuard): an answer that came while the event loop was busy still counts.
    timer = setTimeout(() => setImmediate(() => resolve(false)), withinMs);
  });
  const answer = db.query('SELECT 1').then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([answer, late]);
  } finally {
    clearTimeout(timer);
  }
}
