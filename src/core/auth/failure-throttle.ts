import { RateLimiterAbstract, RateLimiterMemory, RateLimiterMySQL } from 'rate-limiter-flexible';
import { DataSource } from 'typeorm';

/** The table the MySQL-backed counters live in (created by a migration). */
export const RATE_LIMIT_TABLE = 'rate_limits';

/**
 * Where failure counters are kept: in this process for SQLite (one instance), in MySQL otherwise,
 * so that every instance behind a load balancer counts the same failures.
 */
export type ThrottleStore = (keyPrefix: string, maxFailures: number, windowSeconds: number) => RateLimiterAbstract;

export function throttleStoreFor(db: DataSource): ThrottleStore {
  if (db.options.type === 'better-sqlite3') {
    return (keyPrefix, points, duration) => new RateLimiterMemory({ keyPrefix, points, duration });
  }
  const driver = db.driver as unknown as { pool: unknown; database?: string };
  return (keyPrefix, points, duration) =>
    new RateLimiterMySQL({ storeClient: driver.pool, storeType: 'pool', dbName: driver.database, tableName: RATE_LIMIT_TABLE, tableCreated: true, keyPrefix, points, duration });
}

/**
 * Counts failures per key (an account, a client address) in the shared store; once `maxFailures`
 * are reached within the window, the key is refused until the window ends. Checking a key costs no
 * I/O: a block, once counted, is remembered here, so only failures reach the store (and another
 * instance joins the block at the key's next failure there).
 */
export class FailureThrottle {
  private readonly limiter: RateLimiterAbstract;
  private readonly blockedUntil = new Map<string, number>();

  constructor(store: ThrottleStore, keyPrefix: string, maxFailures: number, windowSeconds: number) {
    this.limiter = store(keyPrefix, maxFailures, windowSeconds);
  }

  /** Seconds the key must wait, or 0 when it may try. */
  async retryAfter(key: string | null): Promise<number> {
    const until = key ? this.blockedUntil.get(key) : undefined;
    if (until === undefined) return 0;
    const wait = until - Date.now();
    if (wait > 0) return Math.ceil(wait / 1000);
    this.blockedUntil.delete(key!);
    return 0;
  }

  async recordFailure(key: string | null): Promise<void> {
    if (!key) return;
    const state = await this.limiter.penalty(key, 1);
    if (state.consumedPoints >= this.limiter.points) {
      if (this.blockedUntil.size >= 100_000) this.forgetExpired();
      this.blockedUntil.set(key, Date.now() + state.msBeforeNext);
    }
  }

  async reset(key: string): Promise<void> {
    this.blockedUntil.delete(key);
    await this.limiter.delete(key);
  }

  private forgetExpired(): void {
    const now = Date.now();
    for (const [key, until] of this.blockedUntil) if (until <= now) this.blockedUntil.delete(key);
  }
}
