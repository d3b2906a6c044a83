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
 * Per-use traceability without a write per request: uses are buffered in memory and inserted in
 * batches every `flushIntervalMs` (or as soon as a batch is full), flushed on shutdown, and
 * purged after `retentionDays`.
 */
export class UsageRecorder {
  private buffer: TokenUsageEntity[] = [];
  private flushing: Promise<void> = Promise.resolve();
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
    if (this.buffer.length >= this.options.maxBuffered) {
      this.buffer.shift();
      this.dropped += 1;
    }
    this.buffer.push(Object.assign(new TokenUsageEntity(), { ...entry, id: newId(), usedAt: new Date(), operation: entry.operation.slice(0, 191) }));
    if (this.buffer.length >= BATCH_SIZE) void this.flush();
  }

  get buffered(): number {
    return this.buffer.length;
  }

  /** Writes everything buffered so far; calls are serialised. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      while (this.buffer.length) {
        const batch = this.buffer.splice(0, BATCH_SIZE);
        try {
          await this.db.createQueryBuilder().insert().into(TokenUsageEntity).values(batch).execute();
        } catch (error) {
          this.dropped += batch.length;
          logger.error('token usage batch lost', { count: batch.length, error: String(error) });
        }
      }
    });
    return this.flushing;
  }

  /** Stops the timers and writes what is left (graceful shutdown). */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await this.flush();
  }

  async purge(): Promise<void> {
    try {
      await this.db.manager.delete(TokenUsageEntity, { usedAt: LessThan(new Date(Date.now() - this.options.retentionDays * 24 * 3600 * 1000)) });
    } catch (error) {
      logger.warn('token usage purge failed', { error: String(error) });
    }
  }
}
