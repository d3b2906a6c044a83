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
 * A bound that expires while the event loop was busy (a long synchronous stretch delays timers and
 * socket reads alike) is checked again in a setImmediate, which runs after pending I/O has been read: an answer
 * already in the socket's buffer is not a stalled database.
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
      const timer = setTimeout(
        () =>
          setImmediate(() => {
            if (settled) return;
            settled = true;
            callback(new DatabaseUnavailableError(`No database connection within ${queryTimeoutMs} ms`) as NodeJS.ErrnoException, undefined as unknown as PoolConnection);
          }),
        queryTimeoutMs,
      );
      getConnection((error, connection) => {
        if (settled) {
          connection?.release();
          return;
        }
        settled = true;
        clearTimeout(timer);
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
        const timer = setTimeout(
          () =>
            setImmediate(() => {
              if (!ended && !connection.stream.destroyed) connection.stream.destroy(new DatabaseUnavailableError(`No answer from the database within ${queryTimeoutMs} ms`));
            }),
          queryTimeoutMs,
        );
        // A command that fails with its connection never ends; its timer then finds the socket destroyed.
        timer.unref();
        command.once('end', () => {
          ended = true;
          clearTimeout(timer);
        });
      }
      return addCommand.call(connection, command);
    };
  }
}
