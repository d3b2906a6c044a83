import { RateLimiterMemory } from 'rate-limiter-flexible';

/**
 * Counts failures per key (an account, a client address); once `maxFailures` are reached within
 * `windowSeconds`, `retryAfter` tells how long that key must wait. Counters live in this process.
 */
export class FailureThrottle {
  private readonly limiter: RateLimiterMemory;

  constructor(keyPrefix: string, maxFailures: number, windowSeconds: number) {
    this.limiter = new RateLimiterMemory({ keyPrefix, points: maxFailures, duration: windowSeconds });
  }

  /** Seconds the key must wait, or 0 when it may try. */
  async retryAfter(key: string | null): Promise<number> {
    if (!key) return 0;
    const state = await this.limiter.get(key);
    return state && state.consumedPoints >= this.limiter.points ? Math.max(1, Math.ceil(state.msBeforeNext / 1000)) : 0;
  }

  async recordFailure(key: string | null): Promise<void> {
    if (key) await this.limiter.penalty(key, 1);
  }

  async reset(key: string): Promise<void> {
    await this.limiter.delete(key);
  }
}
