import { DataSource, EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/**
 * A transaction runner for one DataSource. SQLite has one connection and one writer, so its
 * transactions are queued instead of interleaving on that connection.
 */
export function createTransactionRunner(db: DataSource): <T>(work: (tx: EntityManager) => Promise<T>) => Promise<T> {
  if (db.options.type !== 'better-sqlite3') return (work) => db.transaction(work);
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: (tx: EntityManager) => Promise<T>): Promise<T> => {
    const run = tail.then(() => db.transaction(work));
    tail = run.catch(() => undefined);
    return run;
  };
}

/** Locks the selected rows until the transaction ends; SQLite's single writer needs no row locks. */
export function forUpdate<T extends ObjectLiteral>(query: SelectQueryBuilder<T>): SelectQueryBuilder<T> {
  return query.connection.options.type === 'better-sqlite3' ? query : query.setLock('pessimistic_write');
}
