import { EventEmitter } from 'node:events';
import { Socket } from 'node:net';
import { Pool, PoolConnection, PoolOptions, createPool } from 'mysql2';
import { DatabaseUnavailableError } from '../core/errors/service-unavailable';

/** How long anything may wait on MySQL/MariaDB, and how many may wait. */
export interface DatabaseLimits {
  poolSize: number;
  connectTimeoutMs: number;
  /** The longest wait for a pool connection, and again for each statement's answer. */
  queryTimeoutMs: number;
  /** Requests for a connection allowed to wait while all are in use; more are refused at once. */
  queueLimit: number;
}

/** The parts of a mysql2 connection the guard uses (lib/base/connection.js): every command enters through `addCommand`. */
interface Mysql2Connection {
  stream: Socket;
  addCommand(command: EventEmitter): EventEmitter;
}

/**
 * Bounds every wait on a mysql2 pool, so that a database that stops answering (frozen, not down:
 * its sockets stay open) fails requests within the limits instead of hanging them. mysql2 alone
 * does not: it has no bound on the wait for a pool connection, its per-query `timeout` starts only
 * when a command reaches the head of its connection's queue (none for `prepare`), and a timed-out
 * connection goes back to the pool with the stuck command still in it.
 *
 * - A connection not handed out within `queryTimeoutMs` fails with DatabaseUnavailableError (and
 *   is released if it comes later); so does any connection error (refused, connect timeout, full queue).
 * - A command (query, prepare, execute…) not answered within `queryTimeoutMs` of being queued
 *   destroys its connection's socket: mysql2 fails every command on it with that error and drops
 *   it from the pool, whose next request opens a new connection (recovery needs no restart).
 *
 * `unbounded` lifts the statement bound while migrations run (an ALTER of a big table may take longer).
 *
 * Every bound is a `loopAwareBound`: time this process's event loop was busy is not the database's.
 */
export class StallGuard {
  private suspended = false;

  constructor(private readonly limits: DatabaseLimits) {}

  /** TypeORM's pool options: the limits, and the mysql2 module as its `driver`, whose pools are guarded. */
  get poolOptions() {
    return {
      poolSize: this.limits.poolSize,
      connectTimeout: this.limits.connectTimeoutMs,
      extra: { queueLimit: this.limits.queueLimit },
      driver: { createPool: (options: PoolOptions): Pool => this.guard(createPool(options)) },
    };
  }

  async unbounded<T>(work: () => Promise<T>): Promise<T> {
    this.suspended = true;
    try {
      return await work();
    } finally {
      this.suspended = false;
    }
  }

  private guard(pool: Pool): Pool {
    const { queryTimeoutMs } = this.limits;
    const getConnection = pool.getConnection.bind(pool);
    pool.getConnection = (callback) => {
      let settled = false;
      const cancel = loopAwareBound(queryTimeoutMs, () => {
        if (settled) return;
        settled = true;
        callback(new DatabaseUnavailableError(`No database connection within ${queryTimeoutMs} ms`) as NodeJS.ErrnoException, undefined as unknown as PoolConnection);
      });
      getConnection((error, connection) => {
        if (settled) {
          connection?.release();
          return;
        }
        settled = true;
        cancel();
        if (!error) return callback(null, connection);
        callback(new DatabaseUnavailableError(`No database connection: ${error.message}`, { cause: error }) as NodeJS.ErrnoException, connection);
      });
    };
    pool.on('connection', (connection) => this.watch(connection as unknown as Mysql2Connection));
    return pool;
  }

  private watch(connection: Mysql2Connection): void {
    const { queryTimeoutMs } = this.limits;
    const addCommand = connection.addCommand;
    connection.addCommand = (command) => {
      if (!this.suspended) {
        let ended = false;
        // A command that fails with its connection never ends; its bound then finds the socket destroyed (unref: it holds no process open).
        const cancel = loopAwareBound(
          queryTimeoutMs,
          () => {
            if (!ended && !connection.stream.destroyed) connection.stream.destroy(new DatabaseUnavailableError(`No answer from the database within ${queryTimeoutMs} ms`));
          },
          { unref: true },
        );
        command.once('end', () => {
          ended = true;
          cancel();
        });
      }
      return addCommand.call(connection, command);
    };
  }
}

/**
 * Calls `expire` once `ms` have passed for the database, and returns the cancel. A long synchronous
 * stretch of this process delays timers and socket reads alike, and may hold a query that was about
 * to be sent: a timer that fires late by more than half its bound starts over, once, from now; and
 * expiry waits for the I/O already pending (setImmediate runs after it), so an answer that is in the
 * socket's buffer is read first. A database that stalls while the loop runs freely still fails on time.
 */
export function loopAwareBound(ms: number, expire: () => void, options: { unref?: boolean } = {}): () => void {
  let timer: NodeJS.Timeout;
  let restarted = false;
  const arm = (): void => {
    const due = performance.now() + ms;
    timer = setTimeout(() => {
      if (!restarted && performance.now() - due > ms / 2) {
        restarted = true;
        arm();
      } else setImmediate(expire);
    }, ms);
    if (options.unref) timer.unref();
  };
  arm();
  return () => clearTimeout(timer);
}
