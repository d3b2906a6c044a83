import { DataSource, EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { retryOnLockConflict } from './retry';

export type TransactionRunner = <T>(work: (tx: EntityManager) => Promise<T>) => Promise<T>;

const runners = new WeakMap<DataSource, TransactionRunner>();

/**
 * The transaction runner of a DataSource, the same one for every caller (requests, OAuth endpoints,
 * scheduled sweeps). On MySQL a transaction chosen as a deadlock victim is run again (so work must
 * not act outside the database before it commits). SQLite has one connection and one writer, so its transactions are queued
 * instead of interleaving on that connection; the queue must be shared to do that.
 */
export function createTransactionRunner(db: DataSource): TransactionRunner {
  const known = runners.get(db);
  if (known) return known;
  // MySQL may roll a transaction back to break a deadlock or a long lock wait: run it again.
  let runner: TransactionRunner = (work) => retryOnLockConflict(() => db.transaction(work));
  if (db.options.type === 'better-sqlite3') {
    let tail: Promise<unknown> = Promise.resolve();
    runner = <T>(work: (tx: EntityManager) => Promise<T>): Promise<T> => {
      const run = tail.then(() => db.transaction(work));
      tail = run.catch(() => undefined);
      return run;
    };
  }
  runners.set(db, runner);
  return runner;
}

/** Locks the selected rows until the transaction ends; SQLite's single writer needs no row locks. */
export function forUpdate<T extends ObjectLiteral>(query: SelectQueryBuilder<T>): SelectQueryBuilder<T> {
  return query.connection.options.type === 'better-sqlite3' ? query : query.setLock('pessimistic_write');
}
