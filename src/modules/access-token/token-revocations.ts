import { DataSource, EntityManager, EntitySubscriberInterface, EventSubscriber, InsertEvent, LessThan, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent, UpdateEvent } from 'typeorm';
import { logger } from '../../core/logging/logger';
import { UserEntity } from '../user/user.entity';
import { AccessTokenEntity } from './access-token.entity';
import { RevokedSubjectType, TokenRevocationEventEntity } from './token-revocation-event.entity';
import { RevokedSubjects, VerifiedTokenCache } from './verified-token.cache';

/** Events kept this long; an instance that has not polled for longer relies on the cache TTL. */
const EVENT_RETENTION_MS = 60 * 60 * 1000;
const PRUNE_EVERY_MS = 60 * 1000;
const INSERT_CHUNK = 500;
const POLL_LIMIT = 10_000;
/**
 * How long a successful poll vouches for the cache: several poll intervals, and at least a second, so
 * a busy event loop delaying a poll does not empty it, while a stalled database (no poll succeeds)
 * turns it off within that bound.
 */
export const trustWindowMs = (pollMs: number): number => Math.max(4 * pollMs, 1000);

/**
 * Declares, inside the transaction that changes them, that the cached rows of these tokens (or of
 * every token of these owners) no longer hold. Saving an AccessTokenEntity or UserEntity records
 * this by itself (TokenRevocationRecorder); a write by criteria (`tx.update`, `tx.delete`
 * on tokens) names the tokens it changed here. This instance drops the entries as the transaction
 * commits, before the mutation answers; the others read the event from the table within a poll
 * interval (TokenRevocationFeed).
 */
export async function recordTokenRevocations(tx: EntityManager, subjects: RevokedSubjects): Promise<void> {
  const createdAt = new Date();
  const rows = [
    ...(subjects.tokenIds ?? []).map((subjectId) => ({ subjectType: RevokedSubjectType.TOKEN, subjectId, createdAt })),
    ...(subjects.ownerIds ?? []).map((subjectId) => ({ subjectType: RevokedSubjectType.OWNER, subjectId, createdAt })),
  ];
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) await tx.insert(TokenRevocationEventEntity, rows.slice(i, i + INSERT_CHUNK));
}

type EventRow = Pick<TokenRevocationEventEntity, 'id' | 'subjectType' | 'subjectId'>;
type EventReader = (afterId: number) => Promise<EventRow[]>;

interface MysqlPool {
  execute(sql: string, values: unknown[], callback: (error: Error | null, rows: EventRow[]) => void): void;
}

/**
 * The poll's query, straight on the driver like the token lookup (token-lookup.ts) but not reported
 * to TypeORM's logger: it runs twenty times a second and would drown the query log.
 */
function eventReader(db: DataSource): EventReader {
  const sql = `SELECT id, subjectType, subjectId FROM token_revocation_events WHERE id > ? ORDER BY id LIMIT ${POLL_LIMIT}`;
  if (db.options.type === 'better-sqlite3') {
    const statement = (db.driver as unknown as { databaseConnection: { prepare(sql: string): { all(...values: unknown[]): EventRow[] } } }).databaseConnection.prepare(sql);
    return async (afterId) => statement.all(afterId);
  }
  const pool = (db.driver as unknown as { pool: MysqlPool }).pool;
  return (afterId) => new Promise((resolve, reject) => pool.execute(sql, [afterId], (error, rows) => (error ? reject(error) : resolve(rows))));
}

const subjectsOf = (events: Array<Pick<TokenRevocationEventEntity, 'subjectType' | 'subjectId'>>): RevokedSubjects => ({
  tokenIds: events.filter((e) => e.subjectType === RevokedSubjectType.TOKEN).map((e) => e.subjectId),
  ownerIds: events.filter((e) => e.subjectType === RevokedSubjectType.OWNER).map((e) => e.subjectId),
});

/**
 * Records an event for every AccessTokenEntity or UserEntity saved as an entity (revoke, restore,
 * rotate, edit, deactivation, any account edit…), in the transaction that saves it. Registered on
 * every DataSource (src/database/data-source.ts), so the CLI and scripts record events too, not
 * only servers.
 */
// TypeORM instantiates only decorated classes from the `subscribers` option.
@EventSubscriber()
export class TokenRevocationRecorder implements EntitySubscriberInterface {
  async afterUpdate(event: UpdateEvent<unknown>): Promise<void> {
    const id = (event.entity as { id?: string } | undefined)?.id ?? (event.databaseEntity as { id?: string } | undefined)?.id;
    if (!id) return;
    if (event.metadata.target === AccessTokenEntity) await recordTokenRevocations(event.manager, { tokenIds: [id] });
    else if (event.metadata.target === UserEntity) await recordTokenRevocations(event.manager, { ownerIds: [id] });
  }
}

/**
 * Keeps one instance's VerifiedTokenCache in step with revocations. Same instance: as a TypeORM
 * subscriber it collects the events a transaction writes and applies them when it commits (a
 * rollback drops them). Other instances:
 * every poll reads the events after the last one applied, by increasing id. MySQL may commit a lower id after a higher one, so an id skipped in the
 * sequence is looked for again until the cache TTL has passed (the entries it could concern have
 * expired by then, as they have if every poll fails).
 */
export class TokenRevocationFeed implements EntitySubscriberInterface {
  private readonly pending = new WeakMap<QueryRunner, Array<Pick<TokenRevocationEventEntity, 'id' | 'subjectType' | 'subjectId'>>>();
  /** Every event up to here has been applied (or waited for long enough). */
  private floor: number | null = null;
  /** Events above the floor already applied, and when a missing id below each was first noticed. */
  private readonly applied = new Map<number, number>();
  private readAfter: EventReader | null = null;

  constructor(
    private readonly cache: VerifiedTokenCache,
    private readonly options: { pollMs: number; gapWaitMs: number },
  ) {}

  afterInsert(event: InsertEvent<unknown>): void {
    if (event.metadata.target !== TokenRevocationEventEntity) return;
    const revoked = event.entity as TokenRevocationEventEntity;
    const runner = event.queryRunner;
    if (!runner.isTransactionActive) return this.cache.invalidate(subjectsOf([revoked]));
    const events = this.pending.get(runner) ?? [];
    events.push(revoked);
    this.pending.set(runner, events);
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    // A released savepoint is not the commit: its events wait for the outer transaction.
    if (event.queryRunner.isTransactionActive) return;
    const events = this.pending.get(event.queryRunner);
    this.pending.delete(event.queryRunner);
    if (!events) return;
    this.cache.invalidate(subjectsOf(events));
    // Applied already: the poll skips them (a second invalidation would only cost cold reads).
    const now = Date.now();
    for (const { id } of events) if (this.floor !== null && Number(id) > this.floor) this.applied.set(Number(id), now);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.isTransactionActive) this.pending.delete(event.queryRunner);
  }

  /** Subscribes to `db`'s transactions, polls and prunes the event table; returns the stop. */
  start(db: DataSource): () => void {
    db.subscribers.push(this);
    let polling = false;
    const poll = () => {
      if (polling) return;
      polling = true;
      this.poll(db)
        .catch((error: unknown) => logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'revocation poll failed'))
        .finally(() => (polling = false));
    };
    const prune = () => {
      db.manager
        .delete(TokenRevocationEventEntity, { createdAt: LessThan(new Date(Date.now() - EVENT_RETENTION_MS)) })
        .catch((error: unknown) => logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'revocation event pruning failed'));
    };
    const timers = [setInterval(poll, this.options.pollMs), setInterval(prune, PRUNE_EVERY_MS)];
    for (const timer of timers) timer.unref();
    poll();
    return () => {
      for (const timer of timers) clearInterval(timer);
      const index = db.subscribers.indexOf(this);
      if (index >= 0) db.subscribers.splice(index, 1);
    };
  }

  private async poll(db: DataSource): Promise<void> {
    this.readAfter ??= eventReader(db);
    // Events committed before this instant are read below: cached rows stay trustworthy a few polls past it.
    const startedAt = Date.now();
    if (this.floor === null) {
      // Nothing is cached before the first poll: only later events matter.
      const last = await db.manager.createQueryBuilder(TokenRevocationEventEntity, 'e').select('MAX(e.id)', 'id').getRawOne<{ id: number | string | null }>();
      this.floor = Number(last?.id ?? 0);
      this.cache.trustUntil(startedAt + trustWindowMs(this.options.pollMs));
      return;
    }
    const events = await this.readAfter!(this.floor);
    const fresh = events.filter((e) => !this.applied.has(Number(e.id)));
    if (fresh.length) this.cache.invalidate(subjectsOf(fresh));
    const now = Date.now();
    for (const e of fresh) this.applied.set(Number(e.id), now);
    this.advance(now);
    this.cache.trustUntil(startedAt + trustWindowMs(this.options.pollMs));
  }

  /** Moves the floor over applied ids, and over a missing one once it has been missing for the wait. */
  private advance(now: number): void {
    let floor = this.floor!;
    for (;;) {
      const next = floor + 1;
      if (this.applied.has(next)) {
        this.applied.delete(next);
        floor = next;
        continue;
      }
      if (this.applied.size === 0) break;
      const above = Math.min(...this.applied.keys());
      // The first event seen above the hole dates it: a transaction that has not committed its id by then never will soon.
      if (now - this.applied.get(above)! < this.options.gapWaitMs) break;
      floor = above - 1;
    }
    this.floor = floor;
  }
}
