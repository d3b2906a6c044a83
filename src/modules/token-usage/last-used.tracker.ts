import { DataSource } from 'typeorm';
import { logger } from '../../core/logging/logger';
import { AccessTokenEntity } from '../access-token/access-token.entity';

/** GitLab's rule: a token's last use is written at most once per ten minutes. */
export const LAST_USED_INTERVAL_MS = 10 * 60 * 1000;
const KEPT_ADDRESSES = 5;

/** Most recent first, distinct, at most five. */
export function mergeAddresses(previous: string | null, address: string | null): string | null {
  const list = (previous ? previous.split(' ') : []).filter((a) => a !== address);
  return [...(address ? [address] : []), ...list].slice(0, KEPT_ADDRESSES).join(' ') || null;
}

/**
 * Records `lastUsedAt` and recent client addresses without delaying the response: the row read
 * by authentication already tells whether ten minutes have passed, so most uses write nothing;
 * otherwise one conditional UPDATE runs in the background, and across instances the condition
 * lets only one of them write.
 */
export class LastUsedTracker {
  private readonly attempted = new Map<string, number>();
  private readonly inFlight = new Set<Promise<unknown>>();

  /**
   * `maxRemembered` bounds the attempts kept (memory, whatever the number of tokens in use): one
   * forgotten early costs at most one more conditional UPDATE, which the condition makes a no-op.
   */
  constructor(
    private readonly db: DataSource,
    private readonly maxRemembered = 100_000,
  ) {}

  touch(token: { id: string; lastUsedAt: Date | null; lastUsedAddresses: string | null }, address: string | null, now = Date.now()): void {
    if (token.lastUsedAt && now - token.lastUsedAt.getTime() < LAST_USED_INTERVAL_MS) return;
    const previousAttempt = this.attempted.get(token.id);
    if (previousAttempt !== undefined && now - previousAttempt < LAST_USED_INTERVAL_MS) return;
    this.forgetOldAttempts(now);
    // Re-inserted at the end, so the map stays in attempt order.
    this.attempted.delete(token.id);
    this.attempted.set(token.id, now);
    const write = this.db
      .createQueryBuilder()
      .update(AccessTokenEntity)
      .set({ lastUsedAt: new Date(now), lastUsedAddresses: mergeAddresses(token.lastUsedAddresses, address) })
      .where('id = :id AND (lastUsedAt IS NULL OR lastUsedAt < :threshold)', { id: token.id, threshold: new Date(now - LAST_USED_INTERVAL_MS) })
      .execute()
      .catch((error: unknown) => logger.warn({ tokenId: token.id, error: String(error) }, 'last-used update failed'))
      .finally(() => this.inFlight.delete(write));
    this.inFlight.add(write);
  }

  /** Waits for the background writes (graceful shutdown). */
  async drain(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  /**
   * Oldest first, up to the first recent one while there is room for one more: each attempt is
   * looked at about once (a full scan per use cost O(tokens) under a stream of first uses).
   */
  private forgetOldAttempts(now: number): void {
    for (const [id, at] of this.attempted) {
      if (now - at < LAST_USED_INTERVAL_MS && this.attempted.size < this.maxRemembered) return;
      this.attempted.delete(id);
    }
  }
}
