import { RateLimiterMemory } from 'rate-limiter-flexible';
import { AppConfig } from '../config/config';
import { rateLimited } from '../errors/app-error';

/**
 * Throttles password checks per account and per client address (OWASP ASVS V6.3.1):
 * after too many failures in the window, attempts answer RATE_LIMITED with a retry time.
 * A success clears the account's counter. Counters live in this process.
 */
export class LoginThrottle {
  private readonly byAccount: RateLimiterMemory;
  private readonly byAddress: RateLimiterMemory;

  constructor(config: Pick<AppConfig, 'loginMaxAttemptsPerAccount' | 'loginMaxAttemptsPerAddress' | 'loginThrottleWindowSeconds'>) {
    this.byAccount = new RateLimiterMemory({ keyPrefix: 'login-account', points: config.loginMaxAttemptsPerAccount, duration: config.loginThrottleWindowSeconds });
    this.byAddress = new RateLimiterMemory({ keyPrefix: 'login-address', points: config.loginMaxAttemptsPerAddress, duration: config.loginThrottleWindowSeconds });
  }

  /** Throws RATE_LIMITED when the account or the address has no attempts left. */
  async assertAllowed(account: string, address: string | null): Promise<void> {
    const checks: Array<[RateLimiterMemory, string]> = [[this.byAccount, account]];
    if (address) checks.push([this.byAddress, address]);
    for (const [limiter, key] of checks) {
      const state = await limiter.get(key);
      if (state && state.consumedPoints >= limiter.points) throw rateLimited(Math.max(1, Math.ceil(state.msBeforeNext / 1000)));
    }
  }

  async recordFailure(account: string, address: string | null): Promise<void> {
    await Promise.all([
      this.byAccount.penalty(account, 1),
      ...(address ? [this.byAddress.penalty(address, 1)] : []),
    ]);
  }

  async recordSuccess(account: string): Promise<void> {
    await this.byAccount.delete(account);
  }
}
