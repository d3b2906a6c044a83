import { DataSource } from 'typeorm';

/** Database connections by state, as the pool gauges report them. */
export interface PoolStats {
  inUse: number;
  idle: number;
  waiting: number;
}

/** The parts of mysql2's pool (lib/base/pool.js) that tell its state; mysql2 has no public API for it. */
interface Mysql2Pool {
  _allConnections?: { length: number };
  _freeConnections?: { length: number };
  _connectionQueue?: { length: number };
}

/**
 * Reads the pool of a DataSource. SQLite has one connection and runs its statements synchronously,
 * so while /metrics answers it is never in use: one idle connection, nothing waiting.
 */
export function poolStatsOf(db: DataSource): () => PoolStats {
  if (db.options.type === 'better-sqlite3') return () => ({ inUse: 0, idle: 1, waiting: 0 });
  return () => {
    const pool = (db.driver as unknown as { pool?: Mysql2Pool }).pool;
    const all = pool?._allConnections?.length ?? 0;
    const idle = pool?._freeConnections?.length ?? 0;
    return { inUse: all - idle, idle, waiting: pool?._connectionQueue?.length ?? 0 };
  };
}
