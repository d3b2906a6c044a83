import { DataSource, LessThan } from 'typeorm';
import { newId } from '../../core/database/ids';
import { logger } from '../../core/logging/logger';
import { TokenUsageEntity, TokenUsageOutcome } from './token-usage.entity';

export interface UsageEntry {
  tokenId: string;
  operation: string;
  clientAddress: string | null;
  outcome: TokenUsageOutcome;
}

export interface UsageRecorderOptions {
  /** Entries kept in memory at most; beyond it the oldest are dropped (and counted). */
  maxBuffered: number;
  flushIntervalMs: number;
  retentionDays: number;
}

const BATCH_SIZE = 500;
const PURGE_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Per-use traceability without a write per request: uses are counted in memory, identical ones
 * (same token, operation, client address and outcome) folded into one record with a count, and
 * the records inserted in batches every `flushIntervalMs` (or early, once half the buffer is
 * taken), flushed on shutdown, and purged after `retentionDays`. Write volume is bounded by
 * distinct uses per interval, not by traffic: a flush at every full batch instead wrote about one
 * row per request when a thousand tokens were in steady use.
 */
export class UsageRecorder {
  private pending = new Map<string, TokenUsageEntity>();
  private flushing: Promise<void> = Promise.resolve();
  /** The early flush asked for by a half-full buffer, until it has written: one at a time, not one per use meanwhile. */
  private earlyFlush: Promise<void> | null = null;
  private timers: NodeJS.Timeout[] = [];
  dropped = 0;

  constructor(
    private readonly db: DataSource,
    private readonly options: UsageRecorderOptions,
  ) {}

  start(): void {
    this.timers = [
      setInterval(() => void this.flush(), this.options.flushIntervalMs),
      setInterval(() => void this.purge(), PURGE_INTERVAL_MS),
    ];
    for (const timer of this.timers) timer.unref();
    void this.purge();
  }

  record(entry: UsageEntry): void {
    const operation = entry.operation.slice(0, 191);
    const key = `${entry.tokenId}\n${operation}\n${entry.clientAddress}\n${entry.outcome}`;
    const existing = this.pending.get(key);
    if (existing) {
      existing.count += 1;
      existing.usedAt = new Date();
      return;
    }
    if (this.pending.size >= this.options.maxBuffered) {
      this.dropped += 1;
      return;
    }
    // Named fields, no spread: see startRecord (request-record.ts); this runs for each token's first use after a flush.
    this.pending.set(key, Object.assign(new TokenUsageEntity(), { tokenId: entry.tokenId, operation, clientAddress: entry.clientAddress, outcome: entry.outcome, usedAt: new Date(), count: 1 }));
    if (this.pending.size >= this.options.maxBuffered / 2) this.earlyFlush ??= this.flush().finally(() => (this.earlyFlush = null));
  }

  /** Distinct uses waiting to be written. */
  get buffered(): number {
    return this.pending.size;
  }

  /** Writes everything buffered so far; calls are serialised. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const records = [...this.pending.values()];
      this.pending = new Map();
      for (const record of records) record.id = newId();
      while (records.length) {
        const batch = records.splice(0, BATCH_SIZE);
        try {
          await this.insert(batch);
        } catch (error) {
          this.dropped += batch.reduce((sum, record) => sum + record.count, 0);
          logger.error({ count: batch.length, error: String(error) }, 'token usage batch lost');
        }
      }
    });
    return this.flushing;
  }

  /**
   * One multi-row INSERT, with each value converted as TypeORM would for the column. (TypeORM's
   * insert builder spends tens of microseconds per row on its named parameters: at a few thousand
   * distinct uses a second that showed in profiles of the request path.)
   */
  private async insert(batch: TokenUsageEntity[]): Promise<void> {
    const { driver } = this.db;
    const { tableName, columns } = this.db.getMetadata(TokenUsageEntity);
    const row = `(${columns.map(() => '?').join(', ')})`;
    await this.db.query(
      `INSERT INTO ${driver.escape(tableName)} (${columns.map((column) => driver.escape(column.databaseName)).join(', ')}) VALUES ${batch.map(() => row).join(', ')}`,
      batch.flatMap((record) => columns.map((column) => driver.preparePersistentValue(column.getEntityValue(record), column))),
    );
  }

  /** Stops the timers and writes what is left (graceful shutdown). */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await this.flush();
  }

  async purge(): Promise<void> {
    try {
      await this.purgeExpired();
    } catch (error) {
      logger.warn({ error: String(error) }, 'token usage purge failed');
    }
  }

  /** Deletes the usage records older than the retention period; returns how many. */
  async purgeExpired(): Promise<number> {
    const result = await this.db.manager.delete(TokenUsageEntity, { usedAt: LessThan(new Date(Date.now() - this.options.retentionDays * 24 * 3600 * 1000)) });
    return result.affected ?? 0;
  }
}
